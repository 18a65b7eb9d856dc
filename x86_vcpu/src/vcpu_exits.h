/* The exit handlers outside vcpu_run.c and what they share with it. Each runs on the vCPU's
 * CPU with its VMCS current, and says whether the guest is entered again. */
#ifndef X86_VCPU_VCPU_EXITS_H
#define X86_VCPU_VCPU_EXITS_H

#include <axvm/exit.h>
#include <stdint.h>

#include "vcpu_state.h"

/* Hands the exit in v->exit to core. */
enum axvm_disposition x86_to_core(struct arch_vcpu *v);

/* Stops the VM on an exit it may not make, named by its basic reason. */
enum axvm_disposition x86_stop_vm(struct arch_vcpu *v, uint32_t reason);

/* Moves RIP past len bytes (x86_skip) or the exiting instruction (x86_skip_insn), ending an
 * STI or MOV SS interrupt shadow. */
void x86_skip(uint64_t len);
void x86_skip_insn(void);

/* Makes the guest take hardware exception vector (with error, for one that has a code) at the
 * next entry, at the instruction that exited. */
enum axvm_disposition x86_inject_exception(struct arch_vcpu *v, uint32_t vector, uint32_t error);

/* The guest's privilege level. */
unsigned x86_guest_cpl(void);

/* General register n (0..15) of the guest, RSP from the VMCS. */
uint64_t x86_get_reg(const struct arch_vcpu *v, unsigned n);
void x86_set_reg(struct arch_vcpu *v, unsigned n, uint64_t value);

/* Drops the guest's linear translations on this CPU, as a CR0 or CR4 write would. */
void x86_flush_guest_tlb(const struct arch_vcpu *v);

/* vcpu_cr.c: MOV to or from a control register the host owns bits of, CLTS, LMSW, MOV DR. */
enum axvm_disposition x86_exit_cr_access(struct arch_vcpu *v);
enum axvm_disposition x86_exit_dr_access(struct arch_vcpu *v);

/* vcpu_msr.c: RDMSR and WRMSR of MSRs the guest does not reach directly. */
enum axvm_disposition x86_exit_rdmsr(struct arch_vcpu *v);
enum axvm_disposition x86_exit_wrmsr(struct arch_vcpu *v);

/* vcpu_access.c: IN and OUT, and EPT violations (MMIO, or memory core fills in lazily). */
enum axvm_disposition x86_exit_io(struct arch_vcpu *v);
enum axvm_disposition x86_exit_ept_violation(struct arch_vcpu *v);

#endif
