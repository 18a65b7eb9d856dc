/* The stdlib subset of the freestanding C library that axvm-c provides on bare metal. */
#ifndef AXVM_LIBC_STDLIB_H
#define AXVM_LIBC_STDLIB_H

#include <stddef.h>

/* Parses an unsigned number in the given base (0: detect 0x / 0 prefixes). */
unsigned long strtoul(const char *s, char **end, int base);

#endif
