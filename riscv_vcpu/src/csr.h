/* CSR access and the H-extension fences clang 14 has no mnemonics for. */
#ifndef RISCV_VCPU_SRC_CSR_H
#define RISCV_VCPU_SRC_CSR_H

#include <stdint.h>

#define csr_read(csr)                                          \
	({                                                     \
		uint64_t v_;                                   \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)); \
		v_;                                            \
	})

#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(val)))
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(val)))
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(val)))

/* hfence.gvma zero, zero: every guest-physical translation, every VMID. */
static inline void hfence_gvma_all(void)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

/* hfence.vvma zero, zero: every guest-virtual translation of the current VMID. */
static inline void hfence_vvma_all(void)
{
	__asm__ volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory");
}

#endif
