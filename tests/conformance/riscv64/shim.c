/* The riscv64 shim of the conformance suite: conf.h on SBI (v2.0: TIME, sPI, HSM, SRST; axvm-c's
 * AXVM), the supervisor timer and software interrupts, and the VM's PLIC (QEMU virt's layout:
 * context 2h + 1 is hart h's S-mode). Runs in VS-mode on tests/guests/riscv64's runtime. */
#include "tests/conformance/conf.h"
#include "tests/guests/riscv64/guest.h"

#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_AXVM 0x0a58564d /* axvm-c's own extension */
#define SBI_AXVM_MEMORY_RELEASE 0
#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)
#define SSTATUS_SIE (1ul << 1)
#define SCAUSE_IRQ (1ul << 63)
#define IRQ_SOFT 1
#define IRQ_TIMER 5
#define IRQ_EXT 9
#define TICKS_PER_MS 10000ul /* QEMU virt: 10 MHz timebase */

#define UART_IER ((volatile uint8_t *)0x10000001ul)
#define UART_IER_THRI 0x02
#define UART_IRQ 10
#define PLIC_BASE 0x0c000000ul
#define PLIC_PRIORITY(src) ((volatile uint32_t *)(PLIC_BASE + 4 * (src)))
#define PLIC_ENABLE(ctx) ((volatile uint32_t *)(PLIC_BASE + 0x2000 + 0x80 * (ctx)))
#define PLIC_THRESHOLD(ctx) ((volatile uint32_t *)(PLIC_BASE + 0x200000 + 0x1000 * (ctx)))
#define PLIC_CLAIM(ctx) ((volatile uint32_t *)(PLIC_BASE + 0x200004 + 0x1000 * (ctx)))

extern char _start[];
extern char guest_trap_entry[];
void guest_trap(unsigned long scause);

static volatile unsigned irq_count[CONF_MAX_CPUS][CONF_IRQ_KINDS];
static void (*volatile secondary[CONF_MAX_CPUS])(unsigned cpu);

/* The hart this code runs on: kept in tp by guest_main. */
static unsigned this_hart(void)
{
	unsigned long tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return (unsigned)tp;
}

static unsigned plic_context(void)
{
	return 2 * this_hart() + 1;
}

void guest_trap(unsigned long scause)
{
	unsigned hart = this_hart();
	uint32_t source;

	switch (scause) {
	case SCAUSE_IRQ | IRQ_TIMER:
		sbi_call(SBI_EXT_TIME, 0, -1, 0, 0); /* a deadline far away clears it */
		irq_count[hart][CONF_IRQ_TIMER]++;
		break;
	case SCAUSE_IRQ | IRQ_SOFT:
		__asm__ volatile("csrc sip, %0" ::"r"(SIE_SSIE));
		irq_count[hart][CONF_IRQ_IPI]++;
		break;
	case SCAUSE_IRQ | IRQ_EXT:
		source = *PLIC_CLAIM(plic_context());
		if (source == UART_IRQ)
			*UART_IER = 0;
		if (source)
			*PLIC_CLAIM(plic_context()) = source; /* complete */
		irq_count[hart][CONF_IRQ_DEVICE]++;
		break;
	default:
		conf_printf("conformance: unexpected trap 0x%lx\n", scause);
		conf_poweroff();
	}
}

void conf_puts(const char *s)
{
	guest_printf("%s", s);
}

void conf_poweroff(void)
{
	sbi_shutdown();
}

void conf_reset(void)
{
	sbi_call(SBI_EXT_SRST, 0, 1 /* cold reboot */, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

long conf_firmware_version(void)
{
	return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
}

/* The MMU is off: virtual addresses are guest-physical. */
uint64_t conf_read(uint64_t addr, unsigned width)
{
	switch (width) {
	case 1:
		return *(volatile uint8_t *)addr;
	case 2:
		return *(volatile uint16_t *)addr;
	case 4:
		return *(volatile uint32_t *)addr;
	default:
		return *(volatile uint64_t *)addr;
	}
}

void conf_write(uint64_t addr, unsigned width, uint64_t value)
{
	switch (width) {
	case 1:
		*(volatile uint8_t *)addr = (uint8_t)value;
		break;
	case 2:
		*(volatile uint16_t *)addr = (uint16_t)value;
		break;
	case 4:
		*(volatile uint32_t *)addr = (uint32_t)value;
		break;
	default:
		*(volatile uint64_t *)addr = value;
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
	return guest_time();
}

uint64_t conf_ticks_per_ms(void)
{
	return TICKS_PER_MS;
}

void conf_timer_at(uint64_t deadline)
{
	sbi_call(SBI_EXT_TIME, 0, (long)deadline, 0, 0);
}

unsigned conf_irqs(enum conf_irq kind)
{
	return irq_count[this_hart()][kind];
}

/* With interrupts masked: check, wfi (which wakes for a pending enabled interrupt), unmask
 * to take it; so that an interrupt between the check and the wfi is not slept through. */
void conf_wait_irqs(enum conf_irq kind, unsigned count)
{
	for (;;) {
		__asm__ volatile("csrc sstatus, %0" ::"r"(SSTATUS_SIE));
		if (conf_irqs(kind) >= count)
			break;
		__asm__ volatile("wfi");
		__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
	}
	__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
}

int conf_start_cpu(unsigned cpu, void (*fn)(unsigned cpu))
{
	if (cpu >= CONF_MAX_CPUS)
		return -3; /* SBI_ERR_INVALID_PARAM */
	secondary[cpu] = fn;
	return (int)sbi_call(SBI_EXT_HSM, 0, cpu, (long)_start, 0).error;
}

int conf_release_memory(uint64_t addr, uint64_t size)
{
	return (int)sbi_call(SBI_EXT_AXVM, SBI_AXVM_MEMORY_RELEASE, (long)addr, (long)size, 0)
	    .error;
}

void conf_send_ipi(unsigned cpu)
{
	sbi_call(SBI_EXT_IPI, 0, 1l << cpu, 0, 0);
}

void conf_stop_cpu(void)
{
	sbi_call(SBI_EXT_HSM, 1, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void conf_uart_irq_once(void)
{
	*PLIC_PRIORITY(UART_IRQ) = 1;
	*PLIC_THRESHOLD(plic_context()) = 0;
	*PLIC_ENABLE(plic_context()) = 1u << UART_IRQ;
	conf_uart_irq(true);
}

void conf_uart_irq(bool on)
{
	*UART_IER = on ? UART_IER_THRI : 0; /* THR is empty: the line rises at once */
}

void guest_main(uint64_t hart, uint64_t arg)
{
	(void)arg;
	__asm__ volatile("mv tp, %0" ::"r"(hart));
	__asm__ volatile("csrw stvec, %0" ::"r"(guest_trap_entry));
	__asm__ volatile("csrs sie, %0" ::"r"(SIE_SSIE | SIE_STIE | SIE_SEIE));
	__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
	if (hart == 0)
		conf_main();
	else if (hart < CONF_MAX_CPUS && secondary[hart])
		secondary[hart]((unsigned)hart);
	conf_stop_cpu();
}
