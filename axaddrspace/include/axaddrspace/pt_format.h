/* A nested page-table format: the data that describes its levels plus small encode/decode
 * hooks. One generic engine (page_table.h) walks every format. */
#ifndef AXADDRSPACE_PT_FORMAT_H
#define AXADDRSPACE_PT_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include <axaddrspace/addr.h>

#define PT_MAX_LEVELS 4

/* Access rights and memory type of a guest mapping. */
enum axmap_flags {
	AXMAP_READ = 1u << 0,
	AXMAP_WRITE = 1u << 1,
	AXMAP_EXEC = 1u << 2,
	AXMAP_DEVICE = 1u << 3, /* device memory (uncached, no speculation) instead of normal RAM */
	AXMAP_RWX = AXMAP_READ | AXMAP_WRITE | AXMAP_EXEC,
	AXMAP_ALL = AXMAP_RWX | AXMAP_DEVICE,
};

/* What an entry at some level holds. */
enum pte_kind {
	PTE_INVALID,
	PTE_TABLE, /* points to a table of the next level */
	PTE_LEAF,  /* maps a page or block */
};

struct pt_format {
	const char *name;
	uint8_t levels;	    /* 3 or 4 */
	uint8_t root_pages; /* concatenated root tables: 1, or 2..16 (Arm), 4 (RISC-V x4) */
	uint8_t gpa_bits;   /* guest-physical address width */
	uint8_t shift[PT_MAX_LEVELS]; /* lowest address bit an entry of each level maps */
	uint8_t leaf_levels;	      /* bit L set: level L may hold a leaf (the last always) */
	/* Encodes an entry pointing to a next-level table. */
	uint64_t (*table_entry)(hpa_t table);
	/* Encodes a leaf at level mapping pa with flags (a valid combination of enum axmap_flags).
	 */
	uint64_t (*leaf_entry)(unsigned level, hpa_t pa, uint32_t flags);
	/* Classifies an entry found at level. */
	enum pte_kind (*kind)(unsigned level, uint64_t pte);
	/* The address in a table or leaf entry. */
	hpa_t (*entry_addr)(uint64_t pte);
	/* The enum axmap_flags of a leaf entry. */
	uint32_t (*leaf_flags)(uint64_t pte);
};

/* Bytes mapped by one entry at level. */
static inline uint64_t pt_entry_size(const struct pt_format *f, unsigned level)
{
	return 1ull << f->shift[level];
}

/* Entries in one table of level (the root may be concatenated, hence wider). */
static inline uint64_t pt_entries(const struct pt_format *f, unsigned level)
{
	unsigned top = level ? f->shift[level - 1] : f->gpa_bits;

	return 1ull << (top - f->shift[level]);
}

/* The index of gpa's entry in a table of level. */
static inline uint64_t pt_index(const struct pt_format *f, unsigned level, uint64_t gpa)
{
	return (gpa >> f->shift[level]) & (pt_entries(f, level) - 1);
}

#endif
