/* The Linux/x86 boot protocol's setup header and boot_params (linux_boot.h). Offsets are those
 * of struct boot_params and struct setup_header (arch/x86/include/uapi/asm/bootparam.h). */
#include "linux_boot.h"

#include <axvm/error.h>
#include <string.h>

#include "bytes.h"

/* boot_params. */
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_E820_ENTRIES 0x1e8
#define BP_HDR 0x1f1
#define BP_HDR_END 0x290 /* the first byte after struct setup_header */
#define BP_E820_TABLE 0x2d0
#define E820_ENTRY_SIZE 20

/* setup_header, at its offsets in the image and in boot_params alike. */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200 /* a short jump: its second byte is the header's length past 0x202 */
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_MIN_IMAGE 0x264 /* the image must hold the header up to init_size */

#define BOOT_FLAG 0xaa55
#define HDRS_MAGIC 0x53726448 /* "HdrS" */
#define LOADED_HIGH (1u << 0)
#define XLF_KERNEL_64 (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define LOADER_UNDEFINED 0xff
#define SECTOR 512
#define FOUR_GIB (1ull << 32)

/* The offset just past the setup header the image carries. */
static size_t header_end(const uint8_t *b)
{
	return HDR_MAGIC + b[HDR_JUMP + 1];
}

int linux_x86_parse(const void *image, size_t size, struct linux_x86_image *out)
{
	const uint8_t *b = image;
	struct linux_x86_image img = {0};
	size_t sects;

	if (size < HDR_MIN_IMAGE || le_get(b + HDR_BOOT_FLAG, 2) != BOOT_FLAG ||
	    le_get(b + HDR_MAGIC, 4) != HDRS_MAGIC)
		return AXERR_INVALID;
	img.version = (uint16_t)le_get(b + HDR_VERSION, 2);
	if (img.version < 0x020a)
		return AXERR_UNSUPPORTED;
	sects = b[HDR_SETUP_SECTS] ? b[HDR_SETUP_SECTS] : 4;
	img.setup_size = (sects + 1) * SECTOR;
	/* The header ends by 0x301 (0x202 plus a byte): inside the setup's two sectors or
	 * more. */
	if (img.setup_size >= size || !(b[HDR_LOADFLAGS] & LOADED_HIGH))
		return AXERR_INVALID;
	img.kernel_size = size - img.setup_size;
	img.load_address = (uint32_t)le_get(b + HDR_CODE32_START, 4);
	img.pref_address = le_get(b + HDR_PREF_ADDRESS, 8);
	img.kernel_alignment = (uint32_t)le_get(b + HDR_KERNEL_ALIGNMENT, 4);
	img.relocatable = b[HDR_RELOCATABLE] != 0;
	if (img.version >= 0x020c) {
		uint16_t xloadflags = (uint16_t)le_get(b + HDR_XLOADFLAGS, 2);

		img.entry_64 = xloadflags & XLF_KERNEL_64;
		img.initrd_above_4g = xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
	}
	img.init_size = (uint32_t)le_get(b + HDR_INIT_SIZE, 4);
	img.cmdline_max = (uint32_t)le_get(b + HDR_CMDLINE_SIZE, 4);
	img.initrd_addr_max = (uint32_t)le_get(b + HDR_INITRD_ADDR_MAX, 4);
	*out = img;
	return AX_OK;
}

/* Whether the initrd may go where boot puts it. */
static bool initrd_fits(const struct linux_x86_image *img, const struct linux_x86_boot *boot)
{
	uint64_t last;

	if (!boot->initrd_gpa)
		return true;
	if (!boot->initrd_size || boot->initrd_gpa + boot->initrd_size < boot->initrd_gpa)
		return false;
	last = boot->initrd_gpa + boot->initrd_size - 1;
	return img->initrd_above_4g || last <= img->initrd_addr_max;
}

static bool e820_valid(const struct linux_x86_boot *boot)
{
	if (boot->e820_count > LINUX_E820_MAX)
		return false;
	for (size_t i = 0; i < boot->e820_count; i++) {
		const struct linux_e820_entry *e = &boot->e820[i];

		if (!e->size || e->addr + e->size < e->addr)
			return false;
	}
	return true;
}

int linux_x86_boot_params(const void *image, const struct linux_x86_image *img,
			  const struct linux_x86_boot *boot, uint8_t *params)
{
	const uint8_t *b = image;
	size_t end = header_end(b) < BP_HDR_END ? header_end(b) : BP_HDR_END;

	if ((boot->cmdline_gpa && (boot->cmdline_len > img->cmdline_max ||
				   boot->cmdline_gpa + boot->cmdline_len >= FOUR_GIB)) ||
	    !initrd_fits(img, boot) || !e820_valid(boot))
		return AXERR_INVALID;
	memset(params, 0, LINUX_BOOT_PARAMS_SIZE);
	memcpy(params + BP_HDR, b + BP_HDR, end - BP_HDR);
	params[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	le_put(params + HDR_CMD_LINE_PTR, 4, boot->cmdline_gpa);
	le_put(params + HDR_RAMDISK_IMAGE, 4, boot->initrd_gpa);
	le_put(params + BP_EXT_RAMDISK_IMAGE, 4, boot->initrd_gpa >> 32);
	le_put(params + HDR_RAMDISK_SIZE, 4, boot->initrd_size);
	le_put(params + BP_EXT_RAMDISK_SIZE, 4, boot->initrd_size >> 32);
	le_put(params + BP_ACPI_RSDP_ADDR, 8, boot->acpi_rsdp);
	params[BP_E820_ENTRIES] = (uint8_t)boot->e820_count;
	for (size_t i = 0; i < boot->e820_count; i++) {
		uint8_t *e = params + BP_E820_TABLE + i * E820_ENTRY_SIZE;

		le_put(e, 8, boot->e820[i].addr);
		le_put(e + 8, 8, boot->e820[i].size);
		le_put(e + 16, 4, boot->e820[i].type);
	}
	return AX_OK;
}
