#include "bus.h"

#include <string.h>

#include <axvm/assert.h>
#include <axvm/error.h>

/* The capacity of a bus's first array; it doubles from there. */
#define BUS_FIRST_CAPACITY 8

/* The index of the first range whose base is above addr (bus->count when none is). */
static size_t upper_bound(const struct axdevice_bus *bus, uint64_t addr)
{
	size_t lo = 0;
	size_t hi = bus->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bus->ranges[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t axdevice_bus_lookup(const struct axdevice_bus *bus, uint64_t addr)
{
	size_t i = upper_bound(bus, addr);
	const struct axdevice_range *r;

	if (i == 0)
		return bus->count;
	r = &bus->ranges[i - 1];
	return addr - r->base < r->size ? i - 1 : bus->count;
}

/* Makes room for one more range; the bus is unchanged when that fails. */
static int grow(struct axdevice_bus *bus, const struct ax_allocator *alloc)
{
	size_t cap = bus->capacity ? bus->capacity * 2 : BUS_FIRST_CAPACITY;
	struct axdevice_range *ranges;

	if (bus->count < bus->capacity)
		return AX_OK;
	if (cap > SIZE_MAX / sizeof(*ranges))
		return AXERR_NO_MEMORY;
	ranges = alloc->alloc(alloc->ctx, cap * sizeof(*ranges));
	if (!ranges)
		return AXERR_NO_MEMORY;
	if (bus->count)
		memcpy(ranges, bus->ranges, bus->count * sizeof(*ranges));
	ax_free(alloc, bus->ranges);
	bus->ranges = ranges;
	bus->capacity = cap;
	return AX_OK;
}

int axdevice_bus_insert(struct axdevice_bus *bus, const struct ax_allocator *alloc,
			const struct axdevice_range *r)
{
	size_t i = upper_bound(bus, r->base);
	int err;

	AX_ASSERT(r->size > 0 && r->size - 1 <= UINT64_MAX - r->base);
	if (i > 0 && r->base - bus->ranges[i - 1].base < bus->ranges[i - 1].size)
		return AXERR_EXISTS;
	if (i < bus->count && bus->ranges[i].base - r->base < r->size)
		return AXERR_EXISTS;
	err = grow(bus, alloc);
	if (err)
		return err;
	memmove(&bus->ranges[i + 1], &bus->ranges[i], (bus->count - i) * sizeof(*r));
	bus->ranges[i] = *r;
	bus->count++;
	return AX_OK;
}

void axdevice_bus_remove_at(struct axdevice_bus *bus, size_t i)
{
	AX_ASSERT(i < bus->count);
	memmove(&bus->ranges[i], &bus->ranges[i + 1],
		(bus->count - i - 1) * sizeof(bus->ranges[i]));
	bus->count--;
}

void axdevice_bus_release(struct axdevice_bus *bus, const struct ax_allocator *alloc)
{
	ax_free(alloc, bus->ranges);
	bus->ranges = NULL;
	bus->count = 0;
	bus->capacity = 0;
}
