/* A64 general-purpose register loads and stores, decoded for MMIO emulation (Arm ARM DDI 0487,
 * C4.1 "A64 instruction set encoding", "Loads and Stores"; D-chapter ESR_EL2 ISS encoding for
 * an exception from a Data Abort). */
#include <arm_vcpu/insn_decode.h>

#include <arm_vcpu/esr.h>
#include <axvm/error.h>

/* Register number 31: XZR/WZR as Rt, SP as Rn. */
#define REG_ZR_OR_SP 31

static unsigned field(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* The signed 9-bit immediate at bits 20:12 (unscaled, pre- and post-indexed forms). */
static int16_t imm9(uint32_t insn)
{
	int v = (int)field(insn, 20, 12);

	return (int16_t)(v & 0x100 ? v - 0x200 : v);
}

/* The load/store register classes share size (bits 31:30) and opc (bits 23:22):
 *   opc 00  STRB  STRH  STR Wt  STR Xt
 *   opc 01  LDRB  LDRH  LDR Wt  LDR Xt
 *   opc 10  LDRSB LDRSH LDRSW   PRFM (or unallocated)
 *   opc 11  LDRSB LDRSH -       -      (to a W register)
 * and likewise their LDUR/STUR and LDTR/STTR forms. Fills the access part of *out without
 * writeback; AXERR_INVALID for the unallocated and prefetch cells. */
static int size_opc(uint32_t insn, struct arm_mem_access *out)
{
	unsigned size = field(insn, 31, 30);
	unsigned opc = field(insn, 23, 22);

	if (opc >= 2 && (size == 3 || (size == 2 && opc == 3)))
		return AXERR_INVALID;
	*out = (struct arm_mem_access){
	    .store = opc == 0,
	    .width = (uint8_t)(1u << size),
	    .reg = (uint8_t)field(insn, 4, 0),
	    .sign_extend = opc >= 2,
	    .reg64 = size == 3 || opc == 2,
	};
	return AX_OK;
}

/* Like size_opc, and then the base register Rn (bits 9:5) is updated by the signed 9-bit
 * offset. Rn == Rt is CONSTRAINED UNPREDICTABLE unless both are 31 (SP as base, XZR as data). */
static int with_writeback(uint32_t insn, struct arm_mem_access *out)
{
	struct arm_mem_access a;
	unsigned rn = field(insn, 9, 5);
	int err = size_opc(insn, &a);

	if (err)
		return err;
	if (rn == a.reg && rn != REG_ZR_OR_SP)
		return AXERR_INVALID;
	a.writeback = true;
	a.base = (uint8_t)rn;
	a.offset = imm9(insn);
	*out = a;
	return AX_OK;
}

/* Bits 21 = 0, 24 = 0: bits 11:10 choose unscaled immediate (LDUR/STUR, PRFUM), post-indexed,
 * unprivileged (LDTR/STTR) or pre-indexed. The fault address already includes the immediate of
 * the forms without writeback. Size 11 with opc 10 is PRFUM in the unscaled class and
 * unallocated in the others: AXERR_INVALID either way. */
static int decode_imm9(uint32_t insn, struct arm_mem_access *out)
{
	switch (field(insn, 11, 10)) {
	case 1:
	case 3:
		return with_writeback(insn, out);
	default:
		return size_opc(insn, out);
	}
}

/* Bits 21 = 1, 24 = 0: bits 11:10 = 10 is the register offset form, whose option field (bits
 * 15:13) must be UXTW, LSL, SXTW or SXTX (option<1> set); 00 is the atomic memory operations
 * (and LDAPR, LD64B, ST64B); x1 with size 11 is LDRAA/LDRAB. */
static int decode_bit21(uint32_t insn, struct arm_mem_access *out)
{
	switch (field(insn, 11, 10)) {
	case 0:
		return AXERR_UNSUPPORTED;
	case 2:
		if (!field(insn, 14, 14))
			return AXERR_INVALID;
		return size_opc(insn, out);
	default:
		return field(insn, 31, 30) == 3 ? AXERR_UNSUPPORTED : AXERR_INVALID;
	}
}

int arm_decode_mem_insn(uint32_t insn, struct arm_mem_access *out)
{
	/* "Loads and Stores": op1 (bits 28:25) = x1x0. */
	if (!field(insn, 27, 27) || field(insn, 25, 25))
		return AXERR_INVALID;
	/* The load/store register classes: bits 29:28 = 11 and V (bit 26) = 0. Everything else is
	 * a pair, exclusive, ordered, literal, tag, copy/set or SIMD&FP access. */
	if (field(insn, 29, 28) != 3 || field(insn, 26, 26))
		return AXERR_UNSUPPORTED;
	if (field(insn, 24, 24)) /* unsigned immediate, scaled by the size */
		return size_opc(insn, out);
	if (field(insn, 21, 21))
		return decode_bit21(insn, out);
	return decode_imm9(insn, out);
}

int arm_decode_iss(uint64_t esr, struct arm_mem_access *out)
{
	struct esr_abort abt = esr_decode_abort(esr);

	if (!abt.data)
		return AXERR_INVALID;
	if (abt.cache_maint || abt.s1ptw)
		return AXERR_UNSUPPORTED;
	if (!abt.isv)
		return AXERR_NOT_FOUND;
	*out = (struct arm_mem_access){
	    .store = abt.write,
	    .width = (uint8_t)abt.size,
	    .reg = (uint8_t)abt.srt,
	    .sign_extend = abt.sign_extend,
	    .reg64 = abt.sixty_four,
	};
	return AX_OK;
}

uint64_t arm_load_value(const struct arm_mem_access *a, uint64_t value)
{
	/* The low width bytes moved to the top and back, arithmetically to sign-extend. */
	unsigned shift = (64u - a->width * 8u) & 63u;
	uint64_t top = value << shift;
	uint64_t v = a->sign_extend ? (uint64_t)((int64_t)top >> shift) : top >> shift;

	return a->reg64 ? v : v & 0xffffffffu;
}
