/* The PCI host bridge behind configuration mechanism #1 (axdevice/pci_host_cf8.h). */
#include <axdevice/pci_host_cf8.h>
#include <axvm/error.h>

#define ADDRESS_ENABLE 0x80000000u
#define ADDRESS_MASK 0x80fffffcu /* enable, bus, device, function, dword register */
#define ADDRESS_FUNCTION_MASK 0x00ffff00u
#define DATA_OFFSET 4
#define REG_DWORD_MASK 0xfcu
/* The host bridge's configuration registers (PCI 3.0, 6.1). */
#define REG_VENDOR 0x00
#define REG_DEVICE 0x02
#define REG_COMMAND 0x04
#define REG_CLASS_REVISION 0x08
#define REG_INTERRUPT_LINE 0x3c
#define COMMAND_WRITABLE 0x0007 /* I/O space, memory space, bus master */

struct pci_host {
	struct axdevice dev;
	uint32_t address; /* CONFIG_ADDRESS as written, cut to its defined bits */
	uint16_t command; /* the host bridge's command register */
	uint8_t irq_line; /* its interrupt line register: scratch for the guest */
};

static struct pci_host *to_host(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct pci_host, dev);
}

/* Whether the enabled CONFIG_ADDRESS names bus 0, device 0, function 0. */
static bool addresses_bridge(const struct pci_host *h)
{
	return (h->address & ADDRESS_ENABLE) && !(h->address & ADDRESS_FUNCTION_MASK);
}

/* The host bridge's configuration dword at reg (a multiple of 4). */
static uint32_t config_dword(const struct pci_host *h, uint32_t reg)
{
	switch (reg) {
	case REG_VENDOR:
		return AXDEVICE_PCI_HOST_VENDOR | (uint32_t)AXDEVICE_PCI_HOST_DEVICE << 16;
	case REG_COMMAND:
		return h->command; /* status 0: no capability list, no error */
	case REG_CLASS_REVISION:
		return (uint32_t)AXDEVICE_PCI_HOST_CLASS << 8;
	case REG_INTERRUPT_LINE:
		return h->irq_line; /* interrupt pin 0: none */
	default:
		return 0;
	}
}

/* Writes width bytes of value at byte reg of the host bridge's configuration space. */
static void config_write(struct pci_host *h, uint32_t reg, unsigned width, uint32_t value)
{
	for (unsigned i = 0; i < width; i++) {
		uint32_t byte = reg + i;
		uint8_t b = (uint8_t)(value >> (8 * i));

		if (byte == REG_COMMAND)
			h->command = (uint16_t)((h->command & 0xff00) | (b & COMMAND_WRITABLE));
		else if (byte == REG_INTERRUPT_LINE)
			h->irq_line = b;
	}
}

/* Whether an access of width at offset is one the window answers: CONFIG_ADDRESS as a dword,
 * or CONFIG_DATA within its dword. */
static bool address_access(uint64_t offset, unsigned width)
{
	return offset == 0 && width == 4;
}

static bool data_access(uint64_t offset, unsigned width)
{
	return offset >= DATA_OFFSET && offset < AXDEVICE_PCI_HOST_CF8_SIZE &&
	       (width == 1 || width == 2 || width == 4) &&
	       offset - DATA_OFFSET + width <= AXDEVICE_PCI_HOST_CF8_SIZE - DATA_OFFSET;
}

static int host_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		     uint64_t *value)
{
	struct pci_host *h = to_host(dev);
	unsigned shift;

	(void)vcpu;
	if (!axdevice_width_valid(width) || offset >= AXDEVICE_PCI_HOST_CF8_SIZE ||
	    width > AXDEVICE_PCI_HOST_CF8_SIZE - offset)
		return AXERR_INVALID;
	*value = axdevice_width_mask(width);
	if (address_access(offset, width)) {
		*value = h->address;
	} else if (data_access(offset, width) && addresses_bridge(h)) {
		shift = 8 * (unsigned)(offset - DATA_OFFSET);
		*value = (config_dword(h, h->address & REG_DWORD_MASK) >> shift) &
			 axdevice_width_mask(width);
	}
	return AX_OK;
}

static int host_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		      uint64_t value)
{
	struct pci_host *h = to_host(dev);

	(void)vcpu;
	if (!axdevice_width_valid(width) || offset >= AXDEVICE_PCI_HOST_CF8_SIZE ||
	    width > AXDEVICE_PCI_HOST_CF8_SIZE - offset)
		return AXERR_INVALID;
	if (address_access(offset, width))
		h->address = (uint32_t)value & ADDRESS_MASK;
	else if (data_access(offset, width) && addresses_bridge(h))
		config_write(h, (h->address & REG_DWORD_MASK) + (uint32_t)(offset - DATA_OFFSET),
			     width, (uint32_t)value);
	return AX_OK;
}

static void host_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_host(dev));
}

static const struct axdevice_ops host_ops = {
    .model = "pci-host-cf8",
    .read = host_read,
    .write = host_write,
    .destroy = host_destroy,
};

int axdevice_pci_host_cf8_create(const struct ax_allocator *alloc, struct axdevice **out)
{
	struct pci_host *h;

	if (out)
		*out = NULL;
	if (!alloc || !out)
		return AXERR_INVALID;
	h = ax_zalloc(alloc, sizeof(*h));
	if (!h)
		return AXERR_NO_MEMORY;
	axdevice_init(&h->dev, &host_ops, NULL);
	*out = &h->dev;
	return AX_OK;
}
