/* The NS16550A UART: eight byte-wide registers (1 << reg_shift) bytes apart. */
#include <axdevice/uart.h>

#include <axvm/error.h>

#include "uart_common.h"

/* Register indexes; DLAB (LCR bit 7) turns 0 and 1 into the divisor latch DLL/DLM. */
enum {
	REG_RBR_THR = 0,
	REG_IER = 1,
	REG_IIR_FCR = 2,
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
	REG_COUNT = 8,
};

#define IER_RDI 0x01  /* received data available */
#define IER_THRI 0x02 /* transmitter holding register empty */
#define IER_MSI 0x08  /* modem status */
#define IER_MASK 0x0f

#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RX_TIMEOUT 0x0c
#define IIR_FIFOS_ON 0xc0

#define FCR_FIFO_ENABLE 0x01
#define FCR_RX_RESET 0x02
#define FCR_KEPT 0xc9 /* FIFO enable, DMA mode, RX trigger level */
#define FCR_TRIGGER_SHIFT 6

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

struct ns16550 {
	struct axdevice dev;
	struct axdevice_uart_host host;
	uint32_t irq_line;
	unsigned reg_shift;
	uint64_t lsr_offset; /* REG_LSR << reg_shift */
	uint32_t widths;     /* bit w set: a w-byte access is answered (see access_supported) */
	struct uart_fifo rx;
	uint8_t ier;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t fcr;
	uint8_t msr; /* modem lines in bits 7:4, their change flags in 3:0 */
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	bool thr_pending;    /* the THR-empty interrupt is latched until IIR reports it */
	uint32_t idle_reads; /* reads of the empty receiver since the last byte in or out */
	bool irq_level;
};

static const struct axdevice_ops ns16550_ops;

static struct ns16550 *to_ns16550(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct ns16550, dev);
}

static unsigned rx_limit(const struct ns16550 *u)
{
	return (u->fcr & FCR_FIFO_ENABLE) ? UART_FIFO_DEPTH : 1;
}

static unsigned rx_trigger(const struct ns16550 *u)
{
	static const uint8_t levels[4] = {1, 4, 8, 14};

	return (u->fcr & FCR_FIFO_ENABLE) ? levels[u->fcr >> FCR_TRIGGER_SHIFT] : 1;
}

/* The pending interrupt of highest priority, as IIR bits 3:0. There are no line-status
 * interrupts: received bytes never carry errors and a full FIFO refuses bytes, never overruns. */
