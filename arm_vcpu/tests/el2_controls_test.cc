/* The EL2 control values, bit by bit against the Arm ARM's register layouts (positions written
 * out here, independently of el2_controls.c). */
#include <gtest/gtest.h>

extern "C" {
#include <arm_vcpu/el2_controls.h>
}

namespace
{

constexpr uint64_t Bit(unsigned n)
{
	return 1ull << n;
}

void ExpectSet(uint64_t v, unsigned bit, const char *name)
{
	EXPECT_NE(v & Bit(bit), 0u) << name << " (bit " << bit << ") should be set";
}

void ExpectClear(uint64_t v, unsigned bit, const char *name)
{
	EXPECT_EQ(v & Bit(bit), 0u) << name << " (bit " << bit << ") should be clear";
}

TEST(El2Controls, HcrSetBits)
{
	uint64_t hcr = arm_hcr_el2_guest();
	ExpectSet(hcr, 0, "VM");
	ExpectSet(hcr, 1, "SWIO");
	ExpectSet(hcr, 3, "FMO");
	ExpectSet(hcr, 18, "TID3");
	ExpectSet(hcr, 4, "IMO");
	ExpectSet(hcr, 5, "AMO");
	ExpectSet(hcr, 9, "FB");
	EXPECT_EQ(hcr >> 10 & 3, 1u) << "BSU = 0b01, inner shareable";
	ExpectSet(hcr, 13, "TWI");
	ExpectSet(hcr, 19, "TSC");
	ExpectSet(hcr, 31, "RW");
}

TEST(El2Controls, HcrClearBits)
{
	uint64_t hcr = arm_hcr_el2_guest();
	ExpectClear(hcr, 2, "PTW");
	ExpectClear(hcr, 6, "VF");
	ExpectClear(hcr, 7, "VI");
	ExpectClear(hcr, 8, "VSE");
	ExpectClear(hcr, 12, "DC");
	ExpectClear(hcr, 14, "TWE");
	ExpectClear(hcr, 15, "TID0");
	ExpectClear(hcr, 16, "TID1");
	ExpectClear(hcr, 17, "TID2");
	ExpectClear(hcr, 20, "TIDCP");
	ExpectClear(hcr, 21, "TACR");
	ExpectClear(hcr, 22, "TSW");
	ExpectClear(hcr, 26, "TVM");
	ExpectClear(hcr, 27, "TGE");
	ExpectClear(hcr, 29, "HCD");
	ExpectClear(hcr, 30, "TRVM");
	ExpectClear(hcr, 34, "E2H");
	ExpectClear(hcr, 40, "APK");
	ExpectClear(hcr, 41, "API");
	ExpectClear(hcr, 56, "ATA");
}

TEST(El2Controls, HcrWholeValue)
{
	EXPECT_EQ(arm_hcr_el2_guest(), 0x800c263bull);
}

TEST(El2Controls, CptrRes1)
{
	/* E2H = 0: bits 7:0, 9, 12 (without FEAT_SME) and 13 are RES1. */
	uint64_t cptr = arm_cptr_el2_guest(false);
	EXPECT_EQ(cptr & 0xff, 0xffu);
	ExpectSet(cptr, 9, "RES1");
	ExpectSet(cptr, 12, "TSM/RES1");
	ExpectSet(cptr, 13, "RES1");
}

TEST(El2Controls, CptrTraps)
{
	uint64_t cptr = arm_cptr_el2_guest(false);
	ExpectSet(cptr, 8, "TZ");
	ExpectClear(cptr, 10, "TFP");
	ExpectSet(cptr, 20, "TTA");
	ExpectSet(cptr, 30, "TAM");
	ExpectClear(cptr, 31, "TCPAC");
	EXPECT_EQ(cptr & ~(0xffull | Bit(8) | Bit(9) | Bit(12) | Bit(13) | Bit(20) | Bit(30)), 0u)
	    << "RES0 bits clear";
	EXPECT_EQ(cptr, 0x401033ffull);
}

TEST(El2Controls, CptrTrapsFpUntilTheRegistersAreLoaded)
{
	uint64_t lazy = arm_cptr_el2_guest(true);

	ExpectSet(lazy, 10, "TFP");
	EXPECT_EQ(lazy, arm_cptr_el2_guest(false) | Bit(10)) << "nothing else changes";
}

TEST(El2Controls, Cnthctl)
{
	uint64_t v = arm_cnthctl_el2_guest();
	ExpectSet(v, 0, "EL1PCTEN");
	ExpectClear(v, 1, "EL1PCEN");
	ExpectClear(v, 2, "EVNTEN");
	EXPECT_EQ(v >> 4 & 0xf, 0u) << "EVNTI";
	EXPECT_EQ(v, 1u);
}

TEST(El2Controls, MdcrHpmnFromPmcrN)
{
	/* PMCR_EL0.N is bits 15:11; MDCR_EL2.HPMN bits 4:0. */
	EXPECT_EQ(arm_mdcr_el2_guest(0), 0u);
	EXPECT_EQ(arm_mdcr_el2_guest(6ull << 11), 6u);
	EXPECT_EQ(arm_mdcr_el2_guest(31ull << 11), 31u);
	/* A Cortex-A57's PMCR_EL0 (IMP 0x41, IDCODE 0x01, N = 6), also with E and C set. */
	EXPECT_EQ(arm_mdcr_el2_guest(0x41013000ull), 6u);
	EXPECT_EQ(arm_mdcr_el2_guest(0x41013000ull | 1 | 4), 6u);
	/* Bits outside N are ignored. */
	EXPECT_EQ(arm_mdcr_el2_guest(~0ull & ~(0x1full << 11)), 0u);
	EXPECT_EQ(arm_mdcr_el2_guest(~0ull), 31u);
}

TEST(El2Controls, MdcrTrapsNothing)
{
	uint64_t v = arm_mdcr_el2_guest(~0ull);
	ExpectClear(v, 5, "TPMCR");
	ExpectClear(v, 6, "TPM");
	ExpectClear(v, 7, "HPME");
	ExpectClear(v, 8, "TDE");
	ExpectClear(v, 9, "TDA");
	ExpectClear(v, 10, "TDOSA");
	ExpectClear(v, 11, "TDRA");
	EXPECT_EQ(v >> 12 & 3, 0u) << "E2PB";
	EXPECT_EQ(v >> 24 & 3, 0u) << "E2TB";
	EXPECT_EQ(v & ~0x1full, 0u) << "nothing but HPMN";
}

TEST(El2Controls, Vmpidr)
{
	EXPECT_EQ(arm_vmpidr_el2(0), 0x80000000ull);
	EXPECT_EQ(arm_vmpidr_el2(1), 0x80000001ull);
	EXPECT_EQ(arm_vmpidr_el2(0x010203), 0x80010203ull) << "Aff2.Aff1.Aff0";
	EXPECT_EQ(arm_vmpidr_el2(0xab00000000ull), 0xab80000000ull) << "Aff3";
	EXPECT_EQ(arm_vmpidr_el2(0xff00ffffffull), 0xff80ffffffull);
}

TEST(El2Controls, VmpidrDropsBitsOutsideTheAffinity)
{
	/* MT (24), U (30), bit 31 as given, bits 31:24 and 63:40: none comes from aff. */
	EXPECT_EQ(arm_vmpidr_el2(Bit(24)), 0x80000000ull) << "MT stays 0";
	EXPECT_EQ(arm_vmpidr_el2(Bit(30)), 0x80000000ull) << "U stays 0";
	EXPECT_EQ(arm_vmpidr_el2(0xffffff0000000000ull | 0xff000000), 0x80000000ull);
	EXPECT_EQ(arm_vmpidr_el2(~0ull), 0xff80ffffffull);
}

TEST(El2Controls, SctlrEl1Reset)
{
	uint64_t v = arm_sctlr_el1_reset();
	ExpectSet(v, 11, "EOS");
	ExpectSet(v, 20, "TSCXT");
	ExpectSet(v, 22, "EIS");
	ExpectSet(v, 23, "SPAN");
	ExpectSet(v, 28, "nTLSMD");
	ExpectSet(v, 29, "LSMAOE");
	ExpectClear(v, 0, "M");
	ExpectClear(v, 1, "A");
	ExpectClear(v, 2, "C");
	ExpectClear(v, 3, "SA");
	ExpectClear(v, 4, "SA0");
	ExpectClear(v, 12, "I");
	ExpectClear(v, 19, "WXN");
	ExpectClear(v, 24, "E0E");
	ExpectClear(v, 25, "EE");
	EXPECT_EQ(v, 0x30d00800ull);
}

TEST(El2Controls, PstateReset)
{
	/* EL1h (M = 0b0101) with D, A, I, F set. */
	EXPECT_EQ(arm_pstate_reset(), 0x3c5ull);
	EXPECT_EQ(arm_pstate_reset() & 0x1f, 0x5u);
	EXPECT_EQ(arm_pstate_reset() >> 6 & 0xf, 0xfu);
}

} // namespace
