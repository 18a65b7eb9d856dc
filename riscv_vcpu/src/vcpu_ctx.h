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
#define CTX_WRITTEN_SLOT (54 * 8)
#define CTX_ENTRY_CHECKS (55 * 8) /* entry_work and resume_all: one halfword for the assembly */
#define CTX_SIZE (56 * 8)

/* What a trap handler (riscv_exception_handlers, riscv_host_interrupt: an enum
 * axvm_disposition) and riscv_vcpu_before_entry tell guest_entry.S. */
#define RISCV_TRAP_RESUME 0 /* enter the guest again; its s0-s11 are still in place */
#define RISCV_TRAP_LEAVE 1  /* return from riscv_guest_enter */
/* Enter the guest again with every register from ctx: the trap wrote the s register at byte
 * offset written_slot of ctx. */
#define RISCV_TRAP_RESUME_ALL 2

/* The exception causes riscv_exception_handlers has a slot for: 0..23, and one for the rest. */
#define RISCV_EXC_SLOTS 25

/* The one trap cause for which guest_entry.S saves the guest's s0-s11 in ctx before calling
 * its handler: a store guest-page fault, whose emulation reads the register stored. */
#define RISCV_EXC_STORE_GUEST_PAGE_FAULT 23

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
	uint64_t written_slot; /* RISCV_TRAP_RESUME_ALL: the offset of the s register written */
	/* Work before the next entry: a resume is pending or the soft timer is armed. */
	bool entry_work;
	/* A callee-saved register of the guest (s0-s11) was written in ctx during this trap (at
	 * written_slot): the next entry loads every register. */
	bool resume_all;
};

_Static_assert(offsetof(struct riscv_vcpu_ctx, guest_sepc) == CTX_GUEST_SEPC, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_regs) == CTX_HOST_REGS, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_sscratch) == CTX_HOST_SSCRATCH, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_stvec) == CTX_HOST_STVEC, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, written_slot) == CTX_WRITTEN_SLOT, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, entry_work) == CTX_ENTRY_CHECKS &&
		   offsetof(struct riscv_vcpu_ctx, resume_all) == CTX_ENTRY_CHECKS + 1,
	       "ctx layout");
_Static_assert(sizeof(struct riscv_vcpu_ctx) == CTX_SIZE, "ctx layout");

/* Enters the guest described by ctx. Each trap back to HS-mode calls its handler on the
 * host's stack, which says what follows (RISCV_TRAP_*). */
void riscv_guest_enter(struct riscv_vcpu_ctx *ctx);

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
