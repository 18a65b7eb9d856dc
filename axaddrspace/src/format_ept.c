/* Intel EPT (SDM Vol. 3C, 29.3.2): bits 0-2 read/write/execute, bits 5:3 the memory type of a
 * leaf, bit 7 marks a 1 GiB or 2 MiB leaf, bits 51:12 the address. */
#include <axaddrspace/formats.h>

#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_UC 0ull
#define EPT_MEMTYPE_WB 6ull
#define EPT_LEAF_BIT (1ull << 7)
#define EPT_ADDR_MASK 0x000ffffffffff000ull
#define EPT_LAST_LEVEL 3

static uint64_t ept_table_entry(hpa_t table)
{
	return (table.v & EPT_ADDR_MASK) | EPT_R | EPT_W | EPT_X;
}

static uint64_t ept_leaf_entry(unsigned level, hpa_t pa, uint32_t flags)
{
	uint64_t pte = pa.v & EPT_ADDR_MASK;

	pte |= (flags & AXMAP_READ) ? EPT_R : 0;
	pte |= (flags & AXMAP_WRITE) ? EPT_W : 0;
	pte |= (flags & AXMAP_EXEC) ? EPT_X : 0;
	pte |= ((flags & AXMAP_DEVICE) ? EPT_MEMTYPE_UC : EPT_MEMTYPE_WB) << EPT_MEMTYPE_SHIFT;
	if (level != EPT_LAST_LEVEL)
		pte |= EPT_LEAF_BIT;
	return pte;
}

static enum pte_kind ept_kind(unsigned level, uint64_t pte)
{
	if (!(pte & (EPT_R | EPT_W | EPT_X)))
		return PTE_INVALID;
	if (level == EPT_LAST_LEVEL || (pte & EPT_LEAF_BIT))
		return level == 0 ? PTE_INVALID : PTE_LEAF;
	return PTE_TABLE;
}

static hpa_t ept_entry_addr(uint64_t pte)
{
	return hpa(pte & EPT_ADDR_MASK);
}

static uint32_t ept_leaf_flags(uint64_t pte)
{
	uint32_t flags = 0;

	flags |= (pte & EPT_R) ? AXMAP_READ : 0;
	flags |= (pte & EPT_W) ? AXMAP_WRITE : 0;
	flags |= (pte & EPT_X) ? AXMAP_EXEC : 0;
	if (((pte >> EPT_MEMTYPE_SHIFT) & 7) == EPT_MEMTYPE_UC)
		flags |= AXMAP_DEVICE;
	return flags;
}

const struct pt_format pt_format_ept4 = {
    .name = "ept4",
    .levels = 4,
    .root_pages = 1,
    .gpa_bits = 48,
    .shift = {39, 30, 21, 12},
    .leaf_levels = (1u << 1) | (1u << 2) | (1u << 3),
    .table_entry = ept_table_entry,
    .leaf_entry = ept_leaf_entry,
    .kind = ept_kind,
    .entry_addr = ept_entry_addr,
    .leaf_flags = ept_leaf_flags,
};
