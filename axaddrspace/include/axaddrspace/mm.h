/* Where an address space gets the host pages for its tables and its allocated guest memory.
 * A host OS fills this from its page allocator; core fills it from the HAL. */
#ifndef AXADDRSPACE_MM_H
#define AXADDRSPACE_MM_H

#include <stddef.h>

#include <axaddrspace/addr.h>

#define AXADDR_PAGE_SIZE 4096u

struct axaddr_mm {
	/* Allocates count contiguous 4 KiB pages aligned to align_pages pages (a power of two).
	 * Returns 0, or AXERR_NO_MEMORY. Contents are undefined. */
	int (*alloc_pages)(void *ctx, size_t count, size_t align_pages, hpa_t *out);
	/* Returns pages from alloc_pages (the same count). */
	void (*free_pages)(void *ctx, hpa_t pa, size_t count);
	/* Where the hypervisor can access a host-physical address. */
	hva_t (*phys_to_virt)(void *ctx, hpa_t pa);
	void *ctx;
};

#endif
