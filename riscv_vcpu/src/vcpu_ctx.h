/* The register file guest_entry.S switches: guest state, the host state saved across a guest
 * run, and what the hardware reported about the trap that ended it. Offsets are shared with the
 * assembly and checked at compile time. */
#ifndef RISCV_VCPU_SRC_VCPU_CTX_H
#define RISCV_VCPU_SRC_VCPU_CTX_H

#define CTX_GUEST_X 0
#define CTX_GUEST_SEPC (32 * 8)
#define CTX_GUEST_SSTATUS (33 * 8)
#define CTX_GUEST_HSTATUS (34 * 8)
#define CTX_HOST_REGS (35 * 8) /* ra sp gp tp s0..s11 */
#define CTX_HOST_SSTATUS (51 * 8)
#define CTX_HOST_HSTATUS (52 * 8)
#define CTX_HOST_STVEC (53 * 8)
#define CTX_HOST_SSCRATCH (54 * 8)
#define CTX_TRAP_SCAUSE (55 * 8)
#define CTX_TRAP_STVAL (56 * 8)
#define CTX_TRAP_HTVAL (57 * 8)
#define CTX_TRAP_HTINST (58 * 8)
#define CTX_SIZE (59 * 8)

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
	uint64_t host_hstatus;
	uint64_t host_stvec;
	uint64_t host_sscratch;
	uint64_t trap_scause;
	uint64_t trap_stval;
	uint64_t trap_htval;
	uint64_t trap_htinst;
};

_Static_assert(offsetof(struct riscv_vcpu_ctx, guest_sepc) == CTX_GUEST_SEPC, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_regs) == CTX_HOST_REGS, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, host_sscratch) == CTX_HOST_SSCRATCH, "ctx layout");
_Static_assert(offsetof(struct riscv_vcpu_ctx, trap_htinst) == CTX_TRAP_HTINST, "ctx layout");
_Static_assert(sizeof(struct riscv_vcpu_ctx) == CTX_SIZE, "ctx layout");

/* Enters the guest described by ctx and returns when it traps back to HS-mode. */
void riscv_guest_enter(struct riscv_vcpu_ctx *ctx);

/* True if the vstimecmp CSR exists (Sstc): read under a private trap vector. */
bool riscv_probe_vstimecmp(void);

/* Reads the guest halfword at guest-virtual address va as an instruction fetch would
 * (HLVX.HU). Returns 0, or the scause of the fault that prevented it. */
uint64_t riscv_guest_fetch_halfword(uint64_t va, uint16_t *out);
#endif

#endif
