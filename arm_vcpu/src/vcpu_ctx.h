/* The register file guest_entry.S switches: the guest's general registers, pc and PSTATE, and
 * the host state saved while the vCPU runs. Offsets are shared with the assembly and checked at
 * compile time. */
#ifndef ARM_VCPU_SRC_VCPU_CTX_H
#define ARM_VCPU_SRC_VCPU_CTX_H

#define CTX_X 0			/* x0..x30 */
#define CTX_PC (31 * 8)		/* ELR_EL2 to return to */
#define CTX_PSTATE (32 * 8)	/* SPSR_EL2 to return with */
#define CTX_HOST_REGS (33 * 8)	/* x19..x30, sp */
#define CTX_HOST_VBAR (46 * 8)	/* the host's VBAR_EL2 */
#define CTX_HOST_TPIDR (47 * 8) /* the host's TPIDR_EL2: the ctx's while the guest runs */
#define CTX_SIZE (48 * 8)

/* What the exception that left the guest was (the lower-EL AArch64 vector it took). */
#define ARM_EXIT_SYNC 0
#define ARM_EXIT_IRQ 1
#define ARM_EXIT_FIQ 2
#define ARM_EXIT_SERROR 3

/* What arm_vcpu_trap tells guest_entry.S. */
#define ARM_TRAP_RESUME 0 /* enter the guest again */
#define ARM_TRAP_LEAVE 1  /* return from arm_guest_enter */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct arm_vcpu_ctx {
	uint64_t x[31];
	uint64_t pc;
	uint64_t pstate;
	uint64_t host_regs[13];
	uint64_t host_vbar;
	uint64_t host_tpidr;
};

_Static_assert(offsetof(struct arm_vcpu_ctx, pc) == CTX_PC, "ctx layout");
_Static_assert(offsetof(struct arm_vcpu_ctx, pstate) == CTX_PSTATE, "ctx layout");
_Static_assert(offsetof(struct arm_vcpu_ctx, host_regs) == CTX_HOST_REGS, "ctx layout");
_Static_assert(offsetof(struct arm_vcpu_ctx, host_vbar) == CTX_HOST_VBAR, "ctx layout");
_Static_assert(offsetof(struct arm_vcpu_ctx, host_tpidr) == CTX_HOST_TPIDR, "ctx layout");
_Static_assert(sizeof(struct arm_vcpu_ctx) == CTX_SIZE, "ctx layout");

/* Enters the guest described by ctx at EL1. Each exception back to EL2 calls
 * arm_vcpu_trap(ctx, ARM_EXIT_*) on the host's stack, which says what follows (ARM_TRAP_*). */
void arm_guest_enter(struct arm_vcpu_ctx *ctx);

/* The C side of an exception from the guest (vcpu_run.c): ARM_TRAP_RESUME or _LEAVE. Every
 * general register of the guest is in ctx; the exception registers (ESR_EL2, FAR_EL2,
 * HPFAR_EL2) are still live. */
int arm_vcpu_trap(struct arm_vcpu_ctx *ctx, uint64_t kind);
#endif

#endif
