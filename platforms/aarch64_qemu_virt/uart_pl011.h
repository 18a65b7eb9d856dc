/* Polled Arm PL011 console driver of the aarch64 host. */
#ifndef AARCH64_QEMU_VIRT_UART_PL011_H
#define AARCH64_QEMU_VIRT_UART_PL011_H

#include <stdint.h>

/* Uses the PL011 at physical address base, as the firmware left it configured. */
void pl011_init(uint64_t base);

/* Writes one character, waiting while the transmit FIFO is full. */
void pl011_putc(char c);

/* The next byte received, or -1 when the receive FIFO is empty (never waits). */
int pl011_getc(void);

#endif
