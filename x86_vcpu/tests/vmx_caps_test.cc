#include <gtest/gtest.h>

extern "C" {
#include <x86_vcpu/vmx_caps.h>
}

namespace
{

// IA32_VMX_* values measured in Bochs 2.7 (corei7_haswell_4770 and bx_generic).
constexpr uint64_t kBasic = 0x00d810000000002bull;
constexpr uint64_t kProcbased = 0xfff9fffe0401e172ull;
constexpr uint64_t kHaswellProcbased2 = 0x00047fff00000000ull;
constexpr uint64_t kHaswellEptVpid = 0xf0106334141ull;
constexpr uint64_t kGenericProcbased2 = 0x0000004900000000ull;

TEST(VmxCaps, DecodesHaswell)
{
	struct vmx_caps c =
	    vmx_caps_decode(kBasic, kProcbased, kHaswellProcbased2, kHaswellEptVpid);
	char buf[96];

	EXPECT_EQ(c.revision, 0x2bu);
	EXPECT_EQ(c.region_size, 4096u);
	EXPECT_FALSE(c.below_4g);
	EXPECT_TRUE(c.ept);
	EXPECT_TRUE(c.ept_4level);
	EXPECT_FALSE(c.ept_5level);
	EXPECT_TRUE(c.ept_2m);
	EXPECT_TRUE(c.ept_1g);
	vmx_caps_describe(&c, buf, sizeof(buf));
	EXPECT_STREQ(buf, "VMCS revision 0x2b, EPT 4-level (2M,1G pages)");
}

TEST(VmxCaps, DecodesACpuWithoutEpt)
{
	struct vmx_caps c = vmx_caps_decode(kBasic, kProcbased, kGenericProcbased2, 0);
	char buf[96];

	EXPECT_FALSE(c.ept);
	EXPECT_FALSE(c.ept_4level);
	vmx_caps_describe(&c, buf, sizeof(buf));
	EXPECT_STREQ(buf, "VMCS revision 0x2b, no EPT");
}

TEST(VmxCaps, IgnoresSecondaryControlsThatCannotBeActivated)
{
	uint64_t no_secondary = kProcbased & ~VMX_PROCBASED_ALLOWED_SECONDARY;
	struct vmx_caps c =
	    vmx_caps_decode(kBasic, no_secondary, kHaswellProcbased2, kHaswellEptVpid);

	EXPECT_FALSE(c.ept);
	EXPECT_FALSE(c.ept_2m);
}

TEST(VmxCaps, DecodesRegionSizeAndAddressWidth)
{
	struct vmx_caps c = vmx_caps_decode(0x0001040000000001ull, 0, 0, 0);

	EXPECT_EQ(c.revision, 1u);
	EXPECT_EQ(c.region_size, 1024u);
	EXPECT_TRUE(c.below_4g);
}

TEST(VmxCaps, DescribesPartialEptSupport)
{
	struct vmx_caps c = vmx_caps_decode(kBasic, kProcbased, kHaswellProcbased2, 1ull << 16);
	char buf[96];

	vmx_caps_describe(&c, buf, sizeof(buf));
	EXPECT_STREQ(buf, "VMCS revision 0x2b, EPT without a usable page walk (2M pages)");
	c = vmx_caps_decode(kBasic, kProcbased, kHaswellProcbased2, (1ull << 7) | (1ull << 17));
	EXPECT_EQ(vmx_caps_describe(&c, buf, 8),
		  sizeof("VMCS revision 0x2b, EPT 5-level (1G pages)") - 1);
	EXPECT_STREQ(buf, "VMCS re");
}

TEST(VmxCaps, AdjustsControlRegistersToTheFixedBits)
{
	// CR0: PE and PG kept, NE forced on (fixed0), CD/NW allowed.
	EXPECT_EQ(vmx_fixed_cr(0x80000011, 0x80000021, 0xffffffff), 0x80000031u);
	// CR4: VMXE forced on, a bit outside fixed1 (bit 22) forced off.
	EXPECT_EQ(vmx_fixed_cr(0x400020, 0x2000, 0x3767ff), 0x2020u);
	// Already valid values stay as they are.
	EXPECT_EQ(vmx_fixed_cr(0x2020, 0x2000, 0x3767ff), 0x2020u);
}

} // namespace
