/*
 * What a guest hart is told it implements (riscv,isa in its devicetree), from what the host
 * hart implements: only what this backend lets a guest use as the hardware meant it.
 *
 * Single letters: i, m, a, f, d, c (FP state is switched per vCPU). Dropped: h (no nested
 * virtualization), v (vector state is not switched) and any other.
 * Multi-letter extensions kept: zicsr, zifencei, zihintpause, zihintntl, zicntr (hcounteren
 * opens cycle, time, instret), zicond, zacas, zfa, zfh, zfhmin, zca, zcb, zcd, zcf, the
 * bit-manipulation and scalar-crypto ones (zba zbb zbc zbs zbkb zbkc zbkx zknd zkne zknh zksed
 * zksh zkt), svinval, svnapot, and sstc when the backend gives guests vstimecmp. Dropped: the
 * ones whose instructions or CSRs trap to the hypervisor or need henvcfg bits it leaves clear
 * (zicbom, zicboz, zicbop, svpbmt, zawrs, zihpm, smaia, ssaia, ...), and any it does not know.
 */
#ifndef RISCV_VCPU_GUEST_ISA_H
#define RISCV_VCPU_GUEST_ISA_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the guest's riscv,isa string for the host's host_isa ("rv64imafdch_zicsr_sstc")
 * into out (size bytes), with sstc kept only if guest_sstc. Extensions keep their order,
 * case is kept. Returns 0, AXERR_INVALID (not an "rv64i..." string), AXERR_NO_MEMORY (out is
 * too small; out is then ""). */
int riscv_guest_isa(const char *host_isa, bool guest_sstc, char *out, size_t size);

#endif
