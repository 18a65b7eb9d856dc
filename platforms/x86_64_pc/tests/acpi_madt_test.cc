#include <gtest/gtest.h>

#include <cstring>
#include <vector>

extern "C" {
#include "platforms/x86_64_pc/acpi_madt.h"
}

namespace
{

// The first MiB of a PC's physical memory, zeroed, where the tests lay out ACPI tables.
class LowMemory
{
      public:
	LowMemory() : bytes_(1 << 20, 0)
	{
	}

	struct phys_view view()
	{
		return {map, this};
	}

	void put(uint64_t pa, const std::vector<uint8_t> &data)
	{
		ASSERT_LE(pa + data.size(), bytes_.size());
		std::memcpy(&bytes_[pa], data.data(), data.size());
	}

	uint8_t &at(uint64_t pa)
	{
		return bytes_.at(pa);
	}

      private:
	static const void *map(void *ctx, uint64_t pa, uint64_t len)
	{
		auto *self = static_cast<LowMemory *>(ctx);

		if (pa > self->bytes_.size() || len > self->bytes_.size() - pa)
			return nullptr;
		return self->bytes_.data() + pa;
	}

	std::vector<uint8_t> bytes_;
};

void put_le(std::vector<uint8_t> &b, size_t off, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

// Makes the byte sum of b zero by adjusting the byte at checksum_off.
void fix_checksum(std::vector<uint8_t> &b, size_t checksum_off, size_t len)
{
	uint8_t s = 0;

	b[checksum_off] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + b[i]);
	b[checksum_off] = (uint8_t)-s;
}

std::vector<uint8_t> rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
	std::vector<uint8_t> b(revision >= 2 ? 36 : 20, 0);

	std::memcpy(b.data(), "RSD PTR ", 8);
	std::memcpy(&b[9], "AXVMC ", 6);
	b[15] = revision;
	put_le(b, 16, rsdt, 4);
	fix_checksum(b, 8, 20);
	if (revision >= 2) {
		put_le(b, 20, 36, 4);
		put_le(b, 24, xsdt, 8);
		fix_checksum(b, 32, 36);
	}
	return b;
}

// An ACPI table: header with signature, then body, with length and checksum filled in.
std::vector<uint8_t> table(const char *sig, const std::vector<uint8_t> &body)
{
	std::vector<uint8_t> b(36, 0);

	std::memcpy(b.data(), sig, 4);
	b[8] = 1;
	b.insert(b.end(), body.begin(), body.end());
	put_le(b, 4, b.size(), 4);
	fix_checksum(b, 9, b.size());
	return b;
}

std::vector<uint8_t> pointers(const std::vector<uint64_t> &pas, size_t width)
{
	std::vector<uint8_t> b(pas.size() * width, 0);

	for (size_t i = 0; i < pas.size(); i++)
		put_le(b, i * width, pas[i], width);
	return b;
}

std::vector<uint8_t> local_apic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	std::vector<uint8_t> e = {0, 8, uid, apic_id, 0, 0, 0, 0};

	put_le(e, 4, flags, 4);
	return e;
}

std::vector<uint8_t> local_x2apic(uint32_t apic_id, uint32_t flags)
{
	std::vector<uint8_t> e(16, 0);

	e[0] = 9;
	e[1] = 16;
	put_le(e, 4, apic_id, 4);
	put_le(e, 8, flags, 4);
	return e;
}

std::vector<uint8_t> io_apic()
{
	return {1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0};
}

std::vector<uint8_t> madt(uint32_t lapic, const std::vector<std::vector<uint8_t>> &entries)
{
	std::vector<uint8_t> body(8, 0);

	put_le(body, 0, lapic, 4);
	put_le(body, 4, 1, 4); // PCAT_COMPAT
	for (const auto &e : entries)
		body.insert(body.end(), e.begin(), e.end());
	return table("APIC", body);
}

constexpr uint64_t kRsdt = 0x50000;
constexpr uint64_t kFacp = 0x50100;
constexpr uint64_t kMadt = 0x50200;

// A Bochs-like layout: RSDP (revision 0) in the BIOS area, RSDT -> FACP, APIC.
void bochs_tables(LowMemory &mem, const std::vector<uint8_t> &apic)
{
	mem.put(0xfa0e0, rsdp(0, kRsdt, 0));
	mem.put(kRsdt, table("RSDT", pointers({kFacp, kMadt}, 4)));
	mem.put(kFacp, table("FACP", std::vector<uint8_t>(80, 0)));
	mem.put(kMadt, apic);
}

TEST(Acpi, FindsCpusThroughTheRsdt)
{
	LowMemory mem;
	struct phys_view v = mem.view();
	uint64_t rsdp_pa = 0, madt_pa = 0;
	struct acpi_madt_info info;

	bochs_tables(mem, madt(0xfee00000, {local_apic(0, 0, 1), io_apic(), local_apic(1, 1, 1),
					    local_apic(2, 2, 0), local_apic(3, 5, 1)}));
	ASSERT_EQ(acpi_find_rsdp(&v, &rsdp_pa), ACPI_OK);
	EXPECT_EQ(rsdp_pa, 0xfa0e0u);
	ASSERT_EQ(acpi_find_table(&v, rsdp_pa, "APIC", &madt_pa), ACPI_OK);
	EXPECT_EQ(madt_pa, kMadt);
	ASSERT_EQ(acpi_madt_parse(&v, madt_pa, &info), ACPI_OK);
	ASSERT_EQ(info.cpu_count, 3u);
	EXPECT_EQ(info.apic_ids[0], 0u);
	EXPECT_EQ(info.apic_ids[1], 1u);
	EXPECT_EQ(info.apic_ids[2], 5u);
	EXPECT_EQ(info.cpus_dropped, 0u);
}

