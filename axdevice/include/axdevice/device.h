/* The emulated-device interface: what every device model implements, and how the bus calls it. */
#ifndef AXDEVICE_DEVICE_H
#define AXDEVICE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axvm/alloc.h>
#include <axvm/spinlock.h>

struct axdevice;
struct axdevice_irqchip_ops;

/* The vcpu of an access the host makes itself (console input, tests), not a guest CPU. */
#define AXDEVICE_VCPU_HOST UINT32_MAX

/*
 * A device model's operations. offset is relative to the base the device was registered at;
 * vcpu is the index in its VM of the vCPU making the access (AXDEVICE_VCPU_HOST for the host),
 * which a model with per-vCPU state (banked registers, a redistributor, a local APIC) uses to
 * find that vCPU's state. Called through an axdevice_set, the device's lock is held, width is
 * always 1, 2, 4 or 8 and [offset, offset + width) lies inside the registered range; a model
 * called directly still checks width. Every access returns 0 or a negative enum axerr, and the
 * guest controls offset, width, value and which vCPU asks: a model answers nonsense with an
 * error code or ignores it, it never asserts.
 */
struct axdevice_ops {
	/* Short model name for logs, such as "ns16550a". */
	const char *model;
	/* Reads width bytes at offset into *value, zero-extended. */
	int (*read)(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		    uint64_t *value);
	/* Writes the low width bytes of value at offset. */
	int (*write)(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		     uint64_t value);
	/* Frees the device and its state back to alloc, the allocator it was created with. NULL
	 * for a device whose storage its creator keeps (a static object). */
	void (*destroy)(struct axdevice *dev, const struct ax_allocator *alloc);
};

/*
 * One device instance. A model embeds this in its own state (axdevice_init) and gets the state
 * back in its ops with AXDEVICE_CONTAINER_OF; everyone else only passes the pointer around.
 * Each device has its own lock, so that vCPUs using different devices never wait for each
 * other; an interrupt controller's lock nests inside the locks of the devices wired to it.
 */
struct axdevice {
	const struct axdevice_ops *ops;
	/* The device's role as an interrupt controller (axdevice/irqchip.h), or NULL. */
	const struct axdevice_irqchip_ops *irqchip;
	struct spinlock lock;
	int fdt_node; /* the devicetree node it was created from, or -1 */
};

/* Makes dev a device with ops (and irqchip ops, or NULL), unlocked. */
static inline void axdevice_init(struct axdevice *dev, const struct axdevice_ops *ops,
				 const struct axdevice_irqchip_ops *irqchip)
{
	dev->ops = ops;
	dev->irqchip = irqchip;
	spin_lock_init(&dev->lock);
	dev->fdt_node = -1;
}

/* The structure of the given type whose member `member` is at ptr. */
#define AXDEVICE_CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* True for the access widths a guest can make: 1, 2, 4 or 8 bytes. */
static inline bool axdevice_width_valid(unsigned width)
{
	return width == 1 || width == 2 || width == 4 || width == 8;
}

/* The mask of the low width bytes of a value; width must be valid. */
static inline uint64_t axdevice_width_mask(unsigned width)
{
	return ~(uint64_t)0 >> ((64 - 8 * width) & 63);
}

#endif
