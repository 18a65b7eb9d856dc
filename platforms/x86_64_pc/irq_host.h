/* The host's interrupts and timer on the x86 PC: each CPU's local APIC delivers a kick (a
 * fixed IPI) and its timer's interrupt through the IDT. The host runs with interrupts disabled
 * (RFLAGS.IF = 0) and lets them in only where it waits for one (sti; hlt) or acknowledges what
 * is pending; the IDT handler records the event for its CPU and ends it. The counter is the
 * TSC, its rate measured against the PIT at boot; the timer is the local APIC timer in
 * TSC-deadline mode where the CPU has it, else in one-shot mode scaled from the TSC. */
#ifndef X86_64_PC_IRQ_HOST_H
#define X86_64_PC_IRQ_HOST_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_HOST_TIMER_VECTOR 0xef
#define IRQ_HOST_KICK_VECTOR 0xf0
#define IRQ_HOST_SPURIOUS_VECTOR 0xff

/* What an acknowledgement found (a mask). */
enum irq_host_event {
	IRQ_HOST_KICK = 1u << 0,  /* a kick */
	IRQ_HOST_TIMER = 1u << 1, /* this CPU's timer */
	IRQ_HOST_OTHER = 1u << 2, /* another vector (ended, ignored) */
};

/* Once, on the boot CPU with its local APIC found (lapic_init): installs the IDT gates of the
 * host's vectors and measures the TSC's rate and the local APIC timer's. oneshot: the timer in
 * one-shot mode even where the CPU has TSC-deadline mode. */
void irq_host_init(bool oneshot);

/* On each CPU, for itself: its local APIC enabled, its timer on IRQ_HOST_TIMER_VECTOR and
 * disarmed. */
void irq_host_init_cpu(void);

/* Acknowledges what is pending on this CPU, without waiting. Returns the irq_host_event mask
 * of what it found (0: nothing). */
unsigned irq_host_ack_pending(void);

/* Sleeps (sti; hlt) until an interrupt arrives, then returns the mask of what arrived. */
unsigned irq_host_wait_events(void);

/* Kicks the CPU whose local APIC ID is apic_id. */
void irq_host_kick(uint64_t apic_id);

/* Called by interrupt_entry.S for a host vector: records it for this CPU and ends it. */
void irq_host_interrupt(uint64_t vector);

/* The TSC, and its rate in Hz. */
uint64_t timer_host_now(void);
uint64_t timer_host_freq(void);

/* Whether this CPU's timer is in TSC-deadline mode (else one-shot). */
bool timer_host_tsc_deadline(void);

/* Arms this CPU's timer for when the TSC reaches deadline (UINT64_MAX: disarms it; one already
 * passed interrupts at once). */
void timer_host_arm(uint64_t deadline);

/* Whether this CPU's timer interrupt is pending, not yet taken. */
bool timer_host_expired(void);

#endif
