/*
 * Decoding a guest load or store that took a stage-2 data abort, for MMIO emulation: from the
 * syndrome when ESR_EL2.ISV is 1, else from the A64 instruction at the faulting pc. Pure
 * computation: no system-register access, unit-tested on the host.
 *
 * Covered (ISV = 0): the general-purpose register forms of the "Load/store register" classes
 * (Arm ARM C4.1, "Loads and Stores"): unsigned immediate, unscaled immediate (LDUR/STUR),
 * unprivileged (LDTR/STTR), register offset, and the pre- and post-indexed forms whose base
 * register writeback is what makes the hardware report ISV = 0. Sizes B, H, W, X; LDRSB, LDRSH
 * (to W or X) and LDRSW.
 *
 * Refused: load/store pair (LDP/STP: the access is two registers, and the fault address may be
 * that of either half, so it cannot be split without a stage-1 walk), SIMD&FP registers,
 * exclusives and acquire/release, atomics (LDADD, CAS, SWP, LD64B...), pointer-authenticated
 * loads (LDRAA/LDRAB), literal loads, memory tagging and memory copy/set. KVM emulates none of
 * this either: it refuses every ISV = 0 abort outside guest memory.
 *
 * The decoder assumes an AArch64 guest; an AArch32 guest (SPSR_EL2.M[4] set) executes T32/A32
 * and must be refused by the caller. A big-endian guest (SCTLR_EL1.EE) needs the data swapped.
 */
#ifndef ARM_VCPU_INSN_DECODE_H
#define ARM_VCPU_INSN_DECODE_H

#include <stdbool.h>
#include <stdint.h>

/* One general-purpose register load or store, as far as emulating it needs. The access itself
 * is at the fault address (HPFAR_EL2 and FAR_EL2). */
struct arm_mem_access {
	bool store;
	uint8_t width;	  /* bytes: 1, 2, 4, 8 */
	uint8_t reg;	  /* Rt: 0..30, or 31 = XZR/WZR (a store writes 0, a load is discarded) */
	bool sign_extend; /* LDRSB, LDRSH, LDRSW */
	bool reg64;	  /* Rt is an X register; a load into a W register zeroes bits 63:32 */
	bool writeback;	  /* pre- or post-indexed: the base register is updated */
	uint8_t base;	  /* with writeback: Rn, where 31 is SP (SP_EL0 or SP_EL1, by PSTATE.SP) */
	int16_t offset;	  /* with writeback: the new base is the old one plus offset (-256..255) */
};

/* Decodes a data abort's syndrome esr (ESR_EL2) when it is valid (ISV = 1): width from SAS,
 * sign_extend from SSE, reg from SRT, reg64 from SF, store from WnR; never writeback. Returns 0
 * and fills *out; AXERR_INVALID when esr is not a data abort; AXERR_UNSUPPORTED for a cache
 * maintenance instruction (CM: the caller may skip it, as KVM does on device memory) or a
 * fault on the guest's own stage-1 table walk (S1PTW: its tables point at a device); then
 * AXERR_NOT_FOUND when ISV = 0, so the caller fetches the instruction and uses
 * arm_decode_mem_insn. *out is written only on success. */
int arm_decode_iss(uint64_t esr, struct arm_mem_access *out);

/* Decodes the A64 instruction insn fetched from the faulting pc. Returns 0 and fills *out;
 * AXERR_INVALID for anything outside the "Loads and Stores" group, for unallocated encodings
 * of the load/store register classes, for prefetches (PRFM, PRFUM: they never abort, so the
 * instruction is not the one that faulted) and for writeback with Rn == Rt != 31 (CONSTRAINED
 * UNPREDICTABLE); AXERR_UNSUPPORTED for the refused loads and stores listed above. *out is
 * written only on success. */
int arm_decode_mem_insn(uint32_t insn, struct arm_mem_access *out);

/* What store a writes for register value x (0 for reg 31): its low a->width bytes. */
static inline uint64_t arm_store_value(const struct arm_mem_access *a, uint64_t x)
{
	return a->width < 8 ? x & ((1ull << (a->width * 8)) - 1) : x;
}

/* What load a writes to its X register for value read from the device: the low a->width
 * bytes, sign- or zero-extended to 64 bits for an X destination, to 32 bits for a W one (whose
 * upper half is then zero). */
uint64_t arm_load_value(const struct arm_mem_access *a, uint64_t value);

/* The base register's value after access a with writeback, from its value old before. */
static inline uint64_t arm_writeback_base(const struct arm_mem_access *a, uint64_t old)
{
	return old + (uint64_t)(int64_t)a->offset;
}

#endif
