/* A Linux VM's boot parameters on a PC (guest_boot.h). */
#include "guest_boot.h"

#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <stdbool.h>
#include <string.h>

#include "linux_boot.h"
#include "mptable.h"

#define ONE_MIB 0x100000u
#define LAPIC_GPA 0xfee00000u
/* Each memory region gives at most two entries: below the hole and above it. */
#define E820_ENTRIES (2 * AXVM_MAX_MEMORY_REGIONS)

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

/* The memory regions as RAM (reserved where the guest may not write), without the PC's hole
 * from the MP table to 1 MiB; returns the entry count. */
static size_t build_e820(const struct axvm_config *cfg, struct linux_e820_entry *map)
{
	size_t count = 0;

	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];
		uint64_t end = m->gpa + m->size;
		uint32_t type = m->flags & AXMAP_WRITE ? LINUX_E820_RAM : LINUX_E820_RESERVED;

		e820_add(map, &count, m->gpa,
			 end < GUEST_BOOT_MPTABLE_GPA ? end : GUEST_BOOT_MPTABLE_GPA, type);
		e820_add(map, &count, m->gpa > ONE_MIB ? m->gpa : ONE_MIB, end, type);
	}
	return count;
}

/* The address of the configured I/O APIC, or 0 when there is none. */
static uint64_t ioapic_gpa(const struct axvm_config *cfg)
{
	for (size_t i = 0; i < cfg->device_count; i++) {
		if (!strcmp(cfg->devices[i].compatible, GUEST_BOOT_IOAPIC_COMPATIBLE))
			return cfg->devices[i].gpa;
	}
	return 0;
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
	if (cfg->entry != load_gpa)
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "entry 0x%llx is not the kernel's 32-bit entry, its load-addr",
				   (unsigned long long)cfg->entry);
	if (!in_one_region(cfg, load_gpa, need))
		return ax_diag_set(diag, AXERR_BAD_CONFIG,
				   "the kernel needs 0x%llx bytes of one memory region from 0x%llx",
				   (unsigned long long)need, (unsigned long long)load_gpa);
	return AX_OK;
}

/* Checks that the boot parameters at gpa, size bytes, hold the boot_params page and the command
 * line before the MP table of cpu_count CPUs, and reach over that table. */
static int check_layout(uint64_t gpa, size_t size, size_t cmdline_len, uint32_t cpu_count,
			struct ax_diag *diag)
{
	uint64_t mp_off = GUEST_BOOT_MPTABLE_GPA - gpa;

	if (gpa > GUEST_BOOT_MPTABLE_GPA || LINUX_BOOT_PARAMS_SIZE + cmdline_len + 1 > mp_off ||
	    mptable_size(cpu_count) > size || mp_off > size - mptable_size(cpu_count))
		return ax_diag_set(
		    diag, AXERR_BAD_CONFIG,
		    "boot-params at 0x%llx (0x%zx bytes) must hold boot_params and "
		    "the %zu-byte command line below 0x%x and the MP table from there",
		    (unsigned long long)gpa, size, cmdline_len, GUEST_BOOT_MPTABLE_GPA);
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
	struct mptable_config mp = {
	    .cpu_count = cfg->vcpu_count,
	    .cpu_signature = cpu->signature,
	    .cpu_features = cpu->features,
	    .lapic_addr = LAPIC_GPA,
	    .ioapic_addr = (uint32_t)ioapic_gpa(cfg),
	};
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
		err = check_layout(params->load_gpa, size, cmdline_len, mp.cpu_count, diag);
	if (err)
		return err;
	if (!mp.ioapic_addr)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "no %s device for the MP table",
				   GUEST_BOOT_IOAPIC_COMPATIBLE);
	boot.e820_count = build_e820(cfg, e820);
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
	if (mptable_write(&mp, GUEST_BOOT_MPTABLE_GPA, out + mp_off, size - mp_off))
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "no MP table for %u vCPUs",
				   mp.cpu_count);
	if (cmdline_len)
		memcpy(out + LINUX_BOOT_PARAMS_SIZE, cfg->bootargs, cmdline_len);
	kernel_image->data = (const uint8_t *)bz + img.setup_size;
	kernel_image->size = img.kernel_size;
	*used = mp_off + mptable_size(mp.cpu_count);
	return AX_OK;
}
