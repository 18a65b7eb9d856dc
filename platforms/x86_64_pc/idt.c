#include "idt.h"

#include <axvm/format.h>
#include <board/console.h>
#include <board/host.h>
#include <stdbool.h>

#include "boot_layout.h"
#include "cpu_tables.h"
#include "exception_info.h"
#include "pc_exit.h"
#include "x86.h"

#define VECTORS 32 /* the exceptions */
#define IDT_ENTRIES 256
#define GATE_INTERRUPT_PRESENT 0x8e /* P=1, DPL=0, 64-bit interrupt gate */

/* One 16-byte IDT entry. */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

/* The entry stubs of exception_entry.S, one per vector. */
extern const uint64_t exception_stubs[VECTORS];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
/* Set while a CPU reports an exception, so that a fault in the report itself stops at once. */
static volatile bool reporting[GDT_TSS_SLOTS];

static void set_gate(unsigned vector, uint64_t addr)
{
	idt[vector] = (struct idt_gate){
	    .offset_low = (uint16_t)addr,
	    .selector = GDT_CODE64,
	    .type_attr = GATE_INTERRUPT_PRESENT,
	    .offset_mid = (uint16_t)(addr >> 16),
	    .offset_high = (uint32_t)(addr >> 32),
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < VECTORS; v++)
		set_gate(v, exception_stubs[v]);
}

void idt_set_interrupt_gate(uint8_t vector, const void *handler)
{
	if (vector >= VECTORS)
		set_gate(vector, (uint64_t)(uintptr_t)handler);
}

void idt_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void exception_handler(struct exception_frame *f)
{
	size_t cpu = cpu_current_index();
	const char *mnemonic = x86_exception_mnemonic(f->vector);
	char code[40] = "";
	char pf[96];

	if (reporting[cpu])
		pc_exit(HOST_EXIT_FAILURE);
	reporting[cpu] = true;
	if (x86_exception_has_error_code(f->vector))
		ax_snprintf(code, sizeof(code), ", error code 0x%llx",
			    (unsigned long long)f->error_code);
	kprintf("EXCEPTION on cpu %zu: %s%s%s (vector %llu%s)\n", cpu, mnemonic,
		*mnemonic ? " " : "", x86_exception_name(f->vector), (unsigned long long)f->vector,
		code);
	kprintf("  RIP=0x%016llx CS=0x%llx RFLAGS=0x%llx RSP=0x%016llx\n",
		(unsigned long long)f->rip, (unsigned long long)f->cs,
		(unsigned long long)f->rflags, (unsigned long long)f->rsp);
	if (f->vector == X86_VECTOR_PAGE_FAULT) {
		x86_page_fault_describe(f->error_code, pf, sizeof(pf));
		kprintf("  CR2=0x%016llx (%s)\n", (unsigned long long)read_cr2(), pf);
	}
	kprintf("  CR3=0x%016llx\n", (unsigned long long)read_cr3());
	kprintf("  RAX=0x%016llx RBX=0x%016llx RCX=0x%016llx RDX=0x%016llx\n",
		(unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
		(unsigned long long)f->rdx);
	kprintf("  RSI=0x%016llx RDI=0x%016llx RBP=0x%016llx R8 =0x%016llx\n",
		(unsigned long long)f->rsi, (unsigned long long)f->rdi, (unsigned long long)f->rbp,
		(unsigned long long)f->r8);
	kprintf("  R9 =0x%016llx R10=0x%016llx R11=0x%016llx R12=0x%016llx\n",
		(unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11,
		(unsigned long long)f->r12);
	kprintf("  R13=0x%016llx R14=0x%016llx R15=0x%016llx\n", (unsigned long long)f->r13,
		(unsigned long long)f->r14, (unsigned long long)f->r15);
	host_panic("unhandled exception");
}
