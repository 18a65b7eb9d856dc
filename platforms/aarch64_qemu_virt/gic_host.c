#include "gic_host.h"

#include <libfdt.h>
#include <string.h>

#include "sysreg.h"

/* The MMU is off at EL2: every data access is Device-nGnRnE, so these are plain volatile
 * accesses, each one instruction, in program order. */
#define GIC_FRAME_SIZE 0x10000u

/* Distributor (GICD) registers. */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_PIDR2 0xffe8

/* GICD_CTLR with one security state (DS = 1). */
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
/* GICD_CTLR as the non-secure side sees it with two security states (DS = 0). */
#define GICD_CTLR_NS_ENABLE_GRP1 (1u << 0)
#define GICD_CTLR_ARE_NS (1u << 4)
#define GICD_CTLR_DS (1u << 6)
#define GICD_CTLR_RWP (1u << 31)

#define GICD_TYPER_ITLINES(t) ((t)&0x1fu)

/* GICD_PIDR2 / GICR_PIDR2 ArchRev. */
#define GIC_PIDR2_ARCH(p) (((p) >> 4) & 0xfu)
#define GIC_ARCH_V3 3u
#define GIC_ARCH_V4 4u

/* Redistributor (GICR) registers: the RD frame ... */
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_AFFINITY(t) ((uint32_t)((t) >> 32))
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
/* ... and the SGI frame, 64 KiB above it. */
#define GICR_SGI_FRAME GIC_FRAME_SIZE
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR0 0x0400

/* ICC_SRE_EL2: system register interface for EL2, and for EL1 (Enable). */
#define ICC_SRE_EL2_SRE (1ull << 0)
#define ICC_SRE_EL2_ENABLE (1ull << 3)
#define ICC_CTLR_EL1_EOIMODE (1ull << 1)
#define ICC_IGRPEN1_EL1_ENABLE 1ull

/* ICC_SGI1R_EL1 fields. */
#define SGI1R_AFF1_SHIFT 16
#define SGI1R_INTID_SHIFT 24
#define SGI1R_AFF2_SHIFT 32
#define SGI1R_AFF3_SHIFT 48

#define MAX_GICR_REGIONS 8
/* Polls of a RWP or ChildrenAsleep bit before giving up (each a device read). */
#define GIC_POLLS 1000000u
#define PRIORITY_X4 (GIC_HOST_DEFAULT_PRIORITY * 0x01010101u)

struct gicr_region {
	uint64_t base;
	uint64_t size;
};

static struct gic_host_info info;
static struct gicr_region regions[MAX_GICR_REGIONS];
static uint64_t gicr_stride; /* from the devicetree; 0: by GICR_TYPER.VLPIS */
static uintptr_t gicd;
static bool ready;

static uint32_t read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static void write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static uint64_t read64(uintptr_t addr)
{
	return *(volatile uint64_t *)addr;
}

/* Waits until the bit rwp of the control register at ctlr reads 0: earlier writes to enables,
 * groups and the control register have taken effect. */
static bool wait_rwp(uintptr_t ctlr, uint32_t rwp)
{
	for (uint32_t polls = 0; polls < GIC_POLLS; polls++) {
		if (!(read32(ctlr) & rwp))
			return true;
	}
	return false;
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static bool node_enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

/* The first enabled "arm,gic-v3" node. */
static int find_node(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

	while (node >= 0 && !node_enabled(fdt, node))
		node = fdt_node_offset_by_compatible(fdt, node, "arm,gic-v3");
	return node;
}

/* reg[0] = GICD, reg[1 .. #redistributor-regions] = GICR regions; redistributor-stride if
 * the redistributors are padded. */
static int parse_node(const void *fdt, int node)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	int reg_len, len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &reg_len);
	const fdt32_t *prop;
	uint32_t count = 1;

	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return GIC_HOST_BAD_REG;
	prop = fdt_getprop(fdt, node, "#redistributor-regions", &len);
	if (prop && len == 4)
		count = fdt32_to_cpu(*prop);
	if (count < 1 || count > MAX_GICR_REGIONS || reg_len < 4 * (ac + sc) * (int)(count + 1))
		return GIC_HOST_BAD_REG;
	info.gicd_base = read_cells(reg, ac);
	if (read_cells(reg + ac, sc) < GIC_FRAME_SIZE)
		return GIC_HOST_BAD_REG;
	for (uint32_t i = 0; i < count; i++) {
		const fdt32_t *r = reg + (i + 1) * (uint32_t)(ac + sc);

		regions[i].base = read_cells(r, ac);
		regions[i].size = read_cells(r + ac, sc);
		if (regions[i].size < 2 * GIC_FRAME_SIZE)
			return GIC_HOST_BAD_REG;
	}
	info.gicr_base = regions[0].base;
	info.gicr_regions = count;
	gicr_stride = 0;
	prop = fdt_getprop(fdt, node, "redistributor-stride", &len);
	if (prop && (len == 4 || len == 8))
		gicr_stride = read_cells(prop, len / 4);
	if (gicr_stride % GIC_FRAME_SIZE || (gicr_stride && gicr_stride < 2 * GIC_FRAME_SIZE))
		return GIC_HOST_BAD_REG;
	return GIC_HOST_OK;
}

