#include "acpi_madt.h"

#include <stdbool.h>
#include <string.h>

#include "bytes.h"

#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_SEARCH_BYTES 1024
#define EBDA_END 0xa0000
#define BIOS_AREA_BASE 0xe0000
#define BIOS_AREA_END 0x100000
#define RSDP_ALIGN 16

#define RSDP_V1_SIZE 20
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_V2_SIZE 36

#define SDT_LENGTH 4
#define SDT_HEADER_SIZE 36
#define SDT_MAX_SIZE (1u << 20)

#define MADT_ENTRIES 44
#define MADT_LOCAL_APIC 0
#define MADT_LOCAL_X2APIC 9
#define MADT_ENABLED 1u

static bool rsdp_valid(const struct phys_view *v, uint64_t pa)
{
	const uint8_t *p = phys_map(v, pa, RSDP_V1_SIZE);
	uint32_t length;

	if (!p || memcmp(p, "RSD PTR ", 8) != 0 || byte_sum(p, RSDP_V1_SIZE) != 0)
		return false;
	if (p[RSDP_REVISION] < 2)
		return true;
	p = phys_map(v, pa, RSDP_V2_SIZE);
	if (!p)
		return false;
	length = (uint32_t)le_get(p + RSDP_LENGTH, 4);
	if (length < RSDP_V2_SIZE)
		return false;
	p = phys_map(v, pa, length);
	return p && byte_sum(p, length) == 0;
}

static bool rsdp_scan(const struct phys_view *v, uint64_t base, uint64_t end, uint64_t *rsdp_pa)
{
	for (uint64_t pa = base; pa + RSDP_V1_SIZE <= end; pa += RSDP_ALIGN) {
		if (rsdp_valid(v, pa)) {
			*rsdp_pa = pa;
			return true;
		}
	}
	return false;
}

enum acpi_err acpi_find_rsdp(const struct phys_view *v, uint64_t *rsdp_pa)
{
	const uint8_t *bda = phys_map(v, BDA_EBDA_SEGMENT, 2);

	if (bda) {
		uint64_t ebda = (uint64_t)(uint16_t)le_get(bda, 2) << 4;

		if (ebda && ebda < EBDA_END &&
		    rsdp_scan(v, ebda, ebda + EBDA_SEARCH_BYTES, rsdp_pa))
			return ACPI_OK;
	}
	return rsdp_scan(v, BIOS_AREA_BASE, BIOS_AREA_END, rsdp_pa) ? ACPI_OK : ACPI_NO_RSDP;
}

/* Maps the whole table at pa after checking its length and checksum; NULL if either is bad. */
static const uint8_t *map_table(const struct phys_view *v, uint64_t pa, uint32_t *len)
{
	const uint8_t *t = phys_map(v, pa, SDT_HEADER_SIZE);
	uint32_t length;

	if (!t)
		return NULL;
	length = (uint32_t)le_get(t + SDT_LENGTH, 4);
	if (length < SDT_HEADER_SIZE || length > SDT_MAX_SIZE)
		return NULL;
	t = phys_map(v, pa, length);
	if (!t || byte_sum(t, length) != 0)
		return NULL;
	*len = length;
	return t;
}

enum acpi_err acpi_find_table(const struct phys_view *v, uint64_t rsdp_pa, const char *sig,
			      uint64_t *table_pa)
{
	const uint8_t *rsdp = phys_map(v, rsdp_pa, RSDP_V1_SIZE);
	uint64_t root, entry_size = 4;
	const char *root_sig = "RSDT";
	const uint8_t *t;
	uint32_t len;

	if (!rsdp)
		return ACPI_NO_RSDP;
	root = (uint32_t)le_get(rsdp + RSDP_RSDT, 4);
	if (rsdp[RSDP_REVISION] >= 2) {
		const uint8_t *v2 = phys_map(v, rsdp_pa, RSDP_V2_SIZE);

		if (v2 && le_get(v2 + RSDP_XSDT, 8)) {
			root = le_get(v2 + RSDP_XSDT, 8);
			entry_size = 8;
			root_sig = "XSDT";
		}
	}
	t = map_table(v, root, &len);
	if (!t || memcmp(t, root_sig, 4) != 0)
		return ACPI_BAD_TABLE;
	for (uint64_t off = SDT_HEADER_SIZE; off + entry_size <= len; off += entry_size) {
		uint64_t pa = entry_size == 8 ? le_get(t + off, 8) : (uint32_t)le_get(t + off, 4);
		const uint8_t *h = phys_map(v, pa, SDT_HEADER_SIZE);
		uint32_t table_len;

		if (!h || memcmp(h, sig, 4) != 0)
			continue;
		if (!map_table(v, pa, &table_len))
			return ACPI_BAD_TABLE;
		*table_pa = pa;
		return ACPI_OK;
	}
	return ACPI_NO_TABLE;
}

static void add_cpu(struct acpi_madt_info *out, uint32_t apic_id)
{
	for (size_t i = 0; i < out->cpu_count; i++) {
		if (out->apic_ids[i] == apic_id)
			return;
	}
	if (out->cpu_count == ACPI_MADT_MAX_CPUS)
		out->cpus_dropped++;
	else
		out->apic_ids[out->cpu_count++] = apic_id;
}

enum acpi_err acpi_madt_parse(const struct phys_view *v, uint64_t madt_pa,
			      struct acpi_madt_info *out)
{
	uint32_t len;
	const uint8_t *t = map_table(v, madt_pa, &len);

	memset(out, 0, sizeof(*out));
	if (!t || memcmp(t, "APIC", 4) != 0 || len < MADT_ENTRIES)
		return ACPI_BAD_TABLE;
	for (uint32_t off = MADT_ENTRIES; off < len;) {
		const uint8_t *e = t + off;
		uint8_t elen;

		if (len - off < 2 || e[1] < 2 || e[1] > len - off)
			return ACPI_BAD_TABLE;
		elen = e[1];
		if (e[0] == MADT_LOCAL_APIC) {
			if (elen < 8)
				return ACPI_BAD_TABLE;
			if ((uint32_t)le_get(e + 4, 4) & MADT_ENABLED)
				add_cpu(out, e[3]);
		} else if (e[0] == MADT_LOCAL_X2APIC) {
			if (elen < 16)
				return ACPI_BAD_TABLE;
			if ((uint32_t)le_get(e + 8, 4) & MADT_ENABLED)
				add_cpu(out, (uint32_t)le_get(e + 4, 4));
		}
		off += elen;
	}
	return ACPI_OK;
}

const char *acpi_strerror(enum acpi_err err)
{
	switch (err) {
	case ACPI_OK:
		return "ok";
	case ACPI_NO_RSDP:
		return "no RSDP in the EBDA or the BIOS area";
	case ACPI_BAD_TABLE:
		return "malformed table or bad checksum";
	case ACPI_NO_TABLE:
		return "table not found";
	}
	return "unknown error";
}
