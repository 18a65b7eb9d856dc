/* A VM's emulated devices: one bus per access space, and dispatch of guest accesses to them. */
#ifndef AXDEVICE_DEVICE_SET_H
#define AXDEVICE_DEVICE_SET_H

#include <stddef.h>
#include <stdint.h>

#include <axdevice/device.h>
#include <axvm/alloc.h>

/*
 * The address spaces a guest reaches devices through. Addresses are guest-physical for MMIO,
 * port numbers for port I/O, and for SYSREG eight times the architecture backend's
 * system-register encoding (axdevice_sysreg_addr): each register is 8 bytes wide there.
 */
enum axdevice_space {
	AXDEVICE_MMIO,
	AXDEVICE_PORT_IO,
	AXDEVICE_SYSREG,
	AXDEVICE_SPACES,
};

/* The SYSREG address of the system register the backend encodes as encoding. */
static inline uint64_t axdevice_sysreg_addr(uint32_t encoding)
{
	return (uint64_t)encoding * 8;
}

/* One registered range [base, base + size), where the device sees offsets from offset (0, or
 * a window's axdevice_window_offset). Private: use the functions below. */
struct axdevice_range {
	uint64_t base;
	uint64_t size;
	struct axdevice *dev;
	uint64_t offset;
};

/* Register windows a device may have (a devicetree node's reg entries): the device sees window
 * i's offsets from axdevice_window_offset(i), so one device answers for, say, a GIC's
 * distributor and its redistributors. */
#define AXDEVICE_MAX_WINDOWS 4

static inline uint64_t axdevice_window_offset(unsigned window)
{
	return (uint64_t)window << 48;
}

/* One space's ranges, sorted by base and disjoint, in an array that grows by doubling.
 * Private: use the functions below. */
struct axdevice_bus {
	struct axdevice_range *ranges;
	size_t count;
	size_t capacity;
};

/*
 * A VM's devices. Storage comes from the allocator given to axdevice_set_init and grows as
 * devices are added (a lookup is a binary search, O(log n)); it is released by
 * axdevice_set_destroy. The set owns the devices added to it: removing one or destroying the
 * set calls the device's destroy op with the set's allocator, so a device must be created with
 * that allocator (or have no destroy op). The set itself is not thread-safe: its user
 * serialises changes (add, remove, destroy) with everything else. Accesses through
 * axdevice_set_read and axdevice_set_write may run on several CPUs at once: each takes the
 * device's own lock. Whoever calls a model directly (axdevice_uart_receive) holds that lock.
 */
struct axdevice_set {
	const struct ax_allocator *alloc;
	struct axdevice_bus bus[AXDEVICE_SPACES];
};

/* Makes set empty, taking storage from alloc. AXERR_INVALID when set or alloc is NULL. */
int axdevice_set_init(struct axdevice_set *set, const struct ax_allocator *alloc);

/*
 * Registers dev at [base, base + size) in space; the set owns dev from then on (on failure the
 * caller still does). AXERR_EXISTS when the range overlaps a registered one (ranges may touch),
 * AXERR_BUSY when dev is already registered in this set, AXERR_INVALID for a NULL dev or op, an
 * unknown space, size 0 or a range past 2^64, AXERR_NO_MEMORY when growing fails. Nothing
 * changes on failure.
 */
int axdevice_set_add(struct axdevice_set *set, enum axdevice_space space, uint64_t base,
		     uint64_t size, struct axdevice *dev);

/* Registers one more window of dev, which axdevice_set_add registered already, at
 * [base, base + size) in space, where dev sees offsets from offset. AXERR_NOT_FOUND when dev is
 * not in the set; otherwise as axdevice_set_add. */
int axdevice_set_add_window(struct axdevice_set *set, enum axdevice_space space, uint64_t base,
			    uint64_t size, struct axdevice *dev, uint64_t offset);

/* Unregisters the device registered at exactly base, every window of it, and destroys it.
 * AXERR_NOT_FOUND when no range starts there, AXERR_INVALID for an unknown space. */
int axdevice_set_remove(struct axdevice_set *set, enum axdevice_space space, uint64_t base);

/* The device whose range contains addr, and addr's offset in it (offset may be NULL); NULL when
 * no device does or space is unknown. */
struct axdevice *axdevice_set_find(const struct axdevice_set *set, enum axdevice_space space,
				   uint64_t addr, uint64_t *offset);

/* The number of devices registered in space (0 for an unknown space). */
size_t axdevice_set_count(const struct axdevice_set *set, enum axdevice_space space);

/*
 * Dispatches a read of width bytes at addr by vCPU vcpu (AXDEVICE_VCPU_HOST: the host) to the
 * device containing addr, under the device's lock, and stores the result, masked to width, in
 * *value (0 on any error). AXERR_NOT_FOUND when no device contains addr; AXERR_INVALID for an
 * unknown space, a width not in {1, 2, 4, 8} or an access running past the end of the device;
 * otherwise what the device returns.
 */
int axdevice_set_read(struct axdevice_set *set, enum axdevice_space space, uint32_t vcpu,
		      uint64_t addr, unsigned width, uint64_t *value);

/* Dispatches a write of the low width bytes of value at addr; as axdevice_set_read. */
int axdevice_set_write(struct axdevice_set *set, enum axdevice_space space, uint32_t vcpu,
		       uint64_t addr, unsigned width, uint64_t value);

/* The range containing addr in space (the device and its window), or NULL. The pointer stays
 * valid until the set changes (add, remove, destroy): a user may keep it to skip the search
 * for the next access to the same device. */
const struct axdevice_range *axdevice_set_lookup(const struct axdevice_set *set,
						 enum axdevice_space space, uint64_t addr);

/* axdevice_set_read and axdevice_set_write through a range axdevice_set_lookup found: r may be
 * NULL or another range than addr's (AXERR_NOT_FOUND), the other errors are theirs. A read's
 * *value is the device's as it returned it, not masked to width again, and undefined after an
 * error: the fast path of an MMIO exit, whose completion in the backend cuts it to the access's
 * width anyway and which completes nothing that failed. */
int axdevice_range_read(const struct axdevice_range *r, uint32_t vcpu, uint64_t addr,
			unsigned width, uint64_t *value);
int axdevice_range_write(const struct axdevice_range *r, uint32_t vcpu, uint64_t addr,
			 unsigned width, uint64_t value);

/* Destroys every registered device and frees the set's storage; set is left empty and usable
 * with the same allocator. */
void axdevice_set_destroy(struct axdevice_set *set);

#endif
