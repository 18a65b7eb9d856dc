#include <axvm/alloc.h>

#include <string.h>

void *ax_zalloc(const struct ax_allocator *a, size_t size)
{
	void *p = a->alloc(a->ctx, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void ax_free(const struct ax_allocator *a, void *ptr)
{
	if (ptr)
		a->free(a->ctx, ptr);
}
