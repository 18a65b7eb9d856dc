/* Devices from devicetree nodes: compatible picks the model, reg the windows (MMIO, or ports
 * under an ISA bus), interrupts the line. Every rejection names the node's path and the
 * property in the diag message. */
#include <axdevice/fdt_device.h>

#include <libfdt.h>
#include <string.h>

#include <axvm/error.h>
#include <axvm/format.h>

#include <axdevice/irqchip.h>

#include <axdevice/fdt_model.h>
#include "fdt_ioapic.h"
#include "fdt_pc_legacy.h"
#include "fdt_plic.h"

/* How far the interrupt-parent walk goes before calling the tree malformed (a loop). */
#define MAX_INTERRUPT_HOPS 64

/* Arm GIC interrupt specifier (#interrupt-cells = 3): type, number, flags. */
#define GIC_SPI 0
#define GIC_PPI 1
#define GIC_SPI_BASE 32
#define GIC_SPI_COUNT 988
#define GIC_PPI_BASE 16
#define GIC_PPI_COUNT 16

/* The ISA binding (IEEE 1275): a bus with device_type "isa" whose children's addresses are a
 * space (0 memory, 1 I/O) and an address in it, their sizes one cell. */
#define ISA_DEVICE_TYPE "isa"
#define ISA_ADDRESS_CELLS 2
#define ISA_SIZE_CELLS 1
#define ISA_SPACE_MEMORY 0
#define ISA_SPACE_IO 1
/* Port numbers are 16 bits. */
#define PORT_SPACE_SIZE 0x10000

/* Axdevice's own models, defined below (the PLIC's in fdt_plic.c, the I/O APIC's in
 * fdt_ioapic.c, the PC's legacy devices' in fdt_pc_legacy.c). */
static const struct axdevice_model ns16550_model, pl011_model;
static const struct axdevice_model *const own_models[] = {&ns16550_model,
							  &pl011_model,
							  &axdevice_plic_model,
							  &axdevice_ioapic_model,
							  &axdevice_i8042_model,
							  &axdevice_rtc_cmos_model,
							  &axdevice_acpi_sleep_model,
							  &axdevice_pci_host_cf8_model};

static bool answers(const struct axdevice_model *m, const char *compatible)
{
	for (const char *const *c = m->compatibles; *c; c++) {
		if (strcmp(*c, compatible) == 0)
			return true;
	}
	return false;
}

const struct axdevice_model *axdevice_model_find(const struct axdevice_model_list *extra,
						 const char *compatible)
{
	for (size_t i = 0; extra && compatible && i < extra->count; i++) {
		if (extra->models[i] && answers(extra->models[i], compatible))
			return extra->models[i];
	}
	for (size_t i = 0; compatible && i < sizeof(own_models) / sizeof(own_models[0]); i++) {
		if (answers(own_models[i], compatible))
			return own_models[i];
	}
	return NULL;
}

const struct axdevice_model *axdevice_fdt_model(const struct axdevice_model_list *extra,
						const void *fdt, int node)
{
	const struct axdevice_model *m = NULL;
	const char *s;

	for (int i = 0; !m && (s = fdt_stringlist_get(fdt, node, "compatible", i, NULL)); i++)
		m = axdevice_model_find(extra, s);
	return m;
}

/* Picks the model for the first of the node's compatible strings that has one. */
static int find_model(const struct axdevice_fdt_node *n, const struct axdevice_model_list *extra,
		      const struct axdevice_model **model)
{
	const char *first = fdt_stringlist_get(n->fdt, n->offset, "compatible", 0, NULL);

	if (!first)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: compatible: missing", n->path);
	*model = axdevice_fdt_model(extra, n->fdt, n->offset);
	if (*model)
		return AX_OK;
	return ax_diag_set(n->diag, AXERR_UNSUPPORTED, "%s: compatible: no device model for \"%s\"",
			   n->path, first);
}

