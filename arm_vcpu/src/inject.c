/* Synchronous exceptions delivered to a guest's EL1 (Arm ARM D1.10, "Exception entry"; registers
 * SPSR_EL1, ESR_EL1, VBAR_EL1). */
#include <arm_vcpu/esr.h>
#include <arm_vcpu/inject.h>

/* SPSR_ELx (and PSTATE) fields. N, Z, C, V, DIT and PAN have the same place in the AArch64 and
 * the AArch32 formats. */
#define SPSR_ELx_M_MASK 0xfull	     /* M[3:0], AArch64 state */
#define SPSR_ELx_M_EL0t 0x0ull	     /* EL0 */
#define SPSR_ELx_M_EL1t 0x4ull	     /* EL1 with SP_EL0 */
#define SPSR_ELx_M_EL1h 0x5ull	     /* EL1 with SP_EL1 */
#define SPSR_ELx_M4 (1ull << 4)	     /* M[4]: taken from AArch32 state */
#define SPSR_ELx_F (1ull << 6)	     /* FIQ mask */
#define SPSR_ELx_I (1ull << 7)	     /* IRQ mask */
#define SPSR_ELx_A (1ull << 8)	     /* SError mask */
#define SPSR_ELx_D (1ull << 9)	     /* debug exception mask */
#define SPSR_ELx_PAN (1ull << 22)    /* privileged access never */
#define SPSR_ELx_DIT (1ull << 24)    /* data independent timing */
#define SPSR_ELx_NZCV (0xfull << 28) /* condition flags */

/* The fields exception entry keeps from the PSTATE that took the exception. */
#define PSTATE_KEPT (SPSR_ELx_NZCV | SPSR_ELx_DIT | SPSR_ELx_PAN)

/* VBAR_EL1: the vector base address is bits 63:11. */
#define VBAR_EL1_VBA_MASK (~0x7ffull)

/* Vector offsets by the state the exception is taken from (synchronous exceptions: +0). */
#define VECTOR_CURRENT_SP0 0x000ull
#define VECTOR_CURRENT_SPX 0x200ull
#define VECTOR_LOWER_A64 0x400ull
#define VECTOR_LOWER_A32 0x600ull

/* ESR_ELx.ISS of an instruction or data abort. */
#define ESR_ISS_WNR (1u << 6)
#define ESR_FSC_SEA 0x10u /* synchronous external abort, not on a translation table walk */

/* Fills everything but esr_el1 for an exception taken at pc with pstate; returns true when it
 * is taken from a lower EL (EL0). */
static bool enter_el1(uint64_t pc, uint64_t pstate, uint64_t vbar_el1,
		      struct arm_el1_exception *out)
{
	uint64_t offset = VECTOR_CURRENT_SPX;

	if (arm_pstate_aarch32(pstate))
		offset = VECTOR_LOWER_A32;
	else if ((pstate & SPSR_ELx_M_MASK) == SPSR_ELx_M_EL0t)
		offset = VECTOR_LOWER_A64;
	else if ((pstate & SPSR_ELx_M_MASK) == SPSR_ELx_M_EL1t)
		offset = VECTOR_CURRENT_SP0;

	out->pc = (vbar_el1 & VBAR_EL1_VBA_MASK) + offset;
	out->pstate = (pstate & PSTATE_KEPT) | SPSR_ELx_D | SPSR_ELx_A | SPSR_ELx_I | SPSR_ELx_F |
		      SPSR_ELx_M_EL1h;
	out->elr_el1 = pc;
	out->spsr_el1 = pstate;
	return offset == VECTOR_LOWER_A64 || offset == VECTOR_LOWER_A32;
}

static uint64_t esr(unsigned ec, uint32_t iss)
{
	return (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss;
}

void arm_inject_undef(uint64_t pc, uint64_t pstate, uint64_t vbar_el1,
		      struct arm_el1_exception *out)
{
	enter_el1(pc, pstate, vbar_el1, out);
	out->esr_el1 = esr(ESR_EC_UNKNOWN, 0);
}

void arm_inject_abort(uint64_t pc, uint64_t pstate, uint64_t vbar_el1, bool data, bool write,
		      struct arm_el1_exception *out)
{
	bool lower = enter_el1(pc, pstate, vbar_el1, out);
	unsigned ec;

	if (data)
		ec = lower ? ESR_EC_DABT_LOWER : ESR_EC_DABT_CURRENT;
	else
		ec = lower ? ESR_EC_IABT_LOWER : ESR_EC_IABT_CURRENT;
	out->esr_el1 = esr(ec, ESR_FSC_SEA | (data && write ? ESR_ISS_WNR : 0));
}

bool arm_pstate_aarch32(uint64_t pstate)
{
	return pstate & SPSR_ELx_M4;
}
