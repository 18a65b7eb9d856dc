/* Sets of physical address ranges: the memory a board discovers, minus what is reserved. */
#ifndef BOARD_MEM_RANGES_H
#define BOARD_MEM_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEM_RANGES_MAX 32

/* A half-open physical range [base, end). */
struct mem_range {
	uint64_t base;
	uint64_t end;
};

/* A sorted set of disjoint, non-adjacent ranges. */
struct mem_ranges {
	size_t count;
	struct mem_range r[MEM_RANGES_MAX];
};

/* Empties the set. */
void mem_ranges_init(struct mem_ranges *set);

/* Adds [base, base+size), merging with what overlaps or touches. False if the set is full or
 * the range wraps around the address space. */
bool mem_ranges_add(struct mem_ranges *set, uint64_t base, uint64_t size);

/* Removes [base, base+size) from the set. False if a split would overflow the set. */
bool mem_ranges_remove(struct mem_ranges *set, uint64_t base, uint64_t size);

/* Shrinks every range inward to multiples of align (a power of two), dropping empty ones. */
void mem_ranges_align(struct mem_ranges *set, uint64_t align);

/* Total bytes covered by the set. */
uint64_t mem_ranges_total(const struct mem_ranges *set);

#endif
