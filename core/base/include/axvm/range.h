/* Address ranges as [base, base + size). */
#ifndef AXVM_RANGE_H
#define AXVM_RANGE_H

#include <stdbool.h>
#include <stdint.h>

/* Whether [a, a + a_size) and [b, b + b_size) share a byte. Empty ranges share none; ranges
 * are taken modulo 2^64, so one that wraps past the top still meets what it covers. */
static inline bool ax_ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a_size && b_size && (a - b < b_size || b - a < a_size);
}

#endif
