#include "uart_common.h"

#include <axvm/assert.h>

bool axdevice_uart_fifo_push(struct uart_fifo *f, uint8_t byte, unsigned limit)
{
	AX_ASSERT(limit <= UART_FIFO_DEPTH);
	if (f->count >= limit)
		return false;
	f->buf[(f->head + f->count) % UART_FIFO_DEPTH] = byte;
	f->count++;
	return true;
}

uint8_t axdevice_uart_fifo_pop(struct uart_fifo *f)
{
	uint8_t byte;

	if (!f->count)
		return 0;
	byte = f->buf[f->head];
	f->head = (f->head + 1) % UART_FIFO_DEPTH;
	f->count--;
	return byte;
}

void axdevice_uart_fifo_clear(struct uart_fifo *f)
{
	f->head = 0;
	f->count = 0;
}

void axdevice_uart_set_level(const struct axdevice_uart_host *host, uint32_t line, bool *level,
			     bool new_level)
{
	if (*level == new_level)
		return;
	*level = new_level;
	if (host->set_irq && line != AXDEVICE_IRQ_NONE)
		host->set_irq(host->irq_ctx ? host->irq_ctx : host->ctx, line, new_level);
}

int axdevice_uart_report_idle(const struct axdevice_uart_host *host)
{
	if (host->rx_idle)
		host->rx_idle(host->ctx);
	return 0;
}

void axdevice_uart_tx(const struct axdevice_uart_host *host, uint8_t byte)
{
	if (host->tx)
		host->tx(host->ctx, byte);
}

size_t axdevice_uart_receive(struct axdevice *uart, const uint8_t *bytes, size_t n)
{
	if (!uart || (!bytes && n))
		return 0;
	if (axdevice_ns16550_is(uart))
		return axdevice_ns16550_receive(uart, bytes, n);
	if (axdevice_pl011_is(uart))
		return axdevice_pl011_receive(uart, bytes, n);
	return 0;
}
