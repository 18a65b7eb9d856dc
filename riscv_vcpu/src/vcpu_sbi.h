/* The backend's side of SBI: answering a VS-mode ecall through the pure dispatcher. */
#ifndef RISCV_VCPU_SRC_VCPU_SBI_H
#define RISCV_VCPU_SRC_VCPU_SBI_H

#include <stdbool.h>

#include "vcpu_state.h"

/* Builds v->sbi_env, the SBI's view of the vCPU (at create). */
void riscv_vcpu_sbi_init(struct arch_vcpu *v);

/* The exit handler of a VS-mode ecall (cause 10): answers the SBI call, writing a0/a1 and
 * moving sepc past the ecall, and passes core the exit the call needs (HSM stop and suspend,
 * SRST, IPI, a moved soft timer). */
enum axvm_disposition riscv_vcpu_sbi(struct arch_vcpu *v, uint64_t cause);

#endif
