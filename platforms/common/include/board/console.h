/* The hypervisor host's console: one output driver per board, safe to use from every CPU. */
#ifndef BOARD_CONSOLE_H
#define BOARD_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* Who writes to the console: the host itself, or a console it passes on (a VM's). One writer's
 * output never continues another's unfinished line: it starts on a new line. */
#define CONSOLE_HOST 0

/* Sends one character to the console device (the board's UART driver). */
typedef void (*console_putc_fn)(char c);

/* Installs the console driver; output before this is dropped. */
void console_init(console_putc_fn putc);

/* Prints a formatted line fragment (see axvm/format.h); whole calls never interleave. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like kprintf with a va_list. */
void kvprintf(const char *fmt, va_list ap);

/* Prints text for owner (not CONSOLE_HOST) at once: continuing owner's unfinished line, or on
 * a new line led by prefix; newline ends the line. */
void console_put_line(uint32_t owner, const char *prefix, const char *text, bool newline);

#endif
