/* Read access to physical memory for the pure parsers (multiboot, ACPI): the board passes its
 * identity map, host tests pass a buffer that stands in for physical memory. */
#ifndef X86_64_PC_PHYS_VIEW_H
#define X86_64_PC_PHYS_VIEW_H

#include <stddef.h>
#include <stdint.h>

struct phys_view {
	/* Returns a pointer to the len bytes at physical address pa, or NULL if any of them is
	 * out of reach. */
	const void *(*map)(void *ctx, uint64_t pa, uint64_t len);
	void *ctx;
};

/* Maps [pa, pa+len) through the view; NULL when out of reach or when the range wraps. */
static inline const void *phys_map(const struct phys_view *v, uint64_t pa, uint64_t len)
{
	if (pa + len < pa)
		return NULL;
	return v->map(v->ctx, pa, len);
}

#endif