/* Translates [*base, +size) through one bus's non-empty ranges into the bus parent's space. */
static int translate_once(const struct axdevice_fdt_node *n, int bus, const fdt32_t *ranges,
			  int len, uint64_t *base, uint64_t size)
{
	int grandparent = fdt_parent_offset(n->fdt, bus);
	int cac = fdt_address_cells(n->fdt, bus);
	int pac = fdt_address_cells(n->fdt, grandparent);
	int csc = fdt_size_cells(n->fdt, bus);
	char bus_path[AXDEVICE_FDT_PATH_LEN];
	int entry;

	if (fdt_get_path(n->fdt, bus, bus_path, sizeof(bus_path)) != 0)
		ax_snprintf(bus_path, sizeof(bus_path), "its bus");
	if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || csc < 1 || csc > 2)
		return ax_diag_set(n->diag, AXERR_UNSUPPORTED,
				   "%s: ranges: %s translates with cells other than 1 or 2",
				   n->path, bus_path);
	entry = cac + pac + csc;
	if (len % (4 * entry))
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: ranges: %s has %d bytes, not a multiple of %d cells",
				   n->path, bus_path, len, entry);
	for (int i = 0; i < len / 4; i += entry) {
		uint64_t child = axdevice_fdt_read_cells(ranges + i, cac);
		uint64_t parent = axdevice_fdt_read_cells(ranges + i + cac, pac);
		uint64_t span = axdevice_fdt_read_cells(ranges + i + cac + pac, csc);
		uint64_t offset = *base - child;

		if (*base < child || offset >= span || size > span - offset)
			continue;
		if (offset > UINT64_MAX - parent)
			break;
		*base = parent + offset;
		return AX_OK;
	}
	return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
			   "%s: reg: 0x%llx+0x%llx is outside the ranges of %s", n->path,
			   (unsigned long long)*base, (unsigned long long)size, bus_path);
}

/* Maps reg up to the root's address space through every bus's ranges. An empty ranges is the
 * identity; so, leniently, is a missing one (a plain container node in a VM description). */
static int translate(const struct axdevice_fdt_node *n, uint64_t *base, uint64_t size)
{
	for (int bus = fdt_parent_offset(n->fdt, n->offset); bus > 0;
	     bus = fdt_parent_offset(n->fdt, bus)) {
		int len;
		const fdt32_t *ranges = fdt_getprop(n->fdt, bus, "ranges", &len);
		int err;

		if (!ranges || len == 0)
			continue;
		err = translate_once(n, bus, ranges, len, base, size);
		if (err)
			return err;
	}
	if (size - 1 > UINT64_MAX - *base)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: reg: translated range wraps",
				   n->path);
	return AX_OK;
}

/* A device's register windows: the node's reg entries, at most AXDEVICE_MAX_WINDOWS. */
struct windows {
	unsigned count;
	struct axdevice_fdt_window win[AXDEVICE_MAX_WINDOWS];
};

bool axdevice_fdt_is_isa_bus(const void *fdt, int node)
{
	int len;
	const char *type = fdt_getprop(fdt, node, "device_type", &len);

	return type && len == (int)sizeof(ISA_DEVICE_TYPE) &&
	       memcmp(type, ISA_DEVICE_TYPE, sizeof(ISA_DEVICE_TYPE)) == 0;
}

/* Rejects an ISA bus whose cells are not the binding's. */
static int check_isa_cells(const struct axdevice_fdt_node *n, int bus, int ac, int sc)
{
	char bus_path[AXDEVICE_FDT_PATH_LEN];

	if (ac == ISA_ADDRESS_CELLS && sc == ISA_SIZE_CELLS)
		return AX_OK;
	if (fdt_get_path(n->fdt, bus, bus_path, sizeof(bus_path)) != 0)
		ax_snprintf(bus_path, sizeof(bus_path), "its bus");
	return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
			   "%s: reg: the ISA bus %s has #address-cells = <%d> and #size-cells = "
			   "<%d>, the ISA binding needs <%d> and <%d>",
			   n->path, bus_path, ac, sc, ISA_ADDRESS_CELLS, ISA_SIZE_CELLS);
}

