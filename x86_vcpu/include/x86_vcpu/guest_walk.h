/*
 * Translating a guest's linear address through the guest's own page tables (Intel SDM Vol. 3A,
 * chapter 4 "Paging"), for what the VT-x backend emulates: the instruction at RIP after an EPT
 * violation, the memory operand of string I/O. Pure computation over a callback that reads
 * guest-physical memory, unit-tested on the host.
 *
 * Covered: no paging (CR0.PG = 0); 32-bit paging with 4 KiB pages and, with CR4.PSE, 4 MiB
 * pages including PSE-36 (PDE bits 20:13 give address bits 39:32); PAE paging with 4 KiB and
 * 2 MiB pages; 4-level and, with CR4.LA57, 5-level paging with 4 KiB, 2 MiB and 1 GiB pages and
 * the canonical-address check. Not-present entries, reserved bits for the guest's MAXPHYADDR,
 * R/W with CR0.WP, U/S, XD with IA32_EFER.NXE (bit 63 reserved without it) and SMEP, with the
 * page-fault error code the CPU would push.
 *
 * Left out:
 * - The walker only reads: it never sets an accessed or dirty flag. After an EPT violation the
 *   CPU has walked the guest's tables itself and set them; an access the CPU never began (the
 *   memory side of string I/O) leaves them as they were.
 * - SMAP (it depends on RFLAGS.AC and on whether an access is implicit), protection keys,
 *   shadow-stack accesses, linear-address masking (LAM) and HLAT: not enforced, and the PK,
 *   SS, HLAT and SGX error-code bits are never set. A20 masking is not modelled.
 * - PAE paging's PDPTEs are read from memory at CR3 bits 31:5 at every walk, where the CPU uses
 *   the four it loaded with CR3 (under EPT, the VMCS's guest PDPTE fields): a guest that edits
 *   its PDPT without reloading CR3 sees the new entries. A reserved bit in a present PDPTE,
 *   which makes the CPU's MOV to CR3 raise #GP, is reported as a page fault with RSVD.
 * - 1 GiB pages (CPUID.80000001H:EDX[26]) and PSE-36 are taken as supported.
 */
#ifndef X86_VCPU_GUEST_WALK_H
#define X86_VCPU_GUEST_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <x86_vcpu/guest_regs.h>

/* Page-fault (#PF) error-code bits (SDM Vol. 3A, 4.7). */
#define X86_PF_PRESENT (1u << 0) /* a protection or reserved-bit violation, not a missing page */
#define X86_PF_WRITE (1u << 1)
#define X86_PF_USER (1u << 2)
#define X86_PF_RSVD (1u << 3)
#define X86_PF_FETCH (1u << 4)

/* What an access does, as flags: 0 is a supervisor-mode data read. Each flag is the error-code
 * bit a page fault of the access carries. */
enum x86_access {
	X86_ACCESS_WRITE = X86_PF_WRITE,
	X86_ACCESS_USER = X86_PF_USER, /* at CPL 3 */
	X86_ACCESS_FETCH = X86_PF_FETCH,
};

/* Reads width bytes of guest-physical memory at gpa into buf: 4 or 8 for a paging-structure
 * entry (naturally aligned), up to 4096 without crossing a 4 KiB boundary for
 * x86_guest_read_linear's data. Returns 0, or a negative error (AXERR_*) when gpa is not guest
 * memory. */
typedef int (*x86_guest_read_fn)(void *ctx, uint64_t gpa, void *buf, unsigned width);

/* The guest's paging state. */
struct x86_paging {
	uint64_t cr0, cr3, cr4, efer;
	/* The guest's physical-address width, CPUID.80000008H:EAX[7:0], 32..52: the address bits
	 * an entry may have; those above, up to bit 51 (62 in PAE paging), are reserved. */
	unsigned maxphyaddr;
};

/* A translation: the guest-physical address, or the page fault the access raises. */
struct x86_walk_result {
	uint64_t gpa;	 /* when !fault */
	uint64_t linear; /* the address translated, 32 bits outside long mode: CR2 on a fault */
	uint32_t pf_error_code; /* when fault: X86_PF_* */
	bool fault;
};

/* Translates linear for an access (enum x86_access flags) under paging state p, reading the
 * guest's paging structures through read(ctx, ...). Outside long mode bits 63:32 of linear are
 * dropped, as the CPU's linear addresses have 32 bits there. Returns 0 and fills *out, a
 * page fault included; AXERR_INVALID for a non-canonical address in long mode (#GP, not #PF),
 * for an unknown access flag or a write that is also a fetch, for maxphyaddr outside 32..52 or
 * for IA32_EFER.LMA without CR4.PAE; or read's error when a paging-structure entry is not in
 * guest memory. *out is written only on success. */
int x86_guest_translate(const struct x86_paging *p, uint64_t linear, unsigned access,
			x86_guest_read_fn read, void *ctx, struct x86_walk_result *out);

/* Copies len (at least 1) bytes at linear into buf for an access (a read or a fetch: the flags
 * of x86_guest_translate), translating each page they touch: an instruction of up to 15 bytes
 * at RIP, a string I/O operand. Returns 0 with *copied = len and out->fault false; or 0 at the
 * first page that faults, with *copied the bytes before it and *out its fault (out->linear,
 * CR2, the first byte not copied): an instruction may end before that page, so a decoder can
 * still try the bytes copied. Returns a negative error as x86_guest_translate does, or read's
 * error for bytes outside guest memory, with *copied the bytes copied before it; AXERR_INVALID
 * for len 0. */
int x86_guest_read_linear(const struct x86_paging *p, uint64_t linear, unsigned access,
			  x86_guest_read_fn read, void *ctx, void *buf, size_t len, size_t *copied,
			  struct x86_walk_result *out);

#endif
