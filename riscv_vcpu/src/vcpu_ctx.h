/* The register file guest_entry.S switches: guest state, and the host state saved while the
 * vCPU runs. Offsets are shared with the assembly and checked at compile time. */
#ifndef RISCV_VCPU_SRC_VCPU_CTX_H
#define RISCV_VCPU_SRC_VCPU_CTX_H

#define CTX_GUEST_X 0
#define CTX_GUEST_SEPC (32 * 8)
#define CTX_GUEST_SSTATUS (33 * 8)
#define CTX_GUEST_HSTATUS (34 * 8)
#define CTX_HOST_REGS (35 * 8) /* ra sp gp tp s0..s11 */
#define CTX_HOST_SSTATUS (51 * 8)
#define CTX_HOST_STVEC (52 * 8)
#define CTX_HOST_SSCRATCH (53 * 8)
#define CTX_SIZE (54 * 8)

/* What riscv_vcpu_trap tells guest_entry.S. */
#define RISCV_TRAP_RESUME 0	/* enter the guest again; its s0-s11 are still in place */
#define RISCV_TRAP_LEAVE 1	/* return from riscv_guest_enter */
#define RISCV_TRAP_RESUME_ALL 2 /* enter the guest again with every register from ctx */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct riscv_vcpu_ctx {
	uint64_t guest_x[32]; /* x0 unused */
	uint64_t guest_sepc;
	uint64_t guest_sstatus; /* sstatus for sret: SPP selects VS- or VU-mode */
	uint64_t guest_hstatus;
	uint64_t host_regs[16];
	uint64_t host_sstatus;
	uint64_t host_stvec;
	uint64_t host_sscratch;
};

_Static_assert(offsetof(struct riscv_vcpu_ctx, guest_sepc) == CTX_GUEST_SEPC, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_regs) == CTX_HOST_REGS, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_sscratch) == CTX_HOST_SSCRATCH, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_stvec) == CTX_HOST_STVEC, "ctx layout");
_Static_assert(sizeof(struct riscv_vcpu_ctx) == CTX_SIZE, "ctx layout");

/* Enters the guest described by ctx. Each trap back to HS-mode calls riscv_vcpu_trap(ctx) on
 * the host's stack, which says what follows (RISCV_TRAP_*). */
void riscv_guest_enter(struct riscv_vcpu_ctx *ctx);

/* The C side of a trap from the guest (vcpu_run.c): RISCV_TRAP_RESUME, _LEAVE or _RESUME_ALL.
 * It returns RISCV_TRAP_RESUME only if it changed no saved callee-saved register (s0-s11)
 * of the guest in ctx. */
int riscv_vcpu_trap(struct riscv_vcpu_ctx *ctx);

/* True if hstatus exists (the H extension), its value in *out: read under a private trap
 * vector. */
bool riscv_probe_hstatus(uint64_t *out);

/* True if the vstimecmp CSR exists (Sstc): read under a private trap vector. */
bool riscv_probe_vstimecmp(void);

/* Reads the guest instruction at guest-virtual address va as a fetch would (HLVX, as the
 * privilege in hstatus.SPVP): one HLVX.WU when va is 4-byte aligned (an aligned word never
 * crosses a page), else HLVX.HU and, for a 32-bit instruction, a second one. Bits 31:16 of a
 * compressed instruction's *out are unspecified. Returns 0, or the scause of the fault that
 * prevented it: a private trap vector catches the fault instead of the host's handler, and
 * hstatus (whose SPV such a fault clears) is put back. Interrupts off. Inline: it is on the
 * path of every emulated access. */
static inline uint64_t riscv_guest_fetch_insn(uint64_t va, uint32_t *out)
{
	uint64_t vec, hs, lo, hi, fault;

	__asm__ volatile(
	    "	la	%[vec], 3f\n"
	    "	csrrw	%[vec], stvec, %[vec]\n"
	    "	csrr	%[hs], hstatus\n"
	    "	li	%[fault], 0\n"
	    "	andi	%[lo], %[va], 3\n"
	    "	bnez	%[lo], 1f\n"
	    "	.insn r 0x73, 4, 0x34, %[lo], %[va], x3\n" /* hlvx.wu */
	    "	j	4f\n"
	    "1:	.insn r 0x73, 4, 0x32, %[lo], %[va], x3\n" /* hlvx.hu */
	    "	andi	%[hi], %[lo], 3\n"
	    "	addi	%[hi], %[hi], -3\n"
	    "	bnez	%[hi], 4f\n"
	    "	addi	%[hi], %[va], 2\n"
	    "	.insn r 0x73, 4, 0x32, %[hi], %[hi], x3\n" /* hlvx.hu */
	    "	slli	%[hi], %[hi], 16\n"
	    "	or	%[lo], %[lo], %[hi]\n"
	    "	j	4f\n"
	    "	.balign	4\n"
	    "3:	csrr	%[fault], scause\n"
	    "	csrw	hstatus, %[hs]\n"
	    "4:	csrw	stvec, %[vec]\n"
	    : [vec] "=&r"(vec), [hs] "=&r"(hs), [lo] "=&r"(lo), [hi] "=&r"(hi), [fault] "=&r"(fault)
	    : [va] "r"(va)
	    : "memory");
	*out = (uint32_t)lo;
	return fault;
}
#endif

#endif