/* Puts the window of reg entry i of an ISA bus's child, read as one 64-bit address (the space
 * in its high cell), in its space: memory stays MMIO at the address, I/O is the port space,
 * where every port must be below PORT_SPACE_SIZE. */
static int isa_window(const struct axdevice_fdt_node *n, unsigned i, struct axdevice_fdt_window *w)
{
	uint32_t space = (uint32_t)(w->base >> 32);

	w->base &= UINT32_MAX;
	if (space == ISA_SPACE_MEMORY)
		return AX_OK;
	if (space != ISA_SPACE_IO)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: entry %u: ISA space %u is neither memory (%d) nor I/O "
				   "(%d)",
				   n->path, i, space, ISA_SPACE_MEMORY, ISA_SPACE_IO);
	if (w->size > PORT_SPACE_SIZE || w->base > PORT_SPACE_SIZE - w->size)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: entry %u: ports 0x%llx+0x%llx run past 0x%x", n->path,
				   i, (unsigned long long)w->base, (unsigned long long)w->size,
				   PORT_SPACE_SIZE - 1);
	w->space = AXDEVICE_PORT_IO;
	return AX_OK;
}

/* Reads the node's reg entries in its parent's address and size cells, each an MMIO window
 * not yet translated, or under an ISA bus a window in the space its entry names. */
static int read_reg(const struct axdevice_fdt_node *n, struct windows *w)
{
	int parent = fdt_parent_offset(n->fdt, n->offset);
	int ac, sc, len, err;
	bool isa;
	const fdt32_t *reg;

	if (parent < 0)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: reg: not a device node",
				   n->path);
	ac = fdt_address_cells(n->fdt, parent);
	sc = fdt_size_cells(n->fdt, parent);
	if (ac < 0 || sc < 0)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: parent's #address-cells or #size-cells is malformed",
				   n->path);
	isa = axdevice_fdt_is_isa_bus(n->fdt, parent);
	err = isa ? check_isa_cells(n, parent, ac, sc) : AX_OK;
	if (err)
		return err;
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return ax_diag_set(n->diag, AXERR_UNSUPPORTED,
				   "%s: reg: %d address and %d size cells, need 1 or 2 of each",
				   n->path, ac, sc);
	reg = fdt_getprop(n->fdt, n->offset, "reg", &len);
	if (!reg)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: reg: missing", n->path);
	if (len < 4 * (ac + sc) || len % (4 * (ac + sc)))
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: %d bytes, not whole entries of an address and a size",
				   n->path, len);
	if (len / (4 * (ac + sc)) > AXDEVICE_MAX_WINDOWS)
		return ax_diag_set(n->diag, AXERR_UNSUPPORTED, "%s: reg: more than %d entries",
				   n->path, AXDEVICE_MAX_WINDOWS);
	w->count = (unsigned)(len / (4 * (ac + sc)));
	for (unsigned i = 0; i < w->count; i++, reg += ac + sc) {
		struct axdevice_fdt_window *win = &w->win[i];

		win->space = AXDEVICE_MMIO;
		win->base = axdevice_fdt_read_cells(reg, ac);
		win->size = axdevice_fdt_read_cells(reg + ac, sc);
		err = isa ? isa_window(n, i, win) : AX_OK;
		if (err)
			return err;
		if (win->size == 0 || win->size - 1 > UINT64_MAX - win->base)
			return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
					   "%s: reg: size 0x%llx at 0x%llx is empty or wraps",
					   n->path, (unsigned long long)win->size,
					   (unsigned long long)win->base);
	}
	return AX_OK;
}

/* The node's windows: its reg entries, MMIO ones translated to the root's address space (port
 * numbers are not addresses of any bus: no ranges applies to them). */
static int read_windows(const struct axdevice_fdt_node *n, struct windows *w)
{
	int err = read_reg(n, w);

	for (unsigned i = 0; !err && i < w->count; i++) {
		if (w->win[i].space == AXDEVICE_MMIO)
			err = translate(n, &w->win[i].base, w->win[i].size);
	}
	return err;
}

