#include "uart_com1.h"

#include "x86.h"

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07 /* FIFOs on, both cleared */
#define MCR_DTR_RTS 0x03
#define UART_RBR 0 /* receive buffer (DLAB=0) */
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define DIVISOR_115200 1 /* 1.8432 MHz / 16 / 115200 */

void com1_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, DIVISOR_115200 & 0xff);
	outb(COM1 + UART_DLM, DIVISOR_115200 >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

void com1_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		cpu_pause();
	outb(COM1 + UART_THR, (uint8_t)c);
}

void com1_flush(void)
{
	while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
		cpu_pause();
}

int com1_getc(void)
{
	return inb(COM1 + UART_LSR) & LSR_DR ? inb(COM1 + UART_RBR) : -1;
}
