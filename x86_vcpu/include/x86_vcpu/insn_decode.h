/*
 * Decoding the x86 instruction that made an EPT violation outside guest memory, for MMIO
 * emulation (Intel SDM Vol. 2, chapter 2 "Instruction Format" and the MOV, MOVZX, MOVSX and
 * MOVSXD pages). Pure computation on the instruction bytes fetched at the guest's RIP,
 * unit-tested on the host.
 *
 * Covered: MOV r/m <-> register in every width (88, 89, 8A, 8B), MOV r/m, imm (C6 /0, C7 /0),
 * MOV between the accumulator and a memory offset (A0..A3), MOVZX and MOVSX from 8 and 16 bits
 * (0F B6, 0F B7, 0F BE, 0F BF) and, in 64-bit mode, MOVSXD (63): the forms compilers emit for
 * readb/readw/readl/readq and their writes. Legacy prefixes in any order (operand size 66,
 * address size 67, the segment overrides, which the fault address already includes, and F2/F3,
 * which MOV ignores), REX in 64-bit mode, the high-byte registers AH, CH, DH and BH.
 *
 * Refused: every other instruction that reads or writes memory (arithmetic with a memory
 * operand, string instructions, stack operations, SSE/AVX moves, XCHG, CMPXCHG, ...), LOCK with
 * any of these MOVs (#UD on hardware), and a register operand where memory is required.
 */
#ifndef X86_VCPU_INSN_DECODE_H
#define X86_VCPU_INSN_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest x86 instruction: a longer one raises #GP. */
#define X86_MAX_INSN_LEN 15

/* The code segment's default operand and address size, which decide how the bytes read. */
enum x86_cpu_mode {
	X86_MODE_16, /* real mode, virtual-8086 mode, or a 16-bit code segment */
	X86_MODE_32, /* protected or compatibility mode with a 32-bit code segment (CS.D = 1) */
	X86_MODE_64, /* 64-bit mode (IA32_EFER.LMA = 1 and CS.L = 1) */
};

/* The mode from CR0.PE, RFLAGS.VM, IA32_EFER.LMA and the code segment's L and D bits. */
enum x86_cpu_mode x86_cpu_mode_of(bool cr0_pe, bool rflags_vm, bool efer_lma, bool cs_l, bool cs_d);

/* Where a store's data comes from. */
enum x86_store_source {
	X86_SOURCE_REG, /* register reg (or its high byte) */
	X86_SOURCE_IMM, /* the immediate imm */
};

/* How a load's data reaches its register. */
enum x86_extend {
	X86_EXTEND_NONE, /* MOV: as wide as the register written */
	X86_EXTEND_ZERO, /* MOVZX */
	X86_EXTEND_SIGN, /* MOVSX, MOVSXD */
};

/* One decoded MMIO access. The access itself is at the fault's guest-physical address. */
struct x86_mem_access {
	uint8_t len;   /* the instruction's length: RIP moves past it */
	uint8_t width; /* bytes read or written in memory: 1, 2, 4, 8 */
	bool store;
	uint8_t reg;	/* the register loaded or stored: 0..15 = rAX, rCX, rDX, rBX, rSP, rBP, rSI,
			 * rDI, r8..r15 */
	bool high_byte; /* reg (0..3) names AH, CH, DH or BH: bits 15:8 of rAX..rBX */
	enum x86_store_source source;
	uint64_t imm;		/* a store's immediate, already extended to width bytes */
	uint8_t reg_width;	/* a load's destination register size in bytes: 1, 2, 4, 8 */
	enum x86_extend extend; /* a load's extension from width to reg_width */
};

/* Decodes the instruction in the first len bytes of insn (what the caller could fetch at RIP,
 * up to X86_MAX_INSN_LEN) for a CPU in mode. Returns 0 and fills *out; AXERR_NOT_MAPPED when
 * the instruction continues past len bytes and len is below X86_MAX_INSN_LEN (the caller
 * could not fetch the rest); AXERR_INVALID for an encoding the CPU itself would reject (#UD:
 * LOCK, C6/C7 with a nonzero reg field; #GP: longer than 15 bytes) or a register where the
 * access needs memory; AXERR_UNSUPPORTED for any other instruction. *out is written only on
 * success. */
int x86_decode_mem_insn(const uint8_t *insn, size_t len, enum x86_cpu_mode mode,
			struct x86_mem_access *out);

/* The value store a writes, given the full 64-bit value of its register: the immediate, or the
 * register's low width bytes (bits 15:8 for a high-byte register). */
uint64_t x86_store_value(const struct x86_mem_access *a, uint64_t reg_value);

/* The full 64-bit value of load a's register after it read value (its low width bytes count)
 * into a register that held old: extended to reg_width, then merged as the CPU merges, a
 * 32-bit destination zeroing bits 63:32, an 8- or 16-bit one keeping the rest (bits 15:8 for a
 * high-byte register). */
uint64_t x86_load_result(const struct x86_mem_access *a, uint64_t old, uint64_t value);

#endif
