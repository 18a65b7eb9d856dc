/*
 * Decoding a trapped MSR, MRS or system instruction (ESR_EL2.EC 0x18, "Trapped MSR, MRS or
 * System instruction execution in AArch64 state"; Arm ARM DDI 0487, ISS encoding for an
 * exception from MSR, MRS or System instruction execution in AArch64 state). Pure computation,
 * unit-tested on the host.
 *
 * The ISS orders the encoding's fields differently from the instruction: Op0 in bits 21:20,
 * Op2 in 19:17, Op1 in 16:14, CRn in 13:10, Rt in 9:5, CRm in 4:1 and the direction in bit 0
 * (1: a read, MRS or SYSL). arm_decode_sysreg puts them back in the instruction's order, so a
 * trapped access compares directly with ARM_SYSREG constants.
 */
#ifndef ARM_VCPU_SYSREG_TRAP_H
#define ARM_VCPU_SYSREG_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* A system register as its encoding names it: op0, op1, CRn, CRm, op2, packed as the MRS/MSR
 * instruction encodes them (bits 20:5 of the instruction, i.e. op0 << 14 | op1 << 11 |
 * CRn << 7 | CRm << 3 | op2). Op0 1 names a system instruction (DC, IC, AT, TLBI) the same
 * way. */
#define ARM_SYSREG(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* Named encodings the backend handles: the GICv3 SGI generation registers. */
#define ARM_SYSREG_ICC_SGI1R_EL1 ARM_SYSREG(3, 0, 12, 11, 5)
#define ARM_SYSREG_ICC_ASGI1R_EL1 ARM_SYSREG(3, 0, 12, 11, 6)
#define ARM_SYSREG_ICC_SGI0R_EL1 ARM_SYSREG(3, 0, 12, 11, 7)

/* One trapped access, as emulating it needs. */
struct arm_sysreg_access {
	uint32_t reg; /* ARM_SYSREG(...) */
	uint8_t rt;   /* 0..30, 31 = XZR (a write of 0, a read discarded) */
	bool read;    /* MRS (or SYSL); else MSR (or SYS) */
};

/* Decodes the ISS of an EC 0x18 syndrome esr (ESR_EL2). Returns 0 and fills *out;
 * AXERR_INVALID when esr is not EC 0x18, leaving *out unwritten. */
int arm_decode_sysreg(uint64_t esr, struct arm_sysreg_access *out);

/* True for the feature ID register space HCR_EL2.TID3 traps: op0 3, op1 0, CRn 0, CRm 1..7
 * (the ID_* and ID_AA64* registers and the reserved encodings among them). */
bool arm_sysreg_is_id_reg(uint32_t reg);

#endif
