/* Integer loads and stores of RV64I, RV64C and Zcb, decoded for MMIO emulation (unprivileged
 * spec: "RV32I/RV64I Base Integer Instruction Set", "C" and "Zcb" chapters; privileged spec,
 * H extension: transformed instructions in htinst). */
#include <riscv_vcpu/insn_decode.h>

#include <axvm/error.h>

/* Major opcodes, bits 6:0 of a 32-bit instruction. */
#define OPCODE_LOAD 0x03
#define OPCODE_LOAD_FP 0x07 /* FLH/FLW/FLD/FLQ and vector loads */
#define OPCODE_STORE 0x23
#define OPCODE_STORE_FP 0x27 /* FSH/FSW/FSD/FSQ and vector stores */
#define OPCODE_AMO 0x2f	     /* LR, SC, AMOs */

/* Compressed instructions: quadrant (bits 1:0) and funct3 (bits 15:13) as one key. */
#define CKEY(quadrant, funct3) ((quadrant) << 3 | (funct3))

static unsigned field(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* A compressed register field rd'/rs1'/rs2' at bits lo+2:lo: x8..x15. */
static unsigned creg(uint32_t insn, unsigned lo)
{
	return 8 + field(insn, lo + 2, lo);
}

static int found(struct riscv_mem_access *out, bool store, unsigned width, unsigned reg,
		 bool sign_extend, unsigned insn_len)
{
	out->store = store;
	out->width = (uint8_t)width;
	out->reg = (uint8_t)reg;
	out->sign_extend = sign_extend;
	out->insn_len = (uint8_t)insn_len;
	return AX_OK;
}

/* A 32-bit encoding; insn_len is what the access reports (2 for a transformed compressed one).
 * LOAD funct3: 0 LB, 1 LH, 2 LW, 3 LD, 4 LBU, 5 LHU, 6 LWU, 7 reserved; width is 1 << funct3[1:0]
 * and the first three sign-extend. STORE funct3: 0 SB, 1 SH, 2 SW, 3 SD, 4..7 not RV64. */
static int decode_32(uint32_t insn, unsigned insn_len, struct riscv_mem_access *out)
{
	unsigned opcode = insn & 0x7f;
	unsigned funct3 = field(insn, 14, 12);

	if (riscv_decode_load32(insn, out)) {
		out->insn_len = (uint8_t)insn_len;
		return AX_OK;
	}
	if (opcode == OPCODE_LOAD)
		return AXERR_INVALID; /* funct3 7 */
	if (opcode == OPCODE_STORE)
		return funct3 > 3
			   ? AXERR_INVALID
			   : found(out, true, 1u << funct3, field(insn, 24, 20), false, insn_len);
	if (opcode == OPCODE_LOAD_FP || opcode == OPCODE_STORE_FP || opcode == OPCODE_AMO)
		return AXERR_UNSUPPORTED;
	return AXERR_INVALID;
}

/* Zcb loads and stores: quadrant 0, funct3 100, told apart by bits 12:10 and bit 6.
 * 000 C.LBU; 001 C.LHU (bit 6 = 0) or C.LH (bit 6 = 1); 010 C.SB; 011 C.SH (bit 6 = 0);
 * everything else is reserved. */
static int decode_zcb(uint32_t insn, struct riscv_mem_access *out)
{
	unsigned reg = creg(insn, 2);
	bool bit6 = field(insn, 6, 6);

	switch (field(insn, 12, 10)) {
	case 0:
		return found(out, false, 1, reg, false, 2);
	case 1:
		return found(out, false, 2, reg, bit6, 2);
	case 2:
		return found(out, true, 1, reg, false, 2);
	case 3:
		if (bit6)
			return AXERR_INVALID;
		return found(out, true, 2, reg, false, 2);
	default:
		return AXERR_INVALID;
	}
}

/* A 16-bit encoding (RV64C). Quadrant 0 takes rd'/rs2' from bits 4:2; quadrant 2 (the
 * sp-relative forms) takes rd from bits 11:7 and rs2 from bits 6:2. */
static int decode_16(uint32_t insn, struct riscv_mem_access *out)
{
	switch (CKEY(insn & 3, field(insn, 15, 13))) {
	case CKEY(0, 2): /* C.LW */
		return found(out, false, 4, creg(insn, 2), true, 2);
	case CKEY(0, 3): /* C.LD */
		return found(out, false, 8, creg(insn, 2), false, 2);
	case CKEY(0, 4):
		return decode_zcb(insn, out);
	case CKEY(0, 6): /* C.SW */
		return found(out, true, 4, creg(insn, 2), false, 2);
	case CKEY(0, 7): /* C.SD */
		return found(out, true, 8, creg(insn, 2), false, 2);
	case CKEY(2, 2): /* C.LWSP; rd = x0 is reserved */
		if (field(insn, 11, 7) == 0)
			return AXERR_INVALID;
		return found(out, false, 4, field(insn, 11, 7), true, 2);
	case CKEY(2, 3): /* C.LDSP; rd = x0 is reserved */
		if (field(insn, 11, 7) == 0)
			return AXERR_INVALID;
		return found(out, false, 8, field(insn, 11, 7), false, 2);
	case CKEY(2, 6): /* C.SWSP */
		return found(out, true, 4, field(insn, 6, 2), false, 2);
	case CKEY(2, 7): /* C.SDSP */
		return found(out, true, 8, field(insn, 6, 2), false, 2);
	case CKEY(0, 1): /* C.FLD */
	case CKEY(0, 5): /* C.FSD */
	case CKEY(2, 1): /* C.FLDSP */
	case CKEY(2, 5): /* C.FSDSP */
		return AXERR_UNSUPPORTED;
	default:
		return AXERR_INVALID;
	}
}

int riscv_decode_mem_insn(uint32_t insn, struct riscv_mem_access *out)
{
	if ((insn & 3) == 3)
		return decode_32(insn, 4, out);
	return decode_16(insn & 0xffff, out);
}

int riscv_decode_htinst(uint64_t htinst, struct riscv_mem_access *out)
{
	int err;

	if (htinst == 0 || htinst >> 32)
		return AXERR_NOT_FOUND;
	switch (htinst & 3) {
	case 0:
		return AXERR_UNSUPPORTED;
	case 2:
		return AXERR_NOT_FOUND;
	default:
		break;
	}
	err = decode_32((uint32_t)htinst | 2, (htinst & 2) ? 4 : 2, out);
	return err == AXERR_INVALID ? AXERR_NOT_FOUND : err;
}

uint64_t riscv_access_fault_cause(uint64_t guest_page_fault_cause)
{
	switch (guest_page_fault_cause) {
	case 20:
		return 1;
	case 21:
		return 5;
	case 23:
		return 7;
	default:
		return 0;
	}
}

void riscv_mem_access_exit(const struct riscv_mem_access *a, uint64_t gpa, uint64_t store_value,
			   struct axvm_exit *exit)
{
	if (a->store) {
		exit->kind = AXVM_EXIT_MMIO_WRITE;
		exit->mmio_write.addr = gpa;
		exit->mmio_write.width = a->width;
		exit->mmio_write.data = riscv_store_value(a, store_value);
		return;
	}
	exit->kind = AXVM_EXIT_MMIO_READ;
	exit->mmio_read.addr = gpa;
	exit->mmio_read.width = a->width;
}

uint64_t riscv_load_value(const struct riscv_mem_access *a, uint64_t value)
{
	/* The low width bytes moved to the top and back, arithmetically to sign-extend. */
	unsigned shift = (64u - a->width * 8u) & 63u;
	uint64_t top = value << shift;

	return a->sign_extend ? (uint64_t)((int64_t)top >> shift) : top >> shift;
}
