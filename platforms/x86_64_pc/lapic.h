/* The boot CPU's local APIC in xAPIC mode: its id and inter-processor interrupts. */
#ifndef X86_64_PC_LAPIC_H
#define X86_64_PC_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the local APIC through IA32_APIC_BASE and software-enables it. False if it is
 * disabled, in x2APIC mode or outside the uncached part of the identity map. */
bool lapic_init(void);

/* The calling CPU's local APIC id (lapic_init first). */
uint32_t lapic_id(void);

/* INIT, then two STARTUP IPIs with the MP-spec delays: starts the CPU apic_id in real mode at
 * the page-aligned address entry below 1 MiB. False if an IPI was not accepted. */
bool lapic_start_cpu(uint32_t apic_id, uint32_t entry);

#endif
