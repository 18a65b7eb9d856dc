/* The vgic's state and the helpers its files share. Private to //arm_vgic. */
#ifndef ARM_VGIC_INTERNAL_H
#define ARM_VGIC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <arm_vgic/vgic.h>
#include <axvm/spinlock.h>

/* A vCPU index that names no vCPU, and (SPI targets only) any vCPU: IROUTER.IRM = 1. */
#define VGIC_NO_VCPU 0xffffu
#define VGIC_ANY_VCPU 0xfffeu

/* vgic_irq.flags */
#define IRQ_ENABLED 0x01u
#define IRQ_GROUP1 0x02u
#define IRQ_EDGE 0x04u	 /* ICFGR: edge-triggered (else level-sensitive) */
#define IRQ_LINE 0x08u	 /* the input line's level */
#define IRQ_LATCH 0x10u	 /* pending latched: an edge, or ISPENDR for a level interrupt */
#define IRQ_ACTIVE 0x20u /* active, outside a list register */

/* vgic_irq.lr_flags, meaningful while lr_vcpu names a vCPU */
#define LR_PENDING 0x01u     /* flushed with the pending state */
#define LR_ACTIVE 0x02u	     /* flushed with the active state */
#define LR_LATCH 0x04u	     /* the latch (IRQ_LATCH) moved into the list register */
#define LR_CLR_PENDING 0x08u /* ICPENDR since the flush: drop the list register's pending */
#define LR_CLR_ACTIVE 0x10u  /* ICACTIVER since the flush: drop its active */

/* GICD_CTLR bits the guest can change (DS = 1 layout). */
#define GICD_CTLR_ENABLE_G0 0x1u
#define GICD_CTLR_ENABLE_G1 0x2u
#define GICD_CTLR_ARE 0x10u
#define GICD_CTLR_DS 0x40u

/* GICD_IROUTER: Aff2.Aff1.Aff0, IRM and Aff3; everything else is RES0. */
#define IROUTER_IRM (1ull << 31)
#define IROUTER_MASK 0xff80ffffffull

/* GICD_IIDR and GICR_IIDR: ProductID 'A' (axvm), revision 0, implementer Arm's JEP106 code as
 * KVM's vgic reports it. No Linux erratum workaround keys on this value. */
#define VGIC_IIDR 0x4100043bu
/* GICD_PIDR2 and GICR_PIDR2: ArchRev 3 (GICv3), JEP106 bits as Arm's. */
#define VGIC_PIDR2 0x3bu
#define VGIC_PIDR2_OFFSET 0xffe8u

/*
 * One interrupt. Its pending state is IRQ_LATCH, or for a level-sensitive one also IRQ_LINE.
 * While a vCPU holds it in a list register (lr_vcpu), the pending latch and the active state it
 * was flushed with live in that list register (lr_flags says which); IRQ_LATCH and IRQ_ACTIVE
 * then only record what happened since, and vgic_sync merges the two.
 */
struct vgic_irq {
	uint64_t route;	      /* SPIs: GICD_IROUTER as stored */
	uint16_t intid;	      /* its INTID */
	uint16_t bank;	      /* SGIs and PPIs: the vCPU they belong to; SPIs: VGIC_NO_VCPU */
	uint16_t target;      /* SPIs: the vCPU route names, VGIC_NO_VCPU or VGIC_ANY_VCPU */
	uint16_t lr_vcpu;     /* the vCPU holding it in a list register, or VGIC_NO_VCPU */
	uint16_t active_vcpu; /* SPIs while IRQ_ACTIVE: the vCPU it is active on, or VGIC_NO_VCPU */
	uint8_t priority;
	uint8_t flags;
	uint8_t lr_flags;
};

/* One vCPU's redistributor and list-register bookkeeping. */
struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	uint32_t live;	   /* private INTIDs with a pending or active state outside an LR */
	bool asleep;	   /* GICR_WAKER.ProcessorSleep */
	uint32_t lr_count; /* interrupts held since the last flush */
	uint16_t lr_intid[VGIC_MAX_LRS];
};

struct vgic {
	struct spinlock lock;
	struct vgic_host host;
	uint32_t vcpu_count;
	uint32_t spi_count;
	uint32_t ctlr;	       /* GICD_CTLR: the EnableGrp bits only */
	struct vgic_cpu *cpus; /* [vcpu_count] */
	struct vgic_irq *spis; /* [spi_count], INTID 32 + i */
	uint32_t *spi_live;    /* [spi_count / 32]: like vgic_cpu.live */
};

