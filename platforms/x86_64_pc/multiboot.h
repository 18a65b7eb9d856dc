/* The multiboot 1 information a loader (GRUB) hands over: memory map, command line, modules. */
#ifndef X86_64_PC_MULTIBOOT_H
#define X86_64_PC_MULTIBOOT_H

#include <board/mem_ranges.h>
#include <stdint.h>

#include "phys_view.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u

#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS (1u << 3)
#define MULTIBOOT_INFO_MEM_MAP (1u << 6)
#define MULTIBOOT_INFO_BOOT_LOADER_NAME (1u << 9)

#define MULTIBOOT_MEMORY_AVAILABLE 1

/* The information structure, up to the fields this host reads (the spec's layout). */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB from 0 */
	uint32_t mem_upper; /* KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
};

/* One memory-map entry; size counts the bytes after itself (the entries are packed). */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

/* One boot module. */
struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
};

/* What the host takes from the multiboot information. */
struct multiboot_boot {
	struct mem_ranges memory;   /* available RAM (memory map type 1) */
	struct mem_ranges reserved; /* the information structure, strings, memory map, modules */
	const char *cmdline;	    /* the kernel command line, "" when none */
	const char *loader_name;    /* the boot loader's name, NULL when none */
	uint64_t module_start;	    /* the first module (the VM bundle) ... */
	uint64_t module_size;	    /* ... and its size, 0 when there is none */
};

/* Error codes of multiboot_parse, each with a message from multiboot_strerror. */
enum multiboot_err {
	MULTIBOOT_OK = 0,
	MULTIBOOT_BAD_MAGIC = -1,
	MULTIBOOT_BAD_INFO = -2,
	MULTIBOOT_NO_MEMORY = -3,
	MULTIBOOT_BAD_MMAP = -4,
	MULTIBOOT_BAD_STRING = -5,
	MULTIBOOT_TOO_MANY = -6,
};

/* Parses the information at physical address info_pa, handed over with magic in eax. RAM
 * comes from the memory map, or from mem_lower/mem_upper when there is none. */
enum multiboot_err multiboot_parse(uint32_t magic, uint64_t info_pa, const struct phys_view *view,
				   struct multiboot_boot *out);

/* The arguments on a multiboot 1 command line, without leading spaces. GRUB 2 passes just
 * the arguments; other loaders (GRUB legacy, QEMU) put the kernel's path first, which is
 * skipped. loader_name may be NULL. */
const char *multiboot_cmdline_args(const char *cmdline, const char *loader_name);

/* A short message for an error code. */
const char *multiboot_strerror(enum multiboot_err err);

#endif
