/* What a guest may write into the registers the backend emulates (CR0, CR4, IA32_EFER, IA32_PAT,
 * XCR0), per the Intel SDM: a write these refuse is a #GP for the guest. Pure checks,
 * unit-tested on the host. */
#ifndef X86_VCPU_GUEST_REGS_H
#define X86_VCPU_GUEST_REGS_H

#include <stdbool.h>
#include <stdint.h>

#define X86_CR0_PE (1ull << 0)
#define X86_CR0_MP (1ull << 1)
#define X86_CR0_EM (1ull << 2)
#define X86_CR0_TS (1ull << 3)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_NE (1ull << 5)
#define X86_CR0_WP (1ull << 16)
#define X86_CR0_AM (1ull << 18)
#define X86_CR0_NW (1ull << 29)
#define X86_CR0_CD (1ull << 30)
#define X86_CR0_PG (1ull << 31)

#define X86_CR4_PSE (1ull << 4)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_LA57 (1ull << 12)
#define X86_CR4_PCIDE (1ull << 17)
#define X86_CR4_VMXE (1ull << 13)
#define X86_CR4_SMEP (1ull << 20)

#define X86_EFER_SCE (1ull << 0)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_EFER_NXE (1ull << 11)

/* IA32_PAT's value at reset. */
#define X86_PAT_RESET 0x0007040600070406ull

/* CR0: bits 63:32 clear, no PG without PE, no NW without CD (SDM Vol. 3A 2.5 and MOV CR). */
bool x86_cr0_valid(uint64_t value);

/* The switch to or from paging a CR0 write makes, for a guest with efer and cr4: whether it
 * enters IA-32e mode (PG set with EFER.LME) or leaves it, or is refused with a #GP (paging
 * turned on with EFER.LME but without CR4.PAE; PCIDE set outside IA-32e mode). */
enum x86_paging_switch {
	X86_PAGING_SAME,     /* IA-32e mode as it was */
	X86_PAGING_ENTER_LM, /* EFER.LMA becomes 1 */
	X86_PAGING_LEAVE_LM, /* EFER.LMA becomes 0 */
	X86_PAGING_GP,	     /* the write is refused */
};

enum x86_paging_switch x86_cr0_paging_switch(uint64_t old_cr0, uint64_t new_cr0, uint64_t efer,
					     uint64_t cr4);

/* CR4: only bits the guest may set (allowed), no PCIDE outside IA-32e mode, PAE not cleared
 * in it (efer_lma). */
bool x86_cr4_valid(uint64_t value, uint64_t allowed, bool efer_lma);

/* IA32_EFER written by WRMSR: only SCE, LME, LMA and NXE (NXE only when nx), LME not changed
 * while paging is on (cr0_pg). LMA is the processor's: what the write gives is ignored. */
bool x86_efer_valid(uint64_t value, uint64_t old, bool nx, bool cr0_pg);

/* IA32_PAT: every entry one of the memory types 0, 1, 4, 5, 6, 7 and bits 7:3 clear. */
bool x86_pat_valid(uint64_t value);

/* IA32_MTRR_DEF_TYPE written by WRMSR (SDM Vol. 3A, "MTRRdefType Register"): the default
 * memory type in bits 7:0 (UC 0, WC 1, WT 4, WP 5 or WB 6), FE (bit 10) and E (bit 11); every
 * other bit is reserved. */
#define X86_MTRR_DEF_TYPE_FE (1ull << 10)
#define X86_MTRR_DEF_TYPE_E (1ull << 11)
bool x86_mtrr_def_type_valid(uint64_t value);

/* XCR0 written by XSETBV: x87 set, only bits of supported, AVX only with SSE, the AVX-512
 * components all or none and only with AVX, BNDREGS and BNDCSR together. */
bool x86_xcr0_valid(uint64_t value, uint64_t supported);

#endif
