/* The generic nested page-table engine. Every update is all-or-nothing: the table pages an
 * operation needs are allocated before anything is written, so a failed allocation leaves the
 * tables exactly as they were. The caller serialises updates. With a TLB attached
 * (page_table_set_tlb), updates of a live table are safe while CPUs walk it: a block being
 * split is broken before the table replacing it is made (break-before-make, which Arm
 * requires), and nothing an unmap or protect took away stays cached, or is freed, before the
 * TLB has forgotten it. */
#ifndef AXADDRSPACE_PAGE_TABLE_H
#define AXADDRSPACE_PAGE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axaddrspace/addr.h>
#include <axaddrspace/mm.h>
#include <axaddrspace/pt_format.h>

/* What caches the table's translations: the TLBs of the CPUs running the table's guest. */
struct pt_tlb {
	/* Makes the table writes made so far visible to every CPU's table walker. */
	void (*sync)(void *ctx);
	/* Makes every CPU forget cached translations of [g, g + size) (and what was built on
	 * them), returning once none is left. */
	void (*invalidate)(void *ctx, gpa_t g, uint64_t size);
	void *ctx;
};

struct page_table {
	const struct pt_format *fmt;
	const struct axaddr_mm *mm;
	hpa_t root;
	size_t table_pages;	  /* pages held for tables, the root included */
	const struct pt_tlb *tlb; /* NULL: nothing caches the table's translations */
};

/* A translation found by page_table_translate. */
struct pt_mapping {
	hpa_t hpa;	    /* of the translated address */
	uint32_t flags;	    /* enum axmap_flags */
	uint64_t page_size; /* of the page or block containing it */
};

/* Allocates an empty root. Returns 0, AXERR_NO_MEMORY. */
int page_table_init(struct page_table *pt, const struct pt_format *fmt, const struct axaddr_mm *mm);

/* Frees every table page (not the mapped memory). */
void page_table_destroy(struct page_table *pt);

/* Attaches the TLB that caches pt's translations (NULL detaches it); the caller keeps *tlb. */
void page_table_set_tlb(struct page_table *pt, const struct pt_tlb *tlb);

/* Checks what page_table_map would check of its arguments without mapping anything: a
 * page-aligned, non-empty range inside the format's guest-physical range, and valid flags.
 * Returns 0 or AXERR_INVALID. */
int page_table_check(const struct page_table *pt, gpa_t g, uint64_t size, uint32_t flags);

/* Maps [g, g+size) to [h, h+size) with flags, using the largest blocks that alignment and
 * size allow. Returns AXERR_INVALID (unaligned, zero size, outside the format's range, no
 * read access with write), AXERR_EXISTS (part already mapped), AXERR_NO_MEMORY. */
int page_table_map(struct page_table *pt, gpa_t g, hpa_t h, uint64_t size, uint32_t flags);

/* Called for every piece of a mapping an unmap removes, once the unmap can no longer fail and
 * the TLB no longer holds it (so that the piece's memory may be freed). */
typedef void (*pt_unmapped_fn)(void *ctx, gpa_t g, hpa_t h, uint64_t size);

/* Unmaps [g, g+size), splitting blocks that are only partly inside and freeing tables that
 * become empty. Holes in the range are fine. Calls removed (if not NULL) for each piece taken
 * out. Returns 0, AXERR_INVALID, AXERR_NO_MEMORY (nothing changed). */
int page_table_unmap(struct page_table *pt, gpa_t g, uint64_t size, pt_unmapped_fn removed,
		     void *ctx);

/* Gives every page in [g, g+size) the new flags, splitting blocks as needed. Returns
 * AXERR_NOT_MAPPED (a hole in the range), AXERR_INVALID, AXERR_NO_MEMORY. */
int page_table_protect(struct page_table *pt, gpa_t g, uint64_t size, uint32_t flags);

/* Translates one guest-physical address. Returns 0 or AXERR_NOT_MAPPED. */
int page_table_translate(const struct page_table *pt, gpa_t g, struct pt_mapping *out);

/* Calls fn for every leaf in [g, g+size) (whole leaves, in address order). */
void page_table_for_each_leaf(const struct page_table *pt, gpa_t g, uint64_t size,
			      void (*fn)(void *ctx, gpa_t g, const struct pt_mapping *m),
			      void *ctx);

#endif
