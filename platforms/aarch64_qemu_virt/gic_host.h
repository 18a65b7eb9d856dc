/* The physical GICv3 (Arm IHI 0069) as the hypervisor host drives it at EL2: the distributor
 * and the redistributors found in the host devicetree, every interrupt in group 1 (non-secure
 * group 1 when the GIC has two security states), the CPU interface through the ICC_* system
 * registers with EOImode 1 (an EOI only drops the priority, a write to ICC_DIR_EL1 deactivates:
 * arm_vcpu leaves the guests' virtual-timer interrupt active for the guest to deactivate through
 * a hardware-mapped list register). The host runs with
 * interrupts masked (PSTATE.I): it never takes an IRQ exception, it wakes from wfi and reads
 * the acknowledge register itself. */
#ifndef AARCH64_QEMU_VIRT_GIC_HOST_H
#define AARCH64_QEMU_VIRT_GIC_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What gic_host_ack returns when nothing is pending (INTIDs 1020..1023 are special: never
 * EOIed). */
#define GIC_HOST_SPURIOUS 1023u
#define GIC_HOST_FIRST_SPECIAL 1020u

/* INTIDs 0..15 are SGIs, 16..31 PPIs: this CPU's own, in its redistributor. */
#define GIC_HOST_SGI_COUNT 16u
#define GIC_HOST_PRIVATE_COUNT 32u

/* SGIs reach CPUs through the target list of ICC_SGI1R_EL1 with RS = 0: one bit per Aff0, so
 * only CPUs whose MPIDR Aff0 is below 16 (QEMU virt numbers CPUs in clusters of 16). */
#define GIC_HOST_MAX_SGI_AFF0 15u

/* The priority of every interrupt the host configures (a lower value is more urgent). */
#define GIC_HOST_DEFAULT_PRIORITY 0xa0u

enum gic_host_err {
	GIC_HOST_OK = 0,
	GIC_HOST_NO_NODE = -1,	  /* no enabled "arm,gic-v3" node */
	GIC_HOST_BAD_REG = -2,	  /* its reg does not hold a distributor and redistributors */
	GIC_HOST_NOT_V3 = -3,	  /* the ID registers name no GICv3 or GICv4 */
	GIC_HOST_TIMEOUT = -4,	  /* a register write or a wake-up did not complete */
	GIC_HOST_NO_ARE = -5,	  /* affinity routing could not be enabled */
	GIC_HOST_NO_REDIST = -6,  /* no redistributor has this CPU's affinity */
	GIC_HOST_AFF0 = -7,	  /* the CPU's Aff0 is too large for an SGI to reach it */
	GIC_HOST_NO_SYSREGS = -8, /* the CPU interface has no system register interface */
	GIC_HOST_NOT_READY = -9,  /* per-CPU set-up before the global one succeeded */
};

/* What the global set-up found. */
struct gic_host_info {
	uint64_t gicd_base;   /* the distributor */
	uint64_t gicr_base;   /* the first redistributor region */
	size_t gicr_regions;  /* how many redistributor regions */
	uint32_t lines;	      /* INTIDs below this are SGIs, PPIs and implemented SPIs */
	bool single_security; /* GICD_CTLR.DS: one security state */
};

/* Once, on the boot CPU, before any other CPU runs gic_host_init_cpu: finds the GIC in the
 * devicetree (reg[0] = GICD, reg[1..] = the #redistributor-regions GICR regions), disables the
 * distributor, puts every SPI in group 1 at the default priority, inactive, not pending and
 * disabled, then enables affinity routing and group 1. Returns GIC_HOST_OK or an error. */
int gic_host_init_global(const void *fdt);

/* What gic_host_init_global found (valid once it succeeded). */
const struct gic_host_info *gic_host_info(void);

/* On each CPU, for itself (mpidr: its MPIDR_EL1): finds its redistributor by GICR_TYPER's
 * affinity, wakes it, puts its SGIs and PPIs in group 1 at the default priority, inactive,
 * enables exactly those of enable_mask (bit n: INTID n, n < 32), then turns on the system
 * register CPU interface (also for EL1: ICC_SRE_EL2.Enable), priority mask 0xff, binary point
 * 0, EOImode 1, group 1 on. Pending interrupts stay pending: calling it again on a CPU loses no
 * SGI sent to it meanwhile. Refuses a CPU SGIs cannot target. Returns GIC_HOST_OK or an
 * error. */
int gic_host_init_cpu(uint64_t mpidr, uint32_t enable_mask);

/* Acknowledges the highest-priority pending interrupt of this CPU (ICC_IAR1_EL1) and returns
 * its INTID, now active; GIC_HOST_SPURIOUS when none is pending. */
uint32_t gic_host_ack(void);

/* Ends an acknowledged interrupt: drops the priority and deactivates it (ICC_EOIR1_EL1, then
 * ICC_DIR_EL1). A
 * level-triggered one still asserted becomes pending again. */
void gic_host_eoi(uint32_t intid);

/* Sends SGI sgi (< 16) to the CPU with MPIDR target_mpidr. Stores made before it are visible
 * to the target once it has acknowledged the SGI. Returns false (sends nothing) for an sgi out
 * of range or a target whose Aff0 exceeds GIC_HOST_MAX_SGI_AFF0. */
bool gic_host_send_sgi(uint64_t target_mpidr, unsigned sgi);

/* A short message for an error code. */
const char *gic_host_strerror(int err);

#endif
