/* What the UART models share inside axdevice: the RX FIFO, interrupt reporting, and the hooks
 * axdevice_uart_receive dispatches through. */
#ifndef AXDEVICE_SRC_UART_COMMON_H
#define AXDEVICE_SRC_UART_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axdevice/uart.h>

/* The deepest RX FIFO of the models. */
#define UART_FIFO_DEPTH 16

/* A ring of received bytes. */
struct uart_fifo {
	uint8_t buf[UART_FIFO_DEPTH];
	uint8_t head;
	uint8_t count;
};

/* Appends byte unless the FIFO already holds limit (<= UART_FIFO_DEPTH) bytes; returns whether
 * it was taken. */
bool axdevice_uart_fifo_push(struct uart_fifo *f, uint8_t byte, unsigned limit);

/* Removes and returns the oldest byte; 0 when the FIFO is empty. */
uint8_t axdevice_uart_fifo_pop(struct uart_fifo *f);

/* Empties the FIFO. */
void axdevice_uart_fifo_clear(struct uart_fifo *f);

/* Stores the line's new level in *level and calls host->set_irq if it changed (unless line is
 * AXDEVICE_IRQ_NONE). */
void axdevice_uart_set_level(const struct axdevice_uart_host *host, uint32_t line, bool *level,
			     bool new_level);

/* Sends a transmitted byte to the host sink, if any. */
void axdevice_uart_tx(const struct axdevice_uart_host *host, uint8_t byte);

/* Calls host->rx_idle, if any; returns 0 (a read's result). */
__attribute__((cold, noinline)) int
axdevice_uart_report_idle(const struct axdevice_uart_host *host);

/* The guest read the empty receiver: counts it in *idle_reads and tells the host once it
 * waits for input (AXDEVICE_UART_IDLE_READS in a row). Returns 0, a read's result. */
static inline int axdevice_uart_idle_read(const struct axdevice_uart_host *host,
					  uint32_t *idle_reads)
{
	return ++*idle_reads == AXDEVICE_UART_IDLE_READS ? axdevice_uart_report_idle(host) : 0;
}

/* True when dev is an NS16550 created by axdevice_ns16550_create. */
bool axdevice_ns16550_is(const struct axdevice *dev);

/* axdevice_uart_receive for an NS16550. */
size_t axdevice_ns16550_receive(struct axdevice *dev, const uint8_t *bytes, size_t n);

/* True when dev is a PL011 created by axdevice_pl011_create. */
bool axdevice_pl011_is(const struct axdevice *dev);

/* axdevice_uart_receive for a PL011. */
size_t axdevice_pl011_receive(struct axdevice *dev, const uint8_t *bytes, size_t n);

#endif
