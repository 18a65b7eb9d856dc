/* Constants shared by the entry assembly and C; C checks them against its own definitions. */
#ifndef AARCH64_QEMU_VIRT_ASM_DEFS_H
#define AARCH64_QEMU_VIRT_ASM_DEFS_H

/* HOST_STACK_SIZE and HOST_MAX_CPUS of board/host.h. */
#define ASM_STACK_SIZE 16384
#define ASM_MAX_CPUS 16

/* sizeof(struct exception_frame): x0..x30, sp, ELR_EL2, SPSR_EL2, ESR_EL2, FAR_EL2. */
#define ASM_FRAME_SIZE (36 * 8)

/* CurrentEL when running at EL2 (the EL field is bits [3:2]). */
#define ASM_CURRENT_EL_EL2 (2 << 2)

/* SCTLR_EL2 for the host: the RES1 bits, I-cache on, SP alignment check on; MMU, D-cache and
 * alignment checks off; little-endian. */
#define ASM_SCTLR_EL2_BOOT 0x30c51838

/* Semihosting SYS_EXIT and its ADP_Stopped_ApplicationExit reason. */
#define ASM_SEMIHOSTING_SYS_EXIT 0x18
#define ASM_ADP_STOPPED_APPLICATION_EXIT 0x20026

#endif
