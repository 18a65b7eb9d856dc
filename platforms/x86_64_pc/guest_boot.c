/* A Linux VM's boot parameters on a PC (guest_boot.h). */
#include "guest_boot.h"

#include <axaddrspace/pt_format.h>
#include <axdevice/fdt_device.h>
#include <axvm/error.h>
#include <libfdt.h>
#include <stdbool.h>
#include <string.h>
#include <x86_vcpu/boot_tables.h>

#include "acpi_tables.h"
#include "linux_boot.h"
#include "mptable.h"

#define ONE_MIB 0x100000u
#define LAPIC_GPA 0xfee00000u
/* Each memory region gives at most three entries: below the tables, the tables, above 1 MiB. */
#define E820_ENTRIES (3 * AXVM_MAX_MEMORY_REGIONS)
/* The 8042's reset command, written to its command port (its second reg entry). */
#define I8042_COMMAND_ENTRY 1
#define I8042_RESET 0xfe
#define ISA_MAX_IRQ 15

/* The configured image of kind, or NULL. */
static const struct axvm_image *find_image(const struct axvm_config *cfg, enum axvm_image_kind kind)
{
	for (size_t i = 0; i < cfg->image_count; i++) {
		if (cfg->images[i].kind == kind)
			return &cfg->images[i];
	}
	return NULL;
}

/* Whether [gpa, gpa + len) lies inside one memory region of cfg. */
static bool in_one_region(const struct axvm_config *cfg, uint64_t gpa, uint64_t len)
{
	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];

		if (gpa >= m->gpa && gpa - m->gpa <= m->size && len <= m->size - (gpa - m->gpa))
			return true;
	}
	return false;
}

/* Whether the kernel may run where the configuration loads it: at its own load address, or
 * for a relocatable kernel at any multiple of its alignment from 1 MiB up. */
static bool kernel_placed(const struct linux_x86_image *img, uint64_t gpa)
{
	if (gpa == img->load_address)
		return true;
	return img->relocatable && img->kernel_alignment && gpa >= ONE_MIB &&
	       gpa % img->kernel_alignment == 0;
}

_Static_assert(E820_ENTRIES <= LINUX_E820_MAX, "boot_params holds every entry");

/* Appends [start, end), when not empty, as an entry of type to the map. */
static void e820_add(struct linux_e820_entry *map, size_t *count, uint64_t start, uint64_t end,
		     uint32_t type)
{
	if (start < end)
		map[(*count)++] = (struct linux_e820_entry){start, end - start, type};
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The memory regions as RAM (reserved where the guest may not write), without the PC's hole
 * from the ACPI tables to 1 MiB, of which the tables and the MP table are reserved; returns the
 * entry count. */
static size_t build_e820(const struct axvm_config *cfg, struct linux_e820_entry *map)
{
	size_t count = 0;

	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];
		uint64_t end = m->gpa + m->size;
		uint32_t type = m->flags & AXMAP_WRITE ? LINUX_E820_RAM : LINUX_E820_RESERVED;

		e820_add(map, &count, m->gpa, min_u64(end, GUEST_BOOT_ACPI_GPA), type);
		e820_add(map, &count, max_u64(m->gpa, GUEST_BOOT_ACPI_GPA),
			 min_u64(end, GUEST_BOOT_BASE_MEMORY_END), LINUX_E820_RESERVED);
		e820_add(map, &count, max_u64(m->gpa, ONE_MIB), end, type);
	}
	return count;
}

/* The first configured device that answers to compatible, or NULL. */
static const struct axvm_device *find_device(const struct axvm_config *cfg, const char *compatible)
{
	for (size_t i = 0; i < cfg->device_count; i++) {
		if (!strcmp(cfg->devices[i].compatible, compatible))
			return &cfg->devices[i];
	}
	return NULL;
}

/* The I/O port of window `entry` of a device (its reg entry, read as axdevice reads it); false
 * when it has no such window in the port space. */
static bool isa_port(const struct axvm_config *cfg, const struct axvm_device *d, unsigned entry,
		     uint16_t *port)
{
	struct axdevice_fdt_window w[AXDEVICE_MAX_WINDOWS];
	unsigned count = 0;

	if (axdevice_fdt_windows(cfg->fdt, d->node, w, &count, NULL) || entry >= count ||
	    w[entry].space != AXDEVICE_PORT_IO)
		return false;
	*port = (uint16_t)w[entry].base;
	return true;
}

/* The ISA IRQ of a device: the first cell of its interrupts (the I/O APIC pin, which is the
 * ISA IRQ: the MP table and the MADT map them one to one but for IRQ 0); false when it has
 * none or one above the ISA IRQs. */
static bool isa_irq(const struct axvm_config *cfg, const struct axvm_device *d, uint8_t *irq)
{
	int len;
	const fdt32_t *cells = fdt_getprop(cfg->fdt, d->node, "interrupts", &len);

	if (!cells || len < (int)sizeof(*cells) || fdt32_ld(cells) > ISA_MAX_IRQ)
		return false;
	*irq = (uint8_t)fdt32_ld(cells);
	return true;
}

