/* System register access and barriers for the host's C code, by the assembler's register names
 * (clang's integrated assembler knows the GICv3 ICC_* and the generic timer's registers). */
#ifndef AARCH64_QEMU_VIRT_SYSREG_H
#define AARCH64_QEMU_VIRT_SYSREG_H

#include <stdint.h>

#define read_sysreg(var, name) __asm__ volatile("mrs %0, " #name : "=r"(var))
#define write_sysreg(name, val) \
	__asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(val)) : "memory")

/* A context synchronization event: earlier system register writes take effect. */
static inline void isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

/* Every earlier memory access completes (full system) before anything after it. */
static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

#endif
