/* The aarch64 QEMU virt hypervisor host: an arm64 Image entered at EL2. */
#include <arm_vcpu/el2_features.h>
#include <axvm/format.h>
#include <board/bootargs.h>
#include <board/console.h>
#include <board/fdt_info.h>
#include <board/host.h>
#include <board/irq_test.h>
#include <board/vm_board.h>
#include <stdatomic.h>

#include "asm_defs.h"
#include "exception.h"
#include "gic_host.h"
#include "irq_host.h"
#include "psci.h"
#include "semihosting.h"
#include "sysreg.h"
#include "timer_host.h"
#include "uart_pl011.h"
#include "vm_hal.h"

_Static_assert(ASM_STACK_SIZE == HOST_STACK_SIZE, "start.S stack size");
_Static_assert(ASM_MAX_CPUS == HOST_MAX_CPUS, "start.S cpu limit");

/* The affinity fields of MPIDR_EL1 (Aff3, Aff2..Aff0): what a /cpus reg holds. */
#define MPIDR_AFFINITY_MASK 0xff00ffffffull

extern char __image_start[], __image_end[];
extern char _secondary_start[];

void board_main(const void *blob);
void board_secondary_main(size_t index);

static struct fdt_info fdt;
static atomic_bool exiting;
static uint64_t bad_access_addr;
static char firmware[64];
static bool irq_ready;		     /* the distributor is set up */
static atomic_size_t cpus_with_irqs; /* CPUs whose interrupts are set up */

/* Stops QEMU through semihosting with the status. Should that return, or trap back here through
 * the exception report (no semihosting: HLT is undefined), a success powers off through PSCI
 * and a failure parks the CPU. */
__attribute__((noreturn)) static void board_exit(enum host_exit code)
{
	if (!atomic_exchange(&exiting, true))
		semihosting_exit(code);
	if (code == HOST_EXIT_SUCCESS)
		psci_system_off();
	for (;;)
		__asm__ volatile("wfi");
}

static unsigned current_el(void)
{
	uint64_t el;

	read_sysreg(el, CurrentEL);
	return (unsigned)(el >> 2) & 3;
}

/* EL2 must be where we run; then the ID registers say what a hypervisor can use. */
static bool a64_virt_detect(char *detail, size_t len)
{
	uint64_t pfr0, mmfr0, mmfr1;
	struct el2_features f;
	char features[96];
	unsigned el = current_el();

	if (el != 2) {
		ax_snprintf(detail, len, "CurrentEL=%u, not EL2", el);
		return false;
	}
	read_sysreg(pfr0, id_aa64pfr0_el1);
	read_sysreg(mmfr0, id_aa64mmfr0_el1);
	read_sysreg(mmfr1, id_aa64mmfr1_el1);
	f = el2_features_decode(pfr0, mmfr0, mmfr1);
	el2_features_describe(&f, features, sizeof(features));
	ax_snprintf(detail, len, "CurrentEL=2, %s", features);
	return f.el2_aarch64;
}

static bool a64_cpu_start(size_t index, uint64_t mpidr)
{
	int64_t status = psci_cpu_on(mpidr, (uint64_t)(uintptr_t)_secondary_start, index);

	if (status != PSCI_SUCCESS)
		kprintf("psci: CPU_ON 0x%llx returned %lld\n", (unsigned long long)mpidr,
			(long long)status);
	return status == PSCI_SUCCESS;
}

/* Loads from the first address past the end of RAM: nothing answers there on QEMU virt, so
 * the load ends in a synchronous external abort. */
static void a64_bad_access(void)
{
	kprintf("loading from 0x%llx (just past the end of RAM)\n",
		(unsigned long long)bad_access_addr);
	(void)*(volatile uint64_t *)(uintptr_t)bad_access_addr;
}

static void a64_cpu_relax(void)
{
	__asm__ volatile("yield");
}

/* The irqtest boot mode's view of the host's interrupts and timer. */
_Static_assert(IRQ_HOST_KICK == IRQ_TEST_KICK && IRQ_HOST_TIMER == IRQ_TEST_TIMER,
	       "irq_host events are irq_test's");

static size_t a64_cpus_ready(void)
{
	return atomic_load(&cpus_with_irqs);
}

static const struct irq_test_board a64_irq_test_board = {
    .wait_events = irq_host_wait_events,
    .ack_pending = irq_host_ack_pending,
    .kick = irq_host_kick,
    .now = timer_host_now,
    .freq = timer_host_freq,
    .timer_arm = timer_host_arm,
    .timer_expired = timer_host_expired,
    .relax = a64_cpu_relax,
    .cpus_ready = a64_cpus_ready,
};

static struct board_ops aarch64_qemu_virt = {
    .name = "aarch64_qemu_virt",
    .arch = "aarch64",
    .virt_detect = a64_virt_detect,
    .cpu_start = a64_cpu_start,
    .bad_access = a64_bad_access,
    .exit = board_exit,
    .cpu_relax = a64_cpu_relax,
    .run = vm_board_run,
    .secondary_run = vm_board_run_secondary,
};

