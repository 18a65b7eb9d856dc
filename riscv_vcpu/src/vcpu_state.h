/* The RISC-V vCPU: what arch_vcpu.h's opaque struct arch_vcpu is for this backend. */
#ifndef RISCV_VCPU_SRC_VCPU_STATE_H
#define RISCV_VCPU_SRC_VCPU_STATE_H

#include <axvm/arch_vcpu.h>
#include <riscv_vcpu/insn_decode.h>
#include <riscv_vcpu/sbi.h>
#include <stdbool.h>
#include <stdint.h>

#include "vcpu_ctx.h"

/* The VS-level CSRs: live in the hardware while the vCPU is bound, here otherwise. */
struct riscv_vs_csrs {
	uint64_t vsstatus;
	uint64_t vsie;
	uint64_t vstvec;
	uint64_t vsscratch;
	uint64_t vsepc;
	uint64_t vscause;
	uint64_t vstval;
	uint64_t vsatp;
	uint64_t hvip;
	uint64_t vstimecmp; /* with Sstc: the guest's timer deadline */
};

/* The guest-page fault being handled, for arch_vcpu_decode_mmio. */
struct riscv_pending_fault {
	bool valid;
	bool store;
	uint64_t cause; /* scause: an instruction, load or store guest-page fault */
	uint64_t gpa;
	uint64_t gva; /* stval: the guest-virtual address the instruction used */
	uint64_t htinst;
};

/* Where a non-retentive hart_suspend resumes. */
struct riscv_resume {
	bool pending;
	uint64_t addr;
	uint64_t opaque;
};

struct arch_vcpu {
	struct riscv_vcpu_ctx ctx; /* first: guest_entry.S hands the trap handlers its address */
	uint32_t vm_id;
	uint32_t vcpu_count;
	uint32_t vcpu_id; /* its index in the VM */
	struct arch_vcpu_vm_ops vm_ops;
	struct sbi_env sbi_env;		/* the SBI's view of this vCPU, built once */
	struct sbi_call sbi_call;	/* its ecalls: env, hart id, count, a0..a7 in place */
	struct axvm_exit *exit;		/* where exits go during arch_vcpu_run */
	struct riscv_mem_access access; /* the access exit arch_vcpu_complete finishes */
	bool access_pending;
	uint64_t hart_id;
	uint16_t vmid;
	uint64_t hgatp;
	struct riscv_vs_csrs vs;
	bool bound;
	struct riscv_pending_fault fault;
	/* Without Sstc the guest's timer is soft: the time of the SBI timer (UINT64_MAX: none),
	 * checked before each entry, and whether the guest moved it since the host last saw it. */
	uint64_t timer_deadline;
	bool timer_moved;
	struct riscv_resume resume;
	int32_t last_hart; /* the hart it was last bound to, or -1 */
	int32_t fp_hart;   /* the hart whose f registers hold its FP state, or -1 */
	uint64_t fp[33];   /* f0..f31 and fcsr while not in the hart's registers */
};

/* Saves/restores a vCPU's FP registers (fp_switch.S); sstatus.FS must not be Off. */
void riscv_fp_save(uint64_t regs[33]);
void riscv_fp_restore(const uint64_t regs[33]);

/* Records hart h's id (arch_hardware_enable). Returns 0, AXERR_INVALID (h out of range). */
int riscv_hart_set_id(uint32_t h, uint64_t hart_id);

/* The firmware hart mask a guest-virtual fence for the vCPUs in vcpu_mask of VM vm_id must
 * reach (riscv_fence_targets over the harts' records); false: every hart. */
bool riscv_vcpu_fence_mask(uint32_t vm_id, uint64_t vcpu_mask, uint64_t *mask);

/* VMID width of the harts, probed by arch_hardware_enable. */
extern unsigned riscv_vmid_bits;

/* Whether the harts have Sstc, found by arch_hardware_enable. */
extern bool riscv_has_sstc;

/* Recomputes v->ctx.entry_work after a change to v->resume or v->timer_deadline. */
static inline void riscv_note_entry_work(struct arch_vcpu *v)
{
	v->ctx.entry_work = v->resume.pending || v->timer_deadline != UINT64_MAX;
}

/* The C side of a trap from the guest (vcpu_run.c), which guest_entry.S calls with the vCPU
 * (its ctx) and scause: the handler of an exception, by cause (the last slot for causes above
 * 23), or of the host's own interrupts. AXVM_RESUME and AXVM_LEAVE are RISCV_TRAP_RESUME and
 * RISCV_TRAP_LEAVE. The guest's s0-s11 are in ctx only for RISCV_EXC_STORE_GUEST_PAGE_FAULT;
 * otherwise ctx's copies are stale and must not be read, and a handler that writes one sets
 * ctx.resume_all. */
typedef enum axvm_disposition (*riscv_trap_handler)(struct arch_vcpu *v, uint64_t scause);
extern const riscv_trap_handler riscv_exception_handlers[RISCV_EXC_SLOTS];
enum axvm_disposition riscv_host_interrupt(struct arch_vcpu *v, uint64_t scause);
_Static_assert(AXVM_RESUME == RISCV_TRAP_RESUME && AXVM_LEAVE == RISCV_TRAP_LEAVE,
	       "trap handlers answer guest_entry.S directly");

/* Before the guest is entered again after a handler said AXVM_RESUME with ctx.entry_work or
 * ctx.resume_all set: RISCV_TRAP_RESUME or RISCV_TRAP_RESUME_ALL. */
int riscv_vcpu_before_entry(struct arch_vcpu *v);

/* Hands core the exit the backend filled in v->exit; core says whether to re-enter. */
static inline enum axvm_disposition riscv_to_core(struct arch_vcpu *v)
{
	return v->vm_ops.handle_exit(v->vm_ops.ctx, v->exit);
}

/* Raises the guest's soft timer interrupt (hvip.VSTIP) once its deadline has passed; called
 * before every guest entry. */
void riscv_vcpu_timer_check(struct arch_vcpu *v);

#endif
