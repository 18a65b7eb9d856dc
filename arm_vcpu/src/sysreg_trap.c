/* Trapped MSR, MRS and system instructions: the EC 0x18 ISS back in the instruction's field
 * order (Arm ARM DDI 0487, ESR_ELx, ISS encoding for an exception from MSR, MRS or System
 * instruction execution in AArch64 state). */
#include <arm_vcpu/sysreg_trap.h>

#include <arm_vcpu/esr.h>
#include <axvm/error.h>

#define EC_SYSREG 0x18

static unsigned field(uint32_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

int arm_decode_sysreg(uint64_t esr, struct arm_sysreg_access *out)
{
	uint32_t iss = esr_iss(esr);

	if (esr_ec(esr) != EC_SYSREG)
		return AXERR_INVALID;
	*out = (struct arm_sysreg_access){
	    .reg = ARM_SYSREG(field(iss, 21, 20), field(iss, 16, 14), field(iss, 13, 10),
			      field(iss, 4, 1), field(iss, 19, 17)),
	    .rt = (uint8_t)field(iss, 9, 5),
	    .read = iss & 1,
	};
	return 0;
}

bool arm_sysreg_is_id_reg(uint32_t reg)
{
	unsigned crm = field(reg, 6, 3);

	/* Everything but CRm and op2 (bits 6:0) says op0 3, op1 0, CRn 0. */
	return (reg & ~0x7fu) == ARM_SYSREG(3, 0, 0, 0, 0) && crm >= 1 && crm <= 7;
}
