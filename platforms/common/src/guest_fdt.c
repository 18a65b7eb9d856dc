#include <board/guest_fdt.h>

#include <axaddrspace/pt_format.h>
#include <axvm/format.h>
#include <libfdt.h>

int guest_fdt_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

int guest_fdt_memory(void *fdt, const struct axvm_config *cfg)
{
	int err = 0;

	for (size_t i = 0; i < cfg->memory_count && !err; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];
		char name[32];

		if (m->flags & AXMAP_DEVICE)
			continue;
		ax_snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)m->gpa);
		err = fdt_begin_node(fdt, name);
		err = err ? err : fdt_property_string(fdt, "device_type", "memory");
		err = err ? err : guest_fdt_reg(fdt, m->gpa, m->size);
		err = err ? err : fdt_end_node(fdt);
	}
	return err;
}
