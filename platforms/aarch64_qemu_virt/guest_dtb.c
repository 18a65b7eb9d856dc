#include "guest_dtb.h"

#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <board/guest_fdt.h>
#include <axvm/format.h>
#include <libfdt.h>
#include <limits.h>
#include <string.h>

#define PHANDLE_GIC 1
#define PHANDLE_APB_PCLK 2
#define APB_PCLK_HZ 24000000 /* QEMU virt's */
#define NS16550_CLOCK_HZ 3686400

/* GIC interrupt specifiers: type, number, flags. On a GICv3 the flags are only the trigger
 * (a GICv2's PPIs would add a CPU mask in bits 15:8). */
#define GIC_SPI 0
#define GIC_PPI 1
#define GIC_LEVEL_HIGH 4
#define GIC_MAX_SPI 987 /* INTIDs 32..1019 */
#define GIC_MAX_PPI 15
#define PPI_MAINTENANCE 9
#define PPI_HYP_TIMER 10
#define PPI_VIRT_TIMER 11
#define PPI_SECURE_TIMER 13
#define PPI_NONSECURE_TIMER 14

#define GICD_SIZE 0x10000ull	   /* the distributor's 64 KiB frame */
#define GICR_FRAME_SIZE 0x20000ull /* RD_base + SGI_base: one per CPU */
#define GIC_ALIGN 0x10000ull

enum dev_kind { DEV_OTHER, DEV_PL011, DEV_NS16550, DEV_GICV3, DEV_REFUSED };

/* What the checks before writing find in the configuration. */
struct plan {
	const struct axvm_device *gic;
	uint64_t gicd[2]; /* base, size */
	uint64_t gicr[2];
	bool pl011;
	const struct axvm_image *initrd;
	int32_t irq[AXVM_MAX_DEVICES][2]; /* each device's type and number; -1: none */
};

static enum dev_kind dev_kind(const char *compatible)
{
	static const char *const refused[] = {"sifive,plic-1.0.0", "riscv,plic0", "arm,gic-400",
					      "arm,cortex-a15-gic", "arm,gic-v3-its"};

	if (!strcmp(compatible, "arm,pl011"))
		return DEV_PL011;
	if (!strcmp(compatible, "ns16550a") || !strcmp(compatible, "ns16550"))
		return DEV_NS16550;
	if (!strcmp(compatible, "arm,gic-v3"))
		return DEV_GICV3;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (!strcmp(compatible, refused[i]))
			return DEV_REFUSED;
	}
	return DEV_OTHER;
}

static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 32 | fdt32_ld(p++);
	return v;
}

/* The distributor and redistributor regions: the two entries of the GIC's reg in the config
 * blob, in the cells of its parent (/devices). */
static int gic_regs(const struct axvm_config *cfg, const struct axvm_device *d, struct plan *pl)
{
	const void *fdt = cfg->fdt;
	int parent = fdt && d->node >= 0 ? fdt_parent_offset(fdt, d->node) : -1;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : -1;
	int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : -1;
	int len = 0;
	const fdt32_t *reg = parent >= 0 ? fdt_getprop(fdt, d->node, "reg", &len) : NULL;

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len != 8 * (ac + sc))
		return AXERR_BAD_CONFIG;
	pl->gicd[0] = read_cells(reg, ac);
	pl->gicd[1] = read_cells(reg + ac, sc);
	pl->gicr[0] = read_cells(reg + ac + sc, ac);
	pl->gicr[1] = read_cells(reg + 2 * ac + sc, sc);
	if (pl->gicd[0] % GIC_ALIGN || pl->gicd[1] < GICD_SIZE || pl->gicr[0] % GIC_ALIGN ||
	    pl->gicr[1] / GICR_FRAME_SIZE < cfg->vcpu_count)
		return AXERR_BAD_CONFIG;
	return AX_OK;
}

/* The #interrupt-cells of node's interrupt parent, found as Linux does (interrupt-parent, else
 * the parent node, up to a node with #interrupt-cells); 0 if there is none. */
static uint32_t irq_parent_cells(const void *fdt, int node)
{
	for (int depth = 0; node >= 0 && depth < 64; depth++) {
		int len;
		const fdt32_t *ph = fdt_getprop(fdt, node, "interrupt-parent", &len);
		const fdt32_t *cells;

		node = ph && len == 4 ? fdt_node_offset_by_phandle(fdt, fdt32_ld(ph))
				      : fdt_parent_offset(fdt, node);
		cells = node >= 0 ? fdt_getprop(fdt, node, "#interrupt-cells", &len) : NULL;
		if (cells)
			return len == 4 ? fdt32_ld(cells) : 0;
	}
	return 0;
}

