/* The local APIC a vCPU gets: software enable, a self IPI through the ICR, the timer in
 * TSC-deadline, one-shot and periodic modes (each interrupt taken in hlt), the task priority
 * holding an interrupt back until it drops, an NMI sent to itself from its NMI handler (held
 * back until the handler's IRET), then x2APIC mode (its ID, a SELF IPI and EOI by MSR). */
#include "guest.h"

#define APIC_ID 0x20
#define APIC_TPR 0x80
#define APIC_SVR 0xf0
#define APIC_ICR 0x300
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0
#define MSR_APIC_BASE 0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define TIMER_VECTOR 0x30
#define IPI_VECTOR 0x40
#define LVT_PERIODIC (1u << 17)
#define ICR_NMI (4u << 8) /* delivery mode NMI */
#define LVT_TSC_DEADLINE (2u << 17)

static uint32_t apic_read(uint32_t reg)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(GUEST_APIC + reg) : "memory");
	return v;
}

static void apic_write(uint32_t reg, uint32_t v)
{
	__asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(GUEST_APIC + reg) : "memory");
}

/* Sleeps in hlt with interrupts on until vector was taken count times in all. */
static void wait_irqs(unsigned vector, unsigned count)
{
	while (guest_irq_count[vector] < count)
		__asm__ volatile("sti; hlt; cli");
}

static void timers(void)
{
	uint64_t start;
	uint32_t current;

	apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_TSC_DEADLINE);
	start = guest_rdtsc();
	guest_wrmsr(MSR_TSC_DEADLINE, start + 20000);
	wait_irqs(TIMER_VECTOR, 1);
	guest_printf("tsc-deadline timer: fired %s the deadline, deadline now %llu\n",
		     guest_rdtsc() >= start + 20000 ? "after" : "BEFORE",
		     (unsigned long long)guest_rdmsr(MSR_TSC_DEADLINE));

	apic_write(APIC_LVT_TIMER, TIMER_VECTOR);
	apic_write(APIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
	apic_write(APIC_TIMER_INITIAL, 40000);
	current = apic_read(APIC_TIMER_CURRENT);
	wait_irqs(TIMER_VECTOR, 2);
	guest_printf("one-shot timer: counting down (%s), fired, current count %u\n",
		     current > 0 && current <= 40000 ? "yes" : "NO", apic_read(APIC_TIMER_CURRENT));

	apic_write(APIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
	apic_write(APIC_TIMER_INITIAL, 20000);
	wait_irqs(TIMER_VECTOR, 5);
	apic_write(APIC_TIMER_INITIAL, 0);
	guest_printf("periodic timer: 3 more interrupts, stopped\n");
}

/* A self IPI held back while the task priority class is at its class, taken once it drops. */
static void priority(void)
{
	unsigned before = guest_irq_count[IPI_VECTOR];

	apic_write(APIC_TPR, IPI_VECTOR);
	apic_write(APIC_ICR, IPI_VECTOR | 1u << 18); /* shorthand: self */
	__asm__ volatile("sti; nop; nop; cli");
	guest_printf("tpr 0x%x holds the self IPI back: %s\n", IPI_VECTOR,
		     guest_irq_count[IPI_VECTOR] == before ? "yes" : "NO");
	apic_write(APIC_TPR, 0);
	__asm__ volatile("sti; nop; cli");
	guest_printf("tpr 0: taken %u time(s)\n", guest_irq_count[IPI_VECTOR] - before);
}

static volatile unsigned nmis_in_handler;

/* The first NMI's handler sends a second NMI to this CPU and spins: NMIs are blocked until its
 * IRET, so the second one comes after. */
void guest_irq_handler(unsigned vector)
{
	if (vector != GUEST_VECTOR_NMI || guest_irq_count[GUEST_VECTOR_NMI] != 1)
		return;
	apic_write(APIC_ICR, ICR_NMI); /* physical destination APIC ID 0: this CPU */
	for (int i = 0; i < 1000; i++)
		__asm__ volatile("pause");
	nmis_in_handler = guest_irq_count[GUEST_VECTOR_NMI];
}

static void nmi(void)
{
	apic_write(APIC_ICR, ICR_NMI);
	for (int i = 0; i < 1000 && guest_irq_count[GUEST_VECTOR_NMI] < 2; i++)
		__asm__ volatile("pause");
	guest_printf("nmi from the nmi handler: %u taken in it, %u in all\n", nmis_in_handler,
		     guest_irq_count[GUEST_VECTOR_NMI]);
}

static void x2apic(void)
{
	guest_wrmsr(MSR_APIC_BASE, guest_rdmsr(MSR_APIC_BASE) | 1u << 10);
	guest_x2apic = true;
	guest_wrmsr(0x83f, IPI_VECTOR); /* SELF IPI */
	__asm__ volatile("sti; nop; cli");
	guest_printf("x2apic: id %llu, version 0x%llx, self ipis taken %u\n",
		     (unsigned long long)guest_rdmsr(0x802), (unsigned long long)guest_rdmsr(0x803),
		     guest_irq_count[IPI_VECTOR]);
}

void guest_main(uint64_t arg)
{
	(void)arg;
	apic_write(APIC_SVR, 0x1ff);
	guest_printf("apic: id 0x%x, base msr 0x%llx\n", apic_read(APIC_ID),
		     (unsigned long long)guest_rdmsr(MSR_APIC_BASE));
	timers();
	priority();
	nmi();
	x2apic();
}
