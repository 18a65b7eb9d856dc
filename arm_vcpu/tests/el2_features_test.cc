#include <gtest/gtest.h>

#include <string>

extern "C" {
#include <arm_vcpu/el2_features.h>
}

namespace
{

std::string Describe(const el2_features &f)
{
	char buf[128];

	el2_features_describe(&f, buf, sizeof(buf));
	return buf;
}

TEST(El2Features, DecodesACortexA72)
{
	/* ID_AA64PFR0_EL1, ID_AA64MMFR0_EL1, ID_AA64MMFR1_EL1 of a Cortex-A72 (TRM values). */
	el2_features f = el2_features_decode(0x0000000000002222ull, 0x0000000000001124ull,
					     0x0000000000000000ull);

	EXPECT_TRUE(f.el2_aarch64);
	EXPECT_TRUE(f.el2_aarch32);
	EXPECT_EQ(f.pa_bits, 44u);
	EXPECT_EQ(f.vmid_bits, 8u);
	EXPECT_FALSE(f.vhe);
	/* TGranX_2 = 0: stage 2 follows stage 1 (TGran4 = TGran64 = 0: yes; TGran16 = 0: no). */
	EXPECT_TRUE(f.s2_4k);
	EXPECT_FALSE(f.s2_16k);
	EXPECT_TRUE(f.s2_64k);
	EXPECT_EQ(Describe(f), "PA 44 bits, VMID 8 bits, AArch32 EL2, stage-2 granules 4K 64K");
}

TEST(El2Features, DecodesAnArmv81CpuWithExplicitStage2Granules)
{
	/* EL2 AArch64 only; PARange 48 bits; TGran4_2 = 2, TGran16_2 = 1 (no), TGran64_2 = 3;
	 * VMIDBits 16, VH. */
	el2_features f = el2_features_decode(0x0000000000001111ull, 0x0000023100000005ull,
					     0x0000000000000120ull);

	EXPECT_TRUE(f.el2_aarch64);
	EXPECT_FALSE(f.el2_aarch32);
	EXPECT_EQ(f.pa_bits, 48u);
	EXPECT_EQ(f.vmid_bits, 16u);
	EXPECT_TRUE(f.vhe);
	EXPECT_TRUE(f.s2_4k);
	EXPECT_FALSE(f.s2_16k);
	EXPECT_TRUE(f.s2_64k);
	EXPECT_EQ(Describe(f), "PA 48 bits, VMID 16 bits, VHE, stage-2 granules 4K 64K");
}

TEST(El2Features, Stage1FieldsSayNotSupported)
{
	/* TGran4 = 0xf, TGran64 = 0xf, TGran16 = 0, all TGranX_2 = 0. */
	el2_features f = el2_features_decode(0x1000ull, 0xff000006ull, 0);

	EXPECT_EQ(f.pa_bits, 52u);
	EXPECT_FALSE(f.s2_4k);
	EXPECT_FALSE(f.s2_16k);
	EXPECT_FALSE(f.s2_64k);
	EXPECT_EQ(Describe(f), "PA 52 bits, VMID 8 bits, stage-2 granules none");
}

TEST(El2Features, ReservedEncodingsDecodeToZero)
{
	el2_features f = el2_features_decode(0, 0x7, 0x10);

	EXPECT_FALSE(f.el2_aarch64);
	EXPECT_EQ(f.pa_bits, 0u);
	EXPECT_EQ(f.vmid_bits, 0u);
}

} // namespace
