/* Polled NS16550 console driver of the riscv64 host. */
#ifndef RISCV64_QEMU_VIRT_UART_NS16550_H
#define RISCV64_QEMU_VIRT_UART_NS16550_H

#include <stdint.h>

/* Uses the UART at physical address base (byte-spaced registers). */
void ns16550_init(uint64_t base);

/* Writes one character, waiting for room in the transmitter. */
void ns16550_putc(char c);

/* Reads one received character, or returns -1 when there is none. */
int ns16550_getc(void);

#endif
