/* The EPT pointer, bit by bit. */
#include <gtest/gtest.h>

extern "C" {
#include <x86_vcpu/ept.h>
}

namespace
{

TEST(Eptp, RootMemoryTypeAndWalkLength)
{
	uint64_t eptp = x86_eptp(hpa(0xabc000));

	/* WB paging-structure memory type (6), page-walk length 4 - 1 in bits 5:3. */
	EXPECT_EQ(eptp, 0xabc000ull | 6 | (3 << 3));
	EXPECT_EQ(eptp & 7, 6u) << "write-back";
	EXPECT_EQ((eptp >> 3) & 7, 3u) << "4-level walk";
	EXPECT_EQ(eptp & ~0xfffull, 0xabc000u);
}

TEST(Eptp, UnalignedRootIsMasked)
{
	EXPECT_EQ(x86_eptp(hpa(0x12345fff)), 0x12345000ull | 6 | (3 << 3));
	EXPECT_EQ(x86_eptp(hpa(0xfff0000000001000ull)), 0x1000ull | 6 | (3 << 3))
	    << "bits above the 52-bit physical address are dropped";
}

} // namespace
