#include <gtest/gtest.h>

#include <cstdint>

extern "C" {
#include <axaddrspace/formats.h>
#include <axvm/error.h>
#include <riscv_vcpu/csr_policy.h>
}

namespace
{

constexpr uint64_t Bit(unsigned n)
{
	return 1ull << n;
}

TEST(CsrPolicy, HedelegDelegatesTheGuestsOwnExceptions)
{
	const uint64_t v = riscv_hedeleg();

	EXPECT_EQ(v, Bit(0) | Bit(1) | Bit(2) | Bit(3) | Bit(4) | Bit(5) | Bit(6) | Bit(7) |
			 Bit(8) | Bit(12) | Bit(13) | Bit(15));
	EXPECT_EQ(v, 0xb1ffull);
}

TEST(CsrPolicy, HedelegKeepsHypervisorExceptions)
{
	const uint64_t v = riscv_hedeleg();

	EXPECT_FALSE(v & Bit(10)) << "ecall from VS-mode is the SBI";
	EXPECT_FALSE(v & Bit(20)) << "instruction guest-page fault";
	EXPECT_FALSE(v & Bit(21)) << "load guest-page fault";
	EXPECT_FALSE(v & Bit(22)) << "virtual instruction";
	EXPECT_FALSE(v & Bit(23)) << "store/AMO guest-page fault";
	for (unsigned read_only_zero : {9u, 11u})
		EXPECT_FALSE(v & Bit(read_only_zero)) << read_only_zero;
	EXPECT_EQ(v >> 16, 0u);
}

TEST(CsrPolicy, ATrapHandedToTheGuestLooksLikeADelegatedOne)
{
	const uint64_t uxl = 2ull << 32;

	/* From VS-mode with interrupts on: SPP = 1, SPIE = 1, SIE = 0; UXL kept. */
	EXPECT_EQ(riscv_vsstatus_on_trap(uxl | Bit(1), true), uxl | Bit(8) | Bit(5));
	/* From VU-mode with interrupts off: SPP = 0, SPIE = 0. */
	EXPECT_EQ(riscv_vsstatus_on_trap(uxl | Bit(8) | Bit(5), false), uxl);
}

TEST(CsrPolicy, HidelegDelegatesTheVsInterrupts)
{
	EXPECT_EQ(riscv_hideleg(), Bit(2) | Bit(6) | Bit(10));
	EXPECT_EQ(riscv_hideleg(), 0x444ull);
}

TEST(CsrPolicy, HcounterenExposesCycleTimeInstret)
{
	EXPECT_EQ(riscv_hcounteren(), Bit(0) | Bit(1) | Bit(2));
}

TEST(CsrPolicy, HstatusEntersA64BitVsModeGuestThatTrapsWfi)
{
	const uint64_t v = riscv_hstatus_initial();

	EXPECT_TRUE(v & Bit(7)) << "SPV";
	EXPECT_TRUE(v & Bit(8)) << "SPVP";
	EXPECT_TRUE(v & Bit(21)) << "VTW";
	EXPECT_EQ((v >> 32) & 3, 2u) << "VSXL";
	EXPECT_FALSE(v & Bit(20)) << "VTVM";
	EXPECT_FALSE(v & Bit(22)) << "VTSR";
	EXPECT_FALSE(v & Bit(9)) << "HU";
	EXPECT_EQ((v >> 12) & 0x3f, 0u) << "VGEIN";
	EXPECT_EQ(v, Bit(7) | Bit(8) | Bit(21) | 2ull << 32);
}

TEST(CsrPolicy, GuestSstatusReturnsToVsMode)
{
	const uint64_t off = riscv_guest_sstatus_initial(false);
	const uint64_t fp = riscv_guest_sstatus_initial(true);

	EXPECT_TRUE(off & Bit(8)) << "SPP";
	EXPECT_FALSE(off & Bit(5)) << "SPIE";
	EXPECT_FALSE(off & Bit(1)) << "SIE";
	EXPECT_EQ((off >> 13) & 3, 0u) << "FS off";
	EXPECT_EQ((fp >> 13) & 3, 1u) << "FS initial";
	EXPECT_EQ((off >> 9) & 3, 0u) << "VS off";
	EXPECT_EQ((off >> 32) & 3, 2u) << "UXL";
	EXPECT_EQ(off, Bit(8) | 2ull << 32);
	EXPECT_EQ(fp, off | 1ull << 13);
}

TEST(CsrPolicy, VsstatusAtResetHasInterruptsAndFpOff)
{
	const uint64_t v = riscv_vsstatus_initial();

	EXPECT_FALSE(v & Bit(1)) << "SIE";
	EXPECT_FALSE(v & Bit(5)) << "SPIE";
	EXPECT_FALSE(v & Bit(8)) << "SPP";
	EXPECT_EQ((v >> 13) & 3, 0u) << "FS";
	EXPECT_EQ(v, 2ull << 32);
}

TEST(CsrPolicy, HgatpModeVmidAndRoot)
{
	EXPECT_EQ(riscv_hgatp(&pt_format_sv39x4, hpa(0x80204000), 5),
		  (8ull << 60) | (5ull << 44) | 0x80204);
	EXPECT_EQ(riscv_hgatp(&pt_format_sv48x4, hpa(0x80204000), 0x3fff),
		  (9ull << 60) | (0x3fffull << 44) | 0x80204);
}

TEST(CsrPolicy, VmidProbeWritesEveryVmidBitInBareMode)
{
	const uint64_t v = riscv_hgatp_vmid_probe();

	EXPECT_EQ(v >> 60, 0u) << "MODE Bare";
	EXPECT_EQ(v & ((1ull << 44) - 1), 0u) << "PPN";
	EXPECT_EQ((v >> 44) & 0x3fff, 0x3fffu);
	EXPECT_EQ(v, 0x03fff00000000000ull);
}

TEST(CsrPolicy, VmidWidthFromTheReadback)
{
	EXPECT_EQ(riscv_hgatp_vmid_bits(0), 0u);
	EXPECT_EQ(riscv_hgatp_vmid_bits(riscv_hgatp_vmid_probe()), 14u);
	EXPECT_EQ(riscv_hgatp_vmid_bits(0x7full << 44), 7u);
	EXPECT_EQ(riscv_hgatp_vmid_bits(1ull << 44), 1u);
	EXPECT_EQ(riscv_hgatp_vmid_bits(0xffull << 44), 8u);
	/* Bits outside the VMID field do not count, and only the run from bit 44 does. */
	EXPECT_EQ(riscv_hgatp_vmid_bits(0xf000000000000000ull | 0x3ull << 44 | 0xfff), 2u);
	EXPECT_EQ(riscv_hgatp_vmid_bits(0x3ffeull << 44), 0u);
	EXPECT_EQ(riscv_hgatp_vmid_bits(0xffffffffffffffffull), 14u);
}

TEST(CsrPolicy, HvipBitsOfTheGuestInterrupts)
{
	uint64_t bit = 0;

	ASSERT_EQ(riscv_hvip_bit(1, &bit), AX_OK);
	EXPECT_EQ(bit, Bit(2));
	ASSERT_EQ(riscv_hvip_bit(5, &bit), AX_OK);
	EXPECT_EQ(bit, Bit(6));
	ASSERT_EQ(riscv_hvip_bit(9, &bit), AX_OK);
	EXPECT_EQ(bit, Bit(10));
	for (uint32_t v : {0u, 2u, 3u, 6u, 7u, 10u, 11u, 12u, 16u, 1000u}) {
		bit = 0x55;
		EXPECT_EQ(riscv_hvip_bit(v, &bit), AXERR_INVALID) << v;
		EXPECT_EQ(bit, 0x55u);
	}
}

} // namespace
