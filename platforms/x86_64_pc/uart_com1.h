/* Polled 16550 driver for the PC's first serial port (COM1, I/O port 0x3f8). */
#ifndef X86_64_PC_UART_COM1_H
#define X86_64_PC_UART_COM1_H

/* Programs COM1 for 115200 baud, 8N1, FIFOs on, interrupts off. */
void com1_init(void);

/* Writes one character, waiting for room in the transmitter. */
void com1_putc(char c);

/* Waits until every written character has left the transmitter (LSR.TEMT). */
void com1_flush(void);

/* The next byte received, or -1 when none waits (never blocks). */
int com1_getc(void);

#endif
