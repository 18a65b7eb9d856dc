/* A guest-physical address space: regions of guest memory over one nested page table.
 * Linear regions map a host-physical range the caller owns (RAM handed to the guest, or a
 * pass-through device). Alloc regions get their memory from the axaddr_mm, zeroed, either
 * all at once or one page at a time as the guest touches it (stage-2 faults). */
#ifndef AXADDRSPACE_ADDRSPACE_H
#define AXADDRSPACE_ADDRSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axaddrspace/page_table.h>

#define AXADDRSPACE_MAX_REGIONS 32

enum axaddr_region_kind {
	AXADDR_LINEAR, /* gpa -> hpa + (gpa - base), memory owned by the caller */
	AXADDR_ALLOC,  /* memory allocated (and freed) by the address space */
};

struct axaddr_region {
	gpa_t base;
	uint64_t size;
	uint32_t flags; /* enum axmap_flags */
	enum axaddr_region_kind kind;
	hpa_t hpa;	    /* AXADDR_LINEAR: where base maps to */
	bool lazy;	    /* AXADDR_ALLOC: populated on faults */
	uint64_t lazy_unit; /* lazy: bytes a fault populates where it can (4 KiB..2 MiB) */
};

/* The kind of guest access that faulted. */
enum axaddr_access {
	AXADDR_ACCESS_READ = AXMAP_READ,
	AXADDR_ACCESS_WRITE = AXMAP_WRITE,
	AXADDR_ACCESS_EXEC = AXMAP_EXEC,
};

struct axaddrspace {
	struct page_table pt;
	size_t region_count;
	struct axaddr_region regions[AXADDRSPACE_MAX_REGIONS]; /* sorted by base, disjoint */
	uint64_t alloc_pages; /* guest pages currently allocated for alloc regions */
};

/* Creates an empty address space with page-table format fmt. Returns 0, AXERR_NO_MEMORY. */
int axaddrspace_init(struct axaddrspace *as, const struct pt_format *fmt,
		     const struct axaddr_mm *mm);

/* Frees every allocated guest page and every table page. */
void axaddrspace_destroy(struct axaddrspace *as);

/* Attaches the TLB that caches the address space's translations (page_table_set_tlb): from
 * then on unmap and protect are safe while the guest runs, memory is freed only once no CPU
 * can reach it, and blocks are split break-before-make. The caller keeps *tlb. */
void axaddrspace_set_tlb(struct axaddrspace *as, const struct pt_tlb *tlb);

/* Adds a linear region [g, g+size) -> [h, h+size). Returns 0, AXERR_INVALID, AXERR_EXISTS
 * (overlaps a region), AXERR_FULL (region table), AXERR_NO_MEMORY. */
int axaddrspace_map_linear(struct axaddrspace *as, gpa_t g, hpa_t h, uint64_t size, uint32_t flags);

/* Adds an alloc region [g, g+size): populated now (2 MiB blocks where possible), or lazily a
 * page at a time. All or nothing. Returns 0, AXERR_INVALID, AXERR_EXISTS, AXERR_FULL,
 * AXERR_NO_MEMORY. */
int axaddrspace_map_alloc(struct axaddrspace *as, gpa_t g, uint64_t size, uint32_t flags,
			  bool lazy);

/* Adds an alloc region [g, g+size) populated on the guest's faults, unit bytes at a time (a
 * power of two from 4 KiB to 2 MiB): a fault populates the aligned unit around it if that lies
 * in the region, holds no page yet and can be allocated at once, else just its page. Returns
 * 0, AXERR_INVALID, AXERR_EXISTS, AXERR_FULL. */
int axaddrspace_map_lazy(struct axaddrspace *as, gpa_t g, uint64_t size, uint32_t flags,
			 uint64_t unit);

/* Removes [g, g+size), which must lie within regions (a region may be cut in two), freeing
 * allocated memory. Returns 0, AXERR_INVALID, AXERR_NOT_MAPPED, AXERR_FULL, AXERR_NO_MEMORY. */
int axaddrspace_unmap(struct axaddrspace *as, gpa_t g, uint64_t size);

/* Gives back the memory of [g, g+size), page-aligned within one alloc region, while the
 * region stays: its pages are unmapped and freed (through the TLB attached, so no CPU keeps
 * them), and the range reads as zeroes again, populated page by page as it is touched (an
 * eagerly populated region becomes lazy, in pages). What a guest that no longer needs memory
 * (a balloon) asks for. Returns 0, AXERR_INVALID (size 0, unaligned, wrapping),
 * AXERR_NOT_MAPPED (not within one region), AXERR_UNSUPPORTED (a linear region: its memory is
 * the caller's), AXERR_NO_MEMORY (a table for splitting a block; nothing changed). */
int axaddrspace_discard(struct axaddrspace *as, gpa_t g, uint64_t size);

/* Changes the flags of [g, g+size), which must be one whole region. Returns 0,
 * AXERR_INVALID, AXERR_NOT_FOUND, AXERR_NO_MEMORY. */
int axaddrspace_protect(struct axaddrspace *as, gpa_t g, uint64_t size, uint32_t flags);

/* The region containing g, or NULL. */
const struct axaddr_region *axaddrspace_find_region(const struct axaddrspace *as, gpa_t g);

/* Handles a stage-2 fault at g: populates a lazy alloc region's page if the region allows
 * the access. A page that is already mapped with the access (another CPU populated it first)
 * counts as fixed too. *fixed tells whether the guest may retry. Returns 0 or
 * AXERR_NO_MEMORY. The caller serialises it with every other change to the space. */
int axaddrspace_handle_page_fault(struct axaddrspace *as, gpa_t g, enum axaddr_access access,
				  bool *fixed);

/* Zeroes every page of guest memory the alloc regions hold (populated lazy pages included);
 * the mappings stay. Linear regions are the caller's memory and are left alone. */
void axaddrspace_scrub(struct axaddrspace *as);

/* Translates g through the page table. Returns 0 or AXERR_NOT_MAPPED. */
int axaddrspace_translate(const struct axaddrspace *as, gpa_t g, struct pt_mapping *out);

/* Copies len bytes of guest memory at g into buf, across pages and regions. The whole range
 * must be in readable memory regions, none of them device memory (AXMAP_DEVICE: a pass-through
 * window): AXERR_NOT_MAPPED or AXERR_PERMISSION otherwise, before any byte is copied. Lazy
 * pages are populated (AXERR_NO_MEMORY if that fails). */
int axaddrspace_read(struct axaddrspace *as, gpa_t g, void *buf, size_t len);

/* Copies len bytes from buf into guest memory at g; the range must be writable regions. */
int axaddrspace_write(struct axaddrspace *as, gpa_t g, const void *buf, size_t len);

/* Like axaddrspace_write, but as the host loading an image: the range must lie in regions that
 * are not device memory, and their guest permissions do not matter (a kernel goes into
 * read-execute memory). */
int axaddrspace_load(struct axaddrspace *as, gpa_t g, const void *buf, size_t len);

#endif
