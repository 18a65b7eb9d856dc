/* One access space's device ranges: a sorted array of disjoint ranges, binary-searched. */
#ifndef AXDEVICE_SRC_BUS_H
#define AXDEVICE_SRC_BUS_H

#include <stddef.h>
#include <stdint.h>

#include <axdevice/device_set.h>
#include <axvm/alloc.h>

/* The index of the range containing addr, or bus->count when none does. */
size_t axdevice_bus_lookup(const struct axdevice_bus *bus, uint64_t addr);

/* Inserts r (size > 0, not wrapping past 2^64) in base order, growing the array from alloc.
 * AXERR_EXISTS when r overlaps a range, AXERR_NO_MEMORY; bus is unchanged on failure. */
int axdevice_bus_insert(struct axdevice_bus *bus, const struct ax_allocator *alloc,
			const struct axdevice_range *r);

/* Removes the range at index i (< bus->count), keeping the order. */
void axdevice_bus_remove_at(struct axdevice_bus *bus, size_t i);

/* Frees the array back to alloc (not the devices) and leaves bus empty. */
void axdevice_bus_release(struct axdevice_bus *bus, const struct ax_allocator *alloc);

#endif
