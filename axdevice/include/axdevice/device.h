/* The emulated-device interface: what every device model implements, and how the bus calls it. */
#ifndef AXDEVICE_DEVICE_H
#define AXDEVICE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axvm/alloc.h>

struct axdevice;

/*
 * A device model's operations. offset is relative to the base the device was registered at.
 * Called through an axdevice_set, width is always 1, 2, 4 or 8 and [offset, offset + width) lies
 * inside the registered range; a model called directly still checks width. Every access
 * returns 0 or a negative enum axerr, and the guest controls offset, width and value: a model
 * answers nonsense with an error code or ignores it, it never asserts.
 */
struct axdevice_ops {
	/* Short model name for logs, such as "ns16550a". */
	const char *model;
	/* Reads width bytes at offset into *value, zero-extended. */
	int (*read)(struct axdevice *dev, uint64_t offset, unsigned width, uint64_t *value);
	/* Writes the low width bytes of value at offset. */
	int (*write)(struct axdevice *dev, uint64_t offset, unsigned width, uint64_t value);
	/* Frees the device and its state back to alloc, the allocator it was created with. NULL
	 * for a device whose storage its creator keeps (a static object). */
	void (*destroy)(struct axdevice *dev, const struct ax_allocator *alloc);
};

/*
 * One device instance. A model embeds this in its own state and gets the state back in its
 * ops with AXDEVICE_CONTAINER_OF; everyone else only passes the pointer around.
 */
struct axdevice {
	const struct axdevice_ops *ops;
};

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
	return width >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * width)) - 1;
}

#endif
