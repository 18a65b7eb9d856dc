/*
 * An emulated GICv3 (Arm IHI 0069) for AArch64 guests: the distributor, one redistributor per
 * vCPU, SGIs from trapped ICC_SGI1R_EL1 writes, input lines for devices, and delivery through
 * the virtual CPU interface's list registers (ICH_LR<n>_EL2). Pure logic: no system register is
 * touched here; the AArch64 backend moves the list-register values this model produces to and
 * from the hardware.
 *
 * What the guest sees: a GICv3 without LPIs or ITS, in one security state (GICD_CTLR.DS = 1),
 * affinity routing always on (ARE = 1, no legacy GICv2 operation), IDbits = 9 (INTIDs 0..1023),
 * SGIs 0-15 and PPIs 16-31 banked per vCPU in its redistributor, SPIs 32..32 + spi_count - 1 in
 * the distributor. vCPU i has MPIDR affinity 0.0.0.i (Aff0 = i), so GICD_TYPER.RSS = 1 and
 * ICC_SGI1R_EL1.RS selects vCPUs 16 and up.
 *
 * Decisions a backend or a guest may notice:
 * - Priority: 5 bits are implemented (the top bits, as ICH_VTR_EL2.PRIbits = 5 on QEMU and most
 *   cores); the low 3 bits of every IPRIORITYR byte read as zero, so the guest sees what the
 *   virtual CPU interface can compare.
 * - Groups: IGROUPR bits are stored (reset: every interrupt in group 1, as Linux sets them
 *   anyway); GICD_CTLR.EnableGrp0 (bit 0) and EnableGrp1 (bit 1) gate their groups, and a list
 *   register carries the interrupt's group. IGRPMODR and NSACR are RAZ/WI (DS = 1).
 * - Routing: GICD_IROUTER<n>.IRM = 0 targets the vCPU whose affinity the register names (none
 *   when no vCPU has it); IRM = 1 (1 of N, GICD_TYPER.No1N = 0) lets the first vCPU to flush
 *   while the SPI is deliverable take it; the kick goes to the lowest-numbered vCPU whose
 *   redistributor is awake (GICR_WAKER.ProcessorSleep = 0), or vCPU 0. An SPI that is active
 *   stays with the vCPU that acknowledged it until it is deactivated.
 * - Accesses: the guest controls offset, width, value and the vCPU asking. An access of a width
 *   the register does not allow (most are 32-bit only; IPRIORITYR is also byte-accessible;
 *   IROUTER and GICR_TYPER are 64-bit or either 32-bit half), a misaligned one, or one to a
 *   reserved or unimplemented offset reads as zero and its write is ignored, as real GICs treat
 *   reserved space; it is never an error and never stops the VM.
 * - SGIs: a write of ICC_SGI1R_EL1 sets the SGI pending at each target whatever its group.
 * - Reads of ISPENDR/ISACTIVER while an interrupt sits in a list register report its state as
 *   it was flushed: the guest may have acknowledged it since.
 *
 * Backend protocol: before each guest entry of vCPU v, vgic_flush(v) into ICH_LR<n>_EL2 (the
 * rest of the list registers invalid; ICH_HCR_EL2.UIE = *underflow); after each exit, read the
 * list registers back and vgic_sync(v). A halted vCPU resumes when vgic_pending(v) is true; a
 * kick(v) (struct vgic_host) means v should exit (if running) or re-check (if halted) so that
 * it syncs and flushes again.
 *
 * Locking: every function taking a struct vgic takes its one spinlock for its whole duration,
 * so any vCPU and the host may call any of them concurrently. The kick callback runs after the
 * lock is released and may call back into the vgic.
 */
#ifndef ARM_VGIC_VGIC_H
#define ARM_VGIC_VGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axvm/alloc.h>

/* The distributor's frame and each vCPU's redistributor (RD_base + SGI_base frames). */
#define VGIC_DIST_SIZE 0x10000u
#define VGIC_REDIST_STRIDE 0x20000u
#define VGIC_SGI_FRAME 0x10000u /* SGI_base inside a redistributor */

#define VGIC_MAX_VCPUS 256u
#define VGIC_MIN_SPIS 32u
#define VGIC_MAX_SPIS 960u
#define VGIC_NR_SGIS 16u
#define VGIC_NR_PRIVATE 32u /* SGIs and PPIs */
/* The most list registers a flush fills: ICH_VTR_EL2.ListRegs allows up to 16. */
#define VGIC_MAX_LRS 16u
/* The bits of an 8-bit priority that are implemented (5 bits). */
#define VGIC_PRIORITY_MASK 0xf8u

/* ICH_LR<n>_EL2 (GICv3, 64-bit). */
#define VGIC_LR_VINTID_MASK 0xffffffffull
#define VGIC_LR_PINTID_SHIFT 32
#define VGIC_LR_PINTID_MASK (0x1fffull << VGIC_LR_PINTID_SHIFT)
#define VGIC_LR_EOI (1ull << 41) /* maintenance interrupt on deactivation (HW = 0) */
#define VGIC_LR_PRIORITY_SHIFT 48
#define VGIC_LR_PRIORITY_MASK (0xffull << VGIC_LR_PRIORITY_SHIFT)
#define VGIC_LR_GROUP (1ull << 60)
#define VGIC_LR_HW (1ull << 61)
#define VGIC_LR_STATE_SHIFT 62
#define VGIC_LR_STATE_MASK (3ull << VGIC_LR_STATE_SHIFT)
#define VGIC_LR_STATE_INVALID 0ull
#define VGIC_LR_STATE_PENDING (1ull << VGIC_LR_STATE_SHIFT)
#define VGIC_LR_STATE_ACTIVE (2ull << VGIC_LR_STATE_SHIFT)
#define VGIC_LR_STATE_PENDING_ACTIVE (3ull << VGIC_LR_STATE_SHIFT)

