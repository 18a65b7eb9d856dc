/* The redistributors: one 128 KiB region per vCPU, vCPU i's at i * VGIC_REDIST_STRIDE, made of
 * the RD_base frame (control, identification, GICR_TYPER, GICR_WAKER) and the SGI_base frame
 * (the per-interrupt registers of that vCPU's SGIs and PPIs). No LPIs: the LPI registers are
 * RAZ/WI. */
#include "vgic_internal.h"

#include <axvm/error.h>

/* RD_base */
#define GICR_CTLR 0x0000u
#define GICR_IIDR 0x0004u
#define GICR_TYPER 0x0008u
#define GICR_WAKER 0x0014u
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)
#define TYPER_LAST (1ull << 4)
#define TYPER_PROCESSOR_NUMBER_SHIFT 8
#define TYPER_AFFINITY_SHIFT 32

/* SGI_base */
#define GICR_BITS_BASE 0x0080u
#define GICR_BITS_END 0x0400u
#define GICR_IPRIORITYR 0x0400u
#define GICR_IPRIORITYR_END 0x0420u
#define GICR_ICFGR0 0x0c00u
#define GICR_ICFGR1 0x0c04u

/* GICR_TYPER of vCPU v: affinity 0.0.0.v, Processor_Number v, Last on the last one; PLPIS,
 * VLPIS, DirectLPI and PPInum (16 PPIs) are 0. */
static uint64_t typer(const struct vgic *g, uint32_t v)
{
	uint64_t value = (uint64_t)v << TYPER_AFFINITY_SHIFT;

	value |= (uint64_t)v << TYPER_PROCESSOR_NUMBER_SHIFT;
	if (v == g->vcpu_count - 1)
		value |= TYPER_LAST;
	return value;
}

static uint64_t rd_read(struct vgic *g, uint32_t v, uint32_t offset, unsigned width)
{
	if (offset == GICR_TYPER || offset == GICR_TYPER + 4) {
		uint64_t value = typer(g, v);

		if (width == 8)
			return value;
		return width == 4 ? (uint32_t)(value >> (8 * (offset - GICR_TYPER))) : 0;
	}
	if (width != 4)
		return 0;
	switch (offset) {
	case GICR_IIDR:
		return VGIC_IIDR;
	case GICR_WAKER:
		return g->cpus[v].asleep ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
	case VGIC_PIDR2_OFFSET:
		return VGIC_PIDR2;
	default:
		return 0; /* GICR_CTLR (no LPIs, no RWP wait), STATUSR, LPI registers, reserved */
	}
}

static void rd_write(struct vgic *g, uint32_t v, uint32_t offset, unsigned width, uint64_t value)
{
	/* ChildrenAsleep follows ProcessorSleep at once: nothing to quiesce. */
	if (offset == GICR_WAKER && width == 4)
		g->cpus[v].asleep = (value & WAKER_PROCESSOR_SLEEP) != 0;
}

/* Decodes an SGI_base bit register: only the first word of each bank exists here. */
static bool decode_bits(uint32_t offset, unsigned width, enum vgic_bits_reg *reg)
{
	if (width != 4 || offset % 0x80)
		return false;
	*reg = (enum vgic_bits_reg)((offset - GICR_BITS_BASE) / 0x80);
	return true;
}

static uint64_t sgi_read(struct vgic *g, uint32_t v, uint32_t offset, unsigned width)
{
	enum vgic_bits_reg reg;

	if (offset >= GICR_BITS_BASE && offset < GICR_BITS_END)
		return decode_bits(offset, width, &reg) ? vgic_bits_read(g, v, 0, reg) : 0;
	if (offset >= GICR_IPRIORITYR && offset < GICR_IPRIORITYR_END)
		return width == 1 || width == 4
			   ? vgic_priority_read(g, v, offset - GICR_IPRIORITYR, width)
			   : 0;
	if (width == 4 && (offset == GICR_ICFGR0 || offset == GICR_ICFGR1))
		return vgic_config_read(g, v, (offset - GICR_ICFGR0) * 4);
	return 0; /* IGRPMODR0 and NSACR (DS = 1), reserved */
}

static void sgi_write(struct vgic *g, uint32_t v, uint32_t offset, unsigned width, uint64_t value,
		      struct vgic_kicks *kicks)
{
	enum vgic_bits_reg reg;

	if (offset >= GICR_BITS_BASE && offset < GICR_BITS_END) {
		if (decode_bits(offset, width, &reg))
			vgic_bits_write(g, v, 0, reg, (uint32_t)value, kicks);
	} else if (offset >= GICR_IPRIORITYR && offset < GICR_IPRIORITYR_END) {
		if (width == 1 || width == 4)
			vgic_priority_write(g, v, offset - GICR_IPRIORITYR, width, (uint32_t)value,
					    kicks);
	} else if (width == 4 && (offset == GICR_ICFGR0 || offset == GICR_ICFGR1)) {
		/* ICFGR0 (SGIs) is read-only: vgic_config_write leaves SGIs edge-triggered. */
		vgic_config_write(g, v, (offset - GICR_ICFGR0) * 4, (uint32_t)value, kicks);
	}
}

/* Splits a window offset into the vCPU and the offset in its region; false past the window or
 * for a width or alignment no register has. */
static bool locate(const struct vgic *g, uint64_t offset, unsigned width, uint32_t *v,
		   uint32_t *in_region)
{
	if ((width != 1 && width != 2 && width != 4 && width != 8) || offset % width ||
	    offset >= vgic_redist_size(g->vcpu_count))
		return false;
	*v = (uint32_t)(offset / VGIC_REDIST_STRIDE);
	*in_region = (uint32_t)(offset % VGIC_REDIST_STRIDE);
	return true;
}

int vgic_redist_read(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width,
		     uint64_t *value)
{
	struct vgic_kicks kicks;
	uint32_t v, off;

	(void)vcpu; /* any vCPU may access any redistributor */
	if (!value)
		return AXERR_INVALID;
	*value = 0;
	if (!g)
		return AXERR_INVALID;
	if (!locate(g, offset, width, &v, &off))
		return AX_OK;
	vgic_lock(g, &kicks);
	if (off < VGIC_SGI_FRAME)
		*value = rd_read(g, v, off, width);
	else
		*value = sgi_read(g, v, off - VGIC_SGI_FRAME, width);
	vgic_unlock(g, &kicks);
	return AX_OK;
}

int vgic_redist_write(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width,
		      uint64_t value)
{
	struct vgic_kicks kicks;
	uint32_t v, off;

	(void)vcpu;
	if (!g)
		return AXERR_INVALID;
	if (!locate(g, offset, width, &v, &off))
		return AX_OK;
	if (width < 8)
		value &= (1ull << (8 * width)) - 1;
	vgic_lock(g, &kicks);
	if (off < VGIC_SGI_FRAME)
		rd_write(g, v, off, width, value);
	else
		sgi_write(g, v, off - VGIC_SGI_FRAME, width, value, &kicks);
	vgic_unlock(g, &kicks);
	return AX_OK;
}