/* The host's devices VMs may have for their own (pass-through): only ones that cannot reach
 * memory by DMA, since nothing here (no SMMU) would keep their DMA inside the VM. The host's
 * console, interrupt controller, timers, power control and buses stay the host's. */
static const char *const vm_device_models[] = {"arm,pl031", "cfi-flash", NULL};
static struct mem_ranges vm_devices;

static struct host_boot_info boot;

static void reserve(uint64_t base, uint64_t size)
{
	if (!mem_ranges_add(&boot.reserved, base, size)) {
		kprintf("too many reserved ranges\n");
		board_exit(HOST_EXIT_FAILURE);
	}
}

static uint64_t current_mpidr(void)
{
	uint64_t mpidr;

	read_sysreg(mpidr, mpidr_el1);
	return mpidr & MPIDR_AFFINITY_MASK;
}

/* The calling CPU's redistributor, CPU interface and timer: a kick or its timer wakes it. */
static void cpu_interrupts(size_t index)
{
	int err;

	if (!irq_ready)
		return;
	err = irq_host_init_cpu(current_mpidr());
	if (err)
		kprintf("cpu %zu: no interrupts: %s\n", index, gic_host_strerror(err));
	else
		atomic_fetch_add(&cpus_with_irqs, 1);
}

/* The GIC's distributor, the host timer's interrupt, and the boot CPU's interrupts. */
static void interrupts_init(const void *blob)
{
	const struct gic_host_info *gic = gic_host_info();
	int err = irq_host_init(blob);

	if (err) {
		kprintf("interrupts: none: %s\n", gic_host_strerror(err));
		return;
	}
	irq_ready = true;
	kprintf("interrupts: GICv3 distributor at 0x%llx, redistributors at 0x%llx (%zu "
		"region(s)), %u lines, %s; host timer INTID %u%s, %llu Hz\n",
		(unsigned long long)gic->gicd_base, (unsigned long long)gic->gicr_base,
		gic->gicr_regions, gic->lines,
		gic->single_security ? "one security state" : "two security states",
		irq_host_timer_intid(), irq_host_timer_from_fdt() ? "" : " (default)",
		(unsigned long long)timer_host_freq());
	cpu_interrupts(0);
}

/* Called by start.S on each secondary CPU with its logical index. */
void board_secondary_main(size_t index)
{
	if (current_el() == 2)
		cpu_interrupts(index);
	host_secondary_main(index);
}

/* The boot CPU first (matched by MPIDR_EL1 affinity), then every other CPU of /cpus. */
static void list_cpus(void)
{
	uint64_t mpidr = current_mpidr();
	bool found = false;

	boot.cpu_ids[boot.cpu_count++] = mpidr;
	for (size_t i = 0; i < fdt.cpu_count && boot.cpu_count < HOST_MAX_CPUS; i++) {
		if ((fdt.cpu_ids[i] & MPIDR_AFFINITY_MASK) == mpidr)
			found = true;
		else
			boot.cpu_ids[boot.cpu_count++] = fdt.cpu_ids[i];
	}
	if (!found)
		kprintf("devicetree: the boot cpu (MPIDR affinity 0x%llx) is not under /cpus\n",
			(unsigned long long)mpidr);
}

/* Called by start.S with the devicetree's address from x0. Before the devicetree is parsed
 * there is no console, so a bad one can only fail the exit status. */
void board_main(const void *blob)
{
	const char *why;

	if (!blob || fdt_info_parse(blob, &fdt) != FDT_INFO_OK || !fdt.stdout_base)
		board_exit(HOST_EXIT_FAILURE);
	pl011_init(fdt.stdout_base);
	console_init(pl011_putc);

	boot.memory = fdt.memory;
	boot.reserved = fdt.reserved;
	reserve((uint64_t)(uintptr_t)__image_start, (uint64_t)(__image_end - __image_start));
	reserve((uint64_t)(uintptr_t)blob, fdt.fdt_size);
	if (fdt.initrd_end > fdt.initrd_start)
		reserve(fdt.initrd_start, fdt.initrd_end - fdt.initrd_start);
	boot.bootargs = fdt.bootargs;
	ax_snprintf(firmware, sizeof(firmware), "the arm64 Image protocol (devicetree at %p)",
		    blob);
	boot.firmware = firmware;
	list_cpus();
	if (!psci_init(blob, &why))
		kprintf("psci: %s; secondary cpus cannot be started\n", why);
	bad_access_addr = fdt.memory.r[fdt.memory.count - 1].end;
	exception_vectors_install();
	interrupts_init(blob);
	mem_ranges_init(&vm_devices);
	if (fdt_compatible_ranges(blob, vm_device_models, &vm_devices) != FDT_INFO_OK)
		kprintf("devicetree: device windows for VMs unreadable: none offered\n");
	vm_hal_setup(&boot, fdt.initrd_start, fdt.initrd_end - fdt.initrd_start, &vm_devices);
	if (bootargs_has(boot.bootargs, "irqtest")) {
		irq_test_use(&a64_irq_test_board);
		aarch64_qemu_virt.run = irq_test_run;
		aarch64_qemu_virt.secondary_run = irq_test_secondary;
	}
	host_main(&aarch64_qemu_virt, &boot);
}