TEST(Acpi, PrefersTheEbdaAndTheXsdt)
{
	LowMemory mem;
	struct phys_view v = mem.view();
	uint64_t rsdp_pa = 0, madt_pa = 0;
	constexpr uint64_t kXsdt = 0x60000;

	// A valid revision-0 RSDP in the BIOS area whose RSDT lists no MADT...
	mem.put(0xf0000, rsdp(0, kRsdt, 0));
	mem.put(kRsdt, table("RSDT", pointers({kFacp}, 4)));
	mem.put(kFacp, table("FACP", std::vector<uint8_t>(80, 0)));
	// ...and a revision-2 one in the EBDA (segment 0x9fc0) whose XSDT does.
	mem.at(0x40e) = 0xc0;
	mem.at(0x40f) = 0x9f;
	mem.put(0x9fc10, rsdp(2, kRsdt, kXsdt));
	mem.put(kXsdt, table("XSDT", pointers({kFacp, kMadt}, 8)));
	mem.put(kMadt, madt(0xfee00000, {local_apic(0, 0, 1)}));

	ASSERT_EQ(acpi_find_rsdp(&v, &rsdp_pa), ACPI_OK);
	EXPECT_EQ(rsdp_pa, 0x9fc10u);
	ASSERT_EQ(acpi_find_table(&v, rsdp_pa, "APIC", &madt_pa), ACPI_OK);
	EXPECT_EQ(madt_pa, kMadt);
	EXPECT_EQ(acpi_find_table(&v, 0xf0000, "APIC", &madt_pa), ACPI_NO_TABLE);
}

TEST(Acpi, IgnoresAnRsdpWithABadChecksum)
{
	LowMemory mem;
	struct phys_view v = mem.view();
	uint64_t rsdp_pa = 0;
	std::vector<uint8_t> bad = rsdp(0, kRsdt, 0);

	bad[8]++;
	mem.put(0xe0000, bad);
	EXPECT_EQ(acpi_find_rsdp(&v, &rsdp_pa), ACPI_NO_RSDP);
	mem.put(0xe0010, rsdp(0, kRsdt, 0));
	ASSERT_EQ(acpi_find_rsdp(&v, &rsdp_pa), ACPI_OK);
	EXPECT_EQ(rsdp_pa, 0xe0010u);
	EXPECT_STRNE(acpi_strerror(ACPI_NO_RSDP), "unknown error");
}

TEST(Acpi, RejectsTablesWithBadChecksums)
{
	LowMemory mem;
	struct phys_view v = mem.view();
	uint64_t madt_pa = 0;
	struct acpi_madt_info info;

	bochs_tables(mem, madt(0xfee00000, {local_apic(0, 0, 1)}));
	mem.at(kMadt + 40)++;
	EXPECT_EQ(acpi_find_table(&v, 0xfa0e0, "APIC", &madt_pa), ACPI_BAD_TABLE);
	EXPECT_EQ(acpi_madt_parse(&v, kMadt, &info), ACPI_BAD_TABLE);
	mem.at(kRsdt + 36)++;
	EXPECT_EQ(acpi_find_table(&v, 0xfa0e0, "APIC", &madt_pa), ACPI_BAD_TABLE);
}

TEST(Acpi, ReadsX2apicEntriesAndSkipsOthers)
{
	LowMemory mem;
	struct phys_view v = mem.view();
	struct acpi_madt_info info;
	std::vector<uint8_t> override_entry(12, 0); // Local APIC Address Override

	override_entry[0] = 5;
	override_entry[1] = 12;
	put_le(override_entry, 4, 0x1fee00000ull, 8);
	mem.put(kMadt,
		madt(0xfee00000, {local_apic(0, 3, 1), local_x2apic(3, 1), local_x2apic(300, 1),
				  local_x2apic(301, 0), override_entry}));
	ASSERT_EQ(acpi_madt_parse(&v, kMadt, &info), ACPI_OK);
	ASSERT_EQ(info.cpu_count, 2u);
	EXPECT_EQ(info.apic_ids[0], 3u);
	EXPECT_EQ(info.apic_ids[1], 300u);
}

TEST(Acpi, CountsCpusBeyondTheLimit)
{
	LowMemory mem;
	struct phys_view v = mem.view();
	struct acpi_madt_info info;
	std::vector<std::vector<uint8_t>> entries;

	for (int i = 0; i < ACPI_MADT_MAX_CPUS + 3; i++)
		entries.push_back(local_apic((uint8_t)i, (uint8_t)i, 1));
	mem.put(kMadt, madt(0xfee00000, entries));
	ASSERT_EQ(acpi_madt_parse(&v, kMadt, &info), ACPI_OK);
	EXPECT_EQ(info.cpu_count, (size_t)ACPI_MADT_MAX_CPUS);
	EXPECT_EQ(info.cpus_dropped, 3u);
}

TEST(Acpi, RejectsMalformedMadtEntries)
{
	LowMemory mem;
	struct phys_view v = mem.view();
	struct acpi_madt_info info;

	mem.put(kMadt, madt(0xfee00000, {local_apic(0, 0, 1), {0, 0}}));
	EXPECT_EQ(acpi_madt_parse(&v, kMadt, &info), ACPI_BAD_TABLE);
	mem.put(kMadt, madt(0xfee00000, {{0, 6, 0, 0, 1, 0}}));
	EXPECT_EQ(acpi_madt_parse(&v, kMadt, &info), ACPI_BAD_TABLE);
	mem.put(kMadt, madt(0xfee00000, {{0, 40, 0, 0, 1, 0, 0, 0}}));
	EXPECT_EQ(acpi_madt_parse(&v, kMadt, &info), ACPI_BAD_TABLE);
}

} // namespace
