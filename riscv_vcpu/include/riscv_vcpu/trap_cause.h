/* Names of RISC-V supervisor trap causes (scause), with the H extension's guest faults. */
#ifndef RISCV_VCPU_TRAP_CAUSE_H
#define RISCV_VCPU_TRAP_CAUSE_H

#include <stdint.h>

#define SCAUSE_INTERRUPT (1ull << 63)
#define SCAUSE_ILLEGAL_INSTRUCTION 2

/* A readable name for an scause value ("load access fault", "supervisor timer interrupt"). */
const char *riscv_trap_cause_name(uint64_t scause);

#endif
