#include "uart_ns16550.h"

#define UART_THR 0 /* THR when written, RBR when read */
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

static volatile uint8_t *uart;

void ns16550_init(uint64_t base)
{
	uart = (volatile uint8_t *)(uintptr_t)base;
}

int ns16550_getc(void)
{
	return (uart[UART_LSR] & UART_LSR_DR) ? uart[UART_THR] : -1;
}

void ns16550_putc(char c)
{
	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}
