/* The Arm PL011 UART (r1p4): 32-bit registers, PrimeCell ID registers at 0xfe0-0xffc. */
#include <axdevice/uart.h>

#include <axvm/error.h>

#include "uart_common.h"

enum {
	REG_DR = 0x000,
	REG_RSR_ECR = 0x004,
	REG_FR = 0x018,
	REG_ILPR = 0x020,
	REG_IBRD = 0x024,
	REG_FBRD = 0x028,
	REG_LCR_H = 0x02c,
	REG_CR = 0x030,
	REG_IFLS = 0x034,
	REG_IMSC = 0x038,
	REG_RIS = 0x03c,
	REG_MIS = 0x040,
	REG_ICR = 0x044,
	REG_DMACR = 0x048,
	REG_ID = 0xfe0, /* PeriphID0-3, then PCellID0-3 */
};

#define FR_CTS 0x001
#define FR_DSR 0x002
#define FR_DCD 0x004
#define FR_RXFE 0x010
#define FR_RXFF 0x040
#define FR_TXFE 0x080
#define FR_RI 0x100

#define LCR_H_FEN 0x10

#define CR_UARTEN 0x0001
#define CR_LBE 0x0080
#define CR_TXE 0x0100
#define CR_RXE 0x0200
#define CR_DTR 0x0400
#define CR_RTS 0x0800
#define CR_OUT1 0x1000
#define CR_OUT2 0x2000
#define CR_MASK 0xff87 /* bits 6:3 are reserved */

#define INT_RX 0x010
#define INT_TX 0x020
#define INT_RT 0x040
#define INT_MASK 0x7ff

#define IFLS_RX_SHIFT 3
#define IFLS_RESET 0x12 /* both FIFO levels at 1/2 */

/* PeriphID0-3 (part 0x011, designer Arm, revision 1) and PCellID0-3 (0xb105f00d). */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

struct pl011 {
	struct axdevice dev;
	struct axdevice_uart_host host;
	uint32_t irq_line;
	struct uart_fifo rx;
	uint16_t ris;
	uint16_t imsc;
	uint16_t cr;
	uint16_t ibrd;
	uint8_t fbrd;
	uint8_t lcr_h;
	uint8_t ifls;
	uint8_t ilpr;
	uint8_t dmacr;
	bool irq_level;
	uint32_t idle_reads; /* reads of the empty receiver since the last byte in or out */
};

static const struct axdevice_ops pl011_ops;

static struct pl011 *to_pl011(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct pl011, dev);
}

static unsigned rx_limit(const struct pl011 *p)
{
	return (p->lcr_h & LCR_H_FEN) ? UART_FIFO_DEPTH : 1;
}

/* The RX FIFO level that raises RXIS: 1/8, 1/4, 1/2, 3/4 or 7/8 full (reserved values: 7/8). */
static unsigned rx_trigger(const struct pl011 *p)
{
	static const uint8_t levels[8] = {2, 4, 8, 12, 14, 14, 14, 14};

	return (p->lcr_h & LCR_H_FEN) ? levels[(p->ifls >> IFLS_RX_SHIFT) & 7] : 1;
}

static void update_irq(struct pl011 *p)
{
	axdevice_uart_set_level(&p->host, p->irq_line, &p->irq_level, (p->ris & p->imsc) != 0);
}

/* Appends received bytes. RXIS rises when the level crosses the trigger; with no clock, the
 * receive timeout (RTIS) fires as soon as data waits. */
static size_t rx_push(struct pl011 *p, const uint8_t *bytes, size_t n)
{
	unsigned before = p->rx.count;
	size_t taken = 0;

	while (taken < n && axdevice_uart_fifo_push(&p->rx, bytes[taken], rx_limit(p)))
		taken++;
	if (!taken)
		return 0;
	if (before < rx_trigger(p) && p->rx.count >= rx_trigger(p))
		p->ris |= INT_RX;
	p->ris |= INT_RT;
	return taken;
}

/* Pops DR: RXIS clears below the trigger level, RTIS when the FIFO is empty. */
static uint8_t rx_pop(struct pl011 *p)
{
	uint8_t byte = axdevice_uart_fifo_pop(&p->rx);

	if (p->rx.count < rx_trigger(p))
		p->ris &= ~INT_RX;
	if (!p->rx.count)
		p->ris &= ~INT_RT;
	return byte;
}

static void rx_flush(struct pl011 *p)
{
	axdevice_uart_fifo_clear(&p->rx);
	p->ris &= ~(INT_RX | INT_RT);
}

/* CTS, DSR and DCD asserted, or in loopback driven by the CR modem outputs. */
static uint32_t modem_flags(const struct pl011 *p)
{
	uint32_t fr = 0;

	if (!(p->cr & CR_LBE))
		return FR_CTS | FR_DSR | FR_DCD;
	if (p->cr & CR_RTS)
		fr |= FR_CTS;
	if (p->cr & CR_DTR)
		fr |= FR_DSR;
	if (p->cr & CR_OUT1)
		fr |= FR_DCD;
	if (p->cr & CR_OUT2)
		fr |= FR_RI;
	return fr;
}

static uint32_t read_fr(const struct pl011 *p)
{
	uint32_t fr = FR_TXFE | modem_flags(p);

	if (!p->rx.count)
		fr |= FR_RXFE;
	if (p->rx.count >= rx_limit(p))
		fr |= FR_RXFF;
	return fr;
}

