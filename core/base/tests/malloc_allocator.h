/* An ax_allocator over malloc for host tests. */
#ifndef AXVM_TESTS_MALLOC_ALLOCATOR_H
#define AXVM_TESTS_MALLOC_ALLOCATOR_H

extern "C" {
#include <axvm/alloc.h>
}

struct MallocAllocator {
	MallocAllocator();
	/* Pass &ops to the code under test. */
	ax_allocator ops;
	/* Allocations not yet freed. */
	long live = 0;
	/* Allocations allowed before every further one fails; negative: never fail. */
	long fail_after = -1;
};

#endif