/* vCPUs to kick once the lock is dropped. */
struct vgic_kicks {
	uint64_t mask[VGIC_MAX_VCPUS / 64];
};

/* What an interrupt looked like before a change (vgic_change_begin). */
struct vgic_change {
	uint32_t wake; /* vgic_wake_target before */
	uint8_t flags;
	uint8_t priority;
	uint64_t route;
};

/* Takes g's lock; vgic_unlock drops it and then fires the kicks collected. */
void vgic_lock(struct vgic *g, struct vgic_kicks *kicks);
void vgic_unlock(struct vgic *g, struct vgic_kicks *kicks);
/* Adds vcpu (a real vCPU index) to kicks. */
void vgic_kick(struct vgic_kicks *kicks, uint32_t vcpu);

/* The interrupt intid as vcpu sees it (its own SGIs and PPIs), or NULL when there is none. */
struct vgic_irq *vgic_irq_get(struct vgic *g, uint32_t vcpu, uint32_t intid);

/* Whether irq is pending outside a list register. */
bool vgic_irq_pending(const struct vgic_irq *irq);
/* Whether irq's group is enabled in GICD_CTLR. */
bool vgic_group_enabled(const struct vgic *g, const struct vgic_irq *irq);
/* The vCPU irq belongs to now: its bank, the vCPU an active SPI is active on, or its route's
 * target (VGIC_NO_VCPU, VGIC_ANY_VCPU included). */
uint32_t vgic_irq_owner(const struct vgic_irq *irq);
/* Whether vcpu may put irq in a list register now (active, or pending and enabled). */
bool vgic_can_take(const struct vgic *g, const struct vgic_irq *irq, uint32_t vcpu);
/* The vCPU to kick for irq: the one it is deliverable to (pending, enabled, not held), or
 * VGIC_NO_VCPU. */
uint32_t vgic_wake_target(const struct vgic *g, const struct vgic_irq *irq);
/* The vCPU an IRM = 1 SPI wakes: the lowest-numbered awake one, or 0. */
uint32_t vgic_any_target(const struct vgic *g);
/* The target of an IROUTER value: the vCPU with that affinity, VGIC_NO_VCPU or VGIC_ANY_VCPU. */
uint16_t vgic_route_target(const struct vgic *g, uint64_t route);

/* Brackets a change to irq's state: end updates the live maps and kicks the vCPU it became
 * deliverable to and, when its state changed while it sits in a list register, the vCPU that
 * holds it. */
struct vgic_change vgic_change_begin(const struct vgic *g, const struct vgic_irq *irq);
void vgic_change_end(struct vgic *g, struct vgic_irq *irq, const struct vgic_change *before,
		     struct vgic_kicks *kicks);
/* Updates irq's bit in the live maps. */
void vgic_update_live(struct vgic *g, const struct vgic_irq *irq);
/* After GICD_CTLR's enables changed: kicks whoever may now take or must give back something. */
void vgic_kick_all(struct vgic *g, struct vgic_kicks *kicks);

/* The per-interrupt registers both frames share. first is the INTID of bit 0 of the register;
 * every INTID it covers exists for vcpu. */
enum vgic_bits_reg {
	VGIC_IGROUPR,
	VGIC_ISENABLER,
	VGIC_ICENABLER,
	VGIC_ISPENDR,
	VGIC_ICPENDR,
	VGIC_ISACTIVER,
	VGIC_ICACTIVER,
};
uint32_t vgic_bits_read(struct vgic *g, uint32_t vcpu, uint32_t first, enum vgic_bits_reg reg);
void vgic_bits_write(struct vgic *g, uint32_t vcpu, uint32_t first, enum vgic_bits_reg reg,
		     uint32_t value, struct vgic_kicks *kicks);
/* IPRIORITYR bytes: count (1 or 4) interrupts from first, little-endian. */
uint32_t vgic_priority_read(struct vgic *g, uint32_t vcpu, uint32_t first, unsigned count);
void vgic_priority_write(struct vgic *g, uint32_t vcpu, uint32_t first, unsigned count,
			 uint32_t value, struct vgic_kicks *kicks);
/* ICFGR: 16 interrupts from first, two bits each (bit 2n + 1: edge). SGIs stay edge. */
uint32_t vgic_config_read(struct vgic *g, uint32_t vcpu, uint32_t first);
void vgic_config_write(struct vgic *g, uint32_t vcpu, uint32_t first, uint32_t value,
		       struct vgic_kicks *kicks);

#endif
