/*
 * Delivering a synchronous exception to an AArch64 guest's EL1, as the hardware takes it (Arm
 * ARM DDI 0487, D1.10 "Exception entry"): the vector the guest enters, its new PSTATE, and
 * what the exception leaves in ELR_EL1, SPSR_EL1 and ESR_EL1. Pure computation: the privileged
 * layer writes the result to the guest's registers (and FAR_EL1 for an abort).
 *
 * The vector is VBAR_EL1 (bits 10:0 are RES0 and ignored, as the hardware does) plus an offset
 * chosen by the mode the exception is taken from, pstate.M (SPSR_EL2 format):
 *   EL1t (0b0100)            +0x000, exception classes "from the current EL"
 *   EL1h (0b0101)            +0x200, "from the current EL"
 *   EL0t (0b0000)            +0x400, "from a lower EL"
 *   AArch32 (M[4] set)       +0x600, "from a lower EL"
 * A guest cannot be in any other mode (the hardware never saves one in SPSR_EL2 for it), but a
 * corrupt pstate must not crash the hypervisor: every other AArch64 encoding (EL2t, EL2h,
 * EL3t, EL3h and the reserved ones) is treated as EL1h, the guest's most privileged mode; an
 * AArch32 pstate is treated as AArch32 EL0 whatever its mode (EL1 is AArch64: HCR_EL2.RW).
 * ELR_EL1 and SPSR_EL1 receive pc and pstate unchanged, malformed or not: the guest's ERET then
 * fails as an illegal exception return, at the guest's own EL1.
 *
 * The new PSTATE: M = EL1h, D, A, I and F set, N, Z, C, V, DIT and PAN kept (the AArch64 and
 * AArch32 SPSR formats hold them in the same bits), every other field 0: SS, IL, UAO and
 * BTYPE as the architecture clears them. Not modelled, because they depend on guest registers
 * the functions are not given:
 *   PAN   set on entry when SCTLR_EL1.SPAN is 0 (FEAT_PAN); here kept, as with SPAN = 1;
 *   SSBS  set to SCTLR_EL1.DSSBS (FEAT_SSBS); here 0;
 *   TCO   set to 1 (FEAT_MTE); here 0;
 *   ALLINT set to NOT SCTLR_EL1.SPINTMASK (FEAT_NMI); here 0;
 *   and the FEAT_GCS and FEAT_EBEP fields (EXLOCK, PM); here 0.
 * Exact for a guest that leaves SCTLR_EL1.SPAN set and uses none of SSBS, MTE, NMI, GCS and
 * EBEP. A caller that knows the guest's SCTLR_EL1 sets PAN itself when SPAN is 0.
 */
#ifndef ARM_VCPU_INJECT_H
#define ARM_VCPU_INJECT_H

#include <stdbool.h>
#include <stdint.h>

/* The guest state after a synchronous exception taken to EL1. */
struct arm_el1_exception {
	uint64_t pc;	   /* VBAR_EL1 + the vector offset */
	uint64_t pstate;   /* EL1h, D, A, I, F masked; see the top of this file */
	uint64_t elr_el1;  /* the pc that took it */
	uint64_t spsr_el1; /* the PSTATE that took it */
	uint64_t esr_el1;
};

/* An undefined instruction (EC 0x00 "unknown reason", ISS 0) taken at guest pc with guest
 * PSTATE pstate (SPSR_EL2 format) and the guest's VBAR_EL1. IL is always 1, a 32-bit
 * instruction: right for A64 and A32, wrong for a 16-bit T32 instruction of an AArch32 EL0
 * (the caller refuses those: arm_pstate_aarch32). */
void arm_inject_undef(uint64_t pc, uint64_t pstate, uint64_t vbar_el1,
		      struct arm_el1_exception *out);

/* A synchronous external abort on a data access at guest pc (data: write or read, WnR), or on
 * an instruction fetch (!data: write is ignored): EC 0x24/0x25 (data abort from a lower / the
 * same EL) or 0x20/0x21, FSC 0x10 (synchronous external abort, not on a table walk), IL = 1
 * (as for every abort with ISV = 0). ISV, SET, FnV, EA, CM and S1PTW are 0: the syndrome
 * carries no access details and FAR_EL1 is valid. The caller also writes FAR_EL1 = the faulting
 * virtual address. */
void arm_inject_abort(uint64_t pc, uint64_t pstate, uint64_t vbar_el1, bool data, bool write,
		      struct arm_el1_exception *out);

/* True when pstate (SPSR_EL2) is AArch32 state (M[4]): the caller refuses what it cannot do for
 * an AArch32 EL0. */
bool arm_pstate_aarch32(uint64_t pstate);

#endif
