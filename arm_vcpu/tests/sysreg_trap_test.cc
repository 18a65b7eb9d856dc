#include <gtest/gtest.h>

#include <cstdint>

extern "C" {
#include <arm_vcpu/esr.h>
#include <arm_vcpu/sysreg_trap.h>
#include <axvm/error.h>
}

namespace
{

constexpr unsigned kEcSysreg = 0x18; /* trapped MSR, MRS or system instruction */

/* One MRS, MSR or system instruction and the encoding the Arm ARM gives its register. The
 * words were assembled with llvm-mc -triple=aarch64 -mattr=+v8.4a -show-encoding. */
struct Case {
	uint32_t insn;
	const char *text;
	unsigned op0, op1, crn, crm, op2;
	uint8_t rt;
	bool read;
};

const Case kCases[] = {
    {0xd5380400, "mrs x0, id_aa64pfr0_el1", 3, 0, 0, 4, 0, 0, true},
    {0xd5380621, "mrs x1, id_aa64isar1_el1", 3, 0, 0, 6, 1, 1, true},
    {0xd538073f, "mrs xzr, id_aa64mmfr1_el1", 3, 0, 0, 7, 1, 31, true},
    {0xd538010a, "mrs x10, id_pfr0_el1", 3, 0, 0, 1, 0, 10, true},
    {0xd538034b, "mrs x11, mvfr2_el1", 3, 0, 0, 3, 2, 11, true},
    {0xd53807fb, "mrs x27, s3_0_c0_c7_7", 3, 0, 0, 7, 7, 27, true},
    {0xd518cba3, "msr icc_sgi1r_el1, x3", 3, 0, 12, 11, 5, 3, false},
    {0xd518cbde, "msr icc_asgi1r_el1, x30", 3, 0, 12, 11, 6, 30, false},
    {0xd518cbff, "msr icc_sgi0r_el1, xzr", 3, 0, 12, 11, 7, 31, false},
    {0xd53b0025, "mrs x5, ctr_el0", 3, 3, 0, 0, 1, 5, true},
    {0xd5181002, "msr sctlr_el1, x2", 3, 0, 1, 0, 0, 2, false},
    {0xd5380009, "mrs x9, midr_el1", 3, 0, 0, 0, 0, 9, true},
    {0xd53be044, "mrs x4, cntvct_el0", 3, 3, 14, 0, 2, 4, true},
    {0xd51fffe8, "msr s3_7_c15_c15_7, x8", 3, 7, 15, 15, 7, 8, false},
    {0xd5300250, "mrs x16, mdscr_el1", 2, 0, 0, 2, 2, 16, true},
    {0xd5101091, "msr oslar_el1, x17", 2, 0, 1, 0, 4, 17, false},
    {0xd5087e43, "dc cisw, x3", 1, 0, 7, 14, 2, 3, false},
    {0xd508831f, "tlbi vmalle1is", 1, 0, 8, 3, 0, 31, false},
};

unsigned Bits(uint32_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* The syndrome the hardware reports for insn: the instruction's L (bit 21), op0 (20:19), op1
 * (18:16), CRn (15:12), CRm (11:8), op2 (7:5) and Rt (4:0) moved to their ISS places. */
uint64_t EsrFor(uint32_t insn)
{
	uint32_t iss = Bits(insn, 20, 19) << 20 | Bits(insn, 7, 5) << 17 |
		       Bits(insn, 18, 16) << 14 | Bits(insn, 15, 12) << 10 | Bits(insn, 4, 0) << 5 |
		       Bits(insn, 11, 8) << 1 | Bits(insn, 21, 21);

	return (uint64_t)kEcSysreg << ESR_EC_SHIFT | ESR_IL | iss;
}

TEST(SysregTrap, PacksEncodingsAsTheInstructionDoes)
{
	for (const Case &c : kCases) {
		SCOPED_TRACE(c.text);
		EXPECT_EQ((uint32_t)ARM_SYSREG(c.op0, c.op1, c.crn, c.crm, c.op2),
			  Bits(c.insn, 20, 5));
	}
}

TEST(SysregTrap, DecodesRealInstructions)
{
	for (const Case &c : kCases) {
		SCOPED_TRACE(c.text);
		arm_sysreg_access a = {};

		ASSERT_EQ(arm_decode_sysreg(EsrFor(c.insn), &a), 0);
		EXPECT_EQ(a.reg, (uint32_t)ARM_SYSREG(c.op0, c.op1, c.crn, c.crm, c.op2));
		EXPECT_EQ(a.rt, c.rt);
		EXPECT_EQ(a.read, c.read);
	}
}

TEST(SysregTrap, NamesTheSgiRegisters)
{
	EXPECT_EQ((uint32_t)ARM_SYSREG_ICC_SGI1R_EL1, Bits(0xd518cba3, 20, 5));
	EXPECT_EQ((uint32_t)ARM_SYSREG_ICC_ASGI1R_EL1, Bits(0xd518cbde, 20, 5));
	EXPECT_EQ((uint32_t)ARM_SYSREG_ICC_SGI0R_EL1, Bits(0xd518cbff, 20, 5));
}

TEST(SysregTrap, DecodesAHandBuiltSyndrome)
{
	/* "msr icc_sgi1r_el1, x0", by hand: EC 0x18 << 26 | IL | Op0 3 << 20 | Op2 5 << 17 | Op1 0
	 * | CRn 12 << 10 | Rt 0 | CRm 11 << 1 | write. */
	arm_sysreg_access a = {};

	ASSERT_EQ(arm_decode_sysreg(0x623a3016, &a), 0);
	EXPECT_EQ(a.reg, (uint32_t)ARM_SYSREG_ICC_SGI1R_EL1);
	EXPECT_EQ(a.rt, 0u);
	EXPECT_FALSE(a.read);
}

TEST(SysregTrap, DirectionIsBitZero)
{
	arm_sysreg_access a = {};
	uint64_t msr = EsrFor(0xd518cba3);

	ASSERT_EQ(arm_decode_sysreg(msr | 1, &a), 0);
	EXPECT_TRUE(a.read);
	EXPECT_EQ(a.reg, (uint32_t)ARM_SYSREG_ICC_SGI1R_EL1);
	ASSERT_EQ(arm_decode_sysreg(EsrFor(0xd538073f) & ~1ull, &a), 0);
	EXPECT_FALSE(a.read);
	EXPECT_EQ(a.rt, 31u);
}

TEST(SysregTrap, IgnoresBitsOutsideTheIss)
{
	/* IL, the RES0 ISS bits 24:22 and ESR_EL2's upper half (ISS2) do not change the access. */
	arm_sysreg_access plain = {}, noisy = {};
	uint64_t esr = EsrFor(0xd5380621);

	ASSERT_EQ(arm_decode_sysreg(esr & ~(uint64_t)ESR_IL, &plain), 0);
	ASSERT_EQ(arm_decode_sysreg(esr | 7u << 22 | 0xffffffffull << 32, &noisy), 0);
	EXPECT_EQ(noisy.reg, plain.reg);
	EXPECT_EQ(noisy.rt, plain.rt);
	EXPECT_EQ(noisy.read, plain.read);
	EXPECT_EQ(plain.reg, (uint32_t)ARM_SYSREG(3, 0, 0, 6, 1));
}

TEST(SysregTrap, RefusesOtherExceptionClasses)
{
	arm_sysreg_access a = {.reg = 0x1234, .rt = 7, .read = true};
	uint32_t iss = (uint32_t)EsrFor(0xd5380400) & ESR_ISS_MASK;

	for (unsigned ec : {0x00u, 0x01u, 0x17u, 0x19u, 0x24u, 0x3fu}) {
		SCOPED_TRACE(ec);
		EXPECT_EQ(arm_decode_sysreg((uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss, &a),
			  AXERR_INVALID);
	}
	EXPECT_EQ(a.reg, 0x1234u);
	EXPECT_EQ(a.rt, 7u);
	EXPECT_TRUE(a.read);
}

TEST(SysregTrap, RecognisesTheIdSpace)
{
	for (unsigned crm = 1; crm <= 7; crm++)
		for (unsigned op2 = 0; op2 <= 7; op2++)
			EXPECT_TRUE(arm_sysreg_is_id_reg(ARM_SYSREG(3, 0, 0, crm, op2)))
			    << "CRm " << crm << " op2 " << op2;
}

TEST(SysregTrap, OnlyTheIdSpaceIsTheIdSpace)
{
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG(3, 0, 0, 0, 0))); /* MIDR_EL1 */
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG(3, 0, 0, 0, 5))); /* MPIDR_EL1 */
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG(3, 0, 0, 8, 0))); /* beyond CRm 7 */
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG(3, 1, 0, 1, 0))); /* op1 1 */
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG(2, 0, 0, 1, 0))); /* op0 2: debug */
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG(3, 0, 1, 1, 0))); /* CRn 1 */
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG(3, 3, 0, 0, 1))); /* CTR_EL0 */
	EXPECT_FALSE(arm_sysreg_is_id_reg(ARM_SYSREG_ICC_SGI1R_EL1));
	/* Bits above the 16-bit encoding are not an encoding. */
	EXPECT_FALSE(arm_sysreg_is_id_reg(1u << 16 | ARM_SYSREG(3, 0, 0, 4, 0)));
}

} // namespace
