#include <axdevice/device_set.h>

#include <axvm/error.h>

#include "bus.h"

static bool space_valid(enum axdevice_space space)
{
	return (unsigned)space < AXDEVICE_SPACES;
}

/* True when dev is registered anywhere in set. */
static bool registered(const struct axdevice_set *set, const struct axdevice *dev)
{
	for (int s = 0; s < AXDEVICE_SPACES; s++) {
		const struct axdevice_bus *bus = &set->bus[s];

		for (size_t i = 0; i < bus->count; i++) {
			if (bus->ranges[i].dev == dev)
				return true;
		}
	}
	return false;
}

static void destroy_device(const struct axdevice_set *set, struct axdevice *dev)
{
	if (dev->ops->destroy)
		dev->ops->destroy(dev, set->alloc);
}

int axdevice_set_init(struct axdevice_set *set, const struct ax_allocator *alloc)
{
	if (!set || !alloc)
		return AXERR_INVALID;
	set->alloc = alloc;
	for (int s = 0; s < AXDEVICE_SPACES; s++) {
		set->bus[s].ranges = NULL;
		set->bus[s].count = 0;
		set->bus[s].capacity = 0;
	}
	return AX_OK;
}

static int add_range(struct axdevice_set *set, enum axdevice_space space, uint64_t base,
		     uint64_t size, struct axdevice *dev, uint64_t offset)
{
	struct axdevice_range r = {.base = base, .size = size, .dev = dev, .offset = offset};

	if (!space_valid(space) || !dev || !dev->ops || !dev->ops->read || !dev->ops->write)
		return AXERR_INVALID;
	if (size == 0 || size - 1 > UINT64_MAX - base)
		return AXERR_INVALID;
	return axdevice_bus_insert(&set->bus[space], set->alloc, &r);
}

int axdevice_set_add(struct axdevice_set *set, enum axdevice_space space, uint64_t base,
		     uint64_t size, struct axdevice *dev)
{
	if (dev && registered(set, dev))
		return AXERR_BUSY;
	return add_range(set, space, base, size, dev, 0);
}

int axdevice_set_add_window(struct axdevice_set *set, enum axdevice_space space, uint64_t base,
			    uint64_t size, struct axdevice *dev, uint64_t offset)
{
	if (dev && !registered(set, dev))
		return AXERR_NOT_FOUND;
	return add_range(set, space, base, size, dev, offset);
}

/* Unregisters every range of dev. */
static void unregister(struct axdevice_set *set, const struct axdevice *dev)
{
	for (int s = 0; s < AXDEVICE_SPACES; s++) {
		struct axdevice_bus *bus = &set->bus[s];

		for (size_t i = bus->count; i-- > 0;) {
			if (bus->ranges[i].dev == dev)
				axdevice_bus_remove_at(bus, i);
		}
	}
}

int axdevice_set_remove(struct axdevice_set *set, enum axdevice_space space, uint64_t base)
{
	struct axdevice_bus *bus;
	struct axdevice *dev;
	size_t i;

	if (!space_valid(space))
		return AXERR_INVALID;
	bus = &set->bus[space];
	i = axdevice_bus_lookup(bus, base);
	if (i == bus->count || bus->ranges[i].base != base)
		return AXERR_NOT_FOUND;
	dev = bus->ranges[i].dev;
	unregister(set, dev);
	destroy_device(set, dev);
	return AX_OK;
}

struct axdevice *axdevice_set_find(const struct axdevice_set *set, enum axdevice_space space,
				   uint64_t addr, uint64_t *offset)
{
	const struct axdevice_range *r = axdevice_set_lookup(set, space, addr);

	if (r && offset)
		*offset = r->offset + (addr - r->base);
	return r ? r->dev : NULL;
}

size_t axdevice_set_count(const struct axdevice_set *set, enum axdevice_space space)
{
	return space_valid(space) ? set->bus[space].count : 0;
}

const struct axdevice_range *axdevice_set_lookup(const struct axdevice_set *set,
						 enum axdevice_space space, uint64_t addr)
{
	const struct axdevice_bus *bus;
	size_t i;

	if (!space_valid(space))
		return NULL;
	bus = &set->bus[space];
	i = axdevice_bus_lookup(bus, addr);
	return i == bus->count ? NULL : &bus->ranges[i];
}

/* The offset of a width-byte access at addr in r, or an error: AXERR_NOT_FOUND (r is NULL or
 * does not contain addr), AXERR_INVALID (a bad width, or the access runs past r's end). */
static int range_offset(const struct axdevice_range *r, uint64_t addr, unsigned width,
			uint64_t *offset)
{
	if (!axdevice_width_valid(width))
		return AXERR_INVALID;
	uint64_t in;

	if (!r || addr - r->base >= r->size)
		return AXERR_NOT_FOUND;
	in = addr - r->base;
	*offset = r->offset + in;
	return width > r->size - in ? AXERR_INVALID : AX_OK;
}

int axdevice_range_read(const struct axdevice_range *r, uint32_t vcpu, uint64_t addr,
			unsigned width, uint64_t *value)
{
	struct axdevice *dev;
	uint64_t offset;
	int err;

	if (!value)
		return AXERR_INVALID;
	err = range_offset(r, addr, width, &offset);
	if (err)
		return err;
	dev = r->dev;
	spin_lock(&dev->lock);
	err = dev->ops->read(dev, vcpu, offset, width, value);
	spin_unlock(&dev->lock);
	return err;
}

int axdevice_range_write(const struct axdevice_range *r, uint32_t vcpu, uint64_t addr,
			 unsigned width, uint64_t value)
{
	uint64_t offset;
	int err = range_offset(r, addr, width, &offset);

	if (err)
		return err;
	spin_lock(&r->dev->lock);
	err = r->dev->ops->write(r->dev, vcpu, offset, width, value & axdevice_width_mask(width));
	spin_unlock(&r->dev->lock);
	return err;
}

int axdevice_set_read(struct axdevice_set *set, enum axdevice_space space, uint32_t vcpu,
		      uint64_t addr, unsigned width, uint64_t *value)
{
	int err;

	if (!space_valid(space)) {
		if (value)
			*value = 0;
		return AXERR_INVALID;
	}
	err = axdevice_range_read(axdevice_set_lookup(set, space, addr), vcpu, addr, width, value);
	if (value)
		*value = err ? 0 : *value & axdevice_width_mask(width);
	return err;
}

int axdevice_set_write(struct axdevice_set *set, enum axdevice_space space, uint32_t vcpu,
		       uint64_t addr, unsigned width, uint64_t value)
{
	if (!space_valid(space))
		return AXERR_INVALID;
	return axdevice_range_write(axdevice_set_lookup(set, space, addr), vcpu, addr, width,
				    value);
}

/* Each device once, however many windows it has: its ranges go before it does. */
void axdevice_set_destroy(struct axdevice_set *set)
{
	for (int s = 0; s < AXDEVICE_SPACES; s++) {
		struct axdevice_bus *bus = &set->bus[s];

		while (bus->count) {
			struct axdevice *dev = bus->ranges[bus->count - 1].dev;

			unregister(set, dev);
			destroy_device(set, dev);
		}
	}
	for (int s = 0; s < AXDEVICE_SPACES; s++)
		axdevice_bus_release(&set->bus[s], set->alloc);
}
