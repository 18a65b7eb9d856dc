/* The runtime of the x86_64 test guests: axvm-c's hypercalls (VMCALL), the emulated 16550 in
 * MMIO and in port I/O, printf, and the guest's own exception handlers. */
#ifndef TESTS_GUESTS_X86_64_GUEST_H
#define TESTS_GUESTS_X86_64_GUEST_H

#include <stdbool.h>
#include <stdint.h>

/* The MMIO 16550 the VM configurations give the guests, and COM1. */
#define GUEST_UART 0xd0000000ul
#define GUEST_COM1 0x3f8

/* Makes hypercall nr with two arguments (RBX, RCX); returns RAX. */
int64_t guest_vmcall(uint64_t nr, uint64_t a1, uint64_t a2);

/* Powers the VM off by hypercall; does not return. */
void guest_power_off(void) __attribute__((noreturn));

/* printf to the MMIO 16550 (guest_printf) and to COM1 (guest_com1_printf). */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_com1_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An exception the guest took: its vector and error code. */
struct guest_trap_info {
	unsigned count;
	uint64_t vector, error;
};

/* The exceptions taken so far; the next one makes the handler move RIP by guest_trap_skip
 * bytes past the faulting instruction (when 0, an exception stops the test). */
extern volatile struct guest_trap_info guest_traps;
extern volatile uint64_t guest_trap_skip;

/* The local APIC (xAPIC MMIO), and whether the guest put it in x2APIC mode. */
#define GUEST_APIC 0xfee00000ul
extern volatile bool guest_x2apic;

/* Interrupts taken per vector; the test's own handler for them (weak: none). Each is ended at
 * the local APIC after the handler. NMIs (vector 2) are counted and handled the same way, with
 * no EOI. */
#define GUEST_VECTOR_NMI 2
extern volatile unsigned guest_irq_count[256];
void guest_irq_handler(unsigned vector);

/* Ends the interrupt in service at the local APIC (EOI). */
void guest_apic_eoi(void);

static inline uint64_t guest_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void guest_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t guest_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Loads the guest's IDT (start.S calls it). */
void guest_idt_load(void);

/* The test's body, with the boot argument (ESI at entry). */
void guest_main(uint64_t arg);

/* Starts the vCPU with APIC ID cpu (1..7) in fn(cpu) through INIT and SIPI (the trampoline
 * at page 0x8000); returns once it runs. */
void guest_start_cpu(unsigned cpu, void (*fn)(unsigned cpu));

/* What an application processor runs (start.S): the function guest_start_cpu gave it. */
void guest_ap_main(unsigned cpu);

/* The calling CPU's APIC ID, without an exit. */
unsigned guest_cpu(void);

/* Enables this CPU's local APIC (software enable, spurious vector 0xff). */
void guest_apic_enable(void);

/* Sends fixed IPI vector to APIC ID dest (xAPIC ICR). */
void guest_send_ipi(unsigned dest, unsigned vector);

/* MMIO byte access as Linux's readb and writeb make it: one MOV, which the hypervisor
 * decodes (a compiler may fold a plain volatile read into TEST or CMP). */
static inline uint8_t guest_readb(uint64_t addr)
{
	uint8_t v;

	__asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(addr) : "memory");
	return v;
}

static inline void guest_writeb(uint64_t addr, uint8_t v)
{
	__asm__ volatile("movb %0, (%1)" : : "q"(v), "r"(addr) : "memory");
}

/* I/O port access. */
static inline void guest_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t guest_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif
