/*
 * UART models as a guest sees them: NS16550A and Arm PL011. Transmitted bytes go to a host
 * sink at once (the transmitter is never busy), received bytes come from the host through
 * axdevice_uart_receive, and the interrupt line's level is reported whenever it changes.
 * Time is not emulated: a receive timeout interrupt (16550 IIR 0xC, PL011 RTIS) is raised as
 * soon as received data sits in the FIFO.
 */
#ifndef AXDEVICE_UART_H
#define AXDEVICE_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axdevice/device.h>
#include <axvm/alloc.h>

/* irq_line for a UART without an interrupt: set_irq is never called. */
#define AXDEVICE_IRQ_NONE UINT32_MAX

/* The largest reg_shift an NS16550 accepts (registers 256 bytes apart). */
#define AXDEVICE_NS16550_MAX_REG_SHIFT 8

/* Reads of an empty receiver in a row after which a UART calls its host's rx_idle. */
#define AXDEVICE_UART_IDLE_READS 32

/* The register window of a PL011, ID registers included. */
#define AXDEVICE_PL011_SIZE 0x1000

/* What a UART model needs from the host. The model keeps a copy; NULL functions are skipped. */
struct axdevice_uart_host {
	/* The guest transmitted a character. */
	void (*tx)(void *ctx, uint8_t byte);
	/* The UART's interrupt line changed level; called only on a change, with irq_ctx (or
	 * ctx when irq_ctx is NULL). axdevice_irqchip_input with an interrupt controller as
	 * irq_ctx wires the line to that controller. */
	void (*set_irq)(void *ctx, uint32_t line, bool level);
	void *ctx;
	/* The guest waits for input: it found the receiver empty AXDEVICE_UART_IDLE_READS times
	 * in a row (reads of the data register, or of the 16550's LSR or the PL011's FR) since it
	 * last transmitted or a byte arrived. Called once per such stretch, from inside the
	 * device: it must not call back into the device set. A host shows the guest's unfinished
	 * line (its prompt) then. */
	void (*rx_idle)(void *ctx);
	void *irq_ctx;
};

/*
 * Creates an NS16550A with its eight byte-wide registers (1 << reg_shift) bytes apart and a
 * 16-byte RX FIFO (1 byte while FCR has the FIFOs off). An access must be naturally aligned
 * and no wider than a register's slot (1 << reg_shift bytes), else AXERR_UNSUPPORTED; at a
 * register's address it acts on the low byte; other offsets read 0 and ignore writes, as do writes
 * to LSR and MSR. MSR reports CTS, DSR and DCD asserted; MCR loopback works (THR feeds the RX FIFO,
 * MCR drives MSR). host may be NULL (no sink). AXERR_INVALID for NULL alloc or out or reg_shift
 * above AXDEVICE_NS16550_MAX_REG_SHIFT, AXERR_NO_MEMORY.
 */
int axdevice_ns16550_create(const struct ax_allocator *alloc, const struct axdevice_uart_host *host,
			    uint32_t irq_line, unsigned reg_shift, struct axdevice **out);

/* The size of an NS16550's register window for reg_shift: 8 << reg_shift. */
uint64_t axdevice_ns16550_size(unsigned reg_shift);

/*
 * Creates an Arm PL011 (r1p4, peripheral ID 0x00141011) with its registers at 32-bit offsets in
 * an AXDEVICE_PL011_SIZE window and a 16-entry RX FIFO (1 entry while LCR_H.FEN is clear).
 * Accesses of 1, 2 or 4 bytes, naturally aligned, work at a register's offset (others are
 * AXERR_UNSUPPORTED); other offsets read 0 and ignore writes, as do
 * writes to read-only registers. DR transmits even while CR.UARTEN is clear (early consoles rely
 * on firmware set-up), FR reports CTS, DSR and DCD asserted, CR.LBE loops DR back into the RX
 * FIFO. host may be NULL. AXERR_INVALID for NULL alloc or out, AXERR_NO_MEMORY.
 */
int axdevice_pl011_create(const struct ax_allocator *alloc, const struct axdevice_uart_host *host,
			  uint32_t irq_line, struct axdevice **out);

/*
 * The host received n bytes for the guest: pushes as many as fit into uart's RX FIFO, in order,
 * updates the interrupt line and returns how many were taken. Fewer than n (perhaps 0) when the
 * FIFO is full, while the UART is in loopback, or, for a PL011, while CR.UARTEN or CR.RXE is
 * clear; the host keeps the rest and offers them again later. Returns 0 when uart is not one of
 * the UART models above.
 */
size_t axdevice_uart_receive(struct axdevice *uart, const uint8_t *bytes, size_t n);

#endif
