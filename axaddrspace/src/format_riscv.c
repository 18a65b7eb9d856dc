/* RISC-V G-stage translation (privileged spec, "Two-Stage Address Translation"): Sv39x4 and
 * Sv48x4 are Sv39/Sv48 with two extra guest-physical address bits in a 16 KiB root. Leaves must
 * have U set (guest accesses are checked as user accesses); A and D are preset because the
 * hypervisor does not handle A/D faults. */
#include <axaddrspace/formats.h>

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
/* Supervisor-reserved (RSW) bit: remembers AXMAP_DEVICE, which RISC-V takes from PMAs. */
#define PTE_SW_DEVICE (1ull << 8)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK 0x003ffffffffffc00ull

static uint64_t addr_to_ppn_field(hpa_t pa)
{
	return ((pa.v >> 12) << PTE_PPN_SHIFT) & PTE_PPN_MASK;
}

static uint64_t riscv_table_entry(hpa_t table)
{
	return addr_to_ppn_field(table) | PTE_V;
}

static uint64_t riscv_leaf_entry(unsigned level, hpa_t pa, uint32_t flags)
{
	uint64_t pte = addr_to_ppn_field(pa) | PTE_V | PTE_U | PTE_A | PTE_D;

	(void)level;
	pte |= (flags & AXMAP_READ) ? PTE_R : 0;
	pte |= (flags & AXMAP_WRITE) ? PTE_W : 0;
	pte |= (flags & AXMAP_EXEC) ? PTE_X : 0;
	pte |= (flags & AXMAP_DEVICE) ? PTE_SW_DEVICE : 0;
	return pte;
}

static enum pte_kind riscv_kind(unsigned level, uint64_t pte)
{
	(void)level;
	if (!(pte & PTE_V))
		return PTE_INVALID;
	return (pte & (PTE_R | PTE_W | PTE_X)) ? PTE_LEAF : PTE_TABLE;
}

static hpa_t riscv_entry_addr(uint64_t pte)
{
	return hpa(((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << 12);
}

static uint32_t riscv_leaf_flags(uint64_t pte)
{
	uint32_t flags = 0;

	flags |= (pte & PTE_R) ? AXMAP_READ : 0;
	flags |= (pte & PTE_W) ? AXMAP_WRITE : 0;
	flags |= (pte & PTE_X) ? AXMAP_EXEC : 0;
	flags |= (pte & PTE_SW_DEVICE) ? AXMAP_DEVICE : 0;
	return flags;
}

const struct pt_format pt_format_sv39x4 = {
    .name = "sv39x4",
    .levels = 3,
    .root_pages = 4,
    .gpa_bits = 41,
    .shift = {30, 21, 12},
    .leaf_levels = (1u << 0) | (1u << 1) | (1u << 2),
    .table_entry = riscv_table_entry,
    .leaf_entry = riscv_leaf_entry,
    .kind = riscv_kind,
    .entry_addr = riscv_entry_addr,
    .leaf_flags = riscv_leaf_flags,
};

const struct pt_format pt_format_sv48x4 = {
    .name = "sv48x4",
    .levels = 4,
    .root_pages = 4,
    .gpa_bits = 50,
    .shift = {39, 30, 21, 12},
    .leaf_levels = (1u << 1) | (1u << 2) | (1u << 3),
    .table_entry = riscv_table_entry,
    .leaf_entry = riscv_leaf_entry,
    .kind = riscv_kind,
    .entry_addr = riscv_entry_addr,
    .leaf_flags = riscv_leaf_flags,
};
