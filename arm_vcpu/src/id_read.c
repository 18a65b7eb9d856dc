/* The host's feature ID registers by encoding: the whole space HCR_EL2.TID3 traps (op0 3, op1
 * 0, CRn 0, CRm 1..7), read with their generic names so that every encoding has one. */
#include <arm_vcpu/sysreg_trap.h>

#include "vcpu_state.h"

#define ID(crm, op2)                                                           \
	case ARM_SYSREG(3, 0, 0, crm, op2):                                    \
		__asm__ volatile("mrs %0, S3_0_C0_C" #crm "_" #op2 : "=r"(v)); \
		return v

#define ID_ROW(crm) \
	ID(crm, 0); \
	ID(crm, 1); \
	ID(crm, 2); \
	ID(crm, 3); \
	ID(crm, 4); \
	ID(crm, 5); \
	ID(crm, 6); \
	ID(crm, 7)

uint64_t arm_host_id_reg(uint32_t reg)
{
	uint64_t v;

	switch (reg) {
		ID_ROW(1);
		ID_ROW(2);
		ID_ROW(3);
		ID_ROW(4);
		ID_ROW(5);
		ID_ROW(6);
		ID_ROW(7);
	default:
		return 0;
	}
}