/* Every SPI: group 1, default priority, not pending, inactive, disabled. */
static void reset_spis(void)
{
	for (uint32_t n = GIC_HOST_PRIVATE_COUNT / 32; n < info.lines / 32; n++) {
		write32(gicd + GICD_ICENABLER + 4 * n, ~0u);
		write32(gicd + GICD_ICPENDR + 4 * n, ~0u);
		write32(gicd + GICD_ICACTIVER + 4 * n, ~0u);
		write32(gicd + GICD_IGROUPR + 4 * n, ~0u);
	}
	for (uint32_t intid = GIC_HOST_PRIVATE_COUNT; intid < info.lines; intid += 4)
		write32(gicd + GICD_IPRIORITYR + intid, PRIORITY_X4);
}

int gic_host_init_global(const void *fdt)
{
	int node = find_node(fdt);
	uint32_t ctlr, are, enable, lines;
	int err;

	ready = false;
	if (node < 0)
		return GIC_HOST_NO_NODE;
	err = parse_node(fdt, node);
	if (err)
		return err;
	gicd = (uintptr_t)info.gicd_base;
	if (GIC_PIDR2_ARCH(read32(gicd + GICD_PIDR2)) != GIC_ARCH_V3 &&
	    GIC_PIDR2_ARCH(read32(gicd + GICD_PIDR2)) != GIC_ARCH_V4)
		return GIC_HOST_NOT_V3;
	ctlr = read32(gicd + GICD_CTLR);
	info.single_security = ctlr & GICD_CTLR_DS;
	/* With DS = 1 the register has one view: EnableGrp1 is bit 1, ARE bit 4. With DS = 0 this
	 * (non-secure) host sees EnableGrp1 (non-secure) at bit 0 and ARE_NS at bit 4. DS itself
	 * is kept as it is. */
	are = info.single_security ? GICD_CTLR_ARE : GICD_CTLR_ARE_NS;
	enable = info.single_security ? GICD_CTLR_ENABLE_GRP1 : GICD_CTLR_NS_ENABLE_GRP1;
	ctlr &= GICD_CTLR_DS;
	lines = 32 * (GICD_TYPER_ITLINES(read32(gicd + GICD_TYPER)) + 1);
	info.lines = lines < GIC_HOST_FIRST_SPECIAL ? lines : GIC_HOST_FIRST_SPECIAL;

	/* Everything off while it is set up; affinity routing may only change while the groups
	 * are disabled. */
	write32(gicd + GICD_CTLR, ctlr);
	if (!wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return GIC_HOST_TIMEOUT;
	reset_spis();
	write32(gicd + GICD_CTLR, ctlr | are);
	if (!wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return GIC_HOST_TIMEOUT;
	if (!(read32(gicd + GICD_CTLR) & are))
		return GIC_HOST_NO_ARE;
	write32(gicd + GICD_CTLR, ctlr | are | enable);
	if (!wait_rwp(gicd + GICD_CTLR, GICD_CTLR_RWP))
		return GIC_HOST_TIMEOUT;
	ready = true;
	return GIC_HOST_OK;
}

const struct gic_host_info *gic_host_info(void)
{
	return &info;
}

/* MPIDR_EL1's Aff3.Aff2.Aff1.Aff0 as GICR_TYPER.Affinity_Value packs them. */
static uint32_t mpidr_to_gicr_affinity(uint64_t mpidr)
{
	return (uint32_t)(mpidr & 0xffffffu) | (uint32_t)((mpidr >> 32) & 0xffu) << 24;
}

/* Walks the redistributor frames of every region, to the one marked Last, for affinity aff.
 * Returns its RD frame's address, or 0. */
static uintptr_t find_redistributor(uint32_t aff)
{
	for (size_t i = 0; i < info.gicr_regions; i++) {
		uintptr_t base = (uintptr_t)regions[i].base;
		uint64_t offset = 0;

		if (GIC_PIDR2_ARCH(read32(base + GICR_PIDR2)) != GIC_ARCH_V3 &&
		    GIC_PIDR2_ARCH(read32(base + GICR_PIDR2)) != GIC_ARCH_V4)
			continue;
		while (offset + 2 * GIC_FRAME_SIZE <= regions[i].size) {
			uint64_t typer = read64(base + offset + GICR_TYPER);

			if (GICR_TYPER_AFFINITY(typer) == aff)
				return base + (uintptr_t)offset;
			if (typer & GICR_TYPER_LAST)
				break;
			/* RD and SGI frames; GICv4 adds the VLPI and a reserved frame. */
			if (gicr_stride)
				offset += gicr_stride;
			else
				offset +=
				    (typer & GICR_TYPER_VLPIS ? 4 : 2) * (uint64_t)GIC_FRAME_SIZE;
		}
	}
	return 0;
}

/* Takes the redistributor out of its sleep: it then forwards interrupts to this CPU. */
static bool wake_redistributor(uintptr_t rd)
{
	write32(rd + GICR_WAKER, read32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	for (uint32_t polls = 0; polls < GIC_POLLS; polls++) {
		if (!(read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP))
			return true;
	}
	return false;
}

/* SGIs and PPIs: group 1, default priority, inactive; only enable_mask enabled. Pending ones
 * stay pending (a kick sent before a second set-up is not lost). */
static bool setup_private(uintptr_t rd, uint32_t enable_mask)
{
	uintptr_t sgi = rd + GICR_SGI_FRAME;

	write32(sgi + GICR_ICENABLER0, ~0u);
	if (!wait_rwp(rd + GICR_CTLR, GICR_CTLR_RWP))
		return false;
	write32(sgi + GICR_ICACTIVER0, ~0u);
	write32(sgi + GICR_IGROUPR0, ~0u);
	for (uint32_t intid = 0; intid < GIC_HOST_PRIVATE_COUNT; intid += 4)
		write32(sgi + GICR_IPRIORITYR0 + intid, PRIORITY_X4);
	write32(sgi + GICR_ISENABLER0, enable_mask);
	return true;
}

/* The system register CPU interface, for EL2 and (Enable) for EL1 later. */
static bool setup_cpu_interface(void)
{
	uint64_t v;

	read_sysreg(v, icc_sre_el2);
	write_sysreg(icc_sre_el2, v | ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE);
	isb();
	read_sysreg(v, icc_sre_el2);
	if (!(v & ICC_SRE_EL2_SRE))
		return false;
	write_sysreg(icc_pmr_el1, 0xff);
	write_sysreg(icc_bpr1_el1, 0);
	read_sysreg(v, icc_ctlr_el1);
	write_sysreg(icc_ctlr_el1, v | ICC_CTLR_EL1_EOIMODE);
	write_sysreg(icc_igrpen1_el1, ICC_IGRPEN1_EL1_ENABLE);
	isb();
	return true;
}

int gic_host_init_cpu(uint64_t mpidr, uint32_t enable_mask)
{
	uintptr_t rd;

	if (!ready)
		return GIC_HOST_NOT_READY;
	if ((mpidr & 0xff) > GIC_HOST_MAX_SGI_AFF0)
		return GIC_HOST_AFF0;
	rd = find_redistributor(mpidr_to_gicr_affinity(mpidr));
	if (!rd)
		return GIC_HOST_NO_REDIST;
	if (!wake_redistributor(rd) || !setup_private(rd, enable_mask))
		return GIC_HOST_TIMEOUT;
	return setup_cpu_interface() ? GIC_HOST_OK : GIC_HOST_NO_SYSREGS;
}

uint32_t gic_host_ack(void)
{
	uint64_t intid;

	read_sysreg(intid, icc_iar1_el1);
	/* What the interrupt's sender stored before it is visible from here on. */
	dsb_sy();
	return (uint32_t)intid & 0xffffffu;
}

void gic_host_eoi(uint32_t intid)
{
	write_sysreg(icc_eoir1_el1, intid);
	write_sysreg(icc_dir_el1, intid);
	isb();
}

bool gic_host_send_sgi(uint64_t target_mpidr, unsigned sgi)
{
	uint64_t aff0 = target_mpidr & 0xff;
	uint64_t v;

	if (sgi >= GIC_HOST_SGI_COUNT || aff0 > GIC_HOST_MAX_SGI_AFF0)
		return false;
	v = (1ull << aff0) | ((target_mpidr >> 8) & 0xff) << SGI1R_AFF1_SHIFT |
	    (uint64_t)sgi << SGI1R_INTID_SHIFT | ((target_mpidr >> 16) & 0xff) << SGI1R_AFF2_SHIFT |
	    ((target_mpidr >> 32) & 0xff) << SGI1R_AFF3_SHIFT;
	/* Earlier stores (the news the SGI announces) complete before the SGI is generated. */
	dsb_sy();
	write_sysreg(icc_sgi1r_el1, v);
	isb();
	return true;
}

const char *gic_host_strerror(int err)
{
	switch (err) {
	case GIC_HOST_OK:
		return "ok";
	case GIC_HOST_NO_NODE:
		return "no enabled \"arm,gic-v3\" node in the devicetree";
	case GIC_HOST_BAD_REG:
		return "the GIC's reg holds no distributor and redistributor regions";
	case GIC_HOST_NOT_V3:
		return "the distributor is not a GICv3 or GICv4";
	case GIC_HOST_TIMEOUT:
		return "a GIC register write or redistributor wake-up did not complete";
	case GIC_HOST_NO_ARE:
		return "affinity routing could not be enabled";
	case GIC_HOST_NO_REDIST:
		return "no redistributor has this cpu's affinity";
	case GIC_HOST_AFF0:
		return "MPIDR Aff0 above 15: SGIs cannot reach this cpu";
	case GIC_HOST_NO_SYSREGS:
		return "the GIC cpu interface has no system register interface";
	case GIC_HOST_NOT_READY:
		return "the distributor was not set up";
	default:
		return "unknown error";
	}
}
