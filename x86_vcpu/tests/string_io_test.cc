// String I/O register steps against the SDM's INS/OUTS/REP pseudocode.
#include <gtest/gtest.h>

extern "C" {
#include <x86_vcpu/string_io.h>
}

namespace
{

TEST(StringIo, AddressSize)
{
	EXPECT_EQ(x86_string_io_addr_size(0u << 7), 2u);
	EXPECT_EQ(x86_string_io_addr_size(1u << 7), 4u);
	EXPECT_EQ(x86_string_io_addr_size(2u << 7), 8u);
	EXPECT_EQ(x86_string_io_addr_size(3u << 7), 0u);
	EXPECT_EQ(x86_string_io_addr_size(2u << 7 | 0x7f | 7u << 15), 8u) << "other fields ignored";
}

TEST(StringIo, Count)
{
	EXPECT_EQ(x86_string_io_count(0x123456789ull, 8), 0x123456789ull);
	EXPECT_EQ(x86_string_io_count(0x123456789ull, 4), 0x23456789ull);
	EXPECT_EQ(x86_string_io_count(0x123456789ull, 2), 0x6789ull);
}

TEST(StringIo, OutsMovesRsiOnly)
{
	x86_string_regs r{0x1000, 0x2000, 5};
	EXPECT_TRUE(x86_string_io_step(&r, false, false, false, 4, 8));
	EXPECT_EQ(r.rsi, 0x1004u);
	EXPECT_EQ(r.rdi, 0x2000u);
	EXPECT_EQ(r.rcx, 5u) << "no REP: the count stays";
}

TEST(StringIo, InsMovesRdiBackwardsWithDf)
{
	x86_string_regs r{0x1000, 0x2000, 5};
	EXPECT_TRUE(x86_string_io_step(&r, true, false, true, 2, 8));
	EXPECT_EQ(r.rdi, 0x1ffeu);
	EXPECT_EQ(r.rsi, 0x1000u);
}

TEST(StringIo, RepCountsDownToTheEnd)
{
	x86_string_regs r{0x1000, 0, 2};
	EXPECT_FALSE(x86_string_io_step(&r, false, true, false, 1, 8));
	EXPECT_EQ(r.rcx, 1u);
	EXPECT_TRUE(x86_string_io_step(&r, false, true, false, 1, 8));
	EXPECT_EQ(r.rcx, 0u);
	EXPECT_EQ(r.rsi, 0x1002u);
}

TEST(StringIo, SixteenBitAddressesWrapAndKeepTheHighBits)
{
	x86_string_regs r{0xabcd0000ffffull, 0, 0xffff00000001ull};
	EXPECT_TRUE(x86_string_io_step(&r, false, true, false, 1, 2));
	EXPECT_EQ(r.rsi, 0xabcd00000000ull);
	EXPECT_EQ(r.rcx, 0xffff00000000ull);
}

TEST(StringIo, ThirtyTwoBitAddressesZeroExtend)
{
	x86_string_regs r{0x5ffffffffull, 0, 0x500000002ull};
	EXPECT_FALSE(x86_string_io_step(&r, false, true, false, 1, 4));
	EXPECT_EQ(r.rsi, 0u) << "ESI wrapped and zero-extended";
	EXPECT_EQ(r.rcx, 1u);
}

} // namespace
