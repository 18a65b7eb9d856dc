/* The distributor's 64 KiB frame (GICD_*): control and identification, the SPI banks of the
 * per-interrupt registers, and GICD_IROUTER<n>. With ARE = 1 the SGI/PPI part of every bank
 * (INTIDs 0-31) is RAZ/WI here: those live in the redistributors. */
#include "vgic_internal.h"

#include <axvm/error.h>

#define GICD_CTLR 0x0000u
#define GICD_TYPER 0x0004u
#define GICD_IIDR 0x0008u
#define GICD_BITS_BASE 0x0080u /* IGROUPR, then the set/clear pairs, 0x80 bytes each */
#define GICD_BITS_END 0x0400u
#define GICD_IPRIORITYR 0x0400u
#define GICD_IPRIORITYR_END 0x0800u
#define GICD_ICFGR 0x0c00u
#define GICD_ICFGR_END 0x0d00u
#define GICD_IROUTER 0x6000u
#define GICD_IROUTER_END 0x8000u

/* GICD_TYPER fields beyond ITLinesNumber. */
#define TYPER_IDBITS_SHIFT 19
#define TYPER_RSS (1u << 26)

/* The INTIDs the distributor has: 0 .. total - 1 (with 0-31 RAZ/WI here). */
static uint32_t dist_total(const struct vgic *g)
{
	return VGIC_NR_PRIVATE + g->spi_count;
}

static uint32_t typer(const struct vgic *g)
{
	/* ITLinesNumber: 32 * (N + 1) INTIDs; IDbits = 9: INTIDs of 10 bits; No1N, A3V, LPIS,
	 * MBIS, SecurityExtn and CPUNumber (no ARE = 0 operation) are 0. */
	return (dist_total(g) / 32 - 1) | (9u << TYPER_IDBITS_SHIFT) | TYPER_RSS;
}

/* Decodes an access to one of the bit-per-interrupt registers; false for RAZ/WI. */
static bool decode_bits(const struct vgic *g, uint64_t offset, unsigned width,
			enum vgic_bits_reg *reg, uint32_t *first)
{
	uint32_t n = (uint32_t)(offset % 0x80) / 4;

	if (width != 4 || offset % 4)
		return false;
	*reg = (enum vgic_bits_reg)((offset - GICD_BITS_BASE) / 0x80);
	*first = 32 * n;
	return n != 0 && *first < dist_total(g);
}

/* Decodes an IPRIORITYR access (bytes or words); false for RAZ/WI. */
static bool decode_priority(const struct vgic *g, uint64_t offset, unsigned width, uint32_t *first)
{
	if ((width != 1 && width != 4) || offset % width)
		return false;
	*first = (uint32_t)(offset - GICD_IPRIORITYR);
	return *first >= VGIC_NR_PRIVATE && *first + width <= dist_total(g);
}

/* Decodes an ICFGR access; false for RAZ/WI. */
static bool decode_config(const struct vgic *g, uint64_t offset, unsigned width, uint32_t *first)
{
	if (width != 4 || offset % 4)
		return false;
	*first = (uint32_t)(offset - GICD_ICFGR) / 4 * 16;
	return *first >= VGIC_NR_PRIVATE && *first < dist_total(g);
}

/* Decodes an IROUTER access: the whole register (8 bytes) or one half (4); false for RAZ/WI. */
static struct vgic_irq *decode_router(struct vgic *g, uint64_t offset, unsigned width)
{
	uint32_t intid = (uint32_t)(offset - GICD_IROUTER) / 8;

	if ((width != 8 && width != 4) || offset % width || intid < VGIC_NR_PRIVATE)
		return NULL;
	return vgic_irq_get(g, 0, intid);
}

