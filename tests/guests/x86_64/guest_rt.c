#include "guest.h"

#include <axvm/format.h>

#define X86_HC_SYSTEM_OFF 3
#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20
#define GATE_INTERRUPT 0x8e00 /* present, DPL 0, 64-bit interrupt gate */

volatile struct guest_trap_info guest_traps;
volatile uint64_t guest_trap_skip;

int64_t guest_vmcall(uint64_t nr, uint64_t a1, uint64_t a2)
{
	int64_t ret;

	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(a1), "c"(a2) : "memory");
	return ret;
}

void guest_power_off(void)
{
	guest_vmcall(X86_HC_SYSTEM_OFF, 0, 0);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void mmio_putc(void *ctx, char c)
{
	(void)ctx;
	while (!(guest_readb(GUEST_UART + UART_LSR) & LSR_THRE))
		;
	guest_writeb(GUEST_UART + UART_THR, (uint8_t)c);
}

static void com1_putc(void *ctx, char c)
{
	(void)ctx;
	while (!(guest_inb(GUEST_COM1 + UART_LSR) & LSR_THRE))
		;
	guest_outb(GUEST_COM1 + UART_THR, (uint8_t)c);
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ax_vformat(mmio_putc, 0, fmt, ap);
	va_end(ap);
}

void guest_com1_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ax_vformat(com1_putc, 0, fmt, ap);
	va_end(ap);
}

/* What trap_entry.S saves: the scratch registers, then the vector and the CPU's frame. */
struct trap_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

volatile unsigned guest_irq_count[256];

__attribute__((weak)) void guest_irq_handler(unsigned vector)
{
	(void)vector;
}

void guest_trap(struct trap_frame *f);

void guest_trap(struct trap_frame *f)
{
	if (f->vector == GUEST_VECTOR_NMI) {
		guest_irq_count[GUEST_VECTOR_NMI]++;
		guest_irq_handler(GUEST_VECTOR_NMI);
		return;
	}
	guest_traps.vector = f->vector;
	guest_traps.error = f->error;
	guest_traps.count++;
	if (!guest_trap_skip) {
		guest_printf("unexpected exception %llu (error 0x%llx) at 0x%llx\n",
			     (unsigned long long)f->vector, (unsigned long long)f->error,
			     (unsigned long long)f->rip);
		guest_power_off();
	}
	f->rip += guest_trap_skip;
	guest_trap_skip = 0;
}

struct __attribute__((packed)) idt_pointer {
	uint16_t limit;
	uint64_t base;
};

extern const uint64_t guest_trap_stubs[256];
static uint64_t idt[256 * 2] __attribute__((aligned(16)));

void guest_irq(uint64_t vector);

/* An interrupt: counted, the test's handler run, ended at the local APIC. */
void guest_irq(uint64_t vector)
{
	guest_irq_count[vector & 0xff]++;
	guest_irq_handler((unsigned)vector);
	guest_apic_eoi();
}

void guest_apic_eoi(void)
{
	if (guest_x2apic)
		guest_wrmsr(0x80b, 0);
	else
		*(volatile uint32_t *)(GUEST_APIC + 0xb0) = 0;
}

volatile bool guest_x2apic;

void guest_idt_load(void)
{
	struct idt_pointer p = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	for (int i = 0; i < 256; i++) {
		uint64_t h = guest_trap_stubs[i];

		idt[2 * i] = (h & 0xffff) | (uint64_t)0x08 << 16 | (uint64_t)GATE_INTERRUPT << 32 |
			     (h >> 16 & 0xffff) << 48;
		idt[2 * i + 1] = h >> 32;
	}
	__asm__ volatile("lidt %0" : : "m"(p));
}

#define APIC_SVR 0xf0
#define APIC_ICR 0x300
#define APIC_ICR_HIGH 0x310
#define ICR_INIT 0x4500 /* INIT, level assert */
#define ICR_SIPI 0x4600
#define TRAMPOLINE 0x8000

extern const char guest_ap_trampoline[], guest_ap_trampoline_end[];
static void (*volatile ap_fn[8])(unsigned cpu);
static volatile unsigned ap_running[8];

void guest_apic_enable(void)
{
	*(volatile uint32_t *)(GUEST_APIC + APIC_SVR) = 0x1ff;
}

/* An ICR write to dest; delivery is immediate (the delivery-status bit reads 0). */
static void icr(unsigned dest, uint32_t low)
{
	*(volatile uint32_t *)(GUEST_APIC + APIC_ICR_HIGH) = dest << 24;
	*(volatile uint32_t *)(GUEST_APIC + APIC_ICR) = low;
}

void guest_send_ipi(unsigned dest, unsigned vector)
{
	icr(dest, vector & 0xff);
}

void guest_start_cpu(unsigned cpu, void (*fn)(unsigned cpu))
{
	unsigned runs = ap_running[cpu & 7];

	for (const char *p = guest_ap_trampoline; p < guest_ap_trampoline_end; p++)
		((volatile char *)TRAMPOLINE)[p - guest_ap_trampoline] = *p;
	ap_fn[cpu & 7] = fn;
	icr(cpu, ICR_INIT);
	icr(cpu, ICR_SIPI | TRAMPOLINE >> 12);
	icr(cpu, ICR_SIPI | TRAMPOLINE >> 12);
	while (ap_running[cpu & 7] == runs)
		__asm__ volatile("pause");
}

void guest_ap_main(unsigned cpu)
{
	guest_apic_enable();
	ap_running[cpu & 7]++;
	ap_fn[cpu & 7](cpu);
}

extern char ap_stacks[];

/* By the stack: the boot CPU's lies below the application processors', 16 KiB each by APIC
 * ID (start.S). */
unsigned guest_cpu(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	return sp < (uintptr_t)ap_stacks ? 0 : (unsigned)((sp - (uintptr_t)ap_stacks) / 16384);
}