/* The ACPI tables' configuration: false when the VM has no ACPI sleep registers (it gets no
 * tables). Without an 8042 the tables name no reset register; without a 16550 in the port
 * space with an ISA IRQ, no serial port. */
static bool acpi_config(const struct axvm_config *cfg, const struct mptable_config *mp,
			struct acpi_tables_config *a)
{
	const struct axvm_device *sleep = find_device(cfg, GUEST_BOOT_ACPI_SLEEP_COMPATIBLE);
	const struct axvm_device *kbc = find_device(cfg, GUEST_BOOT_I8042_COMPATIBLE);
	const struct axvm_device *uart = find_device(cfg, GUEST_BOOT_UART_COMPATIBLE);

	*a = (struct acpi_tables_config){.cpu_count = mp->cpu_count,
					 .lapic_addr = mp->lapic_addr,
					 .ioapic_addr = mp->ioapic_addr};
	if (!sleep || !isa_port(cfg, sleep, 0, &a->sleep_port))
		return false;
	if (kbc && isa_port(cfg, kbc, I8042_COMMAND_ENTRY, &a->reset_port))
		a->reset_value = I8042_RESET;
	if (uart && (!isa_port(cfg, uart, 0, &a->com_port) || !isa_irq(cfg, uart, &a->com_irq)))
		a->com_port = 0;
	return true;
}

/* Checks the entry: the kernel's 32-bit entry at load_gpa without boot tables, or its 64-bit
 * entry past it with them, its init_size (need) inside what they map. */
static int check_entry(const struct axvm_config *cfg, const struct linux_x86_image *img,
		       uint64_t load_gpa, uint64_t need, struct ax_diag *diag)
{
	if (cfg->entry == load_gpa) {
		if (cfg->boot_tables)
			return ax_diag_set(diag, AXERR_BAD_CONFIG,
					   "boot-tables are for the kernel's 64-bit entry, "
					   "load-addr + 0x%x",
					   LINUX_ENTRY_64_OFFSET);
		return AX_OK;
	}
	if (cfg->entry != load_gpa + LINUX_ENTRY_64_OFFSET)
		return ax_diag_set(
		    diag, AXERR_BAD_CONFIG,
		    "entry 0x%llx is neither the kernel's 32-bit entry (its load-addr) "
		    "nor its 64-bit entry (load-addr + 0x%x)",
		    (unsigned long long)cfg->entry, LINUX_ENTRY_64_OFFSET);
	if (!img->entry_64)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "the kernel has no 64-bit entry");
	if (!cfg->boot_tables)
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "the 64-bit entry starts on page tables: boot-tables must say "
				   "where they go");
	if (load_gpa + need > X86_BOOT_IDENTITY_END)
		return ax_diag_set(
		    diag, AXERR_BAD_CONFIG,
		    "the 64-bit entry's page tables map the first 4 GiB: the kernel's "
		    "0x%llx bytes from 0x%llx reach past them",
		    (unsigned long long)need, (unsigned long long)load_gpa);
	return AX_OK;
}

/* Checks where the kernel goes and how vCPU 0 enters it. */
static int check_kernel(const struct axvm_config *cfg, const struct linux_x86_image *img,
			uint64_t load_gpa, struct ax_diag *diag)
{
	uint64_t need = img->init_size > img->kernel_size ? img->init_size : img->kernel_size;

	if (!kernel_placed(img, load_gpa))
		return ax_diag_set(
		    diag, AXERR_BAD_CONFIG,
		    "the kernel cannot run at 0x%llx: it goes at 0x%x%s, alignment 0x%x",
		    (unsigned long long)load_gpa, img->load_address,
		    img->relocatable ? " or from 1 MiB up" : "", img->kernel_alignment);
	if (!in_one_region(cfg, load_gpa, need))
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "the kernel needs 0x%llx bytes of one memory region from 0x%llx",
				   (unsigned long long)need, (unsigned long long)load_gpa);
	return check_entry(cfg, img, load_gpa, need, diag);
}

/* Checks that the boot parameters at gpa, size bytes, hold the boot_params page and the command
 * line below the ACPI tables, then the boot tables (0: none), page-aligned, and reach over the
 * MP table of cpu_count CPUs. */
static int check_layout(uint64_t gpa, size_t size, size_t cmdline_len, uint64_t tables,
			uint32_t cpu_count, struct ax_diag *diag)
{
	uint64_t mp_off = GUEST_BOOT_MPTABLE_GPA - gpa;
	uint64_t below = tables ? tables : GUEST_BOOT_ACPI_GPA;

	if (gpa > below || LINUX_BOOT_PARAMS_SIZE + cmdline_len + 1 > below - gpa ||
	    mptable_size(cpu_count) > size || mp_off > size - mptable_size(cpu_count))
		return ax_diag_set(
		    diag, AXERR_BAD_CONFIG,
		    "boot-params at 0x%llx (0x%zx bytes) must hold boot_params and "
		    "the %zu-byte command line below 0x%llx and the MP table at 0x%x",
		    (unsigned long long)gpa, size, cmdline_len, (unsigned long long)below,
		    GUEST_BOOT_MPTABLE_GPA);
	if (tables &&
	    (tables % X86_BOOT_TABLES_ALIGN || X86_BOOT_TABLES_SIZE > GUEST_BOOT_ACPI_GPA - tables))
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "boot-tables at 0x%llx must be 4 KiB aligned, their 0x%x bytes "
				   "below 0x%x",
				   (unsigned long long)tables, X86_BOOT_TABLES_SIZE,
				   GUEST_BOOT_ACPI_GPA);
	return AX_OK;
}

