/* An ax_allocator over malloc for host tests, with a live-allocation count for leak checks. */
#include "core/base/tests/malloc_allocator.h"

#include <cstdlib>

namespace
{

void *Alloc(void *ctx, size_t size)
{
	auto *m = static_cast<MallocAllocator *>(ctx);
	if (m->fail_after == 0)
		return nullptr;
	if (m->fail_after > 0)
		m->fail_after--;
	void *p = std::aligned_alloc(16, (size + 15) & ~size_t(15));
	if (p)
		m->live++;
	return p;
}

void Free(void *ctx, void *ptr)
{
	auto *m = static_cast<MallocAllocator *>(ctx);
	m->live--;
	std::free(ptr);
}

} // namespace

MallocAllocator::MallocAllocator() : ops{Alloc, Free, this}
{
}