/* The first interrupt of d's config node, as a GIC type and number in irq (-1: none). */
static int device_irq(const struct axvm_config *cfg, const struct axvm_device *d, int32_t irq[2])
{
	int len = 0;
	const fdt32_t *spec =
	    cfg->fdt && d->node >= 0 ? fdt_getprop(cfg->fdt, d->node, "interrupts", &len) : NULL;
	uint32_t type, num;

	irq[0] = irq[1] = -1;
	if (!spec)
		return AX_OK;
	if (irq_parent_cells(cfg->fdt, d->node) != 3 || len < 12 || len % 12)
		return AXERR_BAD_CONFIG;
	type = fdt32_ld(&spec[0]);
	num = fdt32_ld(&spec[1]);
	if (!(type == GIC_SPI && num <= GIC_MAX_SPI) && !(type == GIC_PPI && num <= GIC_MAX_PPI))
		return AXERR_BAD_CONFIG;
	irq[0] = (int32_t)type;
	irq[1] = (int32_t)num;
	return AX_OK;
}

/* Checks what the devicetree can describe, before anything is written. */
static int make_plan(const struct axvm_config *cfg, const struct guest_dtb_params *p,
		     struct plan *pl)
{
	size_t ram = 0;
	int err = AX_OK;

	memset(pl, 0, sizeof(*pl));
	if (cfg->vcpu_count < 1 || cfg->vcpu_count > AXVM_MAX_VCPUS ||
	    cfg->memory_count > AXVM_MAX_MEMORY_REGIONS || cfg->device_count > AXVM_MAX_DEVICES ||
	    cfg->image_count > AXVM_MAX_IMAGES)
		return AXERR_BAD_CONFIG;
	for (size_t i = 0; i < cfg->memory_count; i++)
		ram += !(cfg->memory[i].flags & AXMAP_DEVICE);
	if (!ram)
		return AXERR_BAD_CONFIG;
	for (size_t i = 0; i < cfg->device_count && !err; i++) {
		const struct axvm_device *d = &cfg->devices[i];

		pl->irq[i][0] = pl->irq[i][1] = -1;
		switch (dev_kind(d->compatible)) {
		case DEV_REFUSED:
			return AXERR_BAD_CONFIG;
		case DEV_GICV3:
			if (pl->gic)
				return AXERR_BAD_CONFIG;
			pl->gic = d;
			err = gic_regs(cfg, d, pl);
			continue; /* its own interrupt is the maintenance PPI */
		case DEV_PL011:
			pl->pl011 = true;
			break;
		default:
			break;
		}
		err = device_irq(cfg, d, pl->irq[i]);
	}
	for (size_t i = 0; i < cfg->image_count && p->initrd_size; i++) {
		if (cfg->images[i].kind == AXVM_IMAGE_INITRD)
			pl->initrd = &cfg->images[i];
	}
	if (p->initrd_size && !pl->initrd)
		return AXERR_BAD_CONFIG;
	return err;
}

/* A property without a value (a boolean); libfdt copies the value even when it is empty, so
 * it gets a valid pointer. */
static int empty_prop(void *fdt, const char *name)
{
	return fdt_property(fdt, name, "", 0);
}

/* A GIC interrupt specifier, level-high. */
static int irq_prop(void *fdt, uint32_t type, uint32_t num)
{
	fdt32_t spec[3] = {cpu_to_fdt32(type), cpu_to_fdt32(num), cpu_to_fdt32(GIC_LEVEL_HIGH)};

	return fdt_property(fdt, "interrupts", spec, sizeof(spec));
}

static int add_psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";
	int err = fdt_begin_node(fdt, "psci");

	err = err ? err : fdt_property(fdt, "compatible", compat, sizeof(compat));
	err = err ? err : fdt_property_string(fdt, "method", "hvc");
	return err ? err : fdt_end_node(fdt);
}

/* One CPU per vCPU; the arm backend makes each vCPU's MPIDR affinity its index. */
static int add_cpus(void *fdt, const struct axvm_config *cfg)
{
	int err = fdt_begin_node(fdt, "cpus");

	err = err ? err : fdt_property_u32(fdt, "#address-cells", 1);
	err = err ? err : fdt_property_u32(fdt, "#size-cells", 0);
	for (uint32_t i = 0; i < cfg->vcpu_count && !err; i++) {
		char name[16];

		ax_snprintf(name, sizeof(name), "cpu@%x", i);
		err = fdt_begin_node(fdt, name);
		err = err ? err : fdt_property_string(fdt, "device_type", "cpu");
		err = err ? err : fdt_property_string(fdt, "compatible", "arm,armv8");
		err = err ? err : fdt_property_u32(fdt, "reg", i);
		err = err ? err : fdt_property_string(fdt, "enable-method", "psci");
		err = err ? err : fdt_end_node(fdt);
	}
	return err ? err : fdt_end_node(fdt);
}

