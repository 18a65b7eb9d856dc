/* Emulated devices (/devices, and the devices of ISA buses in it) and pass-through ranges
 * (/passthrough): their guest ranges must stay clear of memory and of each other, and the ports
 * of devices in the port space clear of each other. */
#include "config_internal.h"

#include <libfdt.h>
#include <string.h>

#include <axdevice/fdt_device.h>
#include <axvm/error.h>
#include <axvm/range.h>

/* The ISA binding's cells: a space (0 memory, 1 I/O) and an address in it, and a size. */
#define ISA_ADDRESS_CELLS 2
#define ISA_SIZE_CELLS 1

_Static_assert(AXDEVICE_MAX_WINDOWS <= AXVM_DEVICE_WINDOWS,
	       "the MMIO windows axdevice reads fit in struct axvm_device");

static const char *const devices_props[] = {"#address-cells", "#size-cells", "ranges",
					    "interrupt-parent", NULL};
static const char *const isa_props[] = {"#address-cells",   "#size-cells", "ranges",
					"interrupt-parent", "device_type", NULL};
static const char *const passthrough_props[] = {"#address-cells", "#size-cells", NULL};
static const char *const passthrough_entry_props[] = {"reg", "host-addr", "phandle", NULL};

/* A device node is used unless its status says otherwise ("okay" or "ok"). */
static int read_enabled(const struct cfg_ctx *c, int node, bool *enabled)
{
	const char *s;
	int err;

	*enabled = true;
	if (!cfg_has(c, node, "status"))
		return AX_OK;
	err = cfg_string(c, node, "status", &s);
	if (err)
		return err;
	*enabled = strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0;
	return AX_OK;
}

/* Whether one of node's (checked) compatible strings is a device the host can create: one a
 * model answers to and, if the host names the devices it allows, one of those. */
static bool known(const struct cfg_ctx *c, int node)
{
	const char *const *allowed = c->limits->known_devices;
	const char *s;

	for (int i = 0; (s = fdt_stringlist_get(c->fdt, node, "compatible", i, NULL)); i++) {
		if (!axdevice_model_find(c->limits->device_models, s))
			continue;
		for (const char *const *m = allowed; !allowed || *m; m++) {
			if (!allowed || strcmp(s, *m) == 0)
				return true;
		}
	}
	return false;
}

static int read_compatible(const struct cfg_ctx *c, int node, struct axvm_device *dev)
{
	const char *first;
	size_t n;
	int err = cfg_stringlist(c, node, "compatible", &first);

	if (err)
		return err;
	if (!known(c, node))
		return cfg_fail(c, node, "compatible", "no device model for \"%s\"", first);
	n = strlen(first);
	if (n > AXVM_NAME_LEN - 1)
		n = AXVM_NAME_LEN - 1;
	memcpy(dev->compatible, first, n);
	dev->compatible[n] = '\0';
	return AX_OK;
}

/* Rejects node's reg [gpa, gpa+size) where it overlaps a memory region. */
static int check_against_memory(const struct cfg_ctx *c, int node, uint64_t gpa, uint64_t size)
{
	char other[CFG_PATH_LEN];

	for (size_t i = 0; i < c->cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &c->cfg->memory[i];

		if (!ax_ranges_overlap(gpa, size, m->gpa, m->size))
			continue;
		cfg_path(c->fdt, c->memory_nodes[i], other);
		return cfg_fail(c, node, "reg", "[0x%llx, +0x%llx) overlaps %s",
				(unsigned long long)gpa, (unsigned long long)size, other);
	}
	return AX_OK;
}

/* Rejects node's reg [gpa, gpa+size) where it overlaps a window of a device. */
static int check_against_devices(const struct cfg_ctx *c, int node, uint64_t gpa, uint64_t size)
{
	char other[CFG_PATH_LEN];

	for (size_t i = 0; i < c->cfg->device_count; i++) {
		const struct axvm_device *d = &c->cfg->devices[i];

		for (uint32_t w = 0; w < d->window_count; w++) {
			if (!ax_ranges_overlap(gpa, size, d->window[w].gpa, d->window[w].size))
				continue;
			cfg_path(c->fdt, d->node, other);
			return cfg_fail(c, node, "reg", "[0x%llx, +0x%llx) overlaps %s",
					(unsigned long long)gpa, (unsigned long long)size, other);
		}
	}
	return AX_OK;
}