/* Rejects a blob that is not a devicetree and an offset that is not a node of it. */
static int check_node(const void *fdt, int node, struct ax_diag *diag)
{
	if (fdt_check_header(fdt) != 0)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "devicetree: bad header");
	if (node < 0 || fdt_get_name(fdt, node, NULL) == NULL)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "devicetree: no node at offset %d",
				   node);
	return AX_OK;
}

int axdevice_fdt_windows(const void *fdt, int node,
			 struct axdevice_fdt_window windows[AXDEVICE_MAX_WINDOWS], unsigned *count,
			 struct ax_diag *diag)
{
	struct axdevice_fdt_node n;
	struct windows w;
	int err;

	if (!fdt || !windows || !count)
		return AXERR_INVALID;
	err = check_node(fdt, node, diag);
	if (err)
		return err;
	axdevice_fdt_node_init(&n, fdt, node, diag);
	err = read_windows(&n, &w);
	if (err)
		return err;
	memcpy(windows, w.win, w.count * sizeof(w.win[0]));
	*count = w.count;
	return AX_OK;
}

/* The node's interrupt parent, found as Linux's of_irq_find_parent does: follow
 * interrupt-parent, else go to the parent node, until a node with #interrupt-cells. */
static int interrupt_parent(const void *fdt, int node)
{
	int len;

	for (int hops = 0; hops < MAX_INTERRUPT_HOPS; hops++) {
		const fdt32_t *phandle = fdt_getprop(fdt, node, "interrupt-parent", &len);

		if (phandle && len == 4)
			node = fdt_node_offset_by_phandle(fdt, fdt32_ld(phandle));
		else if (phandle)
			return -FDT_ERR_BADVALUE;
		else
			node = fdt_parent_offset(fdt, node);
		if (node < 0)
			return node;
		if (fdt_getprop(fdt, node, "#interrupt-cells", NULL))
			return node;
	}
	return -FDT_ERR_BADSTRUCTURE;
}

/* Decodes an Arm GIC specifier: SPI n is line 32 + n, PPI n is 16 + n. */
static int decode_gic(const struct axdevice_fdt_node *n, const fdt32_t *spec, uint32_t *line)
{
	uint32_t type = fdt32_ld(&spec[0]);
	uint32_t num = fdt32_ld(&spec[1]);

	if (type == GIC_SPI && num < GIC_SPI_COUNT) {
		*line = GIC_SPI_BASE + num;
		return AX_OK;
	}
	if (type == GIC_PPI && num < GIC_PPI_COUNT) {
		*line = GIC_PPI_BASE + num;
		return AX_OK;
	}
	if (type == GIC_SPI || type == GIC_PPI)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: interrupts: %s %u out of range",
				   n->path, type == GIC_SPI ? "SPI" : "PPI", num);
	return ax_diag_set(n->diag, AXERR_UNSUPPORTED,
			   "%s: interrupts: GIC type %u is not SPI (0) or PPI (1)", n->path, type);
}

/* The line of the node's first interrupts specifier, AXDEVICE_IRQ_NONE without interrupts, and
 * the node of its interrupt parent (-1 without interrupts). */
static int read_interrupt(const struct axdevice_fdt_node *n, uint32_t *line, int *parent_out)
{
	int len, cells_len, parent;
	const fdt32_t *spec = fdt_getprop(n->fdt, n->offset, "interrupts", &len);
	const fdt32_t *cells_prop;
	uint32_t cells;

	*line = AXDEVICE_IRQ_NONE;
	*parent_out = -1;
	if (!spec)
		return AX_OK;
	parent = interrupt_parent(n->fdt, n->offset);
	if (parent < 0)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: interrupt-parent: no controller with #interrupt-cells (%s)",
				   n->path, fdt_strerror(parent));
	cells_prop = fdt_getprop(n->fdt, parent, "#interrupt-cells", &cells_len);
	if (cells_len != 4)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: interrupts: the parent's #interrupt-cells is malformed",
				   n->path);
	cells = fdt32_ld(cells_prop);
	*parent_out = parent;
	if (cells < 1 || cells > 3)
		return ax_diag_set(n->diag, AXERR_UNSUPPORTED,
				   "%s: interrupts: a parent with #interrupt-cells = %u", n->path,
				   cells);
	if (len == 0 || len % (int)(4 * cells))
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: interrupts: %d bytes, not a multiple of %u cells", n->path,
				   len, cells);
	if (cells == 3)
		return decode_gic(n, spec, line);
	*line = fdt32_ld(&spec[0]);
	if (*line == AXDEVICE_IRQ_NONE)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: interrupts: line 0x%x is reserved", n->path, *line);
	return AX_OK;
}

