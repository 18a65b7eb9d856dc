/* The backend's own calls into the host's SBI firmware (OpenSBI): remote fences. */
#ifndef RISCV_VCPU_SRC_HOST_SBI_H
#define RISCV_VCPU_SRC_HOST_SBI_H

#include <stdint.h>

#define HOST_SBI_EXT_RFENCE 0x52464e43
#define HOST_SBI_REMOTE_FENCE_I 0
#define HOST_SBI_REMOTE_HFENCE_GVMA_VMID 3
#define HOST_SBI_REMOTE_HFENCE_VVMA 6

/* Makes SBI call (ext, fid) with a0..a4; returns its error (a0). */
long host_sbi(long ext, long fid, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

#endif