/* Rejects node's ports [base, base+size) where they overlap a port window of a device before
 * it (only ISA buses' devices have them). */
static int check_against_ports(const struct cfg_ctx *c, int node, uint64_t base, uint64_t size)
{
	char other[CFG_PATH_LEN];

	for (size_t i = 0; i < c->cfg->device_count; i++) {
		const struct axvm_device *d = &c->cfg->devices[i];
		struct axdevice_fdt_window w[AXDEVICE_MAX_WINDOWS];
		unsigned count = 0;

		/* Read without fault when d was added: it cannot fail now. */
		if (axdevice_fdt_windows(c->fdt, d->node, w, &count, NULL) != AX_OK)
			continue;
		for (unsigned k = 0; k < count; k++) {
			if (w[k].space != AXDEVICE_PORT_IO ||
			    !ax_ranges_overlap(base, size, w[k].base, w[k].size))
				continue;
			cfg_path(c->fdt, d->node, other);
			return cfg_fail(c, node, "reg", "ports [0x%llx, +0x%llx) overlap %s",
					(unsigned long long)base, (unsigned long long)size, other);
		}
	}
	return AX_OK;
}

/* Node's windows: with cells (a child of /devices) its reg entries, all MMIO; without (a child
 * of an ISA bus) as axdevice places them, I/O space in the port space and memory space
 * translated through the bus's ranges (axdevice_fdt_windows, whose message is kept). */
static int device_windows(const struct cfg_ctx *c, int node, const struct cfg_cells *cells,
			  struct axdevice_fdt_window *w, uint32_t *count)
{
	uint64_t base[AXVM_DEVICE_WINDOWS], size[AXVM_DEVICE_WINDOWS];
	unsigned isa_count;
	int err;

	if (!cells) {
		if (axdevice_fdt_windows(c->fdt, node, w, &isa_count, c->diag) != AX_OK)
			return AXERR_BAD_CONFIG;
		*count = isa_count;
		return AX_OK;
	}
	err = cfg_reg_entries(c, node, cells, base, size, AXVM_DEVICE_WINDOWS, count);
	for (uint32_t i = 0; !err && i < *count; i++)
		w[i] = (struct axdevice_fdt_window){AXDEVICE_MMIO, base[i], size[i]};
	return err;
}

/* Checks an MMIO window of node: a guest-physical range clear of memory and of the devices
 * before it. */
static int check_mmio_window(const struct cfg_ctx *c, int node, uint64_t base, uint64_t size)
{
	int err = cfg_check_guest_range(c, node, "reg", base, size, false);

	if (!err)
		err = check_against_memory(c, node, base, size);
	if (!err)
		err = check_against_devices(c, node, base, size);
	return err;
}

/* Reads node's windows (cells as for device_windows), each checked in its space: MMIO ones
 * against memory and the devices before it, port ones against the ports of the devices before
 * it, and both against its own windows before it. dev keeps the MMIO windows; the port
 * windows are re-read from the node where they are needed. */
static int read_windows(const struct cfg_ctx *c, int node, const struct cfg_cells *cells,
			struct axvm_device *dev)
{
	struct axdevice_fdt_window w[AXVM_DEVICE_WINDOWS];
	uint32_t count = 0;
	int err = device_windows(c, node, cells, w, &count);

	for (uint32_t i = 0; !err && i < count; i++) {
		if (w[i].space == AXDEVICE_MMIO)
			err = check_mmio_window(c, node, w[i].base, w[i].size);
		else
			err = check_against_ports(c, node, w[i].base, w[i].size);
		for (uint32_t j = 0; !err && j < i; j++) {
			if (w[j].space == w[i].space &&
			    ax_ranges_overlap(w[i].base, w[i].size, w[j].base, w[j].size))
				err = cfg_fail(c, node, "reg", "entries %u and %u overlap",
					       (unsigned)j, (unsigned)i);
		}
		if (!err && w[i].space == AXDEVICE_MMIO) {
			dev->window[dev->window_count].gpa = w[i].base;
			dev->window[dev->window_count++].size = w[i].size;
		}
	}
	if (!err && dev->window_count) {
		dev->gpa = dev->window[0].gpa;
		dev->size = dev->window[0].size;
	}
	return err;
}

