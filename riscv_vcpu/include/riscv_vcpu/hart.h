/* What the RISC-V backend finds on a hart (its probe) and on the harts it enabled
 * (arch_hardware_enable), for the host's reports and its description of guest harts. */
#ifndef RISCV_VCPU_HART_H
#define RISCV_VCPU_HART_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the calling hart has the H extension (as arch_has_hardware_support), with a
 * one-line description in detail: "H extension, hstatus=0x200000000 VSXL=2, VMID bits=14,
 * Sv39x4, Sv48x4", or why not. Leaves hgatp 0. */
bool riscv_vcpu_probe_hart(char *detail, size_t len);

/* True if every hart enabled so far gives guests their timer in vstimecmp (Sstc). */
bool riscv_vcpu_guest_sstc(void);

#endif
