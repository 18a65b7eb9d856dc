/* Two vCPUs: the boot CPU starts the other by INIT and SIPI (real mode at a page below 1 MiB,
 * then long mode), they bounce fixed IPIs, the boot CPU stops it with INIT and starts it again
 * with a SIPI. */
#include "guest.h"

#define PING 0x41
#define PONG 0x42
#define ROUNDS 50

static volatile unsigned ap_round;
static volatile bool ap_said_again;

static void pinger(unsigned cpu)
{
	guest_printf("cpu %u up\n", cpu);
	for (unsigned i = 1; i <= ROUNDS; i++) {
		while (guest_irq_count[PING] < i)
			__asm__ volatile("sti; hlt; cli");
		ap_round = i;
		guest_send_ipi(0, PONG);
	}
	for (;;)
		__asm__ volatile("sti; hlt; cli");
}

static void again(unsigned cpu)
{
	guest_printf("cpu %u up again\n", cpu);
	ap_said_again = true;
	for (;;)
		__asm__ volatile("sti; hlt; cli");
}

void guest_main(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	guest_start_cpu(1, pinger);
	for (unsigned i = 1; i <= ROUNDS; i++) {
		guest_send_ipi(1, PING);
		while (guest_irq_count[PONG] < i)
			__asm__ volatile("sti; hlt; cli");
	}
	guest_printf("%u IPIs each way, cpu 1 at round %u\n", ROUNDS, ap_round);
	guest_start_cpu(1, again);
	while (!ap_said_again)
		__asm__ volatile("pause");
	guest_printf("cpu 0 done\n");
}
