/* The x86_64 shim of the conformance suite: conf.h on axvm-c's hypercalls (VMCALL: power off,
 * reset, version, memory release, CPU off), the local APIC (its TSC-deadline timer, fixed IPIs,
 * INIT and SIPI to start a CPU) and the NS16550A's interrupt through the VM's emulated I/O APIC
 * (at 0xfec00000, pin 4). Runs in long mode on tests/guests/x86_64's runtime, the low 4 GiB
 * identity-mapped. */
#include "tests/conformance/conf.h"
#include "tests/guests/x86_64/guest.h"

#define X86_HC_VERSION 0
#define X86_HC_SYSTEM_RESET 4
#define X86_HC_MEMORY_RELEASE 5
#define X86_HC_CPU_OFF 6
#define APIC_LVT_TIMER 0x320
#define LVT_TSC_DEADLINE (2u << 17)
#define MSR_TSC_DEADLINE 0x6e0
#define TIMER_VECTOR 0x30
#define IPI_VECTOR 0x40
#define UART_VECTOR 0x50
#define UART_PIN 4
#define IOAPIC 0xfec00000ul
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))
#define UART_THR 0
#define UART_IER 1
#define UART_LSR 5
#define UART_IER_THRI 0x02
#define UART_LSR_THRE 0x20

static volatile unsigned irq_count[CONF_MAX_CPUS][CONF_IRQ_KINDS];

static unsigned this_cpu(void)
{
	unsigned cpu = guest_cpu();

	return cpu < CONF_MAX_CPUS ? cpu : 0;
}

void guest_irq_handler(unsigned vector)
{
	unsigned cpu = this_cpu();

	switch (vector) {
	case TIMER_VECTOR:
		irq_count[cpu][CONF_IRQ_TIMER]++;
		break;
	case IPI_VECTOR:
		irq_count[cpu][CONF_IRQ_IPI]++;
		break;
	case UART_VECTOR:
		guest_writeb(CONF_UART + UART_IER, 0);
		irq_count[cpu][CONF_IRQ_DEVICE]++;
		break;
	default:
		break;
	}
}

void conf_puts(const char *s)
{
	for (; *s; s++) {
		while (!(guest_readb(CONF_UART + UART_LSR) & UART_LSR_THRE))
			;
		guest_writeb(CONF_UART + UART_THR, (uint8_t)*s);
	}
}

void conf_poweroff(void)
{
	guest_power_off();
}

void conf_reset(void)
{
	guest_vmcall(X86_HC_SYSTEM_RESET, 0, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}

long conf_firmware_version(void)
{
	return (long)guest_vmcall(X86_HC_VERSION, 0, 0);
}

/* One MOV of the width: what the hypervisor decodes. */
uint64_t conf_read(uint64_t addr, unsigned width)
{
	uint64_t v = 0;

	switch (width) {
	case 1:
		__asm__ volatile("movb (%1), %b0" : "+q"(v) : "r"(addr) : "memory");
		return v & 0xff;
	case 2:
		__asm__ volatile("movw (%1), %w0" : "+r"(v) : "r"(addr) : "memory");
		return v & 0xffff;
	case 4:
		__asm__ volatile("movl (%1), %k0" : "=r"(v) : "r"(addr) : "memory");
		return v;
	default:
		__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
		return v;
	}
}

void conf_write(uint64_t addr, unsigned width, uint64_t value)
{
	switch (width) {
	case 1:
		__asm__ volatile("movb %b0, (%1)" : : "q"(value), "r"(addr) : "memory");
		break;
	case 2:
		__asm__ volatile("movw %w0, (%1)" : : "r"(value), "r"(addr) : "memory");
		break;
	case 4:
		__asm__ volatile("movl %k0, (%1)" : : "r"(value), "r"(addr) : "memory");
		break;
	default:
		__asm__ volatile("movq %0, (%1)" : : "r"(value), "r"(addr) : "memory");
		break;
	}
}

void conf_jump(uint64_t addr)
{
	((void (*)(void))addr)();
	conf_poweroff();
}

uint64_t conf_now(void)
{
	return guest_rdtsc();
}

/* The TSC's rate in kHz: the hypervisor's timing leaf (0x40000010 EAX). */
uint64_t conf_ticks_per_ms(void)
{
	uint32_t r[4];

	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(0x40000010u), "c"(0));
	return r[0] ? r[0] : 1;
}

void conf_timer_at(uint64_t deadline)
{
	*(volatile uint32_t *)(GUEST_APIC + APIC_LVT_TIMER) = TIMER_VECTOR | LVT_TSC_DEADLINE;
	guest_wrmsr(MSR_TSC_DEADLINE, deadline ? deadline : 1);
}

unsigned conf_irqs(enum conf_irq kind)
{
	return irq_count[this_cpu()][kind];
}

/* STI holds interrupts off until after HLT: one arriving between the check and the HLT wakes
 * it. */
void conf_wait_irqs(enum conf_irq kind, unsigned count)
{
	while (conf_irqs(kind) < count)
		__asm__ volatile("sti; hlt; cli");
}

int conf_start_cpu(unsigned cpu, void (*fn)(unsigned cpu))
{
	if (cpu == 0 || cpu >= CONF_MAX_CPUS)
		return -22;
	guest_start_cpu(cpu, fn);
	return 0;
}

int conf_release_memory(uint64_t addr, uint64_t size)
{
	return (int)guest_vmcall(X86_HC_MEMORY_RELEASE, addr, size);
}

void conf_send_ipi(unsigned cpu)
{
	guest_send_ipi(cpu, IPI_VECTOR);
}

void conf_stop_cpu(void)
{
	guest_vmcall(X86_HC_CPU_OFF, 0, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void ioapic_write(uint32_t reg, uint32_t value)
{
	*(volatile uint32_t *)IOAPIC = reg;
	*(volatile uint32_t *)(IOAPIC + 0x10) = value;
}

/* Pin 4 to this CPU (physical destination: its APIC ID), edge-triggered, unmasked. */
void conf_uart_irq_once(void)
{
	ioapic_write(IOAPIC_REDIR(UART_PIN) + 1, this_cpu() << 24);
	ioapic_write(IOAPIC_REDIR(UART_PIN), UART_VECTOR);
	conf_uart_irq(true);
}

void conf_uart_irq(bool on)
{
	guest_writeb(CONF_UART + UART_IER, on ? UART_IER_THRI : 0);
}

/* The boot CPU: its local APIC on, then the scenario (start.S powers off after it). */
void guest_main(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	conf_main();
}