static uint32_t read_reg(struct pl011 *p, uint64_t offset)
{
	if (offset >= REG_ID)
		return pl011_id[(offset - REG_ID) / 4];
	if ((offset == REG_DR || offset == REG_FR) && !p->rx.count)
		(void)axdevice_uart_idle_read(&p->host, &p->idle_reads);
	switch (offset) {
	case REG_DR:
		return rx_pop(p);
	case REG_FR:
		return read_fr(p);
	case REG_ILPR:
		return p->ilpr;
	case REG_IBRD:
		return p->ibrd;
	case REG_FBRD:
		return p->fbrd;
	case REG_LCR_H:
		return p->lcr_h;
	case REG_CR:
		return p->cr;
	case REG_IFLS:
		return p->ifls;
	case REG_IMSC:
		return p->imsc;
	case REG_RIS:
		return p->ris;
	case REG_MIS:
		return p->ris & p->imsc;
	case REG_DMACR:
		return p->dmacr;
	default: /* RSR (no receive errors), ICR (write-only) and offsets with no register */
		return 0;
	}
}

static void write_dr(struct pl011 *p, uint8_t byte)
{
	if (p->cr & CR_LBE)
		rx_push(p, &byte, 1);
	else
		axdevice_uart_tx(&p->host, byte);
	p->idle_reads = 0;
	/* The byte leaves at once: the TX FIFO drains through its trigger level. */
	p->ris |= INT_TX;
}

static void write_reg(struct pl011 *p, uint64_t offset, uint32_t v)
{
	switch (offset) {
	case REG_DR:
		write_dr(p, (uint8_t)v);
		break;
	case REG_ILPR:
		p->ilpr = (uint8_t)v;
		break;
	case REG_IBRD:
		p->ibrd = (uint16_t)v;
		break;
	case REG_FBRD:
		p->fbrd = v & 0x3f;
		break;
	case REG_LCR_H:
		/* Switching the FIFOs on or off empties them. */
		if ((v ^ p->lcr_h) & LCR_H_FEN)
			rx_flush(p);
		p->lcr_h = (uint8_t)v;
		break;
	case REG_CR:
		p->cr = v & CR_MASK;
		break;
	case REG_IFLS:
		p->ifls = v & 0x3f;
		break;
	case REG_IMSC:
		p->imsc = v & INT_MASK;
		break;
	case REG_ICR:
		p->ris &= ~(v & INT_MASK);
		break;
	case REG_DMACR:
		p->dmacr = v & 0x7;
		break;
	default: /* ECR (no errors to clear), read-only registers, offsets with no register */
		break;
	}
}

/* Registers sit at word offsets; anything else in the window has no register. */
static bool implemented(uint64_t offset)
{
	return (offset & 3) == 0 && offset < AXDEVICE_PL011_SIZE;
}

/* Accesses the PL011 answers: its registers are 32 bits wide; byte, halfword and word
 * accesses, naturally aligned, within one register. */
static bool access_supported(uint64_t offset, unsigned width)
{
	return axdevice_width_valid(width) && width <= 4 && !(offset & (width - 1));
}

/* FR, the register guests poll, first: its read changes nothing but the count of idle reads,
 * and the host hears when that reaches AXDEVICE_UART_IDLE_READS. Every width the PL011 answers
 * (1, 2, 4) is aligned at its offset. */
static int pl011_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		      uint64_t *value)
{
	(void)vcpu;
	struct pl011 *p = to_pl011(dev);

	if (offset == REG_FR && (width == 4 || width == 1 || width == 2)) {
		*value = read_fr(p);
		return p->rx.count ? AX_OK : axdevice_uart_idle_read(&p->host, &p->idle_reads);
	}
	*value = 0;
	if (!access_supported(offset, width))
		return AXERR_UNSUPPORTED;
	if (!implemented(offset))
		return AX_OK;
	*value = read_reg(p, offset);
	update_irq(p);
	return AX_OK;
}

static int pl011_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		       uint64_t value)
{
	(void)vcpu;
	struct pl011 *p = to_pl011(dev);

	if (!access_supported(offset, width))
		return AXERR_UNSUPPORTED;
	if (!implemented(offset))
		return AX_OK;
	write_reg(p, offset, (uint32_t)value);
	update_irq(p);
	return AX_OK;
}

static void pl011_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_pl011(dev));
}

static const struct axdevice_ops pl011_ops = {
    .model = "pl011",
    .read = pl011_read,
    .write = pl011_write,
    .destroy = pl011_destroy,
};

int axdevice_pl011_create(const struct ax_allocator *alloc, const struct axdevice_uart_host *host,
			  uint32_t irq_line, struct axdevice **out)
{
	struct pl011 *p;

	if (out)
		*out = NULL;
	if (!alloc || !out)
		return AXERR_INVALID;
	p = ax_zalloc(alloc, sizeof(*p));
	if (!p)
		return AXERR_NO_MEMORY;
	axdevice_init(&p->dev, &pl011_ops, NULL);
	if (host)
		p->host = *host;
	p->irq_line = irq_line;
	p->cr = CR_TXE | CR_RXE;
	p->ifls = IFLS_RESET;
	*out = &p->dev;
	return AX_OK;
}

bool axdevice_pl011_is(const struct axdevice *dev)
{
	return dev->ops == &pl011_ops;
}

size_t axdevice_pl011_receive(struct axdevice *dev, const uint8_t *bytes, size_t n)
{
	struct pl011 *p = to_pl011(dev);
	size_t taken;

	if ((p->cr & (CR_UARTEN | CR_RXE)) != (CR_UARTEN | CR_RXE) || (p->cr & CR_LBE))
		return 0;
	taken = rx_push(p, bytes, n);
	if (taken)
		p->idle_reads = 0;
	update_irq(p);
	return taken;
}
