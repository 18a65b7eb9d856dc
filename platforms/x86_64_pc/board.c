/* The x86_64 PC hypervisor host: started by a multiboot loader (GRUB), CPUs from ACPI. */
#include <axvm/format.h>
#include <board/bootargs.h>
#include <board/console.h>
#include <board/host.h>
#include <board/irq_test.h>
#include <board/vm_board.h>
#include <stdatomic.h>
#include <string.h>

#include "acpi_madt.h"
#include "cpu_tables.h"
#include "idt.h"
#include "irq_host.h"
#include "lapic.h"
#include "multiboot.h"
#include "pc_exit.h"
#include "smp.h"
#include "uart_com1.h"
#include "vm_hal.h"
#include "vmx_detect.h"
#include "x86.h"

#define FOUR_GIB (1ull << 32)
/* BIOS data, EBDA, option ROMs and the BIOS, and the AP trampoline. */
#define LOW_MEMORY_END 0x100000
/* The first address the boot page tables leave unmapped. */
#define UNMAPPED_ADDRESS FOUR_GIB

extern char __image_start[], __image_end[];

void board_main(uint32_t magic, uint32_t info_pa);

static struct host_boot_info boot;
static char bootargs[256];
static char firmware[80];

/* Physical memory as the parsers see it: the identity map of the low 4 GiB. */
static const void *identity_map(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	if (pa >= FOUR_GIB || len > FOUR_GIB - pa)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static const struct phys_view phys = {identity_map, NULL};

/* Loads from the first address above the identity map: a #PF with CR2 = that address. */
static void pc_bad_access(void)
{
	kprintf("loading from 0x%llx (above the identity-mapped 4 GiB)\n",
		(unsigned long long)UNMAPPED_ADDRESS);
	(void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_ADDRESS;
}

static void pc_cpu_relax(void)
{
	cpu_pause();
}

/* CPUs with their local APIC's interrupts set up (irq_host_init_cpu). */
static atomic_size_t cpus_with_irqs;

void board_cpu_irqs_init(void)
{
	irq_host_init_cpu();
	atomic_fetch_add(&cpus_with_irqs, 1);
}

/* The irqtest boot mode's view of the host's interrupts and timer. */
_Static_assert(IRQ_HOST_KICK == IRQ_TEST_KICK && IRQ_HOST_TIMER == IRQ_TEST_TIMER,
	       "irq_host events are irq_test's");

static size_t pc_cpus_ready(void)
{
	return atomic_load(&cpus_with_irqs);
}

static const struct irq_test_board pc_irq_test_board = {
    .wait_events = irq_host_wait_events,
    .ack_pending = irq_host_ack_pending,
    .kick = irq_host_kick,
    .now = timer_host_now,
    .freq = timer_host_freq,
    .timer_arm = timer_host_arm,
    .timer_expired = timer_host_expired,
    .relax = pc_cpu_relax,
    .cpus_ready = pc_cpus_ready,
};

static struct board_ops x86_64_pc = {
    .name = "x86_64_pc",
    .arch = "x86_64",
    .virt_detect = vmx_detect,
    .cpu_start = smp_cpu_start,
    .bad_access = pc_bad_access,
    .exit = pc_exit,
    .cpu_relax = pc_cpu_relax,
    .run = vm_board_run,
    .secondary_run = vm_board_run_secondary,
};

/* Stops before host_main exists to report it. */
__attribute__((noreturn)) static void early_failure(const char *what, const char *why)
{
	kprintf("%s: %s\n", what, why);
	pc_exit(HOST_EXIT_FAILURE);
}

/* The boot CPU first, then every other enabled CPU of the ACPI MADT. Without a usable local
 * APIC or MADT only the boot CPU runs. */
static void find_cpus(struct host_boot_info *b)
{
	struct acpi_madt_info madt;
	uint64_t rsdp, madt_pa;
	enum acpi_err err;
	size_t left_off;
	uint32_t self;

	if (!lapic_init()) {
		kprintf("local APIC disabled, in x2APIC mode or not at the uncached address: "
			"using the boot cpu only, without interrupts\n");
		b->cpu_ids[b->cpu_count++] = cpuid(1, 0).ebx >> 24;
		return;
	}
	irq_host_init(bootargs_has(b->bootargs, "lapic-oneshot"));
	kprintf("interrupts: local APIC timer in %s mode, TSC %llu kHz\n",
		timer_host_tsc_deadline() ? "TSC-deadline" : "one-shot",
		(unsigned long long)(timer_host_freq() / 1000));
	board_cpu_irqs_init();
	self = lapic_id();
	b->cpu_ids[b->cpu_count++] = self;
	err = acpi_find_rsdp(&phys, &rsdp);
	if (!err)
		err = acpi_find_table(&phys, rsdp, "APIC", &madt_pa);
	if (!err)
		err = acpi_madt_parse(&phys, madt_pa, &madt);
	if (err) {
		kprintf("ACPI MADT: %s: using the boot cpu only\n", acpi_strerror(err));
		return;
	}
	left_off = madt.cpus_dropped;
	for (size_t i = 0; i < madt.cpu_count; i++) {
		if (madt.apic_ids[i] == self)
			continue;
		if (b->cpu_count == HOST_MAX_CPUS)
			left_off++;
		else
			b->cpu_ids[b->cpu_count++] = madt.apic_ids[i];
	}
	if (left_off)
		kprintf("ACPI MADT: %zu cpu(s) beyond the %d supported are left off\n", left_off,
			HOST_MAX_CPUS);
}

/* Reserves what the page allocator must not hand out besides the multiboot data. */
static bool reserve_board_memory(struct host_boot_info *b)
{
	uint64_t top = b->memory.count ? b->memory.r[b->memory.count - 1].end : 0;

	if (!mem_ranges_add(&b->reserved, 0, LOW_MEMORY_END) ||
	    !mem_ranges_add(&b->reserved, (uint64_t)(uintptr_t)__image_start,
			    (uint64_t)(__image_end - __image_start)))
		return false;
	/* RAM above 4 GiB is outside the boot page tables. */
	return top <= FOUR_GIB || mem_ranges_add(&b->reserved, FOUR_GIB, top - FOUR_GIB);
}

void board_main(uint32_t magic, uint32_t info_pa)
{
	struct multiboot_boot mb;
	enum multiboot_err err;

	idt_init();
	cpu_tables_load(0);
	com1_init();
	console_init(com1_putc);

	err = multiboot_parse(magic, info_pa, &phys, &mb);
	if (err)
		early_failure("multiboot", multiboot_strerror(err));
	boot.memory = mb.memory;
	boot.reserved = mb.reserved;
	if (!reserve_board_memory(&boot))
		early_failure("memory", "too many reserved ranges");
	/* Copies: the trampoline and the page allocator may reuse the loader's memory later. */
	if (ax_snprintf(bootargs, sizeof(bootargs), "%s",
			multiboot_cmdline_args(mb.cmdline, mb.loader_name)) >= sizeof(bootargs))
		early_failure("multiboot", "command line too long");
	if (mb.loader_name)
		ax_snprintf(firmware, sizeof(firmware), "multiboot (%s)", mb.loader_name);
	else
		ax_snprintf(firmware, sizeof(firmware), "multiboot");
	boot.bootargs = bootargs;
	boot.firmware = firmware;
	if (mb.module_size)
		kprintf("vm bundle: %llu bytes at 0x%llx (multiboot module)\n",
			(unsigned long long)mb.module_size, (unsigned long long)mb.module_start);
	find_cpus(&boot);
	vm_hal_setup(&boot, mb.module_start, mb.module_size);
	if (bootargs_has(boot.bootargs, "irqtest")) {
		irq_test_use(&pc_irq_test_board);
		x86_64_pc.run = irq_test_run;
		x86_64_pc.secondary_run = irq_test_secondary;
	}
	host_main(&x86_64_pc, &boot);
}
