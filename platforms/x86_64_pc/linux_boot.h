/* Booting a Linux x86 bzImage in a VM (Documentation/arch/x86/boot.rst, "The Linux/x86 Boot
 * Protocol", version 2.10 and later): the setup header read from the image, where its
 * protected-mode kernel goes, and the boot_params page ("zero page") the kernel is entered with
 * (the 32-bit entry at the load address, or the 64-bit one 0x200 past it, rsi/esi pointing at
 * it): the header copied in, the loader's fields, the command line, the initrd and the e820
 * memory map. Pure computation on byte buffers, unit-tested on the host. */
#ifndef X86_64_PC_LINUX_BOOT_H
#define X86_64_PC_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINUX_BOOT_PARAMS_SIZE 4096
#define LINUX_ENTRY_64_OFFSET 0x200 /* the 64-bit entry, from the load address */
#define LINUX_E820_MAX 128	    /* entries boot_params holds */

/* What the setup header of a bzImage says. */
struct linux_x86_image {
	uint16_t version;	   /* boot protocol version, 0x020a or later */
	size_t setup_size;	   /* bytes before the protected-mode kernel */
	size_t kernel_size;	   /* bytes of the protected-mode kernel (the rest of the file) */
	uint32_t load_address;	   /* code32_start: where a non-relocated kernel goes */
	uint64_t pref_address;	   /* where a relocatable kernel prefers to go */
	uint32_t kernel_alignment; /* a relocatable kernel's load alignment */
	bool relocatable;	   /* may be loaded at another kernel_alignment multiple */
	bool entry_64;		   /* has the 64-bit entry point (XLF_KERNEL_64) */
	bool initrd_above_4g;	   /* may take an initrd above 4 GiB (XLF_CAN_BE_LOADED_ABOVE_4G) */
	uint32_t init_size;	   /* bytes of memory the kernel needs from its load address */
	uint32_t cmdline_max;	   /* the longest command line it takes, without the NUL */
	uint32_t initrd_addr_max;  /* the highest address the initrd's last byte may have */
};

/* Reads the setup header of the bzImage image[0, size). Returns 0 and fills *out; AXERR_INVALID
 * when the image is no bzImage (too small, no 0xAA55 boot flag, no "HdrS", a setup or kernel
 * part past its end) or was loaded high by nothing (LOADED_HIGH clear: a zImage);
 * AXERR_UNSUPPORTED for a boot protocol before 2.10. */
int linux_x86_parse(const void *image, size_t size, struct linux_x86_image *out);

/* One e820 memory map entry. */
struct linux_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

#define LINUX_E820_RAM 1
#define LINUX_E820_RESERVED 2

/* What the loader placed where, for boot_params. */
struct linux_x86_boot {
	uint64_t cmdline_gpa; /* 0: no command line */
	size_t cmdline_len;   /* without the NUL the loader wrote after it */
	uint64_t initrd_gpa;  /* 0: no initrd */
	uint64_t initrd_size;
	const struct linux_e820_entry *e820;
	size_t e820_count;
	uint64_t acpi_rsdp; /* 0: the kernel looks for it (or for an MP table) itself */
};

/* Writes the boot_params page for image (parsed as img) into params (LINUX_BOOT_PARAMS_SIZE
 * bytes): zeroed, the setup header copied from the image, type_of_loader 0xff, the command
 * line, initrd and RSDP addresses, and the e820 map. Returns 0; AXERR_INVALID for a command
 * line longer than the kernel takes or placed above 4 GiB, an initrd past initrd_addr_max (or
 * above 4 GiB for a kernel that cannot take that), more than LINUX_E820_MAX entries or an
 * entry that wraps. */
int linux_x86_boot_params(const void *image, const struct linux_x86_image *img,
			  const struct linux_x86_boot *boot, uint8_t *params);

#endif
