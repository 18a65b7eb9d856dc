#include "guest.h"

#include <axvm/format.h>

#define UART_BASE 0x10000000ul
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

__attribute__((noinline)) struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid;
	register long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){r0, r1};
}

void sbi_shutdown(void)
{
	sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

static void uart_putc(void *ctx, char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;

	(void)ctx;
	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ax_vformat(uart_putc, 0, fmt, ap);
	va_end(ap);
}
