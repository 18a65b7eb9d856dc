/* The per-interrupt registers the distributor (SPIs) and each redistributor's SGI frame (SGIs
 * and PPIs) share: IGROUPR, the set/clear pairs of enable, pending and active, IPRIORITYR and
 * ICFGR. The callers decode offsets and check that every INTID a register covers exists. */
#include "vgic_internal.h"

/* Pending as the guest reads it: outside the list register, or as it was flushed into one. */
static bool read_pending(const struct vgic_irq *irq)
{
	if (vgic_irq_pending(irq))
		return true;
	return irq->lr_vcpu != VGIC_NO_VCPU && (irq->lr_flags & LR_PENDING) &&
	       !(irq->lr_flags & LR_CLR_PENDING);
}

/* Active as the guest reads it, likewise. */
static bool read_active(const struct vgic_irq *irq)
{
	if (irq->flags & IRQ_ACTIVE)
		return true;
	return irq->lr_vcpu != VGIC_NO_VCPU && (irq->lr_flags & LR_ACTIVE) &&
	       !(irq->lr_flags & LR_CLR_ACTIVE);
}

static bool read_bit(const struct vgic_irq *irq, enum vgic_bits_reg reg)
{
	switch (reg) {
	case VGIC_IGROUPR:
		return irq->flags & IRQ_GROUP1;
	case VGIC_ISENABLER:
	case VGIC_ICENABLER:
		return irq->flags & IRQ_ENABLED;
	case VGIC_ISPENDR:
	case VGIC_ICPENDR:
		return read_pending(irq);
	case VGIC_ISACTIVER:
	case VGIC_ICACTIVER:
		return read_active(irq);
	}
	return false;
}

uint32_t vgic_bits_read(struct vgic *g, uint32_t vcpu, uint32_t first, enum vgic_bits_reg reg)
{
	uint32_t value = 0;

	for (uint32_t i = 0; i < 32; i++) {
		const struct vgic_irq *irq = vgic_irq_get(g, vcpu, first + i);

		if (irq && read_bit(irq, reg))
			value |= 1u << i;
	}
	return value;
}

/* ISACTIVER: an SPI becomes active on the vCPU holding it, else on the one it is routed to. */
static void set_active(struct vgic_irq *irq)
{
	if (irq->bank == VGIC_NO_VCPU && !(irq->flags & IRQ_ACTIVE)) {
		if (irq->lr_vcpu != VGIC_NO_VCPU)
			irq->active_vcpu = irq->lr_vcpu;
		else if (irq->target != VGIC_ANY_VCPU)
			irq->active_vcpu = irq->target;
		else
			irq->active_vcpu = VGIC_NO_VCPU;
	}
	irq->flags |= IRQ_ACTIVE;
}

/* Applies one bit of a register write (bit: that bit of the value). */
static void write_bit(struct vgic_irq *irq, enum vgic_bits_reg reg, bool bit)
{
	bool held = irq->lr_vcpu != VGIC_NO_VCPU;

	if (reg == VGIC_IGROUPR) {
		if (bit)
			irq->flags |= IRQ_GROUP1;
		else
			irq->flags &= (uint8_t)~IRQ_GROUP1;
		return;
	}
	if (!bit)
		return; /* the set/clear registers ignore zeros */
	switch (reg) {
	case VGIC_ISENABLER:
		irq->flags |= IRQ_ENABLED;
		break;
	case VGIC_ICENABLER:
		irq->flags &= (uint8_t)~IRQ_ENABLED;
		break;
	case VGIC_ISPENDR:
		irq->flags |= IRQ_LATCH;
		break;
	case VGIC_ICPENDR:
		irq->flags &= (uint8_t)~IRQ_LATCH;
		if (held)
			irq->lr_flags |= LR_CLR_PENDING;
		break;
	case VGIC_ISACTIVER:
		set_active(irq);
		break;
	case VGIC_ICACTIVER:
		irq->flags &= (uint8_t)~IRQ_ACTIVE;
		irq->active_vcpu = VGIC_NO_VCPU;
		if (held)
			irq->lr_flags |= LR_CLR_ACTIVE;
		break;
	case VGIC_IGROUPR:
		break;
	}
}

void vgic_bits_write(struct vgic *g, uint32_t vcpu, uint32_t first, enum vgic_bits_reg reg,
		     uint32_t value, struct vgic_kicks *kicks)
{
	for (uint32_t i = 0; i < 32; i++) {
		struct vgic_irq *irq = vgic_irq_get(g, vcpu, first + i);
		struct vgic_change before;
		uint8_t lr_flags;

		if (!irq)
			continue;
		before = vgic_change_begin(g, irq);
		lr_flags = irq->lr_flags;
		write_bit(irq, reg, (value >> i) & 1);
		vgic_change_end(g, irq, &before, kicks);
		/* A clear of what only the list register holds changes no flag: kick its holder. */
		if (irq->lr_flags != lr_flags)
			vgic_kick(kicks, irq->lr_vcpu);
	}
}

uint32_t vgic_priority_read(struct vgic *g, uint32_t vcpu, uint32_t first, unsigned count)
{
	uint32_t value = 0;

	for (unsigned i = 0; i < count; i++) {
		const struct vgic_irq *irq = vgic_irq_get(g, vcpu, first + i);

		if (irq)
			value |= (uint32_t)irq->priority << (8 * i);
	}
	return value;
}

void vgic_priority_write(struct vgic *g, uint32_t vcpu, uint32_t first, unsigned count,
			 uint32_t value, struct vgic_kicks *kicks)
{
	for (unsigned i = 0; i < count; i++) {
		struct vgic_irq *irq = vgic_irq_get(g, vcpu, first + i);
		struct vgic_change before;

		if (!irq)
			continue;
		before = vgic_change_begin(g, irq);
		irq->priority = (uint8_t)(value >> (8 * i)) & VGIC_PRIORITY_MASK;
		vgic_change_end(g, irq, &before, kicks);
	}
}

uint32_t vgic_config_read(struct vgic *g, uint32_t vcpu, uint32_t first)
{
	uint32_t value = 0;

	for (uint32_t i = 0; i < 16; i++) {
		const struct vgic_irq *irq = vgic_irq_get(g, vcpu, first + i);

		if (irq && (irq->flags & IRQ_EDGE))
			value |= 2u << (2 * i);
	}
	return value;
}

void vgic_config_write(struct vgic *g, uint32_t vcpu, uint32_t first, uint32_t value,
		       struct vgic_kicks *kicks)
{
	for (uint32_t i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_irq_get(g, vcpu, first + i);
		struct vgic_change before;

		if (!irq || irq->intid < VGIC_NR_SGIS)
			continue; /* SGIs are always edge-triggered */
		before = vgic_change_begin(g, irq);
		if ((value >> (2 * i + 1)) & 1)
			irq->flags |= IRQ_EDGE;
		else
			irq->flags &= (uint8_t)~IRQ_EDGE;
		vgic_change_end(g, irq, &before, kicks);
	}
}
