/* The guest's ACPI tables (acpi_tables.h). Offsets are the ACPI 6.0 specification's, chapter 5.2.
 */
#include "acpi_tables.h"

#include <axvm/error.h>
#include <string.h>

#include "bytes.h"

#define FOUR_GIB (1ull << 32)

#define RSDP_SIZE 36
#define HEADER_SIZE 36
#define XSDT_SIZE (HEADER_SIZE + 8 * 2)
#define FADT_SIZE 276
#define FADT_REVISION 6
#define DSDT_REVISION 2
#define MADT_REVISION 4
#define MADT_HEADER_SIZE (HEADER_SIZE + 8)
#define MADT_LAPIC_SIZE 8
#define MADT_IOAPIC_SIZE 12
#define MADT_OVERRIDE_SIZE 10
#define MADT_LAPIC_NMI_SIZE 6

/* Where each table starts, from the RSDP: each 16-byte aligned. */
#define XSDT_OFFSET 48
#define FADT_OFFSET (XSDT_OFFSET + 64)
#define DSDT_OFFSET (FADT_OFFSET + 288)
#define MADT_OFFSET (DSDT_OFFSET + 112)

/* FADT fields. */
#define FADT_DSDT 40
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_SLEEP_CONTROL 244
#define FADT_SLEEP_STATUS 256
#define FADT_HYPERVISOR_ID 268
#define BOOT_ARCH_8042 (1u << 1)
#define BOOT_ARCH_NO_VGA (1u << 2)
#define FLAG_RESET_REG_SUP (1u << 10)
#define FLAG_HW_REDUCED (1u << 20)
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1

/* MADT entries. */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_LAPIC_NMI 4
#define LAPIC_ENABLED 1
#define ALL_PROCESSORS 0xff
#define NMI_LINT 1

// clang-format off
/* The DSDT's AML: Name (_S5, Package (4) { 5, 0, 0, 0 }). */
static const uint8_t s5_aml[] = {
    0x08, '_', 'S', '5', '_',		/* NameOp, NameString */
    0x12, 0x07, 0x04,			/* PackageOp, PkgLength, NumElements */
    0x0a, ACPI_TABLES_S5_TYPE, 0x00,	/* BytePrefix 5 (SLP_TYPa), Zero (SLP_TYPb) */
    0x00, 0x00,				/* Zero, Zero (reserved) */
};

/* Scope (\_SB) { Device (COM1) { Name (_HID, EisaId ("PNP0501")) Name (_UID, One)
 * Name (_CRS, ResourceTemplate () { IO (Decode16, port, port, 0, 8) IRQNoFlags () {irq} }) } },
 * the port and IRQ mask patched in at the COM1_* offsets. */
static const uint8_t com1_aml[] = {
    0x10, 0x32, '_', 'S', 'B', '_',			/* ScopeOp, PkgLength 50, \_SB */
    0x5b, 0x82, 0x2b, 'C', 'O', 'M', '1',		/* DeviceOp, PkgLength 43, COM1 */
    0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01, /* DWord EISA ID PNP0501 */
    0x08, '_', 'U', 'I', 'D', 0x01,			/* One */
    0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d,	/* Buffer of 13 bytes */
    0x47, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,	/* IO: min, max, align 0, 8 ports */
    0x22, 0x00, 0x00,					/* IRQNoFlags: the IRQ mask */
    0x79, 0x00,						/* End tag */
};
// clang-format on
#define COM1_IO_MIN 40
#define COM1_IO_MAX 42
#define COM1_IRQ_MASK 47
#define MAX_ISA_IRQ 15

static size_t madt_size(uint32_t cpu_count)
{
	return MADT_HEADER_SIZE + (size_t)cpu_count * MADT_LAPIC_SIZE + MADT_IOAPIC_SIZE +
	       MADT_OVERRIDE_SIZE + MADT_LAPIC_NMI_SIZE;
}

size_t acpi_tables_size(uint32_t cpu_count)
{
	return MADT_OFFSET + madt_size(cpu_count);
}

/* A table header: signature, length, revision, the OEM's and creator's names; the checksum
 * is set once the table is whole. */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t revision)
{
	memcpy(t, sig, 4);
	le_put(t + 4, 4, len);
	t[8] = revision;
	memcpy(t + 10, "AXVM-C", 6);
	memcpy(t + 16, "AXVMVIRT", 8);
	le_put(t + 24, 4, 1); /* OEM revision */
	memcpy(t + 28, "AXVM", 4);
	le_put(t + 32, 4, 1); /* creator revision */
}

/* A generic address structure for a byte-wide I/O port. */
static void gas_port(uint8_t *g, uint16_t port)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = 8; /* register bit width */
	g[2] = 0; /* bit offset */
	g[3] = GAS_ACCESS_BYTE;
	le_put(g + 4, 8, port);
}

