/* A hostile x86_64 guest's misdeeds the hypervisor answers without stopping the VM, each
 * reported with what it got: a flood of VMCALLs (the unknown call and the user-only error
 * kinds), MSRs no CPU has, reserved CR4 and XCR0 bits, a storm of INIT and SIPI IPIs at its
 * second vCPU, writes and reads of ports nothing claims, EOIs with nothing in service and a
 * flood of self IPIs. Then it powers off. Its neighbour VM must finish its own work meanwhile. */
#include "guest.h"

#define VMCALL_FLOOD 20000
#define INIT_STORM 50
#define MSR_EFER 0xc0000080

static volatile unsigned ap_starts;

static void ap(unsigned cpu)
{
	(void)cpu;
	ap_starts++;
	for (;;)
		__asm__ volatile("sti; hlt; cli");
}

static unsigned faults(unsigned before)
{
	return guest_traps.count - before;
}

static void vmcall_flood(void)
{
	unsigned enosys = 0;

	for (unsigned i = 0; i < VMCALL_FLOOD; i++)
		enosys += guest_vmcall(0xdead0000u + i, i, i) == -1000;
	guest_printf("hostile: %u unknown VMCALLs, %u answered ENOSYS\n", VMCALL_FLOOD, enosys);
}

static void bad_registers(void)
{
	unsigned before = guest_traps.count;
	uint64_t cr4;

	for (uint32_t msr = 0x4b564d00; msr < 0x4b564d10; msr++) {
		guest_trap_skip = 2;
		__asm__ volatile("rdmsr" : : "c"(msr) : "rax", "rdx");
		guest_trap_skip = 2;
		__asm__ volatile("wrmsr" : : "c"(msr), "a"(1), "d"(2));
	}
	guest_trap_skip = 2;
	__asm__ volatile("wrmsr" : : "c"(MSR_EFER), "a"(0xffffffffu), "d"(0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	guest_trap_skip = 3;
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | 1ull << 31));
	guest_trap_skip = 3;
	__asm__ volatile("xsetbv" : : "c"(7), "a"(1), "d"(0));
	guest_printf("hostile: 35 refused register writes and reads, %u exceptions taken\n",
		     faults(before));
}

static void init_storm(void)
{
	guest_start_cpu(1, ap);
	for (unsigned i = 0; i < INIT_STORM; i++)
		guest_start_cpu(1, ap);
	guest_printf("hostile: cpu 1 started %u times through INIT and SIPI\n", ap_starts);
}

static void ports_and_eois(void)
{
	unsigned ones = 0;

	for (uint16_t port = 0x100; port < 0x200; port++) {
		guest_outb(port, 0x5a);
		ones += guest_inb(port) == 0xff;
	}
	for (unsigned i = 0; i < 1000; i++)
		guest_apic_eoi();
	for (unsigned i = 0; i < 1000; i++)
		guest_send_ipi(0, 0x60);
	__asm__ volatile("sti; nop; cli");
	guest_printf("hostile: 256 unclaimed ports read 0xff %u times; 1000 stray EOIs; "
		     "1000 self IPIs taken as %u\n",
		     ones, guest_irq_count[0x60]);
}

void guest_main(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	vmcall_flood();
	bad_registers();
	init_storm();
	ports_and_eois();
}
