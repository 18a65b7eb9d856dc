#include "cpu_tables.h"

#include <stdint.h>

#include "boot_layout.h"
#include "idt.h"

#define TSS_TYPE_AVAILABLE_PRESENT 0x89 /* P=1, DPL=0, type 9: available 64-bit TSS */

/* The 64-bit task-state segment; only its I/O map base matters (no I/O bitmap). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS layout");

static struct tss64 tss[GDT_TSS_SLOTS] __attribute__((aligned(16)));

void cpu_tables_load(size_t index)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss[index];
	uint64_t limit = sizeof(struct tss64) - 1;
	uint16_t selector = GDT_TSS(index);

	tss[index].iomap_base = sizeof(struct tss64);
	host_gdt[selector / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
				 (uint64_t)TSS_TYPE_AVAILABLE_PRESENT << 40 |
				 (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
	host_gdt[selector / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %0" : : "r"(selector) : "memory");
	idt_load();
}

size_t cpu_current_index(void)
{
	uint16_t tr;

	__asm__ volatile("str %0" : "=r"(tr));
	return tr < GDT_TSS(0) ? 0 : (size_t)(tr - GDT_TSS(0)) / 16;
}
