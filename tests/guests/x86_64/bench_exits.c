/* Exit-cost benchmark for x86_64 under Bochs, whose TSC counts instructions: every figure is an
 * instruction count of the whole machine, identical run after run. In a VM with two vCPUs on
 * one host CPU (bench_vm.dts): round trips of a null VMCALL (the version call), a COM1 LSR read
 * (an I/O exit to the emulated 16550), a local APIC register read (an EPT violation decoded
 * and answered by the vCPU's APIC), and an IPI round trip between the vCPUs (vCPU 0 sends
 * vector 0x41, vCPU 1 answers with 0x42, each waiting in HLT: two switches between them). Each
 * figure is the mean over its rounds less the cost of the empty measuring loop. */
#include "guest.h"

#define ROUNDS 1000
#define IPI_ROUNDS 100
#define PING 0x41
#define PONG 0x42

static void report(const char *what, uint64_t ticks, unsigned rounds, uint64_t loop)
{
	uint64_t per = ticks / rounds;

	guest_printf("bench: %s: %llu ticks per round trip (%u rounds)\n", what,
		     (unsigned long long)(per > loop ? per - loop : 0), rounds);
}

static void responder(unsigned cpu)
{
	(void)cpu;
	for (unsigned i = 1;; i++) {
		while (guest_irq_count[PING] < i)
			__asm__ volatile("sti; hlt; cli");
		guest_send_ipi(0, PONG);
	}
}

void guest_main(uint64_t arg)
{
	uint64_t start, loop;
	uint32_t id;

	(void)arg;
	guest_apic_enable();
	start = guest_rdtsc();
	for (unsigned i = 0; i < ROUNDS; i++)
		__asm__ volatile("" ::: "memory");
	loop = (guest_rdtsc() - start) / ROUNDS;

	start = guest_rdtsc();
	for (unsigned i = 0; i < ROUNDS; i++)
		(void)guest_vmcall(0, 0, 0);
	report("null VMCALL", guest_rdtsc() - start, ROUNDS, loop);

	start = guest_rdtsc();
	for (unsigned i = 0; i < ROUNDS; i++)
		(void)guest_inb(GUEST_COM1 + 5);
	report("COM1 LSR read (I/O exit)", guest_rdtsc() - start, ROUNDS, loop);

	start = guest_rdtsc();
	for (unsigned i = 0; i < ROUNDS; i++)
		__asm__ volatile("movl (%1), %0" : "=r"(id) : "r"(GUEST_APIC + 0x20) : "memory");
	report("local APIC ID read (MMIO)", guest_rdtsc() - start, ROUNDS, loop);

	guest_start_cpu(1, responder);
	start = guest_rdtsc();
	for (unsigned i = 1; i <= IPI_ROUNDS; i++) {
		guest_send_ipi(1, PING);
		while (guest_irq_count[PONG] < i)
			__asm__ volatile("sti; hlt; cli");
	}
	report("IPI round trip, both vCPUs on one host CPU", guest_rdtsc() - start, IPI_ROUNDS,
	       loop);
}