static uint64_t dist_read(struct vgic *g, uint64_t offset, unsigned width)
{
	enum vgic_bits_reg reg;
	struct vgic_irq *irq;
	uint32_t first;

	if (offset < GICD_BITS_BASE) {
		if (width != 4)
			return 0;
		switch (offset) {
		case GICD_CTLR:
			/* ARE and DS read as one; RWP as zero: writes take effect at once. */
			return g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
		case GICD_TYPER:
			return typer(g);
		case GICD_IIDR:
			return VGIC_IIDR;
		default:
			return 0; /* TYPER2, STATUSR and the reserved words */
		}
	}
	if (offset < GICD_BITS_END)
		return decode_bits(g, offset, width, &reg, &first)
			   ? vgic_bits_read(g, 0, first, reg)
			   : 0;
	if (offset < GICD_IPRIORITYR_END)
		return decode_priority(g, offset, width, &first)
			   ? vgic_priority_read(g, 0, first, width)
			   : 0;
	if (offset >= GICD_ICFGR && offset < GICD_ICFGR_END)
		return decode_config(g, offset, width, &first) ? vgic_config_read(g, 0, first) : 0;
	if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END) {
		irq = decode_router(g, offset, width);
		if (!irq)
			return 0;
		return width == 8 ? irq->route : (uint32_t)(irq->route >> (8 * (offset % 8)));
	}
	if (offset == VGIC_PIDR2_OFFSET && width == 4)
		return VGIC_PIDR2;
	return 0;
}

static void write_ctlr(struct vgic *g, uint32_t value, struct vgic_kicks *kicks)
{
	uint32_t ctlr = value & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);

	if (ctlr == g->ctlr)
		return;
	g->ctlr = ctlr;
	vgic_kick_all(g, kicks);
}

static void write_router(struct vgic *g, struct vgic_irq *irq, uint64_t offset, unsigned width,
			 uint64_t value, struct vgic_kicks *kicks)
{
	struct vgic_change before = vgic_change_begin(g, irq);
	uint64_t route = value;

	if (width == 4) {
		unsigned shift = 8 * (offset % 8);

		route =
		    (irq->route & ~(0xffffffffull << shift)) | ((value & 0xffffffffull) << shift);
	}
	irq->route = route & IROUTER_MASK;
	irq->target = vgic_route_target(g, irq->route);
	vgic_change_end(g, irq, &before, kicks);
}

static void dist_write(struct vgic *g, uint64_t offset, unsigned width, uint64_t value,
		       struct vgic_kicks *kicks)
{
	enum vgic_bits_reg reg;
	struct vgic_irq *irq;
	uint32_t first;

	if (offset == GICD_CTLR) {
		if (width == 4)
			write_ctlr(g, (uint32_t)value, kicks);
	} else if (offset >= GICD_BITS_BASE && offset < GICD_BITS_END) {
		if (decode_bits(g, offset, width, &reg, &first))
			vgic_bits_write(g, 0, first, reg, (uint32_t)value, kicks);
	} else if (offset >= GICD_IPRIORITYR && offset < GICD_IPRIORITYR_END) {
		if (decode_priority(g, offset, width, &first))
			vgic_priority_write(g, 0, first, width, (uint32_t)value, kicks);
	} else if (offset >= GICD_ICFGR && offset < GICD_ICFGR_END) {
		if (decode_config(g, offset, width, &first))
			vgic_config_write(g, 0, first, (uint32_t)value, kicks);
	} else if (offset >= GICD_IROUTER && offset < GICD_IROUTER_END) {
		irq = decode_router(g, offset, width);
		if (irq)
			write_router(g, irq, offset, width, value, kicks);
	}
	/* Everything else is read-only, RAZ/WI or reserved. */
}

/* True for the widths an access can have at all. */
static bool width_valid(unsigned width)
{
	return width == 1 || width == 2 || width == 4 || width == 8;
}

int vgic_dist_read(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width, uint64_t *value)
{
	struct vgic_kicks kicks;

	(void)vcpu; /* with ARE = 1 nothing in the distributor is banked */
	if (!value)
		return AXERR_INVALID;
	*value = 0;
	if (!g)
		return AXERR_INVALID;
	if (!width_valid(width) || offset >= VGIC_DIST_SIZE || offset % width)
		return AX_OK;
	vgic_lock(g, &kicks);
	*value = dist_read(g, offset, width);
	vgic_unlock(g, &kicks);
	return AX_OK;
}

int vgic_dist_write(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width, uint64_t value)
{
	struct vgic_kicks kicks;

	(void)vcpu;
	if (!g)
		return AXERR_INVALID;
	if (!width_valid(width) || offset >= VGIC_DIST_SIZE || offset % width)
		return AX_OK;
	if (width < 8)
		value &= (1ull << (8 * width)) - 1;
	vgic_lock(g, &kicks);
	dist_write(g, offset, width, value, &kicks);
	vgic_unlock(g, &kicks);
	return AX_OK;
}
