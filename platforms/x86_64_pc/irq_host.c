/* The host's interrupts and timer on the x86 PC (irq_host.h). */
#include "irq_host.h"

#include <board/host.h>
#include <stdatomic.h>

#include "cpu_tables.h"
#include "idt.h"
#include "lapic.h"
#include "pit_delay.h"
#include "x86.h"

#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define CALIBRATION_US 50000 /* below the PIT's 16-bit count (54.9 ms) */
#define US_PER_S 1000000u

extern const char irq_stub_timer[], irq_stub_kick[], irq_stub_spurious[];

static _Atomic unsigned events[HOST_MAX_CPUS];
static uint64_t tsc_hz;
static uint64_t lapic_timer_hz; /* one-shot mode only */
static bool tsc_deadline;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void irq_host_init(bool oneshot)
{
	uint64_t t0;

	/* The 8259 PICs masked: the BIOS points them at the exception vectors (IRQ 0 at 8). */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	idt_set_interrupt_gate(IRQ_HOST_TIMER_VECTOR, irq_stub_timer);
	idt_set_interrupt_gate(IRQ_HOST_KICK_VECTOR, irq_stub_kick);
	idt_set_interrupt_gate(IRQ_HOST_SPURIOUS_VECTOR, irq_stub_spurious);
	tsc_deadline = !oneshot && (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE);
	lapic_init_cpu(IRQ_HOST_TIMER_VECTOR, false);
	t0 = rdtsc();
	lapic_timer_oneshot(UINT32_MAX);
	pit_delay_us(CALIBRATION_US);
	lapic_timer_hz = (uint64_t)(UINT32_MAX - lapic_timer_current()) * US_PER_S / CALIBRATION_US;
	tsc_hz = (rdtsc() - t0) * US_PER_S / CALIBRATION_US;
	lapic_timer_oneshot(0);
	/* A one-shot count that ran out meanwhile left its interrupt pending: taken here. */
	irq_host_ack_pending();
}

void irq_host_init_cpu(void)
{
	if (tsc_deadline)
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	lapic_init_cpu(IRQ_HOST_TIMER_VECTOR, tsc_deadline);
}

void irq_host_interrupt(uint64_t vector)
{
	unsigned event = vector == IRQ_HOST_TIMER_VECTOR  ? IRQ_HOST_TIMER
			 : vector == IRQ_HOST_KICK_VECTOR ? IRQ_HOST_KICK
							  : IRQ_HOST_OTHER;

	atomic_fetch_or(&events[cpu_current_index()], event);
	/* A spurious interrupt is not in service: no EOI for it. */
	if (vector != IRQ_HOST_SPURIOUS_VECTOR)
		lapic_eoi();
}

unsigned irq_host_ack_pending(void)
{
	/* One instruction with interrupts enabled: whatever is pending is taken there. */
	__asm__ volatile("sti; nop; cli" ::: "memory");
	return atomic_exchange(&events[cpu_current_index()], 0);
}

unsigned irq_host_wait_events(void)
{
	unsigned found = atomic_exchange(&events[cpu_current_index()], 0);

	if (found)
		return found;
	/* STI holds interrupts off until after HLT: one arriving in between wakes it. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	return atomic_exchange(&events[cpu_current_index()], 0);
}

void irq_host_kick(uint64_t apic_id)
{
	if (!lapic_send_vector((uint32_t)apic_id, IRQ_HOST_KICK_VECTOR))
		host_panic("kick: the local APIC did not send to apic id %llu",
			   (unsigned long long)apic_id);
}

uint64_t timer_host_now(void)
{
	return rdtsc();
}

uint64_t timer_host_freq(void)
{
	return tsc_hz;
}

bool timer_host_tsc_deadline(void)
{
	return tsc_deadline;
}

void timer_host_arm(uint64_t deadline)
{
	uint64_t now, ticks;

	if (tsc_deadline) {
		/* 0 disarms; a deadline already passed fires at once. */
		wrmsr(MSR_IA32_TSC_DEADLINE, deadline == UINT64_MAX ? 0 : deadline ? deadline : 1);
		return;
	}
	if (deadline == UINT64_MAX) {
		lapic_timer_oneshot(0);
		return;
	}
	now = rdtsc();
	ticks = deadline > now ? (deadline - now) * lapic_timer_hz / tsc_hz + 1 : 1;
	lapic_timer_oneshot(ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks);
}

bool timer_host_expired(void)
{
	return lapic_pending(IRQ_HOST_TIMER_VECTOR);
}
