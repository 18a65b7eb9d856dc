#include "smp.h"

#include <board/host.h>
#include <stdatomic.h>
#include <string.h>

#include "ap_trampoline.h"
#include "boot_layout.h"
#include "cpu_tables.h"
#include "lapic.h"

#define XAPIC_MAX_ID 0xfe

_Static_assert(GDT_TSS_SLOTS >= HOST_MAX_CPUS, "a TSS slot for every CPU");
_Static_assert(sizeof(struct ap_trampoline_params) == 24, "layout of ap_trampoline.S");
_Static_assert(BOOT_STACK_SIZE == HOST_STACK_SIZE, "boot.S uses the common stack size");

bool smp_cpu_start(size_t index, uint64_t apic_id)
{
	size_t size = (size_t)(ap_trampoline_end - ap_trampoline_start);
	size_t params_offset = (size_t)(ap_trampoline_params - ap_trampoline_start);
	struct ap_trampoline_params *params =
	    (struct ap_trampoline_params *)(uintptr_t)(AP_TRAMPOLINE_BASE + params_offset);
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr;

	if (index == 0 || index >= HOST_MAX_CPUS || apic_id > XAPIC_MAX_ID)
		return false;
	memcpy((void *)(uintptr_t)AP_TRAMPOLINE_BASE, ap_trampoline_start, size);
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	params->gdt_limit = gdtr.limit;
	params->gdt_base = (uint32_t)gdtr.base;
	params->stack_top = (uint64_t)(uintptr_t)(host_cpu_stacks[index] + HOST_STACK_SIZE);
	params->index = index;
	/* The copy must be in memory before the IPI that makes the AP read it. */
	atomic_thread_fence(memory_order_seq_cst);
	return lapic_start_cpu((uint32_t)apic_id, AP_TRAMPOLINE_BASE);
}

void ap_main(uint64_t index)
{
	cpu_tables_load((size_t)index);
	board_cpu_irqs_init();
	host_secondary_main((size_t)index);
}
