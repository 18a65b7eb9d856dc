/* printf-style formatting without libc, for hypervisor logs and consoles. */
#ifndef AXVM_FORMAT_H
#define AXVM_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives formatted output one character at a time. */
typedef void (*ax_putc_fn)(void *ctx, char c);

/*
 * Formats fmt with ap, sending every character to putc. Supports %d %i %u %x %X %o %p %s %c %%
 * with the flags '-' and '0', a field width (or '*'), a precision for strings, and the length
 * modifiers hh h l ll z t j. Returns the number of characters produced.
 */
size_t ax_vformat(ax_putc_fn putc, void *ctx, const char *fmt, va_list ap);

/* Like vsnprintf: writes at most size-1 characters plus a NUL; returns the full length. */
size_t ax_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Like snprintf. */
size_t ax_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
