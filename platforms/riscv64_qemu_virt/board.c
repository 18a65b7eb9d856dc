/* The riscv64 QEMU virt hypervisor host: started in HS-mode by OpenSBI. */
#include <board/console.h>
#include <board/fdt_info.h>
#include <axvm/format.h>
#include <board/host.h>
#include <board/vm_board.h>
#include <riscv_vcpu/hart.h>
#include <libfdt.h>
#include <string.h>

#include "sbi.h"
#include "trap.h"
#include "uart_ns16550.h"
#include "vm_hal.h"

extern char __image_start[], __image_end[];
extern char _secondary_start[];

void board_main(uint64_t hart_id, const void *fdt);

static uint64_t finisher_base;
static struct fdt_info fdt;

static void firmware_putc(char c)
{
	sbi_console_putchar(c);
}

__attribute__((noreturn)) static void board_exit(enum host_exit code)
{
	if (finisher_base) {
		volatile uint32_t *finisher = (volatile uint32_t *)(uintptr_t)finisher_base;

		*finisher = code == HOST_EXIT_SUCCESS ? 0x5555 : (0x3333 | (uint32_t)code << 16);
	}
	sbi_system_shutdown(code != HOST_EXIT_SUCCESS);
	for (;;)
		__asm__ volatile("wfi");
}

/* The riscv,isa string of the i-th CPU fdt_info found, or NULL. */
static const char *cpu_isa(const void *blob, size_t i)
{
	return fdt_getprop(blob, fdt.cpu_nodes[i], "riscv,isa", NULL);
}

/* True if the riscv,isa string names the single-letter extension ext ("rv64imafdch_zicsr"). */
static bool isa_has(const char *isa, char ext)
{
	if (!isa || strncmp(isa, "rv64", 4) != 0)
		return false;
	for (const char *p = isa + 4; *p && *p != '_'; p++) {
		if (*p == ext)
			return true;
	}
	return false;
}

/* The H extension and what its G-stage offers: the backend's probe. */
static bool riscv_virt_detect(char *detail, size_t len)
{
	return riscv_vcpu_probe_hart(detail, len);
}

/* Which hart the boot CPU is starting, and as which CPU index: for a hart that OpenSBI sends to
 * _start instead of _secondary_start (start.S). */
volatile uint64_t boot_starting_hart = UINT64_MAX;
volatile uint64_t boot_starting_index;

static bool riscv_cpu_start(size_t index, uint64_t hart_id)
{
	long err;

	boot_starting_index = index;
	__atomic_store_n(&boot_starting_hart, hart_id, __ATOMIC_RELEASE);
	err = sbi_hart_start(hart_id, (uint64_t)(uintptr_t)_secondary_start, index);
	return err == 0;
}

/* Loads from the firmware's own memory, which OpenSBI protects from S-mode with a PMP. */
static void riscv_bad_access(void)
{
	uint64_t addr = fdt.reserved.count ? fdt.reserved.r[0].base : 0;

	kprintf("loading from 0x%llx (firmware-reserved)\n", (unsigned long long)addr);
	(void)*(volatile uint64_t *)(uintptr_t)addr;
}

static void riscv_cpu_relax(void)
{
	__asm__ volatile("nop");
}

static const struct board_ops riscv64_qemu_virt = {
    .name = "riscv64_qemu_virt",
    .arch = "riscv64",
    .virt_detect = riscv_virt_detect,
    .cpu_start = riscv_cpu_start,
    .bad_access = riscv_bad_access,
    .exit = board_exit,
    .cpu_relax = riscv_cpu_relax,
    .run = vm_board_run,
    .secondary_run = vm_board_run_secondary,
};

/* /cpus timebase-frequency: the rate of the time CSR. */
static uint64_t timebase_frequency(const void *blob)
{
	int cpus = fdt_path_offset(blob, "/cpus");
	int len;
	const fdt32_t *p = cpus >= 0 ? fdt_getprop(blob, cpus, "timebase-frequency", &len) : NULL;

	return p && len == 4 ? fdt32_to_cpu(*p) : 0;
}

static struct host_boot_info boot;

/* The host's devices VMs may have for their own (pass-through): only ones that cannot reach
 * memory by DMA, since nothing here (no IOMMU) would keep their DMA inside the VM. The host's
 * console, interrupt controllers, timers, power control, firmware interface and buses stay
 * the host's. */
static const char *const vm_device_models[] = {"google,goldfish-rtc", "cfi-flash", NULL};
static struct mem_ranges vm_devices;

void board_main(uint64_t hart_id, const void *blob)
{
	enum fdt_info_err err;

	console_init(firmware_putc);
	err = fdt_info_parse(blob, &fdt);
	if (err) {
		kprintf("devicetree at %p: %s\n", blob, fdt_info_strerror(err));
		board_exit(HOST_EXIT_FAILURE);
	}
	fdt_find_compatible_reg(blob, "sifive,test0", &finisher_base);
	if (fdt.stdout_base) {
		ns16550_init(fdt.stdout_base);
		console_init(ns16550_putc);
	}

	boot.memory = fdt.memory;
	boot.reserved = fdt.reserved;
	mem_ranges_add(&boot.reserved, (uint64_t)(uintptr_t)__image_start,
		       (uint64_t)(__image_end - __image_start));
	mem_ranges_add(&boot.reserved, (uint64_t)(uintptr_t)blob, fdt.fdt_size);
	mem_ranges_add(&boot.reserved, fdt.initrd_start, fdt.initrd_end - fdt.initrd_start);
	boot.bootargs = fdt.bootargs;
	boot.firmware = "OpenSBI (devicetree)";
	boot.cpu_ids[boot.cpu_count++] = hart_id;
	for (size_t i = 0; i < fdt.cpu_count && boot.cpu_count < HOST_MAX_CPUS; i++) {
		if (fdt.cpu_ids[i] != hart_id)
			boot.cpu_ids[boot.cpu_count++] = fdt.cpu_ids[i];
	}
	for (size_t i = 0; i < fdt.cpu_count; i++) {
		if (fdt.cpu_ids[i] == hart_id && !isa_has(cpu_isa(blob, i), 'h'))
			kprintf("devicetree: hart %llu riscv,isa \"%s\" lacks 'h'\n",
				(unsigned long long)hart_id,
				cpu_isa(blob, i) ? cpu_isa(blob, i) : "");
	}
	mem_ranges_init(&vm_devices);
	if (fdt_compatible_ranges(blob, vm_device_models, &vm_devices) != FDT_INFO_OK)
		kprintf("devicetree: device windows for VMs unreadable: none offered\n");
	vm_hal_setup(&boot, timebase_frequency(blob), cpu_isa(blob, 0), fdt.initrd_start,
		     fdt.initrd_end - fdt.initrd_start, &vm_devices);
	host_main(&riscv64_qemu_virt, &boot);
}
