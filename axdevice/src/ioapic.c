/* The x86 I/O APIC: redirection entries, edge and level inputs with Remote IRR, the EOI
 * register, and messages to the local APICs through the host's send_vector. */
#include <axdevice/apic_bus.h>
#include <axdevice/ioapic.h>

#include <axvm/error.h>

/* Vectors 0..15 are illegal on the APIC bus: a local APIC refuses them. */
#define FIRST_LEGAL_VECTOR 16
/* The entry bits a guest writes: vector, delivery mode, destination mode, polarity, trigger
 * mode, mask (low half) and destination (high half). */
#define RTE_WRITABLE                                                                               \
	(AXDEVICE_IOAPIC_RTE_VECTOR | AXDEVICE_IOAPIC_RTE_DELIVERY | AXDEVICE_IOAPIC_RTE_LOGICAL | \
	 AXDEVICE_IOAPIC_RTE_ACTIVE_LOW | AXDEVICE_IOAPIC_RTE_LEVEL | AXDEVICE_IOAPIC_RTE_MASKED | \
	 AXDEVICE_IOAPIC_RTE_DEST)
#define IOREGSEL_MASK 0xffu
#define REDTBL_END (AXDEVICE_IOAPIC_REG_REDTBL + 2 * AXDEVICE_IOAPIC_PINS)

struct ioapic {
	struct axdevice dev;
	struct axdevice_cpu_host host;
	uint64_t entry[AXDEVICE_IOAPIC_PINS];
	uint32_t pins; /* the input levels as driven, bit n for pin n, before polarity */
	uint32_t id;   /* the ID register: bits 27:24 */
	uint8_t select;
};

static struct ioapic *to_ioapic(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct ioapic, dev);
}

/* Whether pin's input is asserted: its level, inverted for an active-low entry. */
static bool asserted(const struct ioapic *io, uint32_t pin)
{
	bool level = (io->pins >> pin) & 1;

	return level != ((io->entry[pin] & AXDEVICE_IOAPIC_RTE_ACTIVE_LOW) != 0);
}

/* Sends entry e's message; returns whether a vCPU got it. Only fixed and lowest-priority
 * messages with a legal vector to an existing vCPU go out. */
static bool send_message(const struct ioapic *io, uint64_t e)
{
	uint32_t vector = (uint32_t)(e & AXDEVICE_IOAPIC_RTE_VECTOR);
	uint32_t mode =
	    (uint32_t)((e & AXDEVICE_IOAPIC_RTE_DELIVERY) >> AXDEVICE_IOAPIC_RTE_DELIVERY_SHIFT);
	uint32_t dest = (uint32_t)(e >> AXDEVICE_IOAPIC_RTE_DEST_SHIFT);
	uint64_t mask;

	if (!io->host.send_vector || vector < FIRST_LEGAL_VECTOR ||
	    (mode != AXDEVICE_IOAPIC_DELIVERY_FIXED && mode != AXDEVICE_IOAPIC_DELIVERY_LOWEST))
		return false;
	mask = apic_dest_mask(dest, (e & AXDEVICE_IOAPIC_RTE_LOGICAL) != 0, APIC_LOGICAL_FLAT,
			      io->host.vcpu_count);
	if (mode == AXDEVICE_IOAPIC_DELIVERY_LOWEST)
		mask = apic_lowest_priority(mask);
	if (!mask)
		return false;
	io->host.send_vector(io->host.ctx, mask, vector);
	return true;
}

/* A level-triggered pin that is asserted, unmasked and not in service sends its message and,
 * once a vCPU has it, is in service (Remote IRR) until an EOI. */
static void service_level(struct ioapic *io, uint32_t pin)
{
	uint64_t e = io->entry[pin];

	if (!(e & AXDEVICE_IOAPIC_RTE_LEVEL) || (e & AXDEVICE_IOAPIC_RTE_MASKED) ||
	    (e & AXDEVICE_IOAPIC_RTE_REMOTE_IRR) || !asserted(io, pin))
		return;
	if (send_message(io, e))
		io->entry[pin] |= AXDEVICE_IOAPIC_RTE_REMOTE_IRR;
}

/* A write of value to half (0 low, 1 high) of pin's entry: the read-only bits keep their
 * value, except that an edge-triggered entry has no Remote IRR. */
static void write_entry(struct ioapic *io, uint32_t pin, unsigned half, uint32_t value)
{
	unsigned shift = 32 * half;
	uint64_t half_mask = (uint64_t)UINT32_MAX << shift;
	uint64_t writable = RTE_WRITABLE & half_mask;
	uint64_t e = io->entry[pin];

	e = (e & ~writable) | (((uint64_t)value << shift) & writable);
	if (!(e & AXDEVICE_IOAPIC_RTE_LEVEL))
		e &= ~AXDEVICE_IOAPIC_RTE_REMOTE_IRR;
	io->entry[pin] = e;
	service_level(io, pin);
}

/* The EOI register: every entry with vector leaves service (only level-triggered ones are
 * ever in it), and sends again if its pin is still asserted. */
