/* The aarch64 shim of the conformance suite: conf.h on PSCI (CPU_ON/OFF, SYSTEM_OFF/RESET) and
 * axvm-c's SMCCC memory release over HVC, the virtual timer, SGIs and the NS16550A's interrupt
 * through the VM's emulated GICv3 (distributor at 0x08000000, a redistributor per vCPU from
 * 0x080a0000). Runs at EL1 with the MMU off on tests/guests/aarch64's runtime. */
#include "tests/conformance/conf.h"
#include "tests/guests/aarch64/guest.h"

#define PSCI_SYSTEM_RESET 0x84000009ul
#define AXVM_MEMORY_RELEASE 0xc6000010ul

#define GICD 0x08000000ul
#define GICD_CTLR_GRP1_ARE ((1u << 1) | (1u << 4))
#define GICD_ISENABLER(n) (GICD + 0x100 + 4 * (n))
#define GICD_IROUTER(intid) (GICD + 0x6000 + 8 * (intid))
#define GICR(cpu) (0x080a0000ul + 0x20000ul * (cpu))
#define GICR_WAKER 0x14
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_ISENABLER0 (0x10000 + 0x100)

#define IPI_SGI 0
#define VTIMER_PPI 27
#define UART_SPI 33 /* SPI 1 */
#define UART_IER ((volatile uint8_t *)(CONF_UART + 1))
#define UART_THR ((volatile uint8_t *)CONF_UART)
#define UART_LSR ((volatile uint8_t *)(CONF_UART + 5))
#define UART_IER_THRI 0x02
#define UART_LSR_THRE 0x20
#define EC_DABT_CURRENT 0x25
#define DFSC_ALIGNMENT 0x21

extern char guest_vectors[];
void guest_irq(void);
void guest_trap(uint64_t esr, uint64_t elr);

static volatile unsigned irq_count[CONF_MAX_CPUS][CONF_IRQ_KINDS];
static void (*volatile secondary[CONF_MAX_CPUS])(unsigned cpu);

static unsigned this_cpu(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 0xff);
}

static void w32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static uint32_t r32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

void guest_irq(void)
{
	unsigned cpu = this_cpu();
	uint64_t iar;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	switch (iar) {
	case VTIMER_PPI:
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb"); /* off until armed again */
		irq_count[cpu][CONF_IRQ_TIMER]++;
		break;
	case IPI_SGI:
		irq_count[cpu][CONF_IRQ_IPI]++;
		break;
	case UART_SPI:
		*UART_IER = 0;
		irq_count[cpu][CONF_IRQ_DEVICE]++;
		break;
	default:
		break;
	}
	if (iar < 1020)
		__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"(iar));
}

/* The guest's own exceptions: on Arm a misaligned access to device memory (the MMU is off) is
 * an alignment fault the guest takes itself, before any stage-2 translation; anything else
 * is unexpected. Either way the VM powers off. */
void guest_trap(uint64_t esr, uint64_t elr)
{
	uint64_t far;

	__asm__ volatile("mrs %0, far_el1" : "=r"(far));
	if ((esr >> 26) == EC_DABT_CURRENT && (esr & 0x3f) == DFSC_ALIGNMENT)
		conf_printf("conformance: an alignment fault of the guest's own at 0x%llx\n",
			    (unsigned long long)far);
	else
		conf_printf("conformance: unexpected exception, ESR 0x%llx at 0x%llx\n",
			    (unsigned long long)esr, (unsigned long long)elr);
	conf_poweroff();
}

void conf_puts(const char *s)
{
	for (; *s; s++) {
		while (!(*UART_LSR & UART_LSR_THRE))
			;
		*UART_THR = (uint8_t)*s;
	}
}

void conf_poweroff(void)
{
	psci_system_off();
}

void conf_reset(void)
{
	hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

long conf_firmware_version(void)
{
	return (long)hvc_call(PSCI_VERSION, 0, 0, 0);
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
	uint64_t t;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t));
	return t;
}

uint64_t conf_ticks_per_ms(void)
{
	uint64_t freq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	return freq / 1000;
}

void conf_timer_at(uint64_t deadline)
{
	__asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(deadline),
			 "r"((uint64_t)1));
}

unsigned conf_irqs(enum conf_irq kind)
{
	return irq_count[this_cpu()][kind];
}

/* With IRQs masked: check, wfi (which wakes for a pending interrupt even masked), unmask to
 * take it; so that an interrupt between the check and the wfi is not slept through. */
void conf_wait_irqs(enum conf_irq kind, unsigned count)
{
	for (;;) {
		__asm__ volatile("msr daifset, #2");
		if (conf_irqs(kind) >= count)
			break;
		__asm__ volatile("wfi");
		__asm__ volatile("msr daifclr, #2\n\tisb");
	}
	__asm__ volatile("msr daifclr, #2");
}

int conf_start_cpu(unsigned cpu, void (*fn)(unsigned cpu))
{
	if (cpu >= CONF_MAX_CPUS)
		return -2; /* PSCI INVALID_PARAMETERS */
	secondary[cpu] = fn;
	return (int)(int64_t)hvc_call(PSCI_CPU_ON64, cpu, (uint64_t)(uintptr_t)_start, 0);
}

int conf_release_memory(uint64_t addr, uint64_t size)
{
	return (int)(int64_t)hvc_call(AXVM_MEMORY_RELEASE, addr, size, 0);
}

void conf_send_ipi(unsigned cpu)
{
	__asm__ volatile("msr icc_sgi1r_el1, %0\n\tisb" ::"r"((uint64_t)IPI_SGI << 24 | 1u << cpu));
}

void conf_stop_cpu(void)
{
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void conf_uart_irq_once(void)
{
	w32(GICD_IROUTER(UART_SPI), this_cpu());
	w32(GICD_IROUTER(UART_SPI) + 4, 0);
	w32(GICD_ISENABLER(UART_SPI / 32), 1u << (UART_SPI % 32));
	conf_uart_irq(true);
}

void conf_uart_irq(bool on)
{
	*UART_IER = on ? UART_IER_THRI : 0; /* THR is empty: the line rises at once */
}

/* This CPU's redistributor awake with its timer's PPI and the IPI's SGI enabled, its CPU
 * interface on, IRQs unmasked. */
static void cpu_init(unsigned cpu)
{
	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(guest_vectors));
	w32(GICR(cpu) + GICR_WAKER, r32(GICR(cpu) + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (r32(GICR(cpu) + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	w32(GICR(cpu) + GICR_ISENABLER0, (1u << VTIMER_PPI) | (1u << IPI_SGI));
	__asm__ volatile("msr icc_sre_el1, %0\n\tisb" ::"r"((uint64_t)1));
	__asm__ volatile("msr icc_pmr_el1, %0" ::"r"((uint64_t)0xff));
	__asm__ volatile("msr icc_igrpen1_el1, %0\n\tisb" ::"r"((uint64_t)1));
	__asm__ volatile("msr daifclr, #2");
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	(void)x0;
	if (cpu == 0)
		w32(GICD, GICD_CTLR_GRP1_ARE);
	cpu_init((unsigned)cpu);
	if (cpu == 0)
		conf_main();
	else if (cpu < CONF_MAX_CPUS && secondary[cpu])
		secondary[cpu]((unsigned)cpu);
	conf_stop_cpu();
}