/* The architected timer's PPIs: secure and non-secure physical, virtual, hypervisor. */
static int add_timer(void *fdt)
{
	static const uint32_t ppis[] = {PPI_SECURE_TIMER, PPI_NONSECURE_TIMER, PPI_VIRT_TIMER,
					PPI_HYP_TIMER};
	fdt32_t spec[3 * 4];
	int err = fdt_begin_node(fdt, "timer");

	for (size_t i = 0; i < 4; i++) {
		spec[3 * i] = cpu_to_fdt32(GIC_PPI);
		spec[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		spec[3 * i + 2] = cpu_to_fdt32(GIC_LEVEL_HIGH);
	}
	err = err ? err : fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	err = err ? err : fdt_property(fdt, "interrupts", spec, sizeof(spec));
	err = err ? err : empty_prop(fdt, "always-on");
	return err ? err : fdt_end_node(fdt);
}

/* The PL011s' clock, as QEMU virt has it: both their uartclk and apb_pclk. */
static int add_apb_pclk(void *fdt)
{
	int err = fdt_begin_node(fdt, "apb-pclk");

	err = err ? err : fdt_property_string(fdt, "compatible", "fixed-clock");
	err = err ? err : fdt_property_u32(fdt, "#clock-cells", 0);
	err = err ? err : fdt_property_u32(fdt, "clock-frequency", APB_PCLK_HZ);
	err = err ? err : fdt_property_string(fdt, "clock-output-names", "clk24mhz");
	err = err ? err : fdt_property_u32(fdt, "phandle", PHANDLE_APB_PCLK);
	return err ? err : fdt_end_node(fdt);
}

/* The GICv3: distributor, one redistributor region, its maintenance interrupt. */
static int gic_props(void *fdt, const struct plan *pl)
{
	fdt64_t reg[4] = {cpu_to_fdt64(pl->gicd[0]), cpu_to_fdt64(pl->gicd[1]),
			  cpu_to_fdt64(pl->gicr[0]), cpu_to_fdt64(pl->gicr[1])};
	int err = fdt_property_string(fdt, "compatible", "arm,gic-v3");

	err = err ? err : fdt_property(fdt, "reg", reg, sizeof(reg));
	err = err ? err : empty_prop(fdt, "interrupt-controller");
	err = err ? err : fdt_property_u32(fdt, "#interrupt-cells", 3);
	err = err ? err : fdt_property_u32(fdt, "#address-cells", 0);
	err = err ? err : fdt_property_u32(fdt, "#redistributor-regions", 1);
	err = err ? err : irq_prop(fdt, GIC_PPI, PPI_MAINTENANCE);
	return err ? err : fdt_property_u32(fdt, "phandle", PHANDLE_GIC);
}

/* A u32 property of d's config node copied when it is there. */
static int copy_u32(void *fdt, const struct axvm_config *cfg, const struct axvm_device *d,
		    const char *name)
{
	int len = 0;
	const fdt32_t *v =
	    cfg->fdt && d->node >= 0 ? fdt_getprop(cfg->fdt, d->node, name, &len) : NULL;

	return v && len == 4 ? fdt_property_u32(fdt, name, fdt32_ld(v)) : 0;
}

/* compatible as configured: the config node's whole list, else the first string. */
static int compatible_prop(void *fdt, const struct axvm_config *cfg, const struct axvm_device *d)
{
	int len = 0;
	const void *v =
	    cfg->fdt && d->node >= 0 ? fdt_getprop(cfg->fdt, d->node, "compatible", &len) : NULL;

	if (v && len > 0)
		return fdt_property(fdt, "compatible", v, len);
	return fdt_property_string(fdt, "compatible", d->compatible);
}

static int device_props(void *fdt, const struct axvm_config *cfg, const struct axvm_device *d,
			enum dev_kind kind)
{
	static const char pl011[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const fdt32_t clocks[2] = {cpu_to_fdt32(PHANDLE_APB_PCLK), cpu_to_fdt32(PHANDLE_APB_PCLK)};
	int err;

	if (kind == DEV_PL011) {
		err = fdt_property(fdt, "compatible", pl011, sizeof(pl011));
		err = err ? err : guest_fdt_reg(fdt, d->gpa, d->size);
		err = err ? err : fdt_property(fdt, "clocks", clocks, sizeof(clocks));
		return err ? err
			   : fdt_property(fdt, "clock-names", clock_names, sizeof(clock_names));
	}
	err = compatible_prop(fdt, cfg, d);
	err = err ? err : guest_fdt_reg(fdt, d->gpa, d->size);
	if (kind == DEV_NS16550) {
		err = err ? err : fdt_property_u32(fdt, "clock-frequency", NS16550_CLOCK_HZ);
		err = err ? err : copy_u32(fdt, cfg, d, "reg-shift");
		err = err ? err : copy_u32(fdt, cfg, d, "reg-io-width");
	}
	return err;
}

/* The configured devices; the first UART's path goes to stdout (empty if there is none). */
static int add_devices(void *fdt, const struct axvm_config *cfg, const struct plan *pl,
		       char *stdout, size_t size)
{
	int err = 0;

	stdout[0] = '\0';
	for (size_t i = 0; i < cfg->device_count && !err; i++) {
		const struct axvm_device *d = &cfg->devices[i];
		enum dev_kind kind = dev_kind(d->compatible);
		bool uart = kind == DEV_PL011 || kind == DEV_NS16550;
		const char *node = uart		       ? "serial"
				   : kind == DEV_GICV3 ? "interrupt-controller"
						       : "device";
		uint64_t base = kind == DEV_GICV3 ? pl->gicd[0] : d->gpa;
		char name[48];

		/* A device only in an ISA bus's port space (no MMIO window: size 0) has no place
		 * in this machine. */
		if (!d->size)
			continue;

		ax_snprintf(name, sizeof(name), "%s@%llx", node, (unsigned long long)base);
		err = fdt_begin_node(fdt, name);
		if (kind == DEV_GICV3)
			err = err ? err : gic_props(fdt, pl);
		else
			err = err ? err : device_props(fdt, cfg, d, kind);
		if (kind != DEV_GICV3 && pl->gic && pl->irq[i][0] >= 0)
			err = err ? err
				  : irq_prop(fdt, (uint32_t)pl->irq[i][0], (uint32_t)pl->irq[i][1]);
		if (uart && !stdout[0])
			ax_snprintf(stdout, size, "/%s", name);
		err = err ? err : fdt_end_node(fdt);
	}
	return err;
}

/* /chosen: the console, the guest's command line, and where its initrd was loaded. */
static int add_chosen(void *fdt, const struct axvm_config *cfg, const struct guest_dtb_params *p,
		      const struct plan *pl, const char *stdout)
{
	int err = fdt_begin_node(fdt, "chosen");

	if (!err && stdout[0])
		err = fdt_property_string(fdt, "stdout-path", stdout);
	err = err ? err : fdt_property_string(fdt, "bootargs", cfg->bootargs ? cfg->bootargs : "");
	if (pl->initrd) {
		uint64_t start = pl->initrd->load_gpa;

		err = err ? err : fdt_property_u64(fdt, "linux,initrd-start", start);
		err = err ? err : fdt_property_u64(fdt, "linux,initrd-end", start + p->initrd_size);
	}
	return err ? err : fdt_end_node(fdt);
}

int arm_guest_dtb(const struct axvm_config *cfg, const struct guest_dtb_params *p, void *buf,
		  size_t size)
{
	struct plan pl;
	char stdout[64];
	int err = make_plan(cfg, p, &pl);

	if (err)
		return err;
	err = fdt_create(buf, size > INT_MAX ? INT_MAX : (int)size);
	err = err ? err : fdt_finish_reservemap(buf);
	err = err ? err : fdt_begin_node(buf, "");
	err = err ? err : fdt_property_u32(buf, "#address-cells", 2);
	err = err ? err : fdt_property_u32(buf, "#size-cells", 2);
	err = err ? err : fdt_property_string(buf, "compatible", "linux,dummy-virt");
	err = err ? err : fdt_property_string(buf, "model", "axvm-c aarch64 guest");
	if (pl.gic)
		err = err ? err : fdt_property_u32(buf, "interrupt-parent", PHANDLE_GIC);
	err = err ? err : add_psci(buf);
	err = err ? err : add_cpus(buf, cfg);
	if (pl.gic)
		err = err ? err : add_timer(buf);
	if (pl.pl011)
		err = err ? err : add_apb_pclk(buf);
	err = err ? err : guest_fdt_memory(buf, cfg);
	err = err ? err : add_devices(buf, cfg, &pl, stdout, sizeof(stdout));
	err = err ? err : add_chosen(buf, cfg, p, &pl, stdout);
	err = err ? err : fdt_end_node(buf);
	err = err ? err : fdt_finish(buf);
	return err ? AXERR_NO_MEMORY : AX_OK;
}