struct axdevice_uart_host axdevice_model_uart_host(const struct axdevice_model_ctx *ctx)
{
	struct axdevice_uart_host uart = {0};

	if (ctx->hosts->uart)
		uart = *ctx->hosts->uart;
	if (ctx->irq_chip) {
		uart.set_irq = axdevice_irqchip_input;
		uart.irq_ctx = ctx->irq_chip;
	}
	return uart;
}

/* reg-shift (default 0) and reg-io-width (default 1: 1, 2 or 4, at most 1 << reg-shift). */
static int create_ns16550(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	struct axdevice_uart_host host = axdevice_model_uart_host(ctx);
	uint32_t shift, io_width;
	int err = axdevice_fdt_read_u32(n, "reg-shift", 0, &shift);

	if (!err)
		err = axdevice_fdt_read_u32(n, "reg-io-width", 1, &io_width);
	if (err)
		return err;
	if (shift > AXDEVICE_NS16550_MAX_REG_SHIFT)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: reg-shift: %u is above %u",
				   n->path, shift, AXDEVICE_NS16550_MAX_REG_SHIFT);
	if ((io_width != 1 && io_width != 2 && io_width != 4) || io_width > (1u << shift))
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg-io-width: %u is not 1, 2 or 4 bytes within the %u-byte "
				   "register stride",
				   n->path, io_width, 1u << shift);
	if (ctx->size < axdevice_ns16550_size(shift))
		return ax_diag_set(
		    n->diag, AXERR_BAD_CONFIG,
		    "%s: reg: size 0x%llx is below the 0x%llx bytes of the registers", n->path,
		    (unsigned long long)ctx->size,
		    (unsigned long long)axdevice_ns16550_size(shift));
	err = axdevice_ns16550_create(ctx->alloc, &host, ctx->irq_line, shift, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the ns16550a: %s", n->path,
				   ax_strerror(err));
	return AX_OK;
}

static int create_pl011(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	struct axdevice_uart_host host = axdevice_model_uart_host(ctx);
	int err;

	if (ctx->size < AXDEVICE_PL011_SIZE)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: size 0x%llx is below the 0x%x bytes of the registers",
				   n->path, (unsigned long long)ctx->size, AXDEVICE_PL011_SIZE);
	err = axdevice_pl011_create(ctx->alloc, &host, ctx->irq_line, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the pl011: %s", n->path,
				   ax_strerror(err));
	return AX_OK;
}

static const char *const ns16550_compatibles[] = {"ns16550a", "ns16550", NULL};
static const struct axdevice_model ns16550_model = {ns16550_compatibles, AXDEVICE_ROLE_CONSOLE,
						    create_ns16550, NULL};
static const char *const pl011_compatibles[] = {"arm,pl011", NULL};
static const struct axdevice_model pl011_model = {pl011_compatibles, AXDEVICE_ROLE_CONSOLE,
						  create_pl011, NULL};

/* The interrupt controller of set created from node parent, in whichever space, or NULL. */
static struct axdevice *irqchip_of_node(const struct axdevice_set *set, int parent)
{
	for (int s = 0; parent >= 0 && s < AXDEVICE_SPACES; s++) {
		const struct axdevice_bus *bus = &set->bus[s];

		for (size_t i = 0; i < bus->count; i++) {
			struct axdevice *dev = bus->ranges[i].dev;

			if (dev->irqchip && dev->fdt_node == parent)
				return dev;
		}
	}
	return NULL;
}