static void eoi(struct ioapic *io, uint32_t vector)
{
	for (uint32_t pin = 0; pin < AXDEVICE_IOAPIC_PINS; pin++) {
		if ((io->entry[pin] & AXDEVICE_IOAPIC_RTE_VECTOR) != vector)
			continue;
		io->entry[pin] &= ~AXDEVICE_IOAPIC_RTE_REMOTE_IRR;
		service_level(io, pin);
	}
}

/* The indirect register IOREGSEL selects; 0 for an index with none. */
static uint32_t read_indirect(const struct ioapic *io)
{
	uint32_t reg = io->select;

	if (reg == AXDEVICE_IOAPIC_REG_ID || reg == AXDEVICE_IOAPIC_REG_ARB)
		return io->id;
	if (reg == AXDEVICE_IOAPIC_REG_VERSION)
		return AXDEVICE_IOAPIC_VERSION_VALUE;
	if (reg >= AXDEVICE_IOAPIC_REG_REDTBL && reg < REDTBL_END) {
		uint32_t n = reg - AXDEVICE_IOAPIC_REG_REDTBL;

		return (uint32_t)(io->entry[n / 2] >> (32 * (n % 2)));
	}
	return 0;
}

/* Writes the indirect register IOREGSEL selects: the ID and the redirection entries; the rest
 * is read-only or nothing. */
static void write_indirect(struct ioapic *io, uint32_t value)
{
	uint32_t reg = io->select;

	if (reg == AXDEVICE_IOAPIC_REG_ID) {
		io->id = value & AXDEVICE_IOAPIC_ID_MASK;
	} else if (reg >= AXDEVICE_IOAPIC_REG_REDTBL && reg < REDTBL_END) {
		uint32_t n = reg - AXDEVICE_IOAPIC_REG_REDTBL;

		write_entry(io, n / 2, n % 2, value);
	}
}

/* Whether an access reaches a register: 32 bits wide, at IOREGSEL, IOWIN or EOI. */
static bool access_valid(uint64_t offset, unsigned width)
{
	return width == 4 && (offset == AXDEVICE_IOAPIC_IOREGSEL ||
			      offset == AXDEVICE_IOAPIC_IOWIN || offset == AXDEVICE_IOAPIC_EOI);
}

static int ioapic_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		       uint64_t *value)
{
	(void)vcpu;
	struct ioapic *io = to_ioapic(dev);

	*value = 0;
	if (!access_valid(offset, width))
		return AXERR_INVALID;
	if (offset == AXDEVICE_IOAPIC_IOREGSEL)
		*value = io->select;
	else if (offset == AXDEVICE_IOAPIC_IOWIN)
		*value = read_indirect(io);
	return AX_OK;
}

static int ioapic_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
			uint64_t value)
{
	(void)vcpu;
	struct ioapic *io = to_ioapic(dev);
	uint32_t v = (uint32_t)value;

	if (!access_valid(offset, width))
		return AXERR_INVALID;
	if (offset == AXDEVICE_IOAPIC_IOREGSEL)
		io->select = (uint8_t)(v & IOREGSEL_MASK);
	else if (offset == AXDEVICE_IOAPIC_IOWIN)
		write_indirect(io, v);
	else
		eoi(io, v & AXDEVICE_IOAPIC_RTE_VECTOR);
	return AX_OK;
}

static void ioapic_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_ioapic(dev));
}

static const struct axdevice_ops ioapic_ops = {
    .model = "ioapic",
    .read = ioapic_read,
    .write = ioapic_write,
    .destroy = ioapic_destroy,
};

/* Pin line driven to level: an edge-triggered entry sends on a rising edge of the asserted
 * input while unmasked; a level-triggered one is serviced. */
static int ioapic_set_line(struct axdevice *dev, uint32_t line, bool level)
{
	struct ioapic *io = to_ioapic(dev);
	uint64_t e;
	bool was;

	if (line >= AXDEVICE_IOAPIC_PINS)
		return AXERR_INVALID;
	e = io->entry[line];
	was = asserted(io, line);
	if (level)
		io->pins |= 1u << line;
	else
		io->pins &= ~(1u << line);
	if (e & AXDEVICE_IOAPIC_RTE_LEVEL)
		service_level(io, line);
	else if (!was && asserted(io, line) && !(e & AXDEVICE_IOAPIC_RTE_MASKED))
		send_message(io, e);
	return AX_OK;
}

static const struct axdevice_irqchip_ops ioapic_irqchip_ops = {
    .set_line = ioapic_set_line,
};

int axdevice_ioapic_create(const struct ax_allocator *alloc, const struct axdevice_cpu_host *host,
			   struct axdevice **out)
{
	struct ioapic *io;

	if (out)
		*out = NULL;
	if (!alloc || !out)
		return AXERR_INVALID;
	io = ax_zalloc(alloc, sizeof(*io));
	if (!io)
		return AXERR_NO_MEMORY;
	axdevice_init(&io->dev, &ioapic_ops, &ioapic_irqchip_ops);
	if (host)
		io->host = *host;
	for (uint32_t pin = 0; pin < AXDEVICE_IOAPIC_PINS; pin++)
		io->entry[pin] = AXDEVICE_IOAPIC_RTE_MASKED;
	*out = &io->dev;
	return AX_OK;
}
