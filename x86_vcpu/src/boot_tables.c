/* The Linux/x86 64-bit boot protocol's boot tables (boot_tables.h). */
#include <x86_vcpu/boot_tables.h>

#include <axvm/error.h>
#include <string.h>

#define PAGE 0x1000u
#define PDPT_OFFSET 0x2000u
#define PD_OFFSET 0x3000u
#define PDS 4u
#define ENTRIES 512u
#define LARGE_PAGE (1ull << 21)
/* Paging-structure entry flags (SDM Vol. 3A, 4.5): present, writable, a 2 MiB page. */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)
/* Segment descriptors (SDM Vol. 3A, 3.4.5): base 0, limit 0xfffff in 4 KiB units, present,
 * DPL 0; code execute/read with L (64-bit), data read/write with D/B; both accessed. */
#define DESC_CODE64 0x00af9b000000ffffull
#define DESC_DATA 0x00cf93000000ffffull

_Static_assert(PD_OFFSET + PDS * PAGE == X86_BOOT_TABLES_SIZE, "the layout fills the tables");
_Static_assert(PDS *ENTRIES *LARGE_PAGE == X86_BOOT_IDENTITY_END, "the PDs map 4 GiB");

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int x86_boot_tables_write(void *buf, size_t size, uint64_t gpa)
{
	uint8_t *t = buf;

	if (gpa % X86_BOOT_TABLES_ALIGN || gpa > UINT64_MAX - X86_BOOT_TABLES_SIZE ||
	    size < X86_BOOT_TABLES_SIZE)
		return AXERR_INVALID;
	memset(t, 0, X86_BOOT_TABLES_SIZE);
	put_le64(t + X86_BOOT_GDT_OFFSET + X86_BOOT_CS, DESC_CODE64);
	put_le64(t + X86_BOOT_GDT_OFFSET + X86_BOOT_DS, DESC_DATA);
	put_le64(t + X86_BOOT_PML4_OFFSET, (gpa + PDPT_OFFSET) | PTE_P | PTE_RW);
	for (uint64_t d = 0; d < PDS; d++) {
		put_le64(t + PDPT_OFFSET + 8 * d, (gpa + PD_OFFSET + d * PAGE) | PTE_P | PTE_RW);
		for (uint64_t e = 0; e < ENTRIES; e++)
			put_le64(t + PD_OFFSET + d * PAGE + 8 * e,
				 (d * ENTRIES + e) * LARGE_PAGE | PTE_P | PTE_RW | PTE_PS);
	}
	return AX_OK;
}
