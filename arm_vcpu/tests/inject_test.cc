/* Synchronous exceptions delivered to a guest's EL1: vectors, PSTATE, ELR/SPSR and ESR, bit by
 * bit against the Arm ARM's encodings. */
#include <gtest/gtest.h>

#include <cstring>

extern "C" {
#include <arm_vcpu/inject.h>
}

namespace
{

constexpr uint64_t kVbar = 0xffff800010010800ull;
constexpr uint64_t kPc = 0xffff800010234568ull;

/* PSTATE / SPSR_ELx encodings. */
constexpr uint64_t kEl0t = 0x0, kEl1t = 0x4, kEl1h = 0x5;
constexpr uint64_t kAArch32Usr = 0x10;
constexpr uint64_t kF = 1ull << 6, kI = 1ull << 7, kA = 1ull << 8, kD = 1ull << 9;
constexpr uint64_t kDaif = kD | kA | kI | kF;

/* ESR_ELx: EC in bits 31:26, IL bit 25. */
constexpr uint64_t kIl = 1ull << 25;
constexpr uint64_t Esr(uint64_t ec, uint64_t iss)
{
	return ec << 26 | kIl | iss;
}

arm_el1_exception Undef(uint64_t pstate, uint64_t pc = kPc, uint64_t vbar = kVbar)
{
	arm_el1_exception e;
	memset(&e, 0xa5, sizeof(e));
	arm_inject_undef(pc, pstate, vbar, &e);
	return e;
}

arm_el1_exception Abort(uint64_t pstate, bool data, bool write)
{
	arm_el1_exception e;
	memset(&e, 0xa5, sizeof(e));
	arm_inject_abort(kPc, pstate, kVbar, data, write, &e);
	return e;
}

TEST(Inject, VectorByTheModeTakenFrom)
{
	EXPECT_EQ(Undef(kEl1t).pc, kVbar + 0x000) << "current EL with SP_EL0";
	EXPECT_EQ(Undef(kEl1h).pc, kVbar + 0x200) << "current EL with SP_ELx";
	EXPECT_EQ(Undef(kEl0t).pc, kVbar + 0x400) << "lower EL, AArch64";
	EXPECT_EQ(Undef(kAArch32Usr).pc, kVbar + 0x600) << "lower EL, AArch32";
}

TEST(Inject, VbarLowBitsAreIgnored)
{
	/* VBAR_EL1 bits 10:0 are RES0: the hardware uses bits 63:11. */
	EXPECT_EQ(Undef(kEl1h, kPc, 0x40000000 | 0x7ff).pc, 0x40000200u);
	EXPECT_EQ(Undef(kEl0t, kPc, 0x40000000 | 0x123).pc, 0x40000400u);
	EXPECT_EQ(Undef(kEl1t, kPc, 0).pc, 0u);
}

TEST(Inject, SavesThePcAndPstateThatTookIt)
{
	const uint64_t pstates[] = {kEl1t, kEl1h | kDaif, kEl0t | 0xf0000000,
				    kAArch32Usr | 0x20 | 0xffff0000ull, 0xffffffffffffffffull};
	for (uint64_t p : pstates) {
		arm_el1_exception e = Undef(p, 0x1234567890abcdefull);
		EXPECT_EQ(e.elr_el1, 0x1234567890abcdefull) << std::hex << p;
		EXPECT_EQ(e.spsr_el1, p) << "saved verbatim";

		e = Abort(p, true, true);
		EXPECT_EQ(e.elr_el1, kPc);
		EXPECT_EQ(e.spsr_el1, p);
	}
}

TEST(Inject, EntersEl1hWithDaifMasked)
{
	const uint64_t pstates[] = {kEl1t, kEl1h, kEl0t, kAArch32Usr};
	for (uint64_t p : pstates) {
		EXPECT_EQ(Undef(p).pstate, kDaif | kEl1h) << std::hex << p;
		EXPECT_EQ(Abort(p, false, false).pstate, kDaif | kEl1h) << std::hex << p;
		EXPECT_EQ(Undef(p | kDaif).pstate, kDaif | kEl1h) << "masked stays masked";
	}
	EXPECT_EQ(Undef(kEl1h).pstate, 0x3c5u);
}

TEST(Inject, KeepsFlagsDitAndPanClearsTheRest)
{
	constexpr uint64_t nzcv = 0xfull << 28, dit = 1ull << 24, pan = 1ull << 22;
	/* SS (21), IL (20), UAO (23), TCO (25), SSBS (12), BTYPE (11:10), ALLINT (13), and bits
	 * above 31: none survives. */
	constexpr uint64_t cleared = 1ull << 21 | 1ull << 20 | 1ull << 23 | 1ull << 25 |
				     1ull << 12 | 3ull << 10 | 1ull << 13 | 0xffffffff00000000ull;

	EXPECT_EQ(Undef(kEl1h | nzcv | dit | pan | cleared).pstate,
		  nzcv | dit | pan | kDaif | kEl1h);
	EXPECT_EQ(Undef(kEl0t | 0x60000000).pstate, 0x600003c5u) << "Z and C kept";
	EXPECT_EQ(Undef(kEl1t | pan).pstate, pan | kDaif | kEl1h);
	EXPECT_EQ(Undef(kEl1h).pstate & (nzcv | dit | pan), 0u);
}

TEST(Inject, FromAArch32KeepsOnlyTheSharedFields)
{
	/* AArch32 SPSR: N Z C V (31:28), Q (27), IT (26:25, 15:10), DIT (24), SSBS (23), PAN (22),
	 * GE (19:16), E (9), T (5), mode usr. Only N Z C V, DIT and PAN carry over. */
	uint64_t aa32 = 0x90000000ull | 1ull << 27 | 3ull << 25 | 0xfc00 | 1ull << 24 | 1ull << 23 |
			1ull << 22 | 0xf0000 | 1ull << 9 | 1ull << 5 | kAArch32Usr;

	EXPECT_EQ(Undef(aa32).pstate, 0x90000000ull | 1ull << 24 | 1ull << 22 | kDaif | kEl1h);
}

TEST(Inject, UndefSyndrome)
{
	/* EC 0x00 "unknown reason", IL 1, ISS 0: whatever the mode. */
	const uint64_t pstates[] = {kEl1t, kEl1h, kEl0t, kAArch32Usr};
	for (uint64_t p : pstates)
		EXPECT_EQ(Undef(p).esr_el1, 0x02000000u) << std::hex << p;
}

TEST(Inject, DataAbortFromTheCurrentEl)
{
	/* EC 0x25, IL, DFSC 0x10; WnR (bit 6) for a write. */
	EXPECT_EQ(Abort(kEl1h, true, false).esr_el1, 0x96000010u);
	EXPECT_EQ(Abort(kEl1h, true, true).esr_el1, 0x96000050u);
	EXPECT_EQ(Abort(kEl1t, true, true).esr_el1, Esr(0x25, 1u << 6 | 0x10));
	EXPECT_EQ(Abort(kEl1t, true, true).pc, kVbar + 0x000);
	EXPECT_EQ(Abort(kEl1h, true, false).pc, kVbar + 0x200);
}

TEST(Inject, DataAbortFromALowerEl)
{
	EXPECT_EQ(Abort(kEl0t, true, false).esr_el1, 0x92000010u) << "EC 0x24";
	EXPECT_EQ(Abort(kEl0t, true, true).esr_el1, 0x92000050u);
	EXPECT_EQ(Abort(kAArch32Usr, true, true).esr_el1, 0x92000050u);
	EXPECT_EQ(Abort(kEl0t, true, true).pc, kVbar + 0x400);
	EXPECT_EQ(Abort(kAArch32Usr, true, true).pc, kVbar + 0x600);
}

TEST(Inject, InstructionAbort)
{
	/* EC 0x21 / 0x20, IL, IFSC 0x10; bit 6 is RES0 for instruction aborts: write ignored. */
	EXPECT_EQ(Abort(kEl1h, false, false).esr_el1, 0x86000010u);
	EXPECT_EQ(Abort(kEl1h, false, true).esr_el1, 0x86000010u);
	EXPECT_EQ(Abort(kEl1t, false, false).esr_el1, 0x86000010u);
	EXPECT_EQ(Abort(kEl0t, false, true).esr_el1, 0x82000010u);
	EXPECT_EQ(Abort(kAArch32Usr, false, false).esr_el1, 0x82000010u);
	EXPECT_EQ(Abort(kEl0t, false, false).pc, kVbar + 0x400);
}

TEST(Inject, AbortSyndromeHasNoOtherFields)
{
	/* ISV (24), SET (12:11), FnV (10), EA (9), CM (8), S1PTW (7), bits 63:32: all 0. */
	constexpr uint64_t others = 1ull << 24 | 3ull << 11 | 1ull << 10 | 1ull << 9 | 1ull << 8 |
				    1ull << 7 | 0xffffffff00000000ull;
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(Abort(kEl1h | ~0xfull, i & 1, i & 2).esr_el1 & others, 0u) << i;
}

TEST(Inject, ModesAGuestCannotHaveAreTakenAsEl1h)
{
	/* EL2t, EL2h, EL3t, EL3h and the reserved AArch64 encodings. */
	const uint64_t modes[] = {0x1, 0x2, 0x3, 0x6, 0x7, 0x8, 0x9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf};
	for (uint64_t m : modes) {
		arm_el1_exception e = Abort(m | kA, true, true);
		EXPECT_EQ(e.pc, kVbar + 0x200) << std::hex << m;
		EXPECT_EQ(e.esr_el1, 0x96000050u) << "from the current EL";
		EXPECT_EQ(e.pstate, kDaif | kEl1h);
		EXPECT_EQ(e.spsr_el1, m | kA) << "saved as it was";
		EXPECT_EQ(Abort(m, false, false).esr_el1, 0x86000010u);
		EXPECT_EQ(Undef(m).pc, kVbar + 0x200);
	}
}

TEST(Inject, EveryAArch32ModeIsTakenAsEl0)
{
	/* With HCR_EL2.RW set, only AArch32 EL0 exists; any M[4] value is treated as it. */
	for (uint64_t m = 0x10; m <= 0x1f; m++) {
		arm_el1_exception e = Abort(m, true, false);
		EXPECT_EQ(e.pc, kVbar + 0x600) << std::hex << m;
		EXPECT_EQ(e.esr_el1, 0x92000010u);
		EXPECT_EQ(e.pstate, kDaif | kEl1h) << "M[4] cleared: AArch64 EL1";
	}
}

TEST(Inject, AnyPstateGivesAValidEntry)
{
	const uint64_t hi[] = {0, 0xffffffffffffffe0ull, 0x5555555555555540ull};
	for (uint64_t h : hi) {
		for (uint64_t m = 0; m < 32; m++) {
			arm_el1_exception e = Undef(h | m);
			EXPECT_EQ(e.pstate & 0x3ff, 0x3c5u) << std::hex << (h | m);
			EXPECT_EQ(e.pc & 0x1ff, 0u);
			EXPECT_LE(e.pc - kVbar, 0x600u);
		}
	}
}

TEST(Inject, RecognisesAArch32)
{
	EXPECT_TRUE(arm_pstate_aarch32(0x10));
	EXPECT_TRUE(arm_pstate_aarch32(0x1f));
	EXPECT_TRUE(arm_pstate_aarch32(0x600001d0));
	EXPECT_TRUE(arm_pstate_aarch32(~0ull));
	EXPECT_FALSE(arm_pstate_aarch32(0x0));
	EXPECT_FALSE(arm_pstate_aarch32(0x3c5));
	EXPECT_FALSE(arm_pstate_aarch32(0xffffffffffffffefull));
}

} // namespace
