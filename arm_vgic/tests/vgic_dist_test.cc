/* The distributor frame: reset values, every register's read/write semantics, and what a guest
 * gets for reserved space, bad widths and misaligned accesses. */
#include "arm_vgic/tests/vgic_fixture.h"

#include <cstdint>
#include <vector>

namespace vgic_test
{
namespace
{

using DistTest = VgicTest;

TEST_F(DistTest, ResetValues)
{
	EXPECT_EQ(DistRead(kGicdCtlr), 0x50u); /* ARE | DS, both groups disabled, RWP 0 */
	/* ITLinesNumber 2 (96 INTIDs), IDbits 9, RSS; no LPIs, MBIS, No1N, A3V, SecurityExtn. */
	EXPECT_EQ(DistRead(kGicdTyper), 2u | 9u << 19 | 1u << 26);
	EXPECT_EQ(DistRead(kGicdIidr), 0x4100043bu);
	EXPECT_EQ(DistRead(kGicdTyper2), 0u);
	EXPECT_EQ(DistRead(kGicdStatusr), 0u);
	EXPECT_EQ(DistRead(kPidr2), 0x3bu);
	EXPECT_EQ(DistRead(kPidr2) & 0xf0, 0x30u); /* ArchRev: GICv3 */
	for (uint32_t n = 1; n < 3; n++) {
		EXPECT_EQ(DistRead(kIgroupr + 4 * n), 0xffffffffu) << n; /* group 1 */
		EXPECT_EQ(DistRead(kIsenabler + 4 * n), 0u) << n;
		EXPECT_EQ(DistRead(kIcenabler + 4 * n), 0u) << n;
		EXPECT_EQ(DistRead(kIspendr + 4 * n), 0u) << n;
		EXPECT_EQ(DistRead(kIsactiver + 4 * n), 0u) << n;
	}
	for (uint32_t intid = 32; intid < 96; intid += 4)
		EXPECT_EQ(DistRead(kIpriorityr + intid), 0u) << intid;
	for (uint32_t n = 2; n < 6; n++)
		EXPECT_EQ(DistRead(kIcfgr + 4 * n), 0u) << n; /* level-sensitive */
	for (uint32_t intid = 32; intid < 96; intid++)
		EXPECT_EQ(DistRead(kIrouter + 8 * intid, 8), 0u) << intid;
}

TEST_F(DistTest, TyperFollowsSpiCount)
{
	Create(1, 960);
	EXPECT_EQ(DistRead(kGicdTyper) & 0x1f, 30u); /* 992 INTIDs */
	EXPECT_EQ(DistRead(kIsenabler + 4 * 30), 0u);
	DistWrite(kIsenabler + 4 * 30, 0x80000000u);
	EXPECT_EQ(DistRead(kIsenabler + 4 * 30), 0x80000000u); /* INTID 991 exists */
	DistWrite(kIsenabler + 4 * 31, 1);
	EXPECT_EQ(DistRead(kIsenabler + 4 * 31), 0u); /* INTID 992 does not */
	Create(2, 32);
	EXPECT_EQ(DistRead(kGicdTyper) & 0x1f, 1u);
}

TEST_F(DistTest, CtlrOnlyTheGroupEnablesAreWritable)
{
	DistWrite(kGicdCtlr, 0xffffffffu);
	EXPECT_EQ(DistRead(kGicdCtlr), 0x53u);
	DistWrite(kGicdCtlr, 0x2);
	EXPECT_EQ(DistRead(kGicdCtlr), 0x52u);
	DistWrite(kGicdCtlr, 0x1);
	EXPECT_EQ(DistRead(kGicdCtlr), 0x51u);
	DistWrite(kGicdCtlr, 0); /* ARE and DS stay set: RAO/WI */
	EXPECT_EQ(DistRead(kGicdCtlr), 0x50u);
}

TEST_F(DistTest, IdentificationRegistersIgnoreWrites)
{
	DistWrite(kGicdTyper, 0);
	DistWrite(kGicdIidr, 0);
	DistWrite(kGicdTyper2, 0xffffffffu);
	DistWrite(kPidr2, 0);
	EXPECT_EQ(DistRead(kGicdTyper), 2u | 9u << 19 | 1u << 26);
	EXPECT_EQ(DistRead(kGicdIidr), 0x4100043bu);
	EXPECT_EQ(DistRead(kGicdTyper2), 0u);
	EXPECT_EQ(DistRead(kPidr2), 0x3bu);
}

TEST_F(DistTest, IgrouprIsStored)
{
	DistWrite(kIgroupr + 4, 0x12345678u);
	DistWrite(kIgroupr + 8, 0x0u);
	EXPECT_EQ(DistRead(kIgroupr + 4), 0x12345678u);
	EXPECT_EQ(DistRead(kIgroupr + 8), 0u);
	DistWrite(kIgroupr + 4, 0xffffffffu);
	EXPECT_EQ(DistRead(kIgroupr + 4), 0xffffffffu);
}

/* Each set/clear pair: writing ones sets or clears exactly those bits, zeros do nothing, and
 * both registers of the pair read the same state. */
struct PairCase {
	uint64_t set;
	uint64_t clear;
};

class DistPairTest : public VgicTest, public ::testing::WithParamInterface<PairCase>
{
};

TEST_P(DistPairTest, SetAndClearOnlyTheBitsWritten)
{
	const PairCase c = GetParam();
	DistWrite(c.set + 4, 0x0000ff0fu);
	EXPECT_EQ(DistRead(c.set + 4), 0x0000ff0fu);
	EXPECT_EQ(DistRead(c.clear + 4), 0x0000ff0fu);
	DistWrite(c.set + 4, 0xf0000000u); /* adds, keeps the others */
	EXPECT_EQ(DistRead(c.set + 4), 0xf000ff0fu);
	DistWrite(c.set + 4, 0);
	EXPECT_EQ(DistRead(c.set + 4), 0xf000ff0fu);
	DistWrite(c.clear + 4, 0x10000f01u);
	EXPECT_EQ(DistRead(c.set + 4), 0xe000f00eu);
	EXPECT_EQ(DistRead(c.clear + 4), 0xe000f00eu);
	DistWrite(c.clear + 4, 0);
	EXPECT_EQ(DistRead(c.set + 4), 0xe000f00eu);
	EXPECT_EQ(DistRead(c.set + 8), 0u); /* the next bank is untouched */
	DistWrite(c.clear + 4, 0xffffffffu);
	EXPECT_EQ(DistRead(c.set + 4), 0u);
}

INSTANTIATE_TEST_SUITE_P(Pairs, DistPairTest,
			 ::testing::Values(PairCase{kIsenabler, kIcenabler},
					   PairCase{kIspendr, kIcpendr},
					   PairCase{kIsactiver, kIcactiver}));

TEST_F(DistTest, SgiAndPpiBankIsRazWiInTheDistributor)
{
	for (uint64_t reg :
	     {kIgroupr, kIsenabler, kIcenabler, kIspendr, kIcpendr, kIsactiver, kIcactiver}) {
		DistWrite(reg, 0xffffffffu);
		EXPECT_EQ(DistRead(reg), 0u) << std::hex << reg;
	}
	DistWrite(kIpriorityr + 0, 0xffffffffu);
	DistWrite(kIpriorityr + 28, 0xff, 1);
	EXPECT_EQ(DistRead(kIpriorityr + 0), 0u);
	EXPECT_EQ(DistRead(kIpriorityr + 28, 1), 0u);
	DistWrite(kIcfgr + 4, 0xffffffffu);
	EXPECT_EQ(DistRead(kIcfgr), 0u);
	EXPECT_EQ(DistRead(kIcfgr + 4), 0u);
	DistWrite(kIrouter + 8 * 31, 1, 8);
	EXPECT_EQ(DistRead(kIrouter + 8 * 31, 8), 0u);
	/* And the redistributors did not see any of it. */
	for (uint32_t rd = 0; rd < kVcpus; rd++) {
		EXPECT_EQ(SgiRead(rd, kIsenabler), 0u);
		EXPECT_EQ(SgiRead(rd, kIspendr), 0u);
		EXPECT_EQ(SgiRead(rd, kIgroupr), 0xffffffffu);
		EXPECT_EQ(SgiRead(rd, kIcfgr + 4), 0u);
		EXPECT_EQ(SgiRead(rd, kIpriorityr + 28), 0u);
	}
}

TEST_F(DistTest, BanksPastTheLastSpiAreRazWi)
{
	/* 64 SPIs: INTIDs 96 and up do not exist. */
	DistWrite(kIsenabler + 12, 0xffffffffu);
	DistWrite(kIgroupr + 12, 0);
	EXPECT_EQ(DistRead(kIsenabler + 12), 0u);
	EXPECT_EQ(DistRead(kIgroupr + 12), 0u);
	DistWrite(kIpriorityr + 96, 0xffffffffu);
	EXPECT_EQ(DistRead(kIpriorityr + 96), 0u);
	DistWrite(kIcfgr + 24, 0xffffffffu);
	EXPECT_EQ(DistRead(kIcfgr + 24), 0u);
	DistWrite(kIrouter + 8 * 96, 1, 8);
	EXPECT_EQ(DistRead(kIrouter + 8 * 96, 8), 0u);
	EXPECT_EQ(DistRead(kIrouter + 8 * 1019, 8), 0u);
}

TEST_F(DistTest, PriorityIsByteAccessibleWithFiveBits)
{
	DistWrite(kIpriorityr + 32, 0x11223344u);
	EXPECT_EQ(DistRead(kIpriorityr + 32), 0x10203040u); /* low 3 bits RAZ */
	EXPECT_EQ(DistRead(kIpriorityr + 32, 1), 0x40u);
	EXPECT_EQ(DistRead(kIpriorityr + 33, 1), 0x30u);
	EXPECT_EQ(DistRead(kIpriorityr + 35, 1), 0x10u);
	DistWrite(kIpriorityr + 34, 0xff, 1);
	EXPECT_EQ(DistRead(kIpriorityr + 32), 0x10f83040u);
	DistWrite(kIpriorityr + 95, 0xa0, 1); /* the last SPI */
	EXPECT_EQ(DistRead(kIpriorityr + 92), 0xa0000000u);
	/* Halfword and doubleword accesses are not allowed: RAZ/WI. */
	DistWrite(kIpriorityr + 36, 0xffff, 2);
	EXPECT_EQ(DistRead(kIpriorityr + 36), 0u);
	EXPECT_EQ(DistRead(kIpriorityr + 32, 2), 0u);
	DistWrite(kIpriorityr + 40, ~0ull, 8);
	EXPECT_EQ(DistRead(kIpriorityr + 40), 0u);
	EXPECT_EQ(DistRead(kIpriorityr + 32, 8), 0u);
	/* A misaligned word: RAZ/WI. */
	DistWrite(kIpriorityr + 45, 0xffffffffu);
	EXPECT_EQ(DistRead(kIpriorityr + 44), 0u);
	EXPECT_EQ(DistRead(kIpriorityr + 33, 4), 0u);
}

TEST_F(DistTest, IcfgrHasOneBitPerSpi)
{
	DistWrite(kIcfgr + 8, 0xffffffffu);
	EXPECT_EQ(DistRead(kIcfgr + 8), 0xaaaaaaaau); /* bits 2n are RES0 */
	DistWrite(kIcfgr + 12, 0x0000000au);
	EXPECT_EQ(DistRead(kIcfgr + 12), 0x0000000au);
	DistWrite(kIcfgr + 8, 0x55555555u);
	EXPECT_EQ(DistRead(kIcfgr + 8), 0u);
	EXPECT_EQ(DistRead(kIcfgr + 12), 0x0000000au);
}

TEST_F(DistTest, IrouterWholeAndHalves)
{
	const uint64_t reg = kIrouter + 8 * 40;
	DistWrite(reg, ~0ull, 8);
	EXPECT_EQ(DistRead(reg, 8), 0xff80ffffffull); /* Aff3, IRM, Aff2..Aff0 */
	EXPECT_EQ(DistRead(reg, 4), 0x80ffffffull);
	EXPECT_EQ(DistRead(reg + 4, 4), 0xffull);
	DistWrite(reg, 0x00000003u, 4);
	EXPECT_EQ(DistRead(reg, 8), 0xff00000003ull);
	DistWrite(reg + 4, 0x00000000u, 4);
	EXPECT_EQ(DistRead(reg, 8), 0x3ull);
	DistWrite(reg + 4, 0x12u, 4);
	EXPECT_EQ(DistRead(reg, 8), 0x1200000003ull);
	/* Neighbours untouched. */
	EXPECT_EQ(DistRead(reg - 8, 8), 0u);
	EXPECT_EQ(DistRead(reg + 8, 8), 0u);
	/* A doubleword at the upper half, a misaligned word, a byte or a halfword: RAZ/WI. */
	EXPECT_EQ(DistRead(reg + 4, 8), 0u);
	DistWrite(reg + 2, 0, 4);
	DistWrite(reg, 0, 1);
	DistWrite(reg, 0, 2);
	EXPECT_EQ(DistRead(reg + 2, 4), 0u);
	EXPECT_EQ(DistRead(reg, 2), 0u);
	EXPECT_EQ(DistRead(reg, 1), 0u);
	EXPECT_EQ(DistRead(reg, 8), 0x1200000003ull);
}

TEST_F(DistTest, ReservedAndUnimplementedSpaceIsRazWi)
{
	DistWrite(kIsenabler + 4, 0x00ff00ffu);
	DistWrite(kIpriorityr + 40, 0x80808080u);
	EnableDist();
	const std::vector<uint64_t> before = Snapshot();
	/* GICv2-only registers with ARE = 1, DS = 1 RAZ/WI registers, LPI/MBI space, gaps and
	 * the ID space around PIDR2. */
	for (uint64_t off : {kItargetsr, kItargetsr + 0x40, kIgrpmodr + 4, kNsacr + 8,
			     (uint64_t)0x0040, (uint64_t)0x0048, (uint64_t)0x0014, (uint64_t)0x0020,
			     (uint64_t)0x0f00, (uint64_t)0x0f10, (uint64_t)0x0f20, (uint64_t)0x1000,
			     (uint64_t)0x5ffc, (uint64_t)0x8000, (uint64_t)0xc000, (uint64_t)0xffd0,
			     (uint64_t)0xffe4, (uint64_t)0xffec, (uint64_t)0xfffc}) {
		EXPECT_EQ(DistRead(off), 0u) << std::hex << off;
		DistWrite(off, 0xffffffffu);
		EXPECT_EQ(DistRead(off), 0u) << std::hex << off;
	}
	EXPECT_EQ(Snapshot(), before);
}

TEST_F(DistTest, BadWidthsAndMisalignmentChangeNothing)
{
	const std::vector<uint64_t> before = Snapshot();
	const uint64_t regs[] = {kGicdCtlr,    kIgroupr + 4,	 kIsenabler + 4, kIcenabler + 4,
				 kIspendr + 4, kIcpendr + 4,	 kIsactiver + 4, kIcactiver + 4,
				 kIcfgr + 8,   kIrouter + 8 * 33};
	for (uint64_t reg : regs) {
		for (unsigned width : {1u, 2u, 8u}) {
			if (reg >= kIrouter && width == 8)
				continue;
			DistWrite(reg, ~0ull, width);
			EXPECT_EQ(DistRead(reg, width), 0u) << std::hex << reg << " " << width;
		}
		DistWrite(reg + 1, ~0ull, 4);
		DistWrite(reg + 2, ~0ull, 4);
		DistWrite(reg + 3, ~0ull, 2);
		EXPECT_EQ(DistRead(reg + 1, 4), 0u);
	}
	/* Widths no access can have, and offsets outside the frame. */
	for (unsigned width : {0u, 3u, 5u, 16u, 0xffffffffu}) {
		uint64_t value = 1;
		EXPECT_EQ(vgic_dist_write(g, 0, kGicdCtlr, width, ~0ull), AX_OK);
		EXPECT_EQ(vgic_dist_read(g, 0, kGicdTyper, width, &value), AX_OK);
		EXPECT_EQ(value, 0u);
	}
	for (uint64_t off : {(uint64_t)VGIC_DIST_SIZE, (uint64_t)VGIC_DIST_SIZE + 0x100,
			     (uint64_t)1 << 40, ~(uint64_t)3}) {
		EXPECT_EQ(DistRead(off), 0u);
		DistWrite(off, ~0ull);
	}
	EXPECT_EQ(Snapshot(), before);
}

TEST_F(DistTest, AnyVcpuMayAccessAndSeesTheSameState)
{
	DistWrite(kIsenabler + 4, 0x5u, 4, 3);
	EXPECT_EQ(DistRead(kIsenabler + 4, 4, 0), 0x5u);
	EXPECT_EQ(DistRead(kIsenabler + 4, 4, 1), 0x5u);
	/* Even a vCPU index the VM does not have (the host's accesses). */
	EXPECT_EQ(DistRead(kIsenabler + 4, 4, 0xffffffffu), 0x5u);
	DistWrite(kIcenabler + 4, 0x1u, 4, 0xffffffffu);
	EXPECT_EQ(DistRead(kIsenabler + 4), 0x4u);
}

TEST_F(DistTest, WritesUseOnlyTheLowWidthBytes)
{
	/* A 32-bit write whose value carries garbage above bit 31. */
	DistWrite(kIsenabler + 4, 0xffffffff00000001ull);
	EXPECT_EQ(DistRead(kIsenabler + 4), 1u);
	DistWrite(kIpriorityr + 32, 0xffffff48ull, 1);
	EXPECT_EQ(DistRead(kIpriorityr + 32), 0x48u);
	DistWrite(kIrouter + 8 * 32, 0xffffffff00000002ull, 4);
	EXPECT_EQ(DistRead(kIrouter + 8 * 32, 8), 2u);
}

TEST_F(DistTest, NullArgumentsAreRefused)
{
	uint64_t value = 7;
	EXPECT_EQ(vgic_dist_read(nullptr, 0, 0, 4, &value), AXERR_INVALID);
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(vgic_dist_read(g, 0, 0, 4, nullptr), AXERR_INVALID);
	EXPECT_EQ(vgic_dist_write(nullptr, 0, 0, 4, 0), AXERR_INVALID);
	EXPECT_EQ(vgic_redist_read(nullptr, 0, 0, 4, &value), AXERR_INVALID);
	EXPECT_EQ(vgic_redist_read(g, 0, 0, 4, nullptr), AXERR_INVALID);
	EXPECT_EQ(vgic_redist_write(nullptr, 0, 0, 4, 0), AXERR_INVALID);
	EXPECT_EQ(vgic_set_spi(nullptr, 32, true), AXERR_INVALID);
	EXPECT_EQ(vgic_set_ppi(nullptr, 0, 27, true), AXERR_INVALID);
	vgic_send_sgi(nullptr, 0, 0);
	vgic_sync(nullptr, 0, nullptr, 0);
	EXPECT_EQ(vgic_flush(nullptr, 0, nullptr, 0, nullptr), 0u);
	EXPECT_FALSE(vgic_pending(nullptr, 0));
	vgic_destroy(nullptr, &mem.ops);
}

TEST(VgicCreateTest, ArgumentsAreChecked)
{
	MallocAllocator mem;
	vgic *g = reinterpret_cast<vgic *>(1);
	EXPECT_EQ(vgic_create(&mem.ops, 0, 32, nullptr, &g), AXERR_INVALID);
	EXPECT_EQ(g, nullptr);
	EXPECT_EQ(vgic_create(&mem.ops, 257, 32, nullptr, &g), AXERR_INVALID);
	EXPECT_EQ(vgic_create(&mem.ops, 1, 0, nullptr, &g), AXERR_INVALID);
	EXPECT_EQ(vgic_create(&mem.ops, 1, 31, nullptr, &g), AXERR_INVALID);
	EXPECT_EQ(vgic_create(&mem.ops, 1, 48, nullptr, &g), AXERR_INVALID);
	EXPECT_EQ(vgic_create(&mem.ops, 1, 992, nullptr, &g), AXERR_INVALID);
	EXPECT_EQ(vgic_create(nullptr, 1, 32, nullptr, &g), AXERR_INVALID);
	EXPECT_EQ(vgic_create(&mem.ops, 1, 32, nullptr, nullptr), AXERR_INVALID);
	EXPECT_EQ(mem.live, 0);
	mem.fail_after = 0;
	EXPECT_EQ(vgic_create(&mem.ops, 1, 32, nullptr, &g), AXERR_NO_MEMORY);
	EXPECT_EQ(g, nullptr);
	mem.fail_after = -1;
	ASSERT_EQ(vgic_create(&mem.ops, 256, 960, nullptr, &g), AX_OK);
	/* No host: nothing to kick, and nothing breaks. */
	EXPECT_EQ(vgic_set_spi(g, 32, true), AX_OK);
	vgic_destroy(g, &mem.ops);
	EXPECT_EQ(mem.live, 0);
}

} // namespace
} // namespace vgic_test
