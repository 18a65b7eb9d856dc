/* Little-endian fields and byte sums of the PC's firmware and boot structures (ACPI, MP tables,
 * the Linux boot protocol), read or written at any alignment. */
#ifndef X86_64_PC_BYTES_H
#define X86_64_PC_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* The n-byte (1..8) little-endian value at p. */
static inline uint64_t le_get(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Writes the low n bytes (1..8) of v at p, little-endian. */
static inline void le_put(uint8_t *p, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The byte sum of p[0, len): 0 for a structure whose checksum byte is right. */
static inline uint8_t byte_sum(const uint8_t *p, uint64_t len)
{
	uint8_t sum = 0;

	for (uint64_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

/* Makes p[0, len) sum to zero with the checksum byte p[at]. */
static inline void set_checksum(uint8_t *p, uint64_t len, size_t at)
{
	p[at] = 0;
	p[at] = (uint8_t)-byte_sum(p, len);
}

#endif