static int add_device(struct cfg_ctx *c, int node, const struct cfg_cells *cells)
{
	struct axvm_config *cfg = c->cfg;
	struct axvm_device dev = {.node = node};
	int err;

	if (cfg->device_count == AXVM_MAX_DEVICES)
		return cfg_fail(c, node, NULL, "too many devices, at most %d", AXVM_MAX_DEVICES);
	err = read_compatible(c, node, &dev);
	if (!err)
		err = read_windows(c, node, cells, &dev);
	if (err)
		return err;
	cfg->devices[cfg->device_count++] = dev;
	return AX_OK;
}

/* Device addresses are guest-physical: a ranges that translates them is refused. */
static int check_no_translation(const struct cfg_ctx *c)
{
	int len;
	const void *ranges = fdt_getprop(c->fdt, c->devices, "ranges", &len);

	if (!ranges && len == -FDT_ERR_NOTFOUND)
		return AX_OK;
	if (!ranges)
		return cfg_fail(c, c->devices, "ranges", "unreadable (%s)", fdt_strerror(len));
	if (len != 0)
		return cfg_fail(c, c->devices, "ranges",
				"%d bytes; must be empty, device addresses are guest-physical",
				len);
	return AX_OK;
}

/* One device node, under /devices (with its cells) or an ISA bus (cells NULL): skipped when
 * disabled. */
static int add_device_node(struct cfg_ctx *c, int node, const struct cfg_cells *cells)
{
	bool enabled;
	int err = read_enabled(c, node, &enabled);

	if (err || !enabled)
		return err;
	return add_device(c, node, cells);
}

/* Reads one of node's cell counts, which the ISA binding fixes to want. */
static int isa_cells(const struct cfg_ctx *c, int node, const char *name, uint32_t want)
{
	uint32_t v;
	int err = cfg_u32(c, node, name, &v);

	if (!err && v != want)
		err = cfg_fail(c, node, name, "%u; the ISA binding has %u", v, want);
	return err;
}

/* An ISA bus's optional ranges: whole entries of a child address (the binding's 2 cells), an
 * address in /devices' cells and a size (1 cell). axdevice translates memory-space children
 * through it; I/O-space children are port numbers, which it does not translate. */
static int check_isa_ranges(const struct cfg_ctx *c, int bus, const struct cfg_cells *parent)
{
	int entry = 4 * (ISA_ADDRESS_CELLS + parent->address + ISA_SIZE_CELLS);
	const void *ranges;
	int len;
	int err;

	if (!cfg_has(c, bus, "ranges"))
		return AX_OK;
	err = cfg_get(c, bus, "ranges", &ranges, &len);
	if (!err && len % entry)
		err = cfg_fail(c, bus, "ranges", "%d bytes, not whole entries of %d", len, entry);
	return err;
}

/* An ISA bus under /devices (device_type "isa", the ISA binding): its children are devices, in
 * the port space (I/O space, reg = <1 port size>) or the MMIO space (memory space, reg =
 * <0 address size>, through the bus's ranges). */
static int add_isa_bus(struct cfg_ctx *c, int bus, const struct cfg_cells *parent)
{
	int node;
	int err = cfg_check_props(c, bus, isa_props);

	if (!err)
		err = isa_cells(c, bus, "#address-cells", ISA_ADDRESS_CELLS);
	if (!err)
		err = isa_cells(c, bus, "#size-cells", ISA_SIZE_CELLS);
	if (!err)
		err = check_isa_ranges(c, bus, parent);
	if (err)
		return err;
	fdt_for_each_subnode (node, c->fdt, bus) {
		err = add_device_node(c, node, NULL);
		if (err)
			return err;
	}
	return cfg_children_end(c, bus, node);
}

int cfg_parse_devices(struct cfg_ctx *c)
{
	struct cfg_cells cells;
	int node;
	int err;

	if (c->devices < 0)
		return AX_OK;
	err = cfg_check_props(c, c->devices, devices_props);
	if (!err)
		err = check_no_translation(c);
	if (!err)
		err = cfg_cells(c, c->devices, &cells);
	if (err)
		return err;
	fdt_for_each_subnode (node, c->fdt, c->devices) {
		if (axdevice_fdt_is_isa_bus(c->fdt, node))
			err = add_isa_bus(c, node, &cells);
		else
			err = add_device_node(c, node, &cells);
		if (err)
			return err;
	}
	return cfg_children_end(c, c->devices, node);
}

