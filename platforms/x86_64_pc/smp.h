/* Starting the application processors through the AP trampoline. */
#ifndef X86_64_PC_SMP_H
#define X86_64_PC_SMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* board_ops.cpu_start: copies the trampoline below 1 MiB with the stack and index of CPU
 * index, then sends INIT-SIPI-SIPI to the local APIC apic_id. */
bool smp_cpu_start(size_t index, uint64_t apic_id);

/* On each CPU, once its tables are loaded: its local APIC's interrupts (board.c). */
void board_cpu_irqs_init(void);

/* Called by the trampoline on the new CPU's stack: loads its TSS and the IDT, then joins the
 * common flow in host_secondary_main. */
void ap_main(uint64_t index) __attribute__((noreturn));

#endif
