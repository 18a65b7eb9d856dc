/* The string functions of the freestanding C library that axvm-c provides on bare metal. */
#ifndef AXVM_LIBC_STRING_H
#define AXVM_LIBC_STRING_H

#include <stddef.h>

/* Copies n bytes from src to dst; the ranges must not overlap. Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
/* Copies n bytes from src to dst; the ranges may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n);
/* Fills n bytes at dst with the byte value c. Returns dst. */
void *memset(void *dst, int c, size_t n);
/* Compares n bytes; returns <0, 0 or >0 as a is below, equal to or above b. */
int memcmp(const void *a, const void *b, size_t n);
/* Returns the first occurrence of byte c in the n bytes at s, or NULL. */
void *memchr(const void *s, int c, size_t n);
/* Returns the length of the NUL-terminated string s. */
size_t strlen(const char *s);
/* Returns the length of s, but at most maxlen. */
size_t strnlen(const char *s, size_t maxlen);
/* Compares two NUL-terminated strings. */
int strcmp(const char *a, const char *b);
/* Compares at most n characters of two strings. */
int strncmp(const char *a, const char *b, size_t n);
/* Returns the first occurrence of c in s (the terminator included), or NULL. */
char *strchr(const char *s, int c);
/* Returns the last occurrence of c in s (the terminator included), or NULL. */
char *strrchr(const char *s, int c);
size_t strcspn(const char *s, const char *reject);

#endif