/* Creates the device of model for node n: a device that is not an interrupt controller gets
 * its line, and the controller of set its interrupt parent is, if any. */
static int create_device(const struct axdevice_fdt_node *n, const struct axdevice_model *model,
			 struct axdevice_set *set, const struct axdevice_fdt_hosts *hosts,
			 const struct windows *w, struct axdevice **dev)
{
	struct axdevice_model_ctx ctx = {.node = n,
					 .alloc = set->alloc,
					 .size = w->win[0].size,
					 .windows = w->count,
					 .irq_line = AXDEVICE_IRQ_NONE,
					 .irq_chip = NULL,
					 .hosts = hosts};
	int parent;
	int err;

	for (unsigned i = 0; i < w->count; i++)
		ctx.window_size[i] = w->win[i].size;
	if (model->role != AXDEVICE_ROLE_IRQCHIP) {
		err = read_interrupt(n, &ctx.irq_line, &parent);
		if (err)
			return err;
		ctx.irq_chip = irqchip_of_node(set, parent);
	}
	return model->create(&ctx, dev);
}

/* Registers dev at its windows, each in its space, window i at axdevice_window_offset(i), and
 * at its model's system registers; on failure dev is destroyed and nothing stays registered. */
static int add_windows(struct axdevice_set *set, const struct windows *w, const uint32_t *sysregs,
		       struct axdevice *dev)
{
	const struct axdevice_fdt_window *first = &w->win[0];
	int err = axdevice_set_add(set, first->space, first->base, first->size, dev);

	if (err) {
		dev->ops->destroy(dev, set->alloc);
		return err;
	}
	for (unsigned i = 1; !err && i < w->count; i++)
		err = axdevice_set_add_window(set, w->win[i].space, w->win[i].base, w->win[i].size,
					      dev, axdevice_window_offset(i));
	for (unsigned k = 0; !err && sysregs && sysregs[k]; k++)
		err = axdevice_set_add_window(set, AXDEVICE_SYSREG,
					      axdevice_sysreg_addr(sysregs[k]), 8, dev,
					      axdevice_window_offset(AXDEVICE_MAX_WINDOWS + k));
	if (err)
		axdevice_set_remove(set, first->space, first->base);
	return err;
}

int axdevice_set_add_from_fdt_hosts(struct axdevice_set *set, const void *fdt, int node,
				    const struct axdevice_fdt_hosts *hosts, struct axdevice **out,
				    struct ax_diag *diag)
{
	static const struct axdevice_fdt_hosts no_hosts = {.uart = NULL};
	const struct axdevice_fdt_hosts *h = hosts ? hosts : &no_hosts;
	const struct axdevice_model *model;
	struct axdevice_fdt_node n;
	struct windows w;
	struct axdevice *dev;
	int err;

	if (!set || !fdt)
		return AXERR_INVALID;
	err = check_node(fdt, node, diag);
	if (err)
		return err;
	axdevice_fdt_node_init(&n, fdt, node, diag);
	err = find_model(&n, h->models, &model);
	if (!err)
		err = read_windows(&n, &w);
	if (!err)
		err = create_device(&n, model, set, h, &w, &dev);
	if (err)
		return err;
	dev->fdt_node = node;
	err = add_windows(set, &w, model->sysregs, dev);
	if (err)
		return ax_diag_set(diag, err, "%s: reg: %s", n.path,
				   err == AXERR_EXISTS ? "overlaps a registered device"
						       : ax_strerror(err));
	if (out)
		*out = dev;
	return AX_OK;
}

int axdevice_set_add_from_fdt(struct axdevice_set *set, const void *fdt, int node,
			      const struct axdevice_uart_host *host, struct axdevice **out,
			      struct ax_diag *diag)
{
	struct axdevice_fdt_hosts hosts = {.uart = host};

	return axdevice_set_add_from_fdt_hosts(set, fdt, node, &hosts, out, diag);
}