/* The virtual INTID of a list-register value. */
static inline uint32_t vgic_lr_intid(uint64_t lr)
{
	return (uint32_t)(lr & VGIC_LR_VINTID_MASK);
}

/* The state field of a list-register value (one of VGIC_LR_STATE_*). */
static inline uint64_t vgic_lr_state(uint64_t lr)
{
	return lr & VGIC_LR_STATE_MASK;
}

/* The priority field of a list-register value. */
static inline uint8_t vgic_lr_priority(uint64_t lr)
{
	return (uint8_t)(lr >> VGIC_LR_PRIORITY_SHIFT);
}

struct vgic;

/*
 * What the vgic asks of its host. kick(ctx, vcpu) says that vcpu should sync and flush its list
 * registers soon: an interrupt became deliverable to it (it may be running elsewhere or halted),
 * or the state of an interrupt in its list registers changed (a new edge, a clear, a disable).
 * It may name the calling vCPU itself, is called without the vgic's lock held, and kick may be
 * NULL.
 */
struct vgic_host {
	void *ctx;
	void (*kick)(void *ctx, uint32_t vcpu);
};

/* Creates a vGIC for vcpu_count vCPUs (1..256) and spi_count SPIs (multiple of 32, 32..960),
 * all in their reset state: 0, AXERR_INVALID, AXERR_NO_MEMORY. host may be NULL (no kicks). */
int vgic_create(const struct ax_allocator *alloc, uint32_t vcpu_count, uint32_t spi_count,
		const struct vgic_host *host, struct vgic **out);

/* Frees g (NULL is ignored) back to alloc, the allocator it was created with. */
void vgic_destroy(struct vgic *g, const struct ax_allocator *alloc);

/* Register accesses by vCPU vcpu (any value: the distributor and redistributors are not banked
 * by the accessor): offset within the 64 KiB distributor frame, or within the redistributor
 * window (vcpu_count * 128 KiB). width is the access size in bytes; a read's value is
 * zero-extended, a write uses the low width bytes of value. Returns 0 for every guest access
 * (reserved space and bad widths read as 0 and ignore writes), AXERR_INVALID only for a NULL g
 * or value. */
int vgic_dist_read(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width, uint64_t *value);
int vgic_dist_write(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width, uint64_t value);
int vgic_redist_read(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width,
		     uint64_t *value);
int vgic_redist_write(struct vgic *g, uint32_t vcpu, uint64_t offset, unsigned width,
		      uint64_t value);

/* The size of the redistributor window for vcpu_count vCPUs (capped at 256). */
uint64_t vgic_redist_size(uint32_t vcpu_count);

/* A write of ICC_SGI1R_EL1 by vcpu: makes SGI INTID (bits 27:24) pending on every vCPU but the
 * sender (IRM, bit 40) or on each vCPU the target list names (TargetList bits 15:0 select Aff0
 * RS * 16 + n, RS bits 47:44, with Aff1 23:16, Aff2 39:32 and Aff3 55:48 all zero). Targets no
 * vCPU has are ignored. */
void vgic_send_sgi(struct vgic *g, uint32_t vcpu, uint64_t sgi1r);

/* Input lines: an SPI's (intid 32..) and vcpu's PPI's (intid 16..31). A level-sensitive
 * interrupt is pending while its line is high (or a software pending is latched); an
 * edge-triggered one latches pending on a rising edge. AXERR_INVALID for any other intid or
 * vcpu, or a NULL g. */
int vgic_set_spi(struct vgic *g, uint32_t intid, bool level);
int vgic_set_ppi(struct vgic *g, uint32_t vcpu, uint32_t intid, bool level);

/*
 * Before vcpu enters the guest: writes up to nr_lrs (at most VGIC_MAX_LRS are used) list
 * register values to lrs, for the interrupts vcpu should see — active ones first (they must be
 * in a list register for the guest to deactivate them), then pending ones (enabled, their group
 * enabled in GICD_CTLR) by priority, ties to the lower INTID — and returns how many. An SPI goes
 * only to the vCPU its IROUTER targets. Each interrupt flushed is held by vcpu until vgic_sync
 * returns it: it is never in two list registers or on two vCPUs at once. *underflow (may be
 * NULL) is set when more were deliverable than fitted; the backend then asks for the underflow
 * maintenance interrupt (ICH_HCR_EL2.UIE) to flush the rest. HW is 0 and pINTID 0 in every
 * value. A flush while vcpu still holds a previous flush's interrupts takes those back first as
 * they were flushed.
 */
size_t vgic_flush(struct vgic *g, uint32_t vcpu, uint64_t *lrs, size_t nr_lrs, bool *underflow);

/*
 * After vcpu exits: takes back what its last flush gave it, in the n list-register values the
 * hardware left (in any order; values naming an interrupt vcpu does not hold are ignored, and an
 * interrupt with no value is taken back as it was flushed). State invalid: the guest
 * acknowledged and deactivated it (a level interrupt whose line is still high is pending again);
 * pending, active or both: the interrupt keeps that state. Pending state that arrived while the
 * interrupt was in a list register (a new edge, a write of ISPENDR) is kept too.
 */
void vgic_sync(struct vgic *g, uint32_t vcpu, const uint64_t *lrs, size_t n);

/* Whether vcpu has an interrupt it could take (pending, enabled, its group enabled, targeted at
 * vcpu and not held by another vCPU), for ending a halt; call it after vgic_sync. The guest's
 * priority mask and group enables (ICH_VMCR_EL2) are not considered. */
bool vgic_pending(struct vgic *g, uint32_t vcpu);

#endif