static uint8_t pending_interrupt(const struct ns16550 *u)
{
	if ((u->ier & IER_RDI) && u->rx.count)
		return u->rx.count >= rx_trigger(u) ? IIR_RDI : IIR_RX_TIMEOUT;
	if ((u->ier & IER_THRI) && u->thr_pending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NO_INT;
}

static void update_irq(struct ns16550 *u)
{
	axdevice_uart_set_level(&u->host, u->irq_line, &u->irq_level,
				pending_interrupt(u) != IIR_NO_INT);
}

/* The modem input lines: asserted, or in loopback driven by the modem outputs. */
static uint8_t modem_lines(const struct ns16550 *u)
{
	uint8_t lines = 0;

	if (!(u->mcr & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	if (u->mcr & MCR_RTS)
		lines |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		lines |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		lines |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		lines |= MSR_DCD;
	return lines;
}

/* Sets the modem lines to their current values and flags what changed, as the MSR deltas do. */
static void update_modem_status(struct ns16550 *u)
{
	uint8_t old = u->msr & ~MSR_DELTAS;
	uint8_t now = modem_lines(u);
	uint8_t changed = old ^ now;
	uint8_t deltas = u->msr & MSR_DELTAS;

	if (changed & MSR_CTS)
		deltas |= MSR_DCTS;
	if (changed & MSR_DSR)
		deltas |= MSR_DDSR;
	if ((old & MSR_RI) && !(now & MSR_RI))
		deltas |= MSR_TERI;
	if (changed & MSR_DCD)
		deltas |= MSR_DDCD;
	u->msr = now | deltas;
}

static uint8_t read_reg(struct ns16550 *u, unsigned reg)
{
	uint8_t v;

	if (reg == REG_RBR_THR && !u->rx.count)
		(void)axdevice_uart_idle_read(&u->host, &u->idle_reads);
	switch (reg) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		return axdevice_uart_fifo_pop(&u->rx);
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		v = pending_interrupt(u);
		if (v == IIR_THRI)
			u->thr_pending = false;
		return v | ((u->fcr & FCR_FIFO_ENABLE) ? IIR_FIFOS_ON : 0);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_MSR:
		v = u->msr;
		u->msr &= ~MSR_DELTAS;
		return v;
	default:
		return u->scr;
	}
}

static void write_thr(struct ns16550 *u, uint8_t v)
{
	if (u->mcr & MCR_LOOP)
		axdevice_uart_fifo_push(&u->rx, v, rx_limit(u));
	else
		axdevice_uart_tx(&u->host, v);
	u->idle_reads = 0;
	/* The byte leaves at once, so THR is empty again. */
	u->thr_pending = true;
}

static void write_ier(struct ns16550 *u, uint8_t v)
{
	uint8_t enabled = v & ~u->ier;

	u->ier = v & IER_MASK;
	/* Enabling the THR-empty interrupt while THR is empty (always) raises it. */
	if (enabled & IER_THRI)
		u->thr_pending = true;
	else if (!(u->ier & IER_THRI))
		u->thr_pending = false;
}

static void write_fcr(struct ns16550 *u, uint8_t v)
{
	uint8_t fcr = (v & FCR_FIFO_ENABLE) ? (v & FCR_KEPT) : 0;

	if (((fcr ^ u->fcr) & FCR_FIFO_ENABLE) || (fcr && (v & FCR_RX_RESET)))
		axdevice_uart_fifo_clear(&u->rx);
	u->fcr = fcr;
}

static void write_reg(struct ns16550 *u, unsigned reg, uint8_t v)
{
	switch (reg) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else
			write_thr(u, v);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB)
			u->dlm = v;
		else
			write_ier(u, v);
		break;
	case REG_IIR_FCR:
		write_fcr(u, v);
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & MCR_MASK;
		update_modem_status(u);
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
}

/* The register at offset, or REG_COUNT for an offset between or past the registers. */
static unsigned decode(const struct ns16550 *u, uint64_t offset)
{
	uint64_t stride_mask = ((uint64_t)1 << u->reg_shift) - 1;

	if ((offset & stride_mask) || (offset >> u->reg_shift) >= REG_COUNT)
		return REG_COUNT;
	return (unsigned)(offset >> u->reg_shift);
}

/* The widths access_supported allows with register slots 1 << reg_shift bytes apart: the
 * powers of two from 1 to the slot size, as a mask of bit numbers. */
static uint32_t supported_widths(unsigned reg_shift)
{
	uint32_t widths = 0;

	for (unsigned w = 1; w <= 1u << reg_shift && w <= 8; w <<= 1)
		widths |= 1u << w;
	return widths;
}

/* Accesses the UART answers: naturally aligned and no wider than one register slot (1 <<
 * reg_shift bytes), so that no access spans two registers. A bus would not complete others. */
static bool access_supported(const struct ns16550 *u, uint64_t offset, unsigned width)
{
	return width <= 8 && (u->widths >> width) & 1 && !(offset & (width - 1));
}

/* A read of any register but LSR; reading the data, IIR or MSR may clear what raised the
 * interrupt. */
__attribute__((noinline)) static int read_other(struct ns16550 *u, uint64_t offset, unsigned width,
						uint64_t *value)
{
	unsigned reg = decode(u, offset);

	*value = 0;
	if (!access_supported(u, offset, width))
		return AXERR_UNSUPPORTED;
	if (reg == REG_COUNT)
		return AX_OK;
	*value = read_reg(u, reg);
	if (reg == REG_RBR_THR || reg == REG_IIR_FCR || reg == REG_MSR)
		update_irq(u);
	return AX_OK;
}

/* LSR, the register guests poll, first: its read changes nothing but the count of idle
 * reads, and the host hears when that reaches AXDEVICE_UART_IDLE_READS. Every width the slot
 * allows is aligned at LSR's offset, a multiple of the slot size. */
static int ns16550_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
			uint64_t *value)
{
	(void)vcpu;
	struct ns16550 *u = to_ns16550(dev);

	if (offset != u->lsr_offset || width > 8 || !((u->widths >> width) & 1))
		return read_other(u, offset, width, value);
	*value = LSR_THRE | LSR_TEMT | (u->rx.count ? LSR_DR : 0);
	return u->rx.count ? AX_OK : axdevice_uart_idle_read(&u->host, &u->idle_reads);
}

static int ns16550_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
			 uint64_t value)
{
	(void)vcpu;
	struct ns16550 *u = to_ns16550(dev);
	unsigned reg = decode(u, offset);

	if (!access_supported(u, offset, width))
		return AXERR_UNSUPPORTED;
	if (reg == REG_COUNT)
		return AX_OK;
	write_reg(u, reg, (uint8_t)value);
	update_irq(u);
	return AX_OK;
}

static void ns16550_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_ns16550(dev));
}

static const struct axdevice_ops ns16550_ops = {
    .model = "ns16550a",
    .read = ns16550_read,
    .write = ns16550_write,
    .destroy = ns16550_destroy,
};

int axdevice_ns16550_create(const struct ax_allocator *alloc, const struct axdevice_uart_host *host,
			    uint32_t irq_line, unsigned reg_shift, struct axdevice **out)
{
	struct ns16550 *u;

	if (out)
		*out = NULL;
	if (!alloc || !out || reg_shift > AXDEVICE_NS16550_MAX_REG_SHIFT)
		return AXERR_INVALID;
	u = ax_zalloc(alloc, sizeof(*u));
	if (!u)
		return AXERR_NO_MEMORY;
	axdevice_init(&u->dev, &ns16550_ops, NULL);
	if (host)
		u->host = *host;
	u->irq_line = irq_line;
	u->reg_shift = reg_shift;
	u->lsr_offset = (uint64_t)REG_LSR << reg_shift;
	u->widths = supported_widths(reg_shift);
	u->msr = modem_lines(u);
	*out = &u->dev;
	return AX_OK;
}

uint64_t axdevice_ns16550_size(unsigned reg_shift)
{
	return (uint64_t)REG_COUNT << reg_shift;
}

bool axdevice_ns16550_is(const struct axdevice *dev)
{
	return dev->ops == &ns16550_ops;
}

size_t axdevice_ns16550_receive(struct axdevice *dev, const uint8_t *bytes, size_t n)
{
	struct ns16550 *u = to_ns16550(dev);
	size_t taken = 0;

	if (u->mcr & MCR_LOOP)
		return 0;
	while (taken < n && axdevice_uart_fifo_push(&u->rx, bytes[taken], rx_limit(u)))
		taken++;
	if (taken)
		u->idle_reads = 0;
	update_irq(u);
	return taken;
}
