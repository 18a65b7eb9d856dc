// The 64-bit boot protocol's boot tables, read back as the CPU reads them: every address below
// 4 GiB translates to itself through the guest page-table walker in long mode, none above it
// does, and the GDT holds the protocol's flat 64-bit code and data descriptors at its selectors.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

extern "C" {
#include <axvm/error.h>
#include <x86_vcpu/boot_tables.h>
#include <x86_vcpu/guest_regs.h>
#include <x86_vcpu/guest_walk.h>
}

namespace
{

constexpr uint64_t kGpa = 0x92000;

// The tables as guest memory at kGpa; reads elsewhere fail.
struct Tables {
	std::vector<uint8_t> bytes = std::vector<uint8_t>(X86_BOOT_TABLES_SIZE);

	static int read(void *ctx, uint64_t gpa, void *buf, unsigned width)
	{
		auto *t = static_cast<Tables *>(ctx);

		if (gpa < kGpa || gpa - kGpa + width > t->bytes.size())
			return AXERR_NOT_MAPPED;
		memcpy(buf, &t->bytes[gpa - kGpa], width);
		return AX_OK;
	}

	uint64_t descriptor(unsigned selector) const
	{
		uint64_t d;

		memcpy(&d, &bytes[X86_BOOT_GDT_OFFSET + selector], sizeof(d));
		return d;
	}
};

class BootTablesTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(x86_boot_tables_write(t.bytes.data(), t.bytes.size(), kGpa), AX_OK);
	}

	// The long-mode paging state a vCPU entering on the tables has.
	x86_paging paging() const
	{
		return x86_paging{.cr0 = X86_CR0_PE | X86_CR0_PG,
				  .cr3 = kGpa + X86_BOOT_PML4_OFFSET,
				  .cr4 = X86_CR4_PAE,
				  .efer = X86_EFER_LME | X86_EFER_LMA,
				  .maxphyaddr = 39};
	}

	Tables t;
};

TEST_F(BootTablesTest, EveryAddressBelow4GiBMapsToItselfWritableAndExecutable)
{
	const x86_paging p = paging();

	for (uint64_t a : std::vector<uint64_t>{
		 0x0ull, 0x7c00ull, kGpa, 0x100000ull, 0x1000200ull, 0x1fffffull, 0x200000ull,
		 0x3fffffffull, 0x40000000ull, 0xbfffffffull, 0xfee00000ull, 0xffffffffull}) {
		for (unsigned access :
		     {0u, unsigned(X86_ACCESS_WRITE), unsigned(X86_ACCESS_FETCH)}) {
			x86_walk_result r{};

			ASSERT_EQ(x86_guest_translate(&p, a, access, Tables::read, &t, &r), AX_OK);
			EXPECT_FALSE(r.fault) << std::hex << a;
			EXPECT_EQ(r.gpa, a) << std::hex << a;
		}
	}
}

TEST_F(BootTablesTest, NothingFrom4GiBUpIsMapped)
{
	const x86_paging p = paging();

	for (uint64_t a :
	     std::vector<uint64_t>{X86_BOOT_IDENTITY_END, X86_BOOT_IDENTITY_END + 0x200000,
				   0x7fffffffffffull, 0xffff800000000000ull}) {
		x86_walk_result r{};

		ASSERT_EQ(x86_guest_translate(&p, a, 0, Tables::read, &t, &r), AX_OK);
		EXPECT_TRUE(r.fault) << std::hex << a;
		EXPECT_EQ(r.pf_error_code & X86_PF_PRESENT, 0u);
	}
}

TEST_F(BootTablesTest, TheGdtHoldsFlatCodeAndDataAtTheBootSelectors)
{
	const uint64_t cs = t.descriptor(X86_BOOT_CS), ds = t.descriptor(X86_BOOT_DS);
	auto base = [](uint64_t d) { return (d >> 16 & 0xffffff) | (d >> 56 & 0xff) << 24; };
	auto limit = [](uint64_t d) { return (d & 0xffff) | (d >> 48 & 0xf) << 16; };
	auto type = [](uint64_t d) { return unsigned(d >> 40 & 0xf); };
	auto bit = [](uint64_t d, int b) { return (d >> b & 1) != 0; };

	EXPECT_EQ(t.descriptor(0), 0u); // the null descriptor
	for (uint64_t d : {cs, ds}) {
		EXPECT_EQ(base(d), 0u);
		EXPECT_EQ(limit(d), 0xfffffu);
		EXPECT_TRUE(bit(d, 47));    // present
		EXPECT_TRUE(bit(d, 44));    // code or data, not system
		EXPECT_EQ(d >> 45 & 3, 0u); // DPL 0
		EXPECT_TRUE(bit(d, 55));    // 4 KiB granularity
	}
	EXPECT_EQ(type(cs), 0xbu); // execute/read, accessed
	EXPECT_TRUE(bit(cs, 53));  // L: 64-bit code
	EXPECT_FALSE(bit(cs, 54)); // D clear, as L requires
	EXPECT_EQ(type(ds), 0x3u); // read/write, accessed
	EXPECT_LE(X86_BOOT_DS + 8, X86_BOOT_GDT_LIMIT + 1);
}

TEST(BootTables, RefusesMisalignedWrappingAndShortBuffers)
{
	std::vector<uint8_t> buf(X86_BOOT_TABLES_SIZE, 0xa5);

	EXPECT_EQ(x86_boot_tables_write(buf.data(), buf.size(), kGpa + 8), AXERR_INVALID);
	EXPECT_EQ(x86_boot_tables_write(buf.data(), buf.size(), ~0ull & ~0xfffull), AXERR_INVALID);
	EXPECT_EQ(x86_boot_tables_write(buf.data(), buf.size() - 1, kGpa), AXERR_INVALID);
	for (uint8_t b : buf)
		ASSERT_EQ(b, 0xa5); // nothing written
	EXPECT_EQ(x86_boot_tables_write(buf.data(), buf.size(), 0), AX_OK);
}

} // namespace
