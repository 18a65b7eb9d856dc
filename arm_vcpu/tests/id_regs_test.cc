#include <gtest/gtest.h>

#include <cstdint>

extern "C" {
#include <arm_vcpu/id_regs.h>
#include <arm_vcpu/sysreg_trap.h>
}

namespace
{

constexpr uint32_t Id(unsigned crm, unsigned op2)
{
	return ARM_SYSREG(3, 0, 0, crm, op2);
}

struct Reg {
	uint32_t reg;
	const char *name;
	uint64_t host;
	uint64_t guest;
};

/* The host: QEMU 7.2's -cpu max on -M virt,virtualization=on,secure=on,mte=on,gic-version=3,
 * every ID register read by a bare-metal program at EL3 (the ones not listed read 0). The
 * guest values were worked out by hand from id_regs.h, field by field. */
const Reg kQemuMax[] = {
    /* RAS 1 -> 0. */
    {Id(1, 0), "ID_PFR0_EL1", 0x11020131, 0x01020131},
    /* Virtualization 1 -> 0; GIC 1 stays. */
    {Id(1, 1), "ID_PFR1_EL1", 0x10011011, 0x10010011},
    /* MMapTrc 1 -> 0. */
    {Id(1, 2), "ID_DFR0_EL1", 0x06010099, 0x06000099},
    {Id(1, 4), "ID_MMFR0_EL1", 0x10101105, 0x10101105},
    {Id(1, 5), "ID_MMFR1_EL1", 0x40000000, 0x40000000},
    {Id(1, 6), "ID_MMFR2_EL1", 0x01260000, 0x01260000},
    {Id(1, 7), "ID_MMFR3_EL1", 0x02122211, 0x02122211},
    {Id(2, 0), "ID_ISAR0_EL1", 0x02101110, 0x02101110},
    {Id(2, 1), "ID_ISAR1_EL1", 0x13112111, 0x13112111},
    {Id(2, 2), "ID_ISAR2_EL1", 0x21232042, 0x21232042},
    {Id(2, 3), "ID_ISAR3_EL1", 0x01112131, 0x01112131},
    {Id(2, 4), "ID_ISAR4_EL1", 0x00011142, 0x00011142},
    {Id(2, 5), "ID_ISAR5_EL1", 0x11011121, 0x11011121},
    /* XNX 1 -> 0. */
    {Id(2, 6), "ID_MMFR4_EL1", 0x00011110, 0x00011010},
    {Id(2, 7), "ID_ISAR6_EL1", 0x01111111, 0x01111111},
    {Id(3, 0), "MVFR0_EL1", 0x10110222, 0x10110222},
    {Id(3, 1), "MVFR1_EL1", 0x13211111, 0x13211111},
    {Id(3, 2), "MVFR2_EL1", 0x00000043, 0x00000043},
    {Id(3, 4), "ID_PFR2_EL1", 0x00000011, 0x00000011},
    {Id(3, 6), "ID_MMFR5_EL1", 0x00000001, 0x00000001},
    /* CSV2 2 -> 1, SEL2, SVE, RAS 2, EL2 2 -> 0; GIC 1, EL3 2 stay. */
    {Id(4, 0), "ID_AA64PFR0_EL1", 0x1201001121112222, 0x1101000001112022},
    /* SME 1, MTE 3 -> 0; SSBS 2, BT 1 stay. */
    {Id(4, 1), "ID_AA64PFR1_EL1", 0x0000000001000321, 0x0000000000000021},
    {Id(4, 4), "ID_AA64ZFR0_EL1", 0x0110110100110021, 0},
    {Id(4, 5), "ID_AA64SMFR0_EL1", 0x80f100fd00000000, 0},
    /* The PMU (PMUVer 6), debug (DebugVer 9, BRPs, WRPs, CTX_CMPs) stay. */
    {Id(5, 0), "ID_AA64DFR0_EL1", 0x0000000010305609, 0x0000000010305609},
    {Id(6, 0), "ID_AA64ISAR0_EL1", 0x1221111110212120, 0x1221111110212120},
    /* GPA 1, APA 1 -> 0. */
    {Id(6, 1), "ID_AA64ISAR1_EL1", 0x0011111101211012, 0x0011111100211002},
    /* TGRAN4_2 3, TGRAN64_2 2, TGRAN16_2 3 -> 0; PARange 6 stays. */
    {Id(7, 0), "ID_AA64MMFR0_EL1", 0x0000032310201126, 0x0000000010201126},
    /* HCX, XNX, LO, VH 1 and VMIDBits 2 -> 0; HAFDBS 2, PAN 2, ETS stay. */
    {Id(7, 1), "ID_AA64MMFR1_EL1", 0x0000011010211122, 0x0000001000201002},
    /* FWB 1 -> 0. */
    {Id(7, 2), "ID_AA64MMFR2_EL1", 0x1021011010011011, 0x1021001010011011},
};

TEST(IdRegs, QemuMaxAsAGuestSeesIt)
{
	for (const Reg &r : kQemuMax) {
		SCOPED_TRACE(r.name);
		EXPECT_EQ(arm_guest_id_reg(r.reg, r.host), r.guest);
	}
}

/* Every allocated register of a host with every field (and every RES0 bit) set: what survives
 * is the table of what is given. Worked out by hand, nibble by nibble, from id_regs.h. */
const Reg kAllOnes[] = {
    {Id(1, 0), "ID_PFR0_EL1", ~0ull, 0xffffffff0f0fffff}, /* RAS, AMU */
    {Id(1, 1), "ID_PFR1_EL1", ~0ull, 0xffffffff10ff0fff}, /* GIC 1, Virt_frac, Virt. */
    {Id(1, 2), "ID_DFR0_EL1", ~0ull, 0xffffffff0ff00fff}, /* TraceFilt, MMapTrc, CopTrc */
    {Id(1, 3), "ID_AFR0_EL1", ~0ull, 0},		  /* implementation defined */
    {Id(1, 4), "ID_MMFR0_EL1", ~0ull, ~0ull},
    {Id(1, 5), "ID_MMFR1_EL1", ~0ull, ~0ull},
    {Id(1, 6), "ID_MMFR2_EL1", ~0ull, ~0ull},
    {Id(1, 7), "ID_MMFR3_EL1", ~0ull, ~0ull},
    {Id(2, 0), "ID_ISAR0_EL1", ~0ull, ~0ull},
    {Id(2, 1), "ID_ISAR1_EL1", ~0ull, ~0ull},
    {Id(2, 2), "ID_ISAR2_EL1", ~0ull, ~0ull},
    {Id(2, 3), "ID_ISAR3_EL1", ~0ull, ~0ull},
    {Id(2, 4), "ID_ISAR4_EL1", ~0ull, ~0ull},
    {Id(2, 5), "ID_ISAR5_EL1", ~0ull, ~0ull},
    {Id(2, 6), "ID_MMFR4_EL1", ~0ull, 0xffffffff0ffff0ff}, /* EVT, XNX */
    {Id(2, 7), "ID_ISAR6_EL1", ~0ull, ~0ull},
    {Id(3, 0), "MVFR0_EL1", ~0ull, ~0ull},
    {Id(3, 1), "MVFR1_EL1", ~0ull, ~0ull},
    {Id(3, 2), "MVFR2_EL1", ~0ull, ~0ull},
    {Id(3, 4), "ID_PFR2_EL1", ~0ull, 0xfffffffffffff0ff}, /* RAS_frac */
    {Id(3, 5), "ID_DFR1_EL1", ~0ull, 0xffffffffffffff0f}, /* HPMN0 */
    {Id(3, 6), "ID_MMFR5_EL1", ~0ull, ~0ull},
    /* CSV2 1, RME, AMU, MPAM, SEL2, SVE, RAS, GIC 1, EL2. */
    {Id(4, 0), "ID_AA64PFR0_EL1", ~0ull, 0xf10f000001fff0ff},
    /* Only CSV2_frac (at most 1), the RES0 bits 23:20, SSBS and BT survive. */
    {Id(4, 1), "ID_AA64PFR1_EL1", ~0ull, 0x0000000100f000ff},
    {Id(4, 2), "ID_AA64PFR2_EL1", ~0ull, 0},
    {Id(4, 4), "ID_AA64ZFR0_EL1", ~0ull, 0},
    {Id(4, 5), "ID_AA64SMFR0_EL1", ~0ull, 0},
    {Id(4, 7), "ID_AA64FPFR0_EL1", ~0ull, 0},
    /* HPMN0, ExtTrcBuff, BRBE, TraceBuffer, TraceFilt, PMSVer, TraceVer. */
    {Id(5, 0), "ID_AA64DFR0_EL1", ~0ull, 0x000f00f0ffffff0f},
    {Id(5, 1), "ID_AA64DFR1_EL1", ~0ull, 0xffff0ff0ffffffff}, /* ITE, SPMU */
    {Id(5, 2), "ID_AA64DFR2_EL1", ~0ull, 0xfffffffff000ffff}, /* TRBE_EXC, SPE_* */
    {Id(5, 4), "ID_AA64AFR0_EL1", ~0ull, 0},
    {Id(5, 5), "ID_AA64AFR1_EL1", ~0ull, 0},
    {Id(6, 0), "ID_AA64ISAR0_EL1", ~0ull, 0xfffffffff0ffffff}, /* TME */
    /* LS64, GPI, GPA, API, APA. */
    {Id(6, 1), "ID_AA64ISAR1_EL1", ~0ull, 0x0fffffff00fff00f},
    /* SYSINSTR_128, SYSREG_128, PAC_frac, MOPS, APA3, GPA3, WFxT. */
    {Id(6, 2), "ID_AA64ISAR2_EL1", ~0ull, 0xffffff00f0f000f0},
    {Id(6, 3), "ID_AA64ISAR3_EL1", ~0ull, 0xffffffffffff00f1}, /* PACM, TLBIW, CPA 1 */
    /* ECV 1, FGT, TGRAN*_2. */
    {Id(7, 0), "ID_AA64MMFR0_EL1", ~0ull, 0x10fff000ffffffff},
    /* HCX, XNX, LO, VH, VMIDBits, HAFDBS 2. */
    {Id(7, 1), "ID_AA64MMFR1_EL1", ~0ull, 0xfffff0ff0ff0f002},
    {Id(7, 2), "ID_AA64MMFR2_EL1", ~0ull, 0xf0fff0fff0ffffff}, /* EVT, FWB, NV */
    {Id(7, 3), "ID_AA64MMFR3_EL1", ~0ull, 0xf00f000000000000}, /* Spec_FPACC, RES0 51:48 */
    /* SRMASK, RMEGDI, NV_frac, HACDBS, ASID2. */
    {Id(7, 4), "ID_AA64MMFR4_EL1", ~0ull, 0xffff0fff0f0f00ff},
};

TEST(IdRegs, EveryFieldSet)
{
	for (const Reg &r : kAllOnes) {
		SCOPED_TRACE(r.name);
		EXPECT_EQ(arm_guest_id_reg(r.reg, r.host), r.guest);
	}
}

/* Each field on its own: the 4-bit field at shift of a host with only that field set to v. */
uint64_t GuestField(uint32_t reg, unsigned shift, uint64_t v)
{
	return arm_guest_id_reg(reg, v << shift) >> shift & 0xf;
}

TEST(IdRegs, FieldsAreLoweredOneByOne)
{
	/* A field that survives 0xf keeps any value; a field kept at most at c (0xf lowered to
	 * c) keeps the values up to c and lowers the rest to c; and the other fields stay 0. */
	for (const Reg &r : kAllOnes) {
		SCOPED_TRACE(r.name);
		for (unsigned shift = 0; shift < 64; shift += 4) {
			uint64_t cap = r.guest >> shift & 0xf;

			for (uint64_t v = 0; v <= 0xf; v++) {
				EXPECT_EQ(arm_guest_id_reg(r.reg, v << shift) & ~(0xfull << shift),
					  0u)
				    << "shift " << shift << " value " << v;
				EXPECT_EQ(GuestField(r.reg, shift, v), v < cap ? v : cap)
				    << "shift " << shift << " value " << v;
			}
		}
	}
}

TEST(IdRegs, CapsLowerOnlyWhatIsAbove)
{
	const uint32_t pfr0 = Id(4, 0), pfr1 = Id(4, 1), mmfr1 = Id(7, 1), pfr1_32 = Id(1, 1);

	/* GIC: none (0) stays none, GICv3 (1) stays, GICv4.1's 3 is a GICv3 interface. */
	EXPECT_EQ(GuestField(pfr0, 24, 0), 0u);
	EXPECT_EQ(GuestField(pfr0, 24, 1), 1u);
	EXPECT_EQ(GuestField(pfr0, 24, 3), 1u);
	EXPECT_EQ(GuestField(pfr1_32, 28, 2), 1u);
	/* CSV2 2 and 3 (SCXTNUM_ELx) are CSV2 1; CSV2_frac 2 (1p2) is 1p1. */
	EXPECT_EQ(GuestField(pfr0, 56, 3), 1u);
	EXPECT_EQ(GuestField(pfr0, 56, 1), 1u);
	EXPECT_EQ(GuestField(pfr1, 32, 2), 1u);
	/* HAFDBS: AF (1) and DBM (2) stay, HAFT (3) and HDBSS (4) are DBM. */
	EXPECT_EQ(GuestField(mmfr1, 0, 1), 1u);
	EXPECT_EQ(GuestField(mmfr1, 0, 4), 2u);
	/* ECV: CNTPOFF (2) is ECV without it. */
	EXPECT_EQ(GuestField(Id(7, 0), 60, 2), 1u);
}

TEST(IdRegs, KeepsWhatGuestsAreGiven)
{
	const uint32_t pfr0 = Id(4, 0), pfr1 = Id(4, 1), dfr0 = Id(5, 0);

	/* EL3 (15:12), EL1 and EL0 with AArch32 (2), FP and AdvSIMD not implemented (0xf). */
	EXPECT_EQ(arm_guest_id_reg(pfr0, 0x0000000000ff2022), 0x0000000000ff2022u);
	/* CSV3, DIT. */
	EXPECT_EQ(arm_guest_id_reg(pfr0, 0x1001000000000000), 0x1001000000000000u);
	/* BT, SSBS 2. */
	EXPECT_EQ(arm_guest_id_reg(pfr1, 0x21), 0x21u);
	/* DoubleLock not implemented (0xf), PMUVer IMPDEF (0xf), DebugVer v8.4. */
	EXPECT_EQ(arm_guest_id_reg(dfr0, 0x000000f000000f09), 0x000000f000000f09u);
}

TEST(IdRegs, ReservedEncodingsReadAsZero)
{
	const unsigned reserved[][2] = {{3, 3}, {3, 7}, {4, 3}, {4, 6}, {5, 3}, {5, 6}, {5, 7},
					{6, 4}, {6, 5}, {6, 6}, {6, 7}, {7, 5}, {7, 6}, {7, 7}};

	for (const auto &e : reserved)
		EXPECT_EQ(arm_guest_id_reg(Id(e[0], e[1]), ~0ull), 0u)
		    << "CRm " << e[0] << " op2 " << e[1];
}

TEST(IdRegs, EveryIdEncodingIsEitherAllocatedOrZero)
{
	/* 42 allocated encodings in kAllOnes, 14 reserved: the 56 of CRm 1..7. */
	unsigned allocated = 0;

	for (unsigned crm = 1; crm <= 7; crm++)
		for (unsigned op2 = 0; op2 <= 7; op2++) {
			bool listed = false;

			for (const Reg &r : kAllOnes)
				listed |= r.reg == Id(crm, op2);
			allocated += listed;
			if (!listed)
				EXPECT_EQ(arm_guest_id_reg(Id(crm, op2), ~0ull), 0u)
				    << "CRm " << crm << " op2 " << op2;
		}
	EXPECT_EQ(allocated, 42u);
}

TEST(IdRegs, OutsideTheIdSpaceReadsZero)
{
	EXPECT_EQ(arm_guest_id_reg(ARM_SYSREG(3, 0, 0, 0, 0), ~0ull), 0u); /* MIDR_EL1 */
	EXPECT_EQ(arm_guest_id_reg(ARM_SYSREG(3, 0, 0, 8, 0), ~0ull), 0u);
	EXPECT_EQ(arm_guest_id_reg(ARM_SYSREG(3, 1, 0, 4, 0), ~0ull), 0u);
	EXPECT_EQ(arm_guest_id_reg(ARM_SYSREG_ICC_SGI1R_EL1, ~0ull), 0u);
}

} // namespace