/* The DSDT: \_S5, and COM1 when there is a serial port. */
static void write_dsdt(const struct acpi_tables_config *c, uint8_t *t)
{
	uint32_t len = HEADER_SIZE + sizeof(s5_aml) + (c->com_port ? sizeof(com1_aml) : 0);
	uint8_t *com1 = t + HEADER_SIZE + sizeof(s5_aml);

	header(t, "DSDT", len, DSDT_REVISION);
	memcpy(t + HEADER_SIZE, s5_aml, sizeof(s5_aml));
	if (c->com_port) {
		memcpy(com1, com1_aml, sizeof(com1_aml));
		le_put(com1 + COM1_IO_MIN, 2, c->com_port);
		le_put(com1 + COM1_IO_MAX, 2, c->com_port);
		le_put(com1 + COM1_IRQ_MASK, 2, 1u << c->com_irq);
	}
	set_checksum(t, len, 9);
}

static void write_fadt(const struct acpi_tables_config *c, uint8_t *t, uint64_t dsdt)
{
	header(t, "FACP", FADT_SIZE, FADT_REVISION);
	le_put(t + FADT_DSDT, 4, dsdt);
	le_put(t + FADT_IAPC_BOOT_ARCH, 2, BOOT_ARCH_8042 | BOOT_ARCH_NO_VGA);
	le_put(t + FADT_FLAGS, 4, FLAG_HW_REDUCED | FLAG_RESET_REG_SUP);
	gas_port(t + FADT_RESET_REG, c->reset_port);
	t[FADT_RESET_VALUE] = c->reset_value;
	le_put(t + FADT_X_DSDT, 8, dsdt);
	gas_port(t + FADT_SLEEP_CONTROL, c->sleep_port);
	gas_port(t + FADT_SLEEP_STATUS, (uint16_t)(c->sleep_port + 1));
	memcpy(t + FADT_HYPERVISOR_ID, "AXVM-C", 6);
	set_checksum(t, FADT_SIZE, 9);
}

static void write_madt(const struct acpi_tables_config *c, uint8_t *t)
{
	uint32_t len = (uint32_t)madt_size(c->cpu_count);
	uint8_t *p = t + MADT_HEADER_SIZE;

	header(t, "APIC", len, MADT_REVISION);
	le_put(t + HEADER_SIZE, 4, c->lapic_addr);
	le_put(t + HEADER_SIZE + 4, 4, 0); /* no PCAT_COMPAT: there are no 8259s */
	for (uint32_t cpu = 0; cpu < c->cpu_count; cpu++, p += MADT_LAPIC_SIZE) {
		const uint8_t e[MADT_LAPIC_SIZE] = {
		    MADT_LAPIC, MADT_LAPIC_SIZE, (uint8_t)cpu, (uint8_t)cpu, LAPIC_ENABLED, 0, 0,
		    0};

		memcpy(p, e, sizeof(e));
	}
	p[0] = MADT_IOAPIC;
	p[1] = MADT_IOAPIC_SIZE;
	p[2] = (uint8_t)c->cpu_count; /* its ID */
	le_put(p + 4, 4, c->ioapic_addr);
	le_put(p + 8, 4, 0); /* GSI base */
	p += MADT_IOAPIC_SIZE;
	/* ISA IRQ 0 (the timer) on GSI 2, as on every PC, with the bus's polarity and trigger. */
	p[0] = MADT_OVERRIDE;
	p[1] = MADT_OVERRIDE_SIZE;
	le_put(p + 4, 4, 2);
	p += MADT_OVERRIDE_SIZE;
	p[0] = MADT_LAPIC_NMI;
	p[1] = MADT_LAPIC_NMI_SIZE;
	p[2] = ALL_PROCESSORS;
	p[5] = NMI_LINT;
	set_checksum(t, len, 9);
}

int acpi_tables_write(const struct acpi_tables_config *c, uint64_t gpa, uint8_t *buf, size_t len)
{
	uint8_t *rsdp = buf, *xsdt = buf + XSDT_OFFSET;

	if (c->cpu_count < 1 || c->cpu_count > ACPI_TABLES_MAX_CPUS || c->com_irq > MAX_ISA_IRQ ||
	    gpa % 16 || gpa + acpi_tables_size(c->cpu_count) > FOUR_GIB ||
	    len < acpi_tables_size(c->cpu_count))
		return AXERR_INVALID;
	memset(buf, 0, acpi_tables_size(c->cpu_count));
	/* RSDP, revision 2: the XSDT's address; the ACPI 1.0 checksum over its first 20 bytes,
	 * the extended one over all 36. */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "AXVM-C", 6);
	rsdp[15] = 2;
	le_put(rsdp + 20, 4, RSDP_SIZE);
	le_put(rsdp + 24, 8, gpa + XSDT_OFFSET);
	set_checksum(rsdp, 20, 8);
	set_checksum(rsdp, RSDP_SIZE, 32);
	header(xsdt, "XSDT", XSDT_SIZE, 1);
	le_put(xsdt + HEADER_SIZE, 8, gpa + FADT_OFFSET);
	le_put(xsdt + HEADER_SIZE + 8, 8, gpa + MADT_OFFSET);
	set_checksum(xsdt, XSDT_SIZE, 9);
	write_fadt(c, buf + FADT_OFFSET, gpa + DSDT_OFFSET);
	write_dsdt(c, buf + DSDT_OFFSET);
	write_madt(c, buf + MADT_OFFSET);
	return AX_OK;
}
