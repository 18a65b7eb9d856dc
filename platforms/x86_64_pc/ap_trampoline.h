/* The real-mode start code of the application processors, copied below 1 MiB before a SIPI. */
#ifndef X86_64_PC_AP_TRAMPOLINE_H
#define X86_64_PC_AP_TRAMPOLINE_H

/* Where the trampoline runs: page-aligned below 1 MiB (SIPI vector AP_TRAMPOLINE_BASE >> 12). */
#define AP_TRAMPOLINE_BASE 0x8000

#ifndef __ASSEMBLER__
#include <stdint.h>

/* What the trampoline hands the AP, filled in its copy before each start (layout fixed in
 * ap_trampoline.S). */
struct ap_trampoline_params {
	uint16_t gdt_limit; /* an lgdt operand: limit, then a 32-bit base */
	uint32_t gdt_base;
	uint16_t reserved;
	uint64_t stack_top;
	uint64_t index;
} __attribute__((packed));

/* The trampoline image in the hypervisor: [start, end), with the params block inside. */
extern char ap_trampoline_start[], ap_trampoline_params[], ap_trampoline_end[];
#endif

#endif
