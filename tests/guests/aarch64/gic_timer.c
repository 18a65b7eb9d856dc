/*
 * Interrupts through the emulated GICv3: the guest sets up its distributor and redistributor,
 * enables the virtual timer's PPI 27 and SGI 1, and takes three timer interrupts (acknowledged
 * and ended through the virtual CPU interface, ICC_IAR1_EL1/ICC_EOIR1_EL1, which the
 * hypervisor backs with list registers), waiting in WFI in between; three more while it spins
 * without ever trapping (the hypervisor must take the timer's physical interrupt for it); the
 * PL011's transmit interrupt (SPI 1), which its own register write raises, while it spins
 * again (the hypervisor must see that news of the write before it resumes the guest); six SGIs
 * to itself at once, more than the list registers hold, taken while it spins (the hypervisor
 * must take the maintenance interrupt to refill them); then an SGI it sends itself through
 * ICC_SGI1R_EL1 (trapped, emulated).
 */
#include "guest.h"
#include "guest_gic.h"

#define GICD_TYPER 0x4
#define GICD_IIDR 0x8
#define GICD_ISENABLER1 0x104
#define UART_IMSC ((volatile uint32_t *)(GUEST_UART + 0x38))
#define UART_TXI (1u << 5)
#define UART_INTID 33u /* SPI 1 */
#define SGI 1
#define FIRST_BURST_SGI 2
#define BURST 6
#define TICKS 3

void guest_trap(uint64_t esr, uint64_t elr);

static volatile int ticks, sgis, uart_irqs, burst_sgis;
static volatile uint32_t last_intid;

/* The virtual timer 1 ms ahead (or off). */
static void timer_arm(bool on)
{
	guest_timer_at(guest_counter() + guest_counter_hz() / 1000, on);
}

void guest_irq(void)
{
	uint32_t intid = guest_gic_ack();

	last_intid = intid;
	if (intid == GUEST_VTIMER_PPI)
		timer_arm(++ticks < TICKS);
	else if (intid == SGI)
		sgis++;
	else if (intid >= FIRST_BURST_SGI && intid < FIRST_BURST_SGI + BURST)
		burst_sgis++;
	else if (intid == UART_INTID && ++uart_irqs)
		*UART_IMSC = 0;
	guest_gic_eoi(intid);
}

void guest_trap(uint64_t esr, uint64_t elr)
{
	guest_printf("unexpected exception: ESR 0x%llx at 0x%llx\n", (unsigned long long)esr,
		     (unsigned long long)elr);
	psci_system_off();
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)x0;
	guest_gic_enable();
	guest_gic_init_cpu(cpu, (1u << GUEST_VTIMER_PPI) | (1u << SGI) |
				    (((1u << BURST) - 1) << FIRST_BURST_SGI));
	guest_printf("gic: TYPER 0x%x, IIDR 0x%x\n",
		     *(volatile uint32_t *)(GUEST_GICD + GICD_TYPER),
		     *(volatile uint32_t *)(GUEST_GICD + GICD_IIDR));
	timer_arm(true);
	while (ticks < TICKS)
		__asm__ volatile("wfi");
	guest_printf("timer interrupts: %d (intid %u)\n", ticks, (unsigned)last_intid);
	/* Spinning on the counter traps nothing: only the timer itself can end it early. */
	ticks = 0;
	last_intid = 0;
	timer_arm(true);
	for (uint64_t end = guest_counter() + guest_counter_hz() / 2;
	     ticks < TICKS && guest_counter() < end;)
		;
	guest_printf("timer interrupts while spinning: %d (intid %u)\n", ticks,
		     (unsigned)last_intid);
	last_intid = 0;
	*(volatile uint32_t *)(GUEST_GICD + GICD_ISENABLER1) = 1u << (UART_INTID - 32);
	*UART_IMSC = UART_TXI;
	for (uint64_t end = guest_counter() + guest_counter_hz() / 2;
	     !uart_irqs && guest_counter() < end;)
		;
	guest_printf("device interrupt while spinning: %d (intid %u)\n", uart_irqs,
		     (unsigned)last_intid);
	/* Sent with interrupts masked, so that all six wait at once. */
	__asm__ volatile("msr daifset, #2");
	for (uint32_t i = 0; i < BURST; i++)
		guest_gic_send_sgi(FIRST_BURST_SGI + i, 0);
	__asm__ volatile("msr daifclr, #2");
	for (uint64_t end = guest_counter() + guest_counter_hz() / 2;
	     burst_sgis < BURST && guest_counter() < end;)
		;
	guest_printf("sgis to itself at once, taken while spinning: %d of %d\n", burst_sgis, BURST);
	guest_gic_send_sgi(SGI, 0);
	while (!sgis)
		__asm__ volatile("wfi");
	guest_printf("sgi to itself: %d (intid %u)\n", sgis, (unsigned)last_intid);
	psci_system_off();
}
