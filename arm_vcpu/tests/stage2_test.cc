/* VTCR_EL2 and VTTBR_EL2 for stage-2 formats from //axaddrspace, bit by bit. */
#include <gtest/gtest.h>

extern "C" {
#include <arm_vcpu/stage2.h>
#include <axaddrspace/formats.h>
#include <axvm/error.h>
}

namespace
{

TEST(Stage2, VtcrThreeLevels)
{
	pt_format f;
	ASSERT_EQ(arm_s2_format_init(&f, 40), AX_OK);
	/* T0SZ 24, SL0 1, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, PS 2 (40 bits), RES1 bit 31. */
	EXPECT_EQ(arm_vtcr(&f, 2, false), 24ull | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) |
					      (2ull << 16) | (1ull << 31));
}

TEST(Stage2, VtcrFourLevelsAndVmid16)
{
	pt_format f;
	ASSERT_EQ(arm_s2_format_init(&f, 48), AX_OK);
	EXPECT_EQ(arm_vtcr(&f, 5, true) & 0xff, 16u | (2 << 6)) << "T0SZ 16, SL0 2";
	EXPECT_NE(arm_vtcr(&f, 5, true) & (1 << 19), 0u) << "16-bit VMID";
}

TEST(Stage2, Vttbr)
{
	EXPECT_EQ(arm_vttbr(hpa(0x40300000), 7), 0x40300000ull | (7ull << 48));
}

} // namespace