int guest_boot_params(const struct axvm_config *cfg, const struct guest_boot_cpu *cpu,
		      struct guest_boot_kernel *kernel_image, size_t initrd_size, void *buf,
		      size_t size, size_t *used, struct ax_diag *diag)
{
	struct linux_e820_entry e820[E820_ENTRIES];
	const struct axvm_image *kernel = find_image(cfg, AXVM_IMAGE_KERNEL);
	const struct axvm_image *params = find_image(cfg, AXVM_IMAGE_BOOT_PARAMS);
	const struct axvm_image *initrd = find_image(cfg, AXVM_IMAGE_INITRD);
	const void *bz = kernel_image->data;
	size_t cmdline_len = cfg->bootargs ? strlen(cfg->bootargs) : 0;
	const struct axvm_device *ioapic = find_device(cfg, GUEST_BOOT_IOAPIC_COMPATIBLE);
	struct mptable_config mp = {
	    .cpu_count = cfg->vcpu_count,
	    .cpu_signature = cpu->signature,
	    .cpu_features = cpu->features,
	    .lapic_addr = LAPIC_GPA,
	    .ioapic_addr = ioapic ? (uint32_t)ioapic->gpa : 0,
	};
	struct acpi_tables_config acpi;
	bool with_acpi;
	struct linux_x86_boot boot = {.e820 = e820};
	struct linux_x86_image img;
	uint8_t *out = buf;
	uint64_t mp_off;
	int err;

	if (!kernel || !params || !bz)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "boot-params need a kernel");
	err = linux_x86_parse(bz, kernel_image->size, &img);
	if (err)
		return ax_diag_set(diag, AXERR_INVALID,
				   "the kernel is no bzImage of boot protocol "
				   "2.10 or later");
	err = check_kernel(cfg, &img, kernel->load_gpa, diag);
	if (!err)
		err = check_layout(params->load_gpa, size, cmdline_len, cfg->boot_tables,
				   mp.cpu_count, diag);
	if (err)
		return err;
	if (!ioapic || !ioapic->gpa || ioapic->gpa > UINT32_MAX)
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "no %s device below 4 GiB for the MP table",
				   GUEST_BOOT_IOAPIC_COMPATIBLE);
	with_acpi = acpi_config(cfg, &mp, &acpi);
	if (with_acpi &&
	    acpi_tables_size(mp.cpu_count) > GUEST_BOOT_MPTABLE_GPA - GUEST_BOOT_ACPI_GPA)
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "no room for the ACPI tables of %u vCPUs", mp.cpu_count);
	boot.e820_count = build_e820(cfg, e820);
	boot.acpi_rsdp = with_acpi ? GUEST_BOOT_ACPI_GPA : 0;
	if (cmdline_len) {
		boot.cmdline_gpa = params->load_gpa + LINUX_BOOT_PARAMS_SIZE;
		boot.cmdline_len = cmdline_len;
	}
	if (initrd && initrd_size) {
		boot.initrd_gpa = initrd->load_gpa;
		boot.initrd_size = initrd_size;
	}
	mp_off = GUEST_BOOT_MPTABLE_GPA - params->load_gpa;
	memset(out, 0, mp_off);
	if (linux_x86_boot_params(bz, &img, &boot, out))
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "the kernel takes neither this command line (%zu bytes, at most "
				   "%u) nor an initrd ending past 0x%x",
				   cmdline_len, img.cmdline_max, img.initrd_addr_max);
	if (mptable_write(&mp, GUEST_BOOT_MPTABLE_GPA, out + mp_off, size - mp_off) ||
	    (with_acpi && acpi_tables_write(&acpi, GUEST_BOOT_ACPI_GPA,
					    out + (GUEST_BOOT_ACPI_GPA - params->load_gpa),
					    GUEST_BOOT_MPTABLE_GPA - GUEST_BOOT_ACPI_GPA)))
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "no MP table or ACPI tables for %u vCPUs", mp.cpu_count);
	if (cmdline_len)
		memcpy(out + LINUX_BOOT_PARAMS_SIZE, cfg->bootargs, cmdline_len);
	if (cfg->boot_tables && x86_boot_tables_write(out + (cfg->boot_tables - params->load_gpa),
						      X86_BOOT_TABLES_SIZE, cfg->boot_tables))
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "no boot tables at 0x%llx",
				   (unsigned long long)cfg->boot_tables);
	kernel_image->data = (const uint8_t *)bz + img.setup_size;
	kernel_image->size = img.kernel_size;
	*used = mp_off + mptable_size(mp.cpu_count);
	return AX_OK;
}