/* Rejects a host range shared with linear memory or an earlier pass-through range. */
static int check_host_overlaps(const struct cfg_ctx *c, int node, const struct axvm_passthrough *p)
{
	const struct axvm_config *cfg = c->cfg;
	char other[CFG_PATH_LEN];
	int with = -1;

	for (size_t i = 0; with < 0 && i < cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];

		if (m->kind == AXVM_MEM_LINEAR &&
		    ax_ranges_overlap(p->hpa, p->size, m->hpa, m->size))
			with = c->memory_nodes[i];
	}
	for (size_t i = 0; with < 0 && i < cfg->passthrough_count; i++) {
		const struct axvm_passthrough *o = &cfg->passthrough[i];

		if (ax_ranges_overlap(p->hpa, p->size, o->hpa, o->size))
			with = c->passthrough_nodes[i];
	}
	if (with < 0)
		return AX_OK;
	cfg_path(c->fdt, with, other);
	return cfg_fail(c, node, "host-addr", "[0x%llx, +0x%llx) overlaps the host range of %s",
			(unsigned long long)p->hpa, (unsigned long long)p->size, other);
}

/* Rejects a guest range shared with an earlier pass-through range. */
static int check_guest_overlaps(const struct cfg_ctx *c, int node, const struct axvm_passthrough *p)
{
	const struct axvm_config *cfg = c->cfg;
	char other[CFG_PATH_LEN];

	for (size_t i = 0; i < cfg->passthrough_count; i++) {
		const struct axvm_passthrough *o = &cfg->passthrough[i];

		if (!ax_ranges_overlap(p->gpa, p->size, o->gpa, o->size))
			continue;
		cfg_path(c->fdt, c->passthrough_nodes[i], other);
		return cfg_fail(c, node, "reg", "[0x%llx, +0x%llx) overlaps %s",
				(unsigned long long)p->gpa, (unsigned long long)p->size, other);
	}
	return AX_OK;
}

static int add_passthrough(struct cfg_ctx *c, int node, const struct cfg_cells *cells)
{
	struct axvm_config *cfg = c->cfg;
	struct axvm_passthrough p = {0};
	int err;

	if (cfg->passthrough_count == AXVM_MAX_PASSTHROUGH)
		return cfg_fail(c, node, NULL, "too many pass-through ranges, at most %d",
				AXVM_MAX_PASSTHROUGH);
	err = cfg_check_props(c, node, passthrough_entry_props);
	if (!err)
		err = cfg_reg(c, node, cells, &p.gpa, &p.size);
	if (!err)
		err = cfg_check_guest_range(c, node, "reg", p.gpa, p.size, true);
	if (!err)
		err = cfg_u64(c, node, "host-addr", &p.hpa);
	if (!err)
		err = cfg_check_host_range(c, node, "host-addr", p.hpa, p.size);
	if (!err)
		err = check_against_memory(c, node, p.gpa, p.size);
	if (!err)
		err = check_against_devices(c, node, p.gpa, p.size);
	if (!err)
		err = check_guest_overlaps(c, node, &p);
	if (!err)
		err = check_host_overlaps(c, node, &p);
	if (err)
		return err;
	c->passthrough_nodes[cfg->passthrough_count] = node;
	cfg->passthrough[cfg->passthrough_count++] = p;
	return AX_OK;
}

int cfg_parse_passthrough(struct cfg_ctx *c)
{
	struct cfg_cells cells;
	int node;
	int err;

	if (c->passthrough < 0)
		return AX_OK;
	err = cfg_check_props(c, c->passthrough, passthrough_props);
	if (!err)
		err = cfg_cells(c, c->passthrough, &cells);
	if (err)
		return err;
	fdt_for_each_subnode (node, c->fdt, c->passthrough) {
		err = add_passthrough(c, node, &cells);
		if (err)
			return err;
	}
	return cfg_children_end(c, c->passthrough, node);
}
