/* System-register access for the privileged layer. */
#ifndef ARM_VCPU_SRC_SYSREG_H
#define ARM_VCPU_SRC_SYSREG_H

#include <stdint.h>

#define sysreg_read(name)                                      \
	({                                                     \
		uint64_t v_;                                   \
		__asm__ volatile("mrs %0, " #name : "=r"(v_)); \
		v_;                                            \
	})

#define sysreg_write(name, value) \
	__asm__ volatile("msr " #name ", %0" ::"r"((uint64_t)(value)) : "memory")

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

#endif
