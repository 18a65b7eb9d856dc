/* The object allocator a library is handed by its user (freestanding: no malloc). */
#ifndef AXVM_ALLOC_H
#define AXVM_ALLOC_H

#include <stddef.h>

struct ax_allocator {
	/* Returns size bytes aligned to at least 16, or NULL. Memory is not zeroed. */
	void *(*alloc)(void *ctx, size_t size);
	/* Releases memory from alloc; NULL is ignored. */
	void (*free)(void *ctx, void *ptr);
	void *ctx;
};

/* Allocates size zeroed bytes from a, or returns NULL. */
void *ax_zalloc(const struct ax_allocator *a, size_t size);

/* Frees ptr (may be NULL) back to a. */
void ax_free(const struct ax_allocator *a, void *ptr);

#endif
