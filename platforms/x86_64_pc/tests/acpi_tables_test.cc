// The guest's ACPI tables, read back with the host's own ACPI parser (acpi_madt.h: RSDP and
// table checksums, the XSDT, the MADT) and field by field against the ACPI 6.0 layout.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

extern "C" {
#include <axvm/error.h>

#include "platforms/x86_64_pc/bytes.h"

#include "platforms/x86_64_pc/acpi_madt.h"
#include "platforms/x86_64_pc/acpi_tables.h"
}

namespace
{

constexpr uint64_t kGpa = 0x9f000;

acpi_tables_config Config(uint32_t cpus)
{
	return {cpus, 0xfee00000, 0xfec00000, 0x600, 0x64, 0xfe, 0, 0};
}

// The tables at kGpa in a buffer standing in for the first MiB of guest memory.
struct Guest {
	std::vector<uint8_t> mem = std::vector<uint8_t>(1 << 20, 0);

	static const void *Map(void *ctx, uint64_t pa, uint64_t len)
	{
		auto *g = static_cast<Guest *>(ctx);
		return pa + len <= g->mem.size() ? &g->mem[pa] : nullptr;
	}

	phys_view View()
	{
		return {Map, this};
	}

	const uint8_t *At(uint64_t pa)
	{
		return &mem[pa];
	}

