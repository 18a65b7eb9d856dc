/* The backend's side of SBI: answering a VS-mode ecall through the pure dispatcher. */
#ifndef RISCV_VCPU_SRC_VCPU_SBI_H
#define RISCV_VCPU_SRC_VCPU_SBI_H

#include <stdbool.h>

#include "vcpu_state.h"

/* Builds v->sbi_env, the SBI's view of the vCPU (at create). */
void riscv_vcpu_sbi_init(struct arch_vcpu *v);

/* Handles the ecall that ended the last run: writes a0/a1, moves sepc past the ecall. Returns
 * true with *exit filled when the call must go to core (HSM stop and suspend, SRST, IPI, a
 * moved soft timer), false to re-enter. */
bool riscv_vcpu_sbi(struct arch_vcpu *v, struct axvm_exit *exit);

#endif
