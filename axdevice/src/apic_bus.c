/* The APIC bus's destinations (axdevice/apic_bus.h). */
#include <axdevice/apic_bus.h>

uint32_t apic_logical_id(uint32_t id, enum apic_logical_model model)
{
	switch (model) {
	case APIC_LOGICAL_FLAT:
		return id < 8 ? 1u << id : 0;
	case APIC_LOGICAL_CLUSTER:
		return id < 60 ? (id / 4) << 4 | 1u << (id % 4) : 0;
	case APIC_LOGICAL_X2APIC:
		break;
	}
	return (id / 16) << 16 | 1u << (id % 16);
}

/* Whether logical destination dest names the APIC with logical ID ldr. */
static bool logical_match(uint32_t dest, uint32_t ldr, enum apic_logical_model model)
{
	switch (model) {
	case APIC_LOGICAL_FLAT:
		return dest & ldr;
	case APIC_LOGICAL_CLUSTER:
		return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
	case APIC_LOGICAL_X2APIC:
		break;
	}
	return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
}

uint64_t apic_dest_mask(uint32_t dest, bool logical, enum apic_logical_model model,
			uint32_t apic_count)
{
	uint32_t all = model == APIC_LOGICAL_X2APIC ? 0xffffffffu : 0xffu;
	uint32_t n = apic_count > 64 ? 64 : apic_count;
	uint64_t everyone = n == 64 ? ~0ull : (1ull << n) - 1;
	uint64_t mask = 0;

	if (dest == all)
		return everyone;
	for (uint32_t id = 0; id < n; id++) {
		bool hit =
		    logical ? logical_match(dest, apic_logical_id(id, model), model) : dest == id;

		if (hit)
			mask |= 1ull << id;
	}
	return mask;
}

uint64_t apic_lowest_priority(uint64_t mask)
{
	return mask & -mask;
}
