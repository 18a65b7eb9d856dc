#include <gtest/gtest.h>

extern "C" {
#include <arm_vcpu/esr.h>
}

namespace
{

uint64_t Esr(unsigned ec, uint32_t iss)
{
	return (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss;
}

TEST(Esr, SplitsClassAndSyndrome)
{
	/* What QEMU reports for the host's load from a hole: SEA, read, at EL2. */
	uint64_t esr = 0x96000010;

	EXPECT_EQ(esr_ec(esr), (unsigned)ESR_EC_DABT_CURRENT);
	EXPECT_EQ(esr_iss(esr), 0x10u);
	EXPECT_EQ(esr_iss(0xffffffffffffffffull), ESR_ISS_MASK);
}

TEST(Esr, NamesExceptionClasses)
{
	EXPECT_STREQ(esr_ec_name(0x25), "data abort from the current EL");
	EXPECT_STREQ(esr_ec_name(0x24), "data abort from a lower EL");
	EXPECT_STREQ(esr_ec_name(0x21), "instruction abort from the current EL");
	EXPECT_STREQ(esr_ec_name(0x16), "HVC");
	EXPECT_STREQ(esr_ec_name(0x17), "SMC");
	EXPECT_STREQ(esr_ec_name(0x18), "trapped MSR/MRS/system instruction");
	EXPECT_STREQ(esr_ec_name(0x2f), "SError interrupt");
	EXPECT_STREQ(esr_ec_name(0x3c), "BRK");
	EXPECT_STREQ(esr_ec_name(0x00), "unknown reason");
}

TEST(Esr, ReservedClassesAreNamedAsSuch)
{
	EXPECT_STREQ(esr_ec_name(0x02), "reserved exception class");
	EXPECT_STREQ(esr_ec_name(0x3f), "reserved exception class");
	EXPECT_STREQ(esr_ec_name(0x40), "reserved exception class");
	EXPECT_STREQ(esr_ec_name(~0u), "reserved exception class");
}

TEST(Esr, RecognisesAborts)
{
	EXPECT_TRUE(esr_is_abort(ESR_EC_IABT_LOWER));
	EXPECT_TRUE(esr_is_abort(ESR_EC_IABT_CURRENT));
	EXPECT_TRUE(esr_is_abort(ESR_EC_DABT_LOWER));
	EXPECT_TRUE(esr_is_abort(ESR_EC_DABT_CURRENT));
	EXPECT_FALSE(esr_is_abort(ESR_EC_HVC64));
	EXPECT_FALSE(esr_is_abort(0x22));
}

TEST(Esr, DecodesADataAbortWithSyndrome)
{
	/* A guest "strh w5, [x1]" to unmapped MMIO: ISV, SAS=1 (2 bytes), SRT=5, WnR, level-3
	 * translation fault. */
	struct esr_abort a = esr_decode_abort(
	    Esr(ESR_EC_DABT_LOWER, 1u << 24 | 1u << 22 | 5u << 16 | 1u << 6 | 0x07));

	EXPECT_TRUE(a.data);
	EXPECT_TRUE(a.isv);
	EXPECT_EQ(a.size, 2u);
	EXPECT_EQ(a.srt, 5u);
	EXPECT_FALSE(a.sign_extend);
	EXPECT_FALSE(a.sixty_four);
	EXPECT_TRUE(a.write);
	EXPECT_FALSE(a.far_invalid);
	EXPECT_EQ(a.fsc, 0x07u);
	EXPECT_STREQ(esr_fault_status_name(a.fsc), "translation fault, level 3");
}

TEST(Esr, DecodesEverySyndromeFlag)
{
	struct esr_abort a = esr_decode_abort(
	    Esr(ESR_EC_DABT_LOWER, 1u << 24 | 3u << 22 | 1u << 21 | 31u << 16 | 1u << 15 |
				       1u << 14 | 1u << 10 | 1u << 9 | 1u << 8 | 1u << 7 | 0x21));

	EXPECT_EQ(a.size, 8u);
	EXPECT_TRUE(a.sign_extend);
	EXPECT_EQ(a.srt, 31u);
	EXPECT_TRUE(a.sixty_four);
	EXPECT_TRUE(a.acq_rel);
	EXPECT_TRUE(a.far_invalid);
	EXPECT_TRUE(a.external);
	EXPECT_TRUE(a.cache_maint);
	EXPECT_TRUE(a.s1ptw);
	EXPECT_FALSE(a.write);
	EXPECT_STREQ(esr_fault_status_name(a.fsc), "alignment fault");
}

TEST(Esr, IgnoresSyndromeFieldsWithoutIsv)
{
	struct esr_abort a = esr_decode_abort(0x96000010 | 3u << 22 | 7u << 16);

	EXPECT_TRUE(a.data);
	EXPECT_FALSE(a.isv);
	EXPECT_EQ(a.size, 0u);
	EXPECT_EQ(a.srt, 0u);
	EXPECT_FALSE(a.write);
	EXPECT_EQ(a.fsc, 0x10u);
	EXPECT_STREQ(esr_fault_status_name(a.fsc), "synchronous external abort");
}

TEST(Esr, InstructionAbortsHaveNoDataFields)
{
	/* Bits that mean ISV and WnR for a data abort are RES0 for an instruction abort. */
	struct esr_abort a =
	    esr_decode_abort(Esr(ESR_EC_IABT_CURRENT, 1u << 24 | 1u << 6 | 1u << 9 | 0x0f));

	EXPECT_FALSE(a.data);
	EXPECT_FALSE(a.isv);
	EXPECT_FALSE(a.write);
	EXPECT_TRUE(a.external);
	EXPECT_STREQ(esr_fault_status_name(a.fsc), "permission fault, level 3");
}

TEST(Esr, NamesFaultStatusCodes)
{
	EXPECT_STREQ(esr_fault_status_name(0x00), "address size fault, level 0");
	EXPECT_STREQ(esr_fault_status_name(0x0a), "access flag fault, level 2");
	EXPECT_STREQ(esr_fault_status_name(0x15),
		     "synchronous external abort on table walk, level 1");
	EXPECT_STREQ(esr_fault_status_name(0x2b), "translation fault, level -1");
	EXPECT_STREQ(esr_fault_status_name(0x30), "TLB conflict abort");
	EXPECT_STREQ(esr_fault_status_name(0x12), "reserved fault status code");
	EXPECT_STREQ(esr_fault_status_name(0x3f), "reserved fault status code");
	EXPECT_STREQ(esr_fault_status_name(0x40), "reserved fault status code");
}

} // namespace
