/* The host's interrupt descriptor table: the 32 exception vectors, all fatal, and the
 * interrupt vectors the host installs (irq_host.h); the rest are not present. */
#ifndef X86_64_PC_IDT_H
#define X86_64_PC_IDT_H

#include <stdint.h>

/* What exception_entry.S saves, from the lowest address: the 15 general-purpose registers,
 * the vector and error code (0 when the CPU pushes none), then the CPU's interrupt frame. */
struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Fills the IDT with the exception stubs; once, on the boot CPU, before any idt_load. */
void idt_init(void);

/* Points interrupt vector (32..255) at handler, an interrupt gate; before the CPUs that take
 * it load the IDT, or while none of them can take an interrupt. */
void idt_set_interrupt_gate(uint8_t vector, const void *handler);

/* Loads the IDT on the calling CPU. */
void idt_load(void);

/* Called by exception_entry.S: reports the exception, the registers and the CPU, then panics. */
void exception_handler(struct exception_frame *f) __attribute__((noreturn));

#endif
