/* What the RISC-V backend found on the harts it enabled (arch_hardware_enable), for the host's
 * description of guest harts. */
#ifndef RISCV_VCPU_HART_H
#define RISCV_VCPU_HART_H

#include <stdbool.h>

/* True if every hart enabled so far gives guests their timer in vstimecmp (Sstc). */
bool riscv_vcpu_guest_sstc(void);

#endif
