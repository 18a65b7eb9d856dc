/* Which host memory a VM configuration may have: linear memory regions only in RAM the host
 * sets aside for VMs, pass-through ranges only in device windows it offers, neither shared with
 * another live VM; and allocated memory only within the pages the host budgets for VMs. */
#include <axvm/error.h>
#include <axvm/range.h>

#include "vm_internal.h"

static bool inside(uint64_t base, uint64_t size, const struct axvm_host_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (base >= r[i].base && size <= r[i].size && base - r[i].base <= r[i].size - size)
			return true;
	}
	return false;
}

/* One host range a configuration maps: where, and what it is for (messages). */
struct host_use {
	uint64_t hpa, size, gpa;
	bool device; /* a pass-through range, else a linear memory region */
};

/* The host ranges cfg maps, into uses (at most AXVM_MAX_MEMORY_REGIONS + AXVM_MAX_PASSTHROUGH). */
static size_t host_uses(const struct axvm_config *cfg, struct host_use *uses)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];

		if (m->kind == AXVM_MEM_LINEAR)
			uses[n++] = (struct host_use){m->hpa, m->size, m->gpa, false};
	}
	for (size_t i = 0; i < cfg->passthrough_count; i++) {
		const struct axvm_passthrough *p = &cfg->passthrough[i];

		uses[n++] = (struct host_use){p->hpa, p->size, p->gpa, true};
	}
	return n;
}

static const char *use_name(const struct host_use *u)
{
	return u->device ? "pass-through" : "linear memory";
}

int vm_admit_host_ranges(const struct axvm_config *cfg, struct axvm *const *live, size_t count,
			 struct ax_diag *diag)
{
	const struct axvm_hal *hal = axvm_hal_get();
	struct host_use uses[AXVM_MAX_MEMORY_REGIONS + AXVM_MAX_PASSTHROUGH];
	struct host_use theirs[AXVM_MAX_MEMORY_REGIONS + AXVM_MAX_PASSTHROUGH];
	size_t n = host_uses(cfg, uses);

	for (size_t i = 0; i < n; i++) {
		const struct host_use *u = &uses[i];
		bool allowed = u->device
				   ? inside(u->hpa, u->size, hal->vm_devices, hal->vm_device_count)
				   : inside(u->hpa, u->size, hal->vm_ram, hal->vm_ram_count);

		if (!allowed)
			return ax_diag_set(
			    diag, AXERR_PERMISSION,
			    "vm %u: %s at guest 0x%llx: host range [0x%llx, +0x%llx) "
			    "is not %s the host gives VMs",
			    cfg->id, use_name(u), (unsigned long long)u->gpa,
			    (unsigned long long)u->hpa, (unsigned long long)u->size,
			    u->device ? "a device window" : "memory");
		for (size_t v = 0; v < count; v++) {
			size_t m = live[v] ? host_uses(&live[v]->cfg, theirs) : 0;

			for (size_t j = 0; j < m; j++) {
				if (!ax_ranges_overlap(u->hpa, u->size, theirs[j].hpa,
						       theirs[j].size))
					continue;
				return ax_diag_set(
				    diag, AXERR_PERMISSION,
				    "vm %u: %s at guest 0x%llx: host range [0x%llx, +0x%llx) "
				    "overlaps vm %u's %s at host 0x%llx",
				    cfg->id, use_name(u), (unsigned long long)u->gpa,
				    (unsigned long long)u->hpa, (unsigned long long)u->size,
				    live[v]->id, use_name(&theirs[j]),
				    (unsigned long long)theirs[j].hpa);
			}
		}
	}
	return AX_OK;
}

/* Stage-2 table pages a mapping of size bytes may need, whatever its alignment: a last-level
 * table per 2 MiB, one above per 1 GiB, one more of each for a range that straddles. */
static uint64_t table_pages(uint64_t size)
{
	return size / (2ull << 20) + size / (1ull << 30) + 4;
}

uint64_t vm_page_charge(const struct axvm_config *cfg, uint32_t root_pages)
{
	uint64_t pages = root_pages;

	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];

		pages += table_pages(m->size);
		if (m->kind != AXVM_MEM_LINEAR)
			pages += m->size / AXADDR_PAGE_SIZE;
	}
	for (size_t i = 0; i < cfg->passthrough_count; i++)
		pages += table_pages(cfg->passthrough[i].size);
	return pages;
}