	uint64_t Table(const char *sig)
	{
		phys_view v = View();
		uint64_t pa = 0;

		EXPECT_EQ(acpi_find_table(&v, kGpa, sig, &pa), ACPI_OK) << sig;
		return pa;
	}
};

TEST(AcpiTables, TheHostsParserFindsEveryCpuInTheMadt)
{
	for (uint32_t cpus : {1u, 2u, 8u, 254u}) {
		SCOPED_TRACE(cpus);
		Guest g;
		acpi_tables_config c = Config(cpus);

		ASSERT_EQ(acpi_tables_write(&c, kGpa, &g.mem[kGpa], g.mem.size() - kGpa), AX_OK);
		phys_view v = g.View();
		acpi_madt_info info{};
		ASSERT_EQ(acpi_madt_parse(&v, g.Table("APIC"), &info), ACPI_OK);
		EXPECT_EQ(info.cpu_count, cpus < ACPI_MADT_MAX_CPUS ? cpus : ACPI_MADT_MAX_CPUS);
		for (size_t i = 0; i < info.cpu_count; i++)
			EXPECT_EQ(info.apic_ids[i], i);
	}
}

TEST(AcpiTables, RsdpRevisionTwoWithBothChecksums)
{
	Guest g;
	acpi_tables_config c = Config(2);

	ASSERT_EQ(acpi_tables_write(&c, kGpa, &g.mem[kGpa], 4096), AX_OK);
	const uint8_t *r = g.At(kGpa);
	EXPECT_EQ(std::memcmp(r, "RSD PTR ", 8), 0);
	EXPECT_EQ(r[15], 2);
	EXPECT_EQ(byte_sum(r, 20), 0);
	EXPECT_EQ(byte_sum(r, 36), 0);
	EXPECT_EQ(le_get(r + 20, 4), 36u);
	EXPECT_EQ(le_get(r + 16, 4), 0u) << "no RSDT";
}

TEST(AcpiTables, FadtIsHardwareReducedWithSleepAndResetRegisters)
{
	Guest g;
	acpi_tables_config c = Config(2);

	ASSERT_EQ(acpi_tables_write(&c, kGpa, &g.mem[kGpa], 4096), AX_OK);
	const uint8_t *f = g.At(g.Table("FACP"));
	EXPECT_EQ(le_get(f + 4, 4), 276u);
	EXPECT_EQ(f[8], 6) << "revision";
	EXPECT_EQ(f[131], 0) << "minor version: ACPI 6.0";
	EXPECT_EQ(le_get(f + 112, 4), (1u << 20) | (1u << 10)) << "HW_REDUCED_ACPI, RESET_REG_SUP";
	EXPECT_EQ(le_get(f + 109, 2), 0x6u) << "an 8042, no VGA, a CMOS clock";
	EXPECT_EQ(le_get(f + 36, 4), 0u) << "no FACS";
	EXPECT_EQ(le_get(f + 46, 2), 0u) << "no SCI";
	// Reset register: byte 0xfe to I/O port 0x64.
	EXPECT_EQ(f[116], 1);
	EXPECT_EQ(f[117], 8);
	EXPECT_EQ(f[119], 1);
	EXPECT_EQ(le_get(f + 120, 8), 0x64u);
	EXPECT_EQ(f[128], 0xfe);
	// Sleep control at the port, sleep status right after it.
	EXPECT_EQ(f[244], 1);
	EXPECT_EQ(le_get(f + 248, 8), 0x600u);
	EXPECT_EQ(f[256], 1);
	EXPECT_EQ(le_get(f + 260, 8), 0x601u);
	// Every fixed-hardware block is absent.
	for (size_t off = 148; off < 244; off++)
		ASSERT_EQ(f[off], 0) << off;
	EXPECT_EQ(le_get(f + 140, 8), le_get(f + 40, 4)) << "X_DSDT is DSDT";
}

TEST(AcpiTables, DsdtNamesS5)
{
	Guest g;
	acpi_tables_config c = Config(2);

	ASSERT_EQ(acpi_tables_write(&c, kGpa, &g.mem[kGpa], 4096), AX_OK);
	const uint8_t *f = g.At(g.Table("FACP"));
	const uint8_t *d = g.At(le_get(f + 140, 8));
	uint32_t len = uint32_t(le_get(d + 4, 4));
	const uint8_t aml[] = {0x08, '_',  'S',	 '5',  '_',  0x12, 0x07,
			       0x04, 0x0a, 0x05, 0x00, 0x00, 0x00};

	EXPECT_EQ(std::memcmp(d, "DSDT", 4), 0);
	EXPECT_EQ(byte_sum(d, len), 0);
	ASSERT_EQ(len, 36 + sizeof(aml));
	EXPECT_EQ(std::memcmp(d + 36, aml, sizeof(aml)), 0);
}

TEST(AcpiTables, DsdtDescribesTheSerialPort)
{
	Guest g;
	acpi_tables_config c = Config(2);
	c.com_port = 0x2f8;
	c.com_irq = 3;

	ASSERT_EQ(acpi_tables_write(&c, kGpa, &g.mem[kGpa], 4096), AX_OK);
	const uint8_t *f = g.At(g.Table("FACP"));
	const uint8_t *d = g.At(le_get(f + 140, 8));
	uint32_t len = uint32_t(le_get(d + 4, 4));
	const uint8_t com1[] = {0x10, 0x32, '_',  'S',	'B',  '_',  0x5b, 0x82, 0x2b, 'C',  'O',
				'M',  '1',  0x08, '_',	'H',  'I',  'D',  0x0c, 0x41, 0xd0, 0x05,
				0x01, 0x08, '_',  'U',	'I',  'D',  0x01, 0x08, '_',  'C',  'R',
				'S',  0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01, 0xf8, 0x02, 0xf8, 0x02,
				0x00, 0x08, 0x22, 0x08, 0x00, 0x79, 0x00};

	EXPECT_EQ(byte_sum(d, len), 0);
	ASSERT_EQ(len, 36 + 13 + sizeof(com1));
	EXPECT_EQ(std::memcmp(d + 36 + 13, com1, sizeof(com1)), 0);
	c.com_irq = 16;
	EXPECT_EQ(acpi_tables_write(&c, kGpa, &g.mem[kGpa], 4096), AXERR_INVALID);
}

TEST(AcpiTables, MadtHasTheIoApicTheTimerOverrideAndLint1Nmi)
{
	Guest g;
	acpi_tables_config c = Config(2);

	ASSERT_EQ(acpi_tables_write(&c, kGpa, &g.mem[kGpa], 4096), AX_OK);
	const uint8_t *m = g.At(g.Table("APIC"));
	uint32_t len = uint32_t(le_get(m + 4, 4));
	EXPECT_EQ(le_get(m + 36, 4), 0xfee00000u);
	EXPECT_EQ(le_get(m + 40, 4), 0u) << "no PCAT_COMPAT";
	const uint8_t *io = m + 44 + 2 * 8;
	EXPECT_EQ(io[0], 1);
	EXPECT_EQ(io[2], 2) << "I/O APIC ID after the CPUs'";
	EXPECT_EQ(le_get(io + 4, 4), 0xfec00000u);
	const uint8_t *iso = io + 12;
	EXPECT_EQ(iso[0], 2);
	EXPECT_EQ(iso[3], 0) << "IRQ 0";
	EXPECT_EQ(le_get(iso + 4, 4), 2u) << "on GSI 2";
	const uint8_t *nmi = iso + 10;
	EXPECT_EQ(nmi[0], 4);
	EXPECT_EQ(nmi[2], 0xff);
	EXPECT_EQ(nmi[5], 1) << "LINT1";
	EXPECT_EQ(nmi + 6, m + len);
	EXPECT_EQ(len, acpi_tables_size(2) - (m - g.At(kGpa)));
}

TEST(AcpiTables, RefusesWhatDoesNotFit)
{
	std::vector<uint8_t> buf(8192);
	acpi_tables_config c = Config(2);

	EXPECT_EQ(acpi_tables_write(&c, kGpa + 8, buf.data(), buf.size()), AXERR_INVALID);
	EXPECT_EQ(acpi_tables_write(&c, 0xffffff00, buf.data(), buf.size()), AXERR_INVALID);
	EXPECT_EQ(acpi_tables_write(&c, kGpa, buf.data(), acpi_tables_size(2) - 1), AXERR_INVALID);
	c.cpu_count = 0;
	EXPECT_EQ(acpi_tables_write(&c, kGpa, buf.data(), buf.size()), AXERR_INVALID);
	c.cpu_count = 255;
	EXPECT_EQ(acpi_tables_write(&c, kGpa, buf.data(), buf.size()), AXERR_INVALID);
}

} // namespace
