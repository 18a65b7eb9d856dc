#include "multiboot.h"

#include <stdbool.h>
#include <string.h>

#define STRING_MAX 4096
#define MODULES_MAX 256
#define UPPER_MEMORY_BASE 0x100000 /* mem_upper counts from 1 MiB */

/* Finds the NUL-terminated string at pa (at most STRING_MAX bytes) and reserves it. */
static enum multiboot_err take_string(const struct phys_view *v, uint64_t pa,
				      struct mem_ranges *reserved, const char **out)
{
	for (uint64_t n = 0; n < STRING_MAX; n++) {
		const char *c = phys_map(v, pa + n, 1);

		if (!c)
			return MULTIBOOT_BAD_STRING;
		if (*c != '\0')
			continue;
		*out = phys_map(v, pa, n + 1);
		if (!*out)
			return MULTIBOOT_BAD_STRING;
		return mem_ranges_add(reserved, pa, n + 1) ? MULTIBOOT_OK : MULTIBOOT_TOO_MANY;
	}
	return MULTIBOOT_BAD_STRING;
}

/* Adds every available entry of the memory map to out->memory and reserves the map. */
static enum multiboot_err parse_mmap(const struct phys_view *v, const struct multiboot_info *mbi,
				     struct multiboot_boot *out)
{
	uint64_t pa = mbi->mmap_addr;
	uint64_t end = pa + mbi->mmap_length;

	if (!phys_map(v, pa, mbi->mmap_length))
		return MULTIBOOT_BAD_MMAP;
	if (!mem_ranges_add(&out->reserved, pa, mbi->mmap_length))
		return MULTIBOOT_TOO_MANY;
	while (pa < end) {
		struct multiboot_mmap_entry e;

		if (end - pa < sizeof(e))
			return MULTIBOOT_BAD_MMAP;
		memcpy(&e, phys_map(v, pa, sizeof(e)), sizeof(e));
		if (e.size < sizeof(e) - sizeof(e.size) || e.size > end - pa - sizeof(e.size))
			return MULTIBOOT_BAD_MMAP;
		if (e.addr + e.len < e.addr)
			return MULTIBOOT_BAD_MMAP;
		if (e.type == MULTIBOOT_MEMORY_AVAILABLE &&
		    !mem_ranges_add(&out->memory, e.addr, e.len))
			return MULTIBOOT_TOO_MANY;
		pa += sizeof(e.size) + (uint64_t)e.size;
	}
	return MULTIBOOT_OK;
}

/* Reserves the module list, every module and its string; the first module is the bundle. */
static enum multiboot_err reserve_modules(const struct phys_view *v,
					  const struct multiboot_info *mbi,
					  struct multiboot_boot *out)
{
	uint64_t bytes = (uint64_t)mbi->mods_count * sizeof(struct multiboot_module);
	const struct multiboot_module *mods;

	if (mbi->mods_count > MODULES_MAX)
		return MULTIBOOT_BAD_INFO;
	mods = phys_map(v, mbi->mods_addr, bytes);
	if (!mods)
		return MULTIBOOT_BAD_INFO;
	if (!mem_ranges_add(&out->reserved, mbi->mods_addr, bytes))
		return MULTIBOOT_TOO_MANY;
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		struct multiboot_module m;
		const char *name;
		enum multiboot_err err;

		memcpy(&m, &mods[i], sizeof(m));
		if (m.mod_end < m.mod_start)
			return MULTIBOOT_BAD_INFO;
		if (!mem_ranges_add(&out->reserved, m.mod_start, m.mod_end - m.mod_start))
			return MULTIBOOT_TOO_MANY;
		if (i == 0) {
			out->module_start = m.mod_start;
			out->module_size = m.mod_end - m.mod_start;
		}
		if (m.string) {
			err = take_string(v, m.string, &out->reserved, &name);
			if (err)
				return err;
		}
	}
	return MULTIBOOT_OK;
}

/* Fills out->memory from mem_lower/mem_upper, for loaders without a memory map. */
static enum multiboot_err basic_memory(const struct multiboot_info *mbi, struct multiboot_boot *out)
{
	if (!mem_ranges_add(&out->memory, 0, (uint64_t)mbi->mem_lower << 10) ||
	    !mem_ranges_add(&out->memory, UPPER_MEMORY_BASE, (uint64_t)mbi->mem_upper << 10))
		return MULTIBOOT_TOO_MANY;
	return MULTIBOOT_OK;
}

enum multiboot_err multiboot_parse(uint32_t magic, uint64_t info_pa, const struct phys_view *view,
				   struct multiboot_boot *out)
{
	const void *p = phys_map(view, info_pa, sizeof(struct multiboot_info));
	struct multiboot_info mbi;
	enum multiboot_err err = MULTIBOOT_OK;

	mem_ranges_init(&out->memory);
	mem_ranges_init(&out->reserved);
	out->cmdline = "";
	out->loader_name = NULL;
	out->module_start = 0;
	out->module_size = 0;
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return MULTIBOOT_BAD_MAGIC;
	if (!p)
		return MULTIBOOT_BAD_INFO;
	memcpy(&mbi, p, sizeof(mbi));
	mem_ranges_add(&out->reserved, info_pa, sizeof(mbi));

	if (mbi.flags & MULTIBOOT_INFO_MEM_MAP)
		err = parse_mmap(view, &mbi, out);
	else if (mbi.flags & MULTIBOOT_INFO_MEMORY)
		err = basic_memory(&mbi, out);
	if (err)
		return err;
	if (out->memory.count == 0)
		return MULTIBOOT_NO_MEMORY;
	if (mbi.flags & MULTIBOOT_INFO_CMDLINE)
		err = take_string(view, mbi.cmdline, &out->reserved, &out->cmdline);
	if (!err && (mbi.flags & MULTIBOOT_INFO_BOOT_LOADER_NAME))
		err = take_string(view, mbi.boot_loader_name, &out->reserved, &out->loader_name);
	if (!err && (mbi.flags & MULTIBOOT_INFO_MODS))
		err = reserve_modules(view, &mbi, out);
	return err;
}

/* True for GRUB 2 and later ("GRUB 2.06"), false for GRUB legacy ("GNU GRUB 0.97"). */
static bool loader_is_grub2(const char *name)
{
	for (const char *p = name; p && *p; p++) {
		if (strncmp(p, "GRUB ", 5) == 0 && p[5] >= '1' && p[5] <= '9')
			return true;
	}
	return false;
}

const char *multiboot_cmdline_args(const char *cmdline, const char *loader_name)
{
	const char *p = cmdline;

	if (!loader_is_grub2(loader_name)) {
		while (*p && *p != ' ')
			p++;
	}
	while (*p == ' ')
		p++;
	return p;
}

const char *multiboot_strerror(enum multiboot_err err)
{
	switch (err) {
	case MULTIBOOT_OK:
		return "ok";
	case MULTIBOOT_BAD_MAGIC:
		return "not started by a multiboot loader (bad magic)";
	case MULTIBOOT_BAD_INFO:
		return "information structure or module list out of reach";
	case MULTIBOOT_NO_MEMORY:
		return "no available memory reported";
	case MULTIBOOT_BAD_MMAP:
		return "malformed memory map";
	case MULTIBOOT_BAD_STRING:
		return "unterminated or unreachable string";
	case MULTIBOOT_TOO_MANY:
		return "too many memory ranges";
	}
	return "unknown error";
}
