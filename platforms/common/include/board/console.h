/* The hypervisor host's console: one output driver per board, safe to use from every CPU. */
#ifndef BOARD_CONSOLE_H
#define BOARD_CONSOLE_H

#include <stdarg.h>

/* Sends one character to the console device (the board's UART driver). */
typedef void (*console_putc_fn)(char c);

/* Installs the console driver; output before this is dropped. */
void console_init(console_putc_fn putc);

/* Prints a formatted line fragment (see axvm/format.h); whole calls never interleave. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like kprintf with a va_list. */
void kvprintf(const char *fmt, va_list ap);

#endif
