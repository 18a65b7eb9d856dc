/* The host GDT, the boot page tables and the boot stacks, shared by the assembly and C code. */
#ifndef X86_64_PC_BOOT_LAYOUT_H
#define X86_64_PC_BOOT_LAYOUT_H

#define GDT_CODE64 0x08 /* 64-bit ring-0 code */
#define GDT_DATA 0x10	/* flat ring-0 data */
#define GDT_CODE32 0x18 /* flat 32-bit code, for the AP trampoline */
#define GDT_TSS_SLOTS 16
#define GDT_TSS(index) (0x20 + 16 * (index)) /* the 16-byte TSS descriptor of CPU index */

/* The identity map covers [0, 4 GiB) in 2 MiB pages; from here up it is uncached (I/O APIC,
 * local APIC, firmware flash). */
#define BOOT_MAP_UNCACHED_FROM 0xfec00000

/* Bytes of each CPU's stack in host_cpu_stacks (HOST_STACK_SIZE, checked in smp.c). */
#define BOOT_STACK_SIZE 16384

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The GDT (boot.S): fixed segments, then GDT_TSS_SLOTS TSS descriptors filled per CPU. */
extern uint64_t host_gdt[];
#endif

#endif
