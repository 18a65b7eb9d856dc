/* Arm VMSAv8-64 stage 2 with a 4 KiB granule (Arm ARM D8, "Stage 2 translation"): bit 0 valid,
 * bit 1 table (levels 0-2) or page (level 3), a 0 there at levels 1-2 a block. Leaves carry
 * MemAttr[5:2], S2AP[7:6], SH[9:8], AF[10] and XN[54]. */
#include <axaddrspace/formats.h>

#include <axvm/error.h>

#define S2_VALID (1ull << 0)
#define S2_TABLE_OR_PAGE (1ull << 1)
#define S2_MEMATTR_NORMAL_WB (0xfull << 2)
#define S2_MEMATTR_DEVICE_nGnRE (0x1ull << 2)
#define S2_MEMATTR_MASK (0xfull << 2)
#define S2AP_READ (1ull << 6)
#define S2AP_WRITE (1ull << 7)
#define S2_SH_INNER (3ull << 8)
#define S2_AF (1ull << 10)
#define S2_XN (1ull << 54)
#define S2_ADDR_MASK 0x0000fffffffff000ull
#define S2_LAST_LEVEL 3

/* Levels are numbered from the format's root; Arm numbers them from its start level. */
static unsigned arm_level(unsigned levels, unsigned level)
{
	return level + (4 - levels);
}

static uint64_t s2_table_entry(hpa_t table)
{
	return (table.v & S2_ADDR_MASK) | S2_VALID | S2_TABLE_OR_PAGE;
}

static uint64_t s2_leaf(unsigned arm_lvl, hpa_t pa, uint32_t flags)
{
	uint64_t pte = (pa.v & S2_ADDR_MASK) | S2_VALID | S2_AF;

	if (arm_lvl == S2_LAST_LEVEL)
		pte |= S2_TABLE_OR_PAGE;
	pte |= (flags & AXMAP_READ) ? S2AP_READ : 0;
	pte |= (flags & AXMAP_WRITE) ? S2AP_WRITE : 0;
	pte |= (flags & AXMAP_EXEC) ? 0 : S2_XN;
	if (flags & AXMAP_DEVICE)
		pte |= S2_MEMATTR_DEVICE_nGnRE;
	else
		pte |= S2_MEMATTR_NORMAL_WB | S2_SH_INNER;
	return pte;
}

static enum pte_kind s2_kind(unsigned arm_lvl, uint64_t pte)
{
	if (!(pte & S2_VALID))
		return PTE_INVALID;
	if (arm_lvl == S2_LAST_LEVEL)
		return (pte & S2_TABLE_OR_PAGE) ? PTE_LEAF : PTE_INVALID;
	if (pte & S2_TABLE_OR_PAGE)
		return PTE_TABLE;
	/* Level 0 blocks do not exist with a 4 KiB granule. */
	return arm_lvl == 0 ? PTE_INVALID : PTE_LEAF;
}

static uint64_t s2_leaf3(unsigned level, hpa_t pa, uint32_t flags)
{
	return s2_leaf(arm_level(3, level), pa, flags);
}

static uint64_t s2_leaf4(unsigned level, hpa_t pa, uint32_t flags)
{
	return s2_leaf(arm_level(4, level), pa, flags);
}

static enum pte_kind s2_kind3(unsigned level, uint64_t pte)
{
	return s2_kind(arm_level(3, level), pte);
}

static enum pte_kind s2_kind4(unsigned level, uint64_t pte)
{
	return s2_kind(arm_level(4, level), pte);
}

static hpa_t s2_entry_addr(uint64_t pte)
{
	return hpa(pte & S2_ADDR_MASK);
}

static uint32_t s2_leaf_flags(uint64_t pte)
{
	uint32_t flags = 0;

	flags |= (pte & S2AP_READ) ? AXMAP_READ : 0;
	flags |= (pte & S2AP_WRITE) ? AXMAP_WRITE : 0;
	flags |= (pte & S2_XN) ? 0 : AXMAP_EXEC;
	if ((pte & S2_MEMATTR_MASK) != S2_MEMATTR_NORMAL_WB)
		flags |= AXMAP_DEVICE;
	return flags;
}

int arm_s2_format_init(struct pt_format *f, unsigned ipa_bits)
{
	bool four = ipa_bits >= 44;

	if (ipa_bits < 32 || ipa_bits > 48)
		return AXERR_INVALID;
	*f = (struct pt_format){
	    .name = four ? "arm-s2-l0" : "arm-s2-l1",
	    .levels = four ? 4 : 3,
	    .gpa_bits = (uint8_t)ipa_bits,
	    .table_entry = s2_table_entry,
	    .leaf_entry = four ? s2_leaf4 : s2_leaf3,
	    .kind = four ? s2_kind4 : s2_kind3,
	    .entry_addr = s2_entry_addr,
	    .leaf_flags = s2_leaf_flags,
	};
	if (four) {
		f->shift[0] = 39;
		f->shift[1] = 30;
		f->shift[2] = 21;
		f->shift[3] = 12;
		f->leaf_levels = (1u << 1) | (1u << 2) | (1u << 3);
		f->root_pages = 1;
	} else {
		f->shift[0] = 30;
		f->shift[1] = 21;
		f->shift[2] = 12;
		f->leaf_levels = (1u << 0) | (1u << 1) | (1u << 2);
		/* A level-1 table covers 39 bits; wider IPAs concatenate up to 16 tables. */
		f->root_pages = (uint8_t)(ipa_bits > 39 ? 1u << (ipa_bits - 39) : 1u);
	}
	return AX_OK;
}
