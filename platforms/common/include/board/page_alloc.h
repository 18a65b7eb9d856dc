/* A physical page allocator over a set of usable ranges (bitmap per range, first fit). */
#ifndef BOARD_PAGE_ALLOC_H
#define BOARD_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <board/mem_ranges.h>

#define PAGE_SIZE 4096u

/* One usable range with its bitmap (1 = allocated), kept at the start of the range itself. */
struct page_zone {
	uint64_t base; /* first allocatable page */
	uint64_t pages;
	uint64_t *bitmap;
	uint64_t hint; /* where the next search starts */
};

struct page_allocator {
	size_t zones;
	struct page_zone zone[MEM_RANGES_MAX];
	uint64_t total_pages;
	uint64_t free_pages;
};

/* Converts a physical address to a pointer the allocator may write (identity on our boards). */
typedef void *(*phys_to_virt_fn)(uint64_t pa);

/* Builds the allocator over usable (page-aligned inward first). Every range spends its first
 * pages on its own bitmap. Returns false if no page is left. */
bool page_alloc_init(struct page_allocator *a, const struct mem_ranges *usable,
		     phys_to_virt_fn to_virt);

/* Allocates count contiguous pages aligned to align_pages (a power of two, 1 for none).
 * Returns the physical address, or 0 when nothing fits. Pages are not zeroed. */
uint64_t page_alloc(struct page_allocator *a, uint64_t count, uint64_t align_pages);

/* Frees count pages at pa. Returns false (and changes nothing) if any of them is outside the
 * allocator or not allocated. */
bool page_free(struct page_allocator *a, uint64_t pa, uint64_t count);

#endif
