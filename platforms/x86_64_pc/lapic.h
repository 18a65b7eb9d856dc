/* Each CPU's local APIC in xAPIC mode (all at the address the boot CPU found): its id,
 * inter-processor interrupts, the end of an interrupt, and its timer. */
#ifndef X86_64_PC_LAPIC_H
#define X86_64_PC_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the local APIC through IA32_APIC_BASE and software-enables it. False if it is
 * disabled, in x2APIC mode or outside the uncached part of the identity map. */
bool lapic_init(void);

/* The calling CPU's local APIC id (lapic_init first). */
uint32_t lapic_id(void);

/* On the calling CPU: software-enables its local APIC (spurious vector 0xff), accepts every
 * priority (TPR 0), masks LINT0 (where the BIOS left the 8259 PIC) and points its timer at vector,
 * disarmed until armed. tsc_deadline selects the TSC-deadline mode (CPUID.1:ECX[24]), otherwise
 * one-shot mode, divided by 1. */
void lapic_init_cpu(uint8_t timer_vector, bool tsc_deadline);

/* Ends the interrupt being serviced (EOI). */
void lapic_eoi(void);

/* Sends vector to the local APIC apic_id (fixed delivery, physical destination). False if
 * the local APIC did not accept it. */
bool lapic_send_vector(uint32_t apic_id, uint8_t vector);

/* Whether vector is pending at the calling CPU's local APIC (its IRR bit). */
bool lapic_pending(uint8_t vector);

/* The timer in one-shot mode: counts count ticks down, then interrupts (0 stops it). */
void lapic_timer_oneshot(uint32_t count);

/* What the one-shot timer has left to count. */
uint32_t lapic_timer_current(void);

/* INIT, then two STARTUP IPIs with the MP-spec delays: starts the CPU apic_id in real mode at
 * the page-aligned address entry below 1 MiB. False if an IPI was not accepted. */
bool lapic_start_cpu(uint32_t apic_id, uint32_t entry);

#endif
