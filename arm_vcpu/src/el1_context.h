/* The guest's EL1 (and EL0) system registers: they live in the CPU while the vCPU is bound,
 * here otherwise. The non-VHE hypervisor at EL2 uses none of them itself. */
#ifndef ARM_VCPU_SRC_EL1_CONTEXT_H
#define ARM_VCPU_SRC_EL1_CONTEXT_H

#include <stdint.h>

struct arm_el1_context {
	uint64_t sctlr_el1;
	uint64_t ttbr0_el1;
	uint64_t ttbr1_el1;
	uint64_t tcr_el1;
	uint64_t mair_el1;
	uint64_t amair_el1;
	uint64_t vbar_el1;
	uint64_t contextidr_el1;
	uint64_t tpidr_el0;
	uint64_t tpidrro_el0;
	uint64_t tpidr_el1;
	uint64_t elr_el1;
	uint64_t spsr_el1;
	uint64_t esr_el1;
	uint64_t far_el1;
	uint64_t afsr0_el1;
	uint64_t afsr1_el1;
	uint64_t par_el1;
	uint64_t cpacr_el1;
	uint64_t cntkctl_el1;
	uint64_t mdscr_el1;
	uint64_t csselr_el1;
	uint64_t sp_el0;
	uint64_t sp_el1;
	uint64_t cntv_ctl_el0;
	uint64_t cntv_cval_el0;
};

/* Loads c into the calling CPU's EL1 registers (the virtual timer last). */
void arm_el1_load(const struct arm_el1_context *c);

/* Saves the calling CPU's EL1 registers into c and disarms the virtual timer, so that an
 * unbound vCPU's timer raises nothing on the CPU. */
void arm_el1_save(struct arm_el1_context *c);

#endif
