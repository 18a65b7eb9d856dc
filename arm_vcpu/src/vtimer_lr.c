/* The virtual timer's list register mapped to the physical PPI 27 (see vtimer_lr.h). */
#include <arm_vcpu/vtimer_lr.h>

#define LR_VINTID_MASK 0xffffffffull
#define LR_PINTID_SHIFT 32
#define LR_PINTID_MASK (0x1fffull << LR_PINTID_SHIFT)
#define LR_EOI (1ull << 41) /* the maintenance request of a software interrupt (HW = 0) */
#define LR_HW (1ull << 61)
#define LR_STATE_SHIFT 62
#define LR_STATE_MASK (3ull << LR_STATE_SHIFT)
#define LR_STATE_ACTIVE (2ull << LR_STATE_SHIFT)

static bool holds_vtimer(uint64_t lr)
{
	return (lr & LR_VINTID_MASK) == ARM_VTIMER_PPI && (lr & LR_STATE_MASK) != 0;
}

enum arm_vtimer_entry arm_vtimer_map_lrs(uint64_t *lrs, size_t n, bool level)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t lr = lrs[i];

		if (!holds_vtimer(lr))
			continue;
		if (lr & LR_STATE_ACTIVE)
			lr = (lr & ~LR_STATE_MASK) | LR_STATE_ACTIVE;
		lr &= ~(LR_PINTID_MASK | LR_EOI);
		lrs[i] = lr | LR_HW | (uint64_t)ARM_VTIMER_PPI << LR_PINTID_SHIFT;
		return ARM_VTIMER_KEEP;
	}
	return level ? ARM_VTIMER_KEEP : ARM_VTIMER_DEACTIVATE;
}

bool arm_vtimer_deactivated(const uint64_t *lrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((lrs[i] & LR_VINTID_MASK) == ARM_VTIMER_PPI && (lrs[i] & LR_HW))
			return (lrs[i] & LR_STATE_MASK) == 0;
	}
	return false;
}
