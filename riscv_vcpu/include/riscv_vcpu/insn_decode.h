/*
 * Decoding a trapped guest load or store for MMIO emulation, from the transformed instruction
 * the hardware left in htinst or from the instruction bits at the faulting pc. Pure
 * computation: no CSR access, unit-tested on the host.
 *
 * Covered: the integer loads and stores of RV64I (LB LH LW LD LBU LHU LWU SB SH SW SD), of
 * RV64C (C.LW C.LD C.SW C.SD C.LWSP C.LDSP C.SWSP C.SDSP) and of Zcb (C.LBU C.LHU C.LH C.SB
 * C.SH, which RVA23 makes mandatory). Floating-point and vector loads/stores and atomics are
 * recognized and refused.
 */
#ifndef RISCV_VCPU_INSN_DECODE_H
#define RISCV_VCPU_INSN_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include <axvm/exit.h>

/* One integer load or store, as far as emulating it needs. */
struct riscv_mem_access {
	bool store;
	uint8_t width; /* bytes: 1, 2, 4, 8 */
	uint8_t reg;   /* x register: rd of a load, rs2 of a store (0 is x0) */
	bool
	    sign_extend; /* loads: LB/LH/LW sign-extend, LBU/LHU/LWU do not; LD and stores: false */
	uint8_t insn_len; /* 2 (compressed) or 4: how far to advance sepc */
};

/* Whether insn is a 32-bit integer load: LOAD opcode, funct3 not 7. */
static inline bool riscv_is_load32(uint32_t insn)
{
	if ((insn & 0x7f) != 0x03)
		return false;
	return (insn & 0x7000) != 0x7000;
}

/* The width in bytes of the 32-bit load insn (riscv_is_load32): 1 << funct3[1:0]. */
static inline unsigned riscv_load32_width(uint32_t insn)
{
	return 1u << ((insn >> 12) & 3);
}

/* Fills *out for the 32-bit load insn (riscv_is_load32): width 1 << funct3[1:0],
 * sign-extended for LB/LH/LW, rd. */
static inline void riscv_load32_fields(uint32_t insn, struct riscv_mem_access *out)
{
	out->store = false;
	out->width = (uint8_t)riscv_load32_width(insn);
	out->reg = (uint8_t)((insn >> 7) & 31);
	out->sign_extend = ((insn >> 12) & 7) < 3;
	out->insn_len = 4;
}

/* Whether insn is a 32-bit integer load (riscv_is_load32); if so fills *out
 * (riscv_load32_fields). Inline: the commonest access to a device register, which
 * riscv_decode_mem_insn decodes the same way. */
static inline bool riscv_decode_load32(uint32_t insn, struct riscv_mem_access *out)
{
	if (!riscv_is_load32(insn))
		return false;
	riscv_load32_fields(insn, out);
	return true;
}

/* Decodes the instruction at the faulting pc, as fetched with HLVX.HU: the low 16 bits first,
 * and a 32-bit instruction when bits 1:0 are 0b11 (for a compressed one bits 31:16 are
 * ignored). Returns 0 and fills *out; AXERR_INVALID for anything that is not an integer load or
 * store, including reserved encodings (C.LWSP/C.LDSP with rd = x0, LOAD funct3 = 7, ...);
 * AXERR_UNSUPPORTED for floating-point or vector loads/stores and atomics (LR/SC/AMO). *out
 * is written only on success. */
int riscv_decode_mem_insn(uint32_t insn, struct riscv_mem_access *out);

/* Decodes htinst (privileged spec, "Transformed Instruction or Pseudoinstruction for mtinst or
 * htinst"). A transformed load/store has bit 0 set and bit 1 clear when the trapping
 * instruction was compressed (insn_len 2). Returns 0 and fills *out; AXERR_NOT_FOUND when the
 * value says nothing usable (zero, bits 63:32 set, bits 1:0 = 0b10, or not a standard
 * load/store/atomic: the spec says to treat such values as zero), so the caller fetches and
 * decodes the instruction itself; AXERR_UNSUPPORTED for floating-point/vector accesses,
 * atomics and pseudoinstructions (bits 1:0 = 0b00: a fault of an implicit VS-stage
 * page-table access, which is not the instruction's own access and cannot be emulated). *out
 * is written only on success. */
int riscv_decode_htinst(uint64_t htinst, struct riscv_mem_access *out);

/* The guest-physical address of a guest-page fault: htval holds it shifted right by 2 and
 * stval (the guest-virtual address) supplies bits 1:0. */
static inline uint64_t riscv_fault_gpa(uint64_t htval, uint64_t stval)
{
	return htval << 2 | (stval & 3);
}

/* Whether a guest-page fault (fetch, load or store) is the instruction's own access, not an
 * implicit access of the guest's VS-stage translation (its page-table walk), which hardware
 * reports as a guest-page fault of the original access type. htinst holding a pseudoinstruction
 * (bits 1:0 = 0b00) says implicit. A zero htinst (harts that do not write it, as QEMU 7.2)
 * leaves the page offsets: an explicit access keeps its guest-virtual offset (stval bits 11:0)
 * in gpa, a page-table entry lies at its index times 8. When both coincide an implicit access
 * passes as explicit; emulating it then touches only the faulting VM's own device. */
static inline bool riscv_fault_is_explicit(uint64_t htinst, uint64_t stval, uint64_t gpa)
{
	if (__builtin_expect(htinst != 0, 0) && !(htinst >> 32) && (htinst & 3) == 0)
		return false;
	return ((stval ^ gpa) << 52) == 0; /* bits 11:0 equal */
}

/* The access-fault cause a guest kernel takes for a guest-page-fault cause when nothing is at
 * the address its own translation used: 20 -> 1 (instruction), 21 -> 5 (load), 23 -> 7
 * (store/AMO). Any other cause: 0. */
uint64_t riscv_access_fault_cause(uint64_t guest_page_fault_cause);

/* Fills *exit with the AXVM_EXIT_MMIO_READ or MMIO_WRITE for access a at guest-physical
 * address gpa. For a store, store_value is the value of x[a->reg] (0 for x0) and only its low
 * a->width bytes are kept. */
void riscv_mem_access_exit(const struct riscv_mem_access *a, uint64_t gpa, uint64_t store_value,
			   struct axvm_exit *exit);

/* What store a writes for register value x: its low a->width bytes. */
static inline uint64_t riscv_store_value(const struct riscv_mem_access *a, uint64_t x)
{
	return a->width < 8 ? x & ((1ull << (a->width * 8)) - 1) : x;
}

/* What load a writes to its 64-bit destination register for value read: the low a->width
 * bytes, sign-extended (LB, LH, LW and their compressed forms) or zero-extended (LBU, LHU,
 * LWU, LD). */
uint64_t riscv_load_value(const struct riscv_mem_access *a, uint64_t value);

#endif
