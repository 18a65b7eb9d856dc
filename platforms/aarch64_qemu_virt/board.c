/* The aarch64 QEMU virt hypervisor host: an arm64 Image entered at EL2. */
#include <arm_vcpu/el2_features.h>
#include <axvm/format.h>
#include <board/console.h>
#include <board/fdt_info.h>
#include <board/host.h>
#include <stdatomic.h>

#include "asm_defs.h"
#include "exception.h"
#include "psci.h"
#include "semihosting.h"
#include "uart_pl011.h"

_Static_assert(ASM_STACK_SIZE == HOST_STACK_SIZE, "start.S stack size");
_Static_assert(ASM_MAX_CPUS == HOST_MAX_CPUS, "start.S cpu limit");

/* The affinity fields of MPIDR_EL1 (Aff3, Aff2..Aff0): what a /cpus reg holds. */
#define MPIDR_AFFINITY_MASK 0xff00ffffffull

#define read_sysreg(var, name) __asm__ volatile("mrs %0, " #name : "=r"(var))

extern char __image_start[], __image_end[];
extern char _secondary_start[];

void board_main(const void *blob);

static struct fdt_info fdt;
static atomic_bool exiting;
static uint64_t bad_access_addr;
static char firmware[64];

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

static const struct board_ops aarch64_qemu_virt = {
    .name = "aarch64_qemu_virt",
    .arch = "aarch64",
    .virt_detect = a64_virt_detect,
    .cpu_start = a64_cpu_start,
    .bad_access = a64_bad_access,
    .exit = board_exit,
    .cpu_relax = a64_cpu_relax,
};

static struct host_boot_info boot;

static void reserve(uint64_t base, uint64_t size)
{
	if (!mem_ranges_add(&boot.reserved, base, size)) {
		kprintf("too many reserved ranges\n");
		board_exit(HOST_EXIT_FAILURE);
	}
}

/* The boot CPU first (matched by MPIDR_EL1 affinity), then every other CPU of /cpus. */
static void list_cpus(void)
{
	uint64_t mpidr;
	bool found = false;

	read_sysreg(mpidr, mpidr_el1);
	mpidr &= MPIDR_AFFINITY_MASK;
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
	boot.bootargs = fdt.bootargs;
	ax_snprintf(firmware, sizeof(firmware), "the arm64 Image protocol (devicetree at %p)",
		    blob);
	boot.firmware = firmware;
	list_cpus();
	if (!psci_init(blob, &why))
		kprintf("psci: %s; secondary cpus cannot be started\n", why);
	bad_access_addr = fdt.memory.r[fdt.memory.count - 1].end;
	exception_vectors_install();
	host_main(&aarch64_qemu_virt, &boot);
}
