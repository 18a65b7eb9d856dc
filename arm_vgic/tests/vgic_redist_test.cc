/* The redistributors: the RD_base frame (GICR_TYPER, GICR_WAKER, identification), the SGI_base
 * frame's banked SGI/PPI registers, and the window's bounds. */
#include "arm_vgic/tests/vgic_fixture.h"

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace vgic_test
{
namespace
{

using RedistTest = VgicTest;

TEST_F(RedistTest, WindowSize)
{
	EXPECT_EQ(vgic_redist_size(1), 0x20000u);
	EXPECT_EQ(vgic_redist_size(4), 0x80000u);
	EXPECT_EQ(vgic_redist_size(256), 0x2000000u);
	EXPECT_EQ(vgic_redist_size(100000), 0x2000000u); /* capped */
	EXPECT_EQ(VGIC_DIST_SIZE, 0x10000u);
	EXPECT_EQ(VGIC_REDIST_STRIDE, 0x20000u);
}

TEST_F(RedistTest, TyperNamesEachVcpuAndTheLastOne)
{
	for (uint32_t rd = 0; rd < kVcpus; rd++) {
		uint64_t expect = (uint64_t)rd << 32 | (uint64_t)rd << 8;
		if (rd == kVcpus - 1)
			expect |= 1u << 4; /* Last */
		EXPECT_EQ(RdRead(rd, kGicrTyper, 8), expect) << rd;
		EXPECT_EQ(RdRead(rd, kGicrTyper, 4), expect & 0xffffffffu) << rd;
		EXPECT_EQ(RdRead(rd, kGicrTyper + 4, 4), expect >> 32) << rd;
		/* PLPIS, VLPIS, DirectLPI: no LPIs. */
		EXPECT_EQ(RdRead(rd, kGicrTyper, 8) & 0xb, 0u);
	}
	/* Not a width or alignment the register has. */
	EXPECT_EQ(RdRead(3, kGicrTyper, 2), 0u);
	EXPECT_EQ(RdRead(3, kGicrTyper, 1), 0u);
	EXPECT_EQ(RdRead(3, kGicrTyper + 4, 8), 0u);
	EXPECT_EQ(RdRead(3, kGicrTyper + 2, 4), 0u);
	/* Read-only. */
	RdWrite(1, kGicrTyper, 0, 8);
	EXPECT_EQ(RdRead(1, kGicrTyper, 8), 1ull << 32 | 1ull << 8);
}

TEST_F(RedistTest, OnlyOneVcpuIsLastAndLinuxCanWalkTheFrames)
{
	Create(1, 32);
	EXPECT_EQ(RdRead(0, kGicrTyper, 8), 1u << 4);
	Create(7, 32);
	/* The walk Linux does: GICR_PIDR2 then GICR_TYPER frame after frame until Last. */
	uint32_t found = 0;
	for (uint32_t rd = 0; rd < 64; rd++) {
		ASSERT_EQ(RdRead(rd, kPidr2) & 0xf0, 0x30u) << rd;
		uint64_t typer = RdRead(rd, kGicrTyper, 8);
		EXPECT_EQ(typer >> 32, rd);
		found++;
		if (typer & (1u << 4))
			break;
	}
	EXPECT_EQ(found, 7u);
}

TEST_F(RedistTest, IdentificationAndControl)
{
	for (uint32_t rd = 0; rd < kVcpus; rd++) {
		EXPECT_EQ(RdRead(rd, kGicrIidr), 0x4100043bu);
		EXPECT_EQ(RdRead(rd, kPidr2), 0x3bu);
		EXPECT_EQ(RdRead(rd, kGicrCtlr), 0u); /* no LPIs, RWP 0 */
		EXPECT_EQ(RdRead(rd, kGicrStatusr), 0u);
	}
	RdWrite(0, kGicrCtlr, 0xffffffffu); /* EnableLPIs is RES0 without LPIs */
	RdWrite(0, kGicrIidr, 0);
	RdWrite(0, kPidr2, 0);
	EXPECT_EQ(RdRead(0, kGicrCtlr), 0u);
	EXPECT_EQ(RdRead(0, kGicrIidr), 0x4100043bu);
	EXPECT_EQ(RdRead(0, kPidr2), 0x3bu);
}

TEST_F(RedistTest, WakerProcessorSleepAndChildrenAsleep)
{
	for (uint32_t rd = 0; rd < kVcpus; rd++)
		EXPECT_EQ(RdRead(rd, kGicrWaker), 0x6u) << rd; /* asleep at reset */
	RdWrite(1, kGicrWaker, 0);
	EXPECT_EQ(RdRead(1, kGicrWaker), 0u); /* ChildrenAsleep follows at once */
	EXPECT_EQ(RdRead(0, kGicrWaker), 0x6u);
	EXPECT_EQ(RdRead(2, kGicrWaker), 0x6u);
	RdWrite(1, kGicrWaker, 0x4); /* ChildrenAsleep is read-only */
	EXPECT_EQ(RdRead(1, kGicrWaker), 0u);
	RdWrite(1, kGicrWaker, 0x1); /* bit 0 is not implemented */
	EXPECT_EQ(RdRead(1, kGicrWaker), 0u);
	RdWrite(1, kGicrWaker, 0x2);
	EXPECT_EQ(RdRead(1, kGicrWaker), 0x6u);
	RdWrite(1, kGicrWaker, 0, 1); /* only a word access writes it */
	RdWrite(1, kGicrWaker, 0, 8);
	EXPECT_EQ(RdRead(1, kGicrWaker), 0x6u);
	EXPECT_EQ(RdRead(1, kGicrWaker, 2), 0u);
}

TEST_F(RedistTest, SgiFrameResetValues)
{
	for (uint32_t rd = 0; rd < kVcpus; rd++) {
		EXPECT_EQ(SgiRead(rd, kIgroupr), 0xffffffffu);
		EXPECT_EQ(SgiRead(rd, kIsenabler), 0u);
		EXPECT_EQ(SgiRead(rd, kIspendr), 0u);
		EXPECT_EQ(SgiRead(rd, kIsactiver), 0u);
		EXPECT_EQ(SgiRead(rd, kIcfgr), 0xaaaaaaaau); /* SGIs: edge */
		EXPECT_EQ(SgiRead(rd, kIcfgr + 4), 0u);	     /* PPIs: level */
		for (uint32_t intid = 0; intid < 32; intid += 4)
			EXPECT_EQ(SgiRead(rd, kIpriorityr + intid), 0u);
		EXPECT_EQ(SgiRead(rd, kIgrpmodr), 0u);
		EXPECT_EQ(SgiRead(rd, kNsacr), 0u);
	}
}

TEST_F(RedistTest, SgiFrameRegistersAreBankedPerVcpu)
{
	SgiWrite(1, kIsenabler, 0x08000003u);
	SgiWrite(2, kIgroupr, 0x0000ffffu);
	SgiWrite(1, kIpriorityr + 27, 0x80, 1);
	SgiWrite(3, kIcfgr + 4, 0x00800000u);
	EXPECT_EQ(SgiRead(1, kIsenabler), 0x08000003u);
	EXPECT_EQ(SgiRead(1, kIcenabler), 0x08000003u);
	EXPECT_EQ(SgiRead(0, kIsenabler), 0u);
	EXPECT_EQ(SgiRead(2, kIsenabler), 0u);
	EXPECT_EQ(SgiRead(2, kIgroupr), 0x0000ffffu);
	EXPECT_EQ(SgiRead(1, kIgroupr), 0xffffffffu);
	EXPECT_EQ(SgiRead(1, kIpriorityr + 24), 0x80000000u);
	EXPECT_EQ(SgiRead(0, kIpriorityr + 24), 0u);
	EXPECT_EQ(SgiRead(3, kIcfgr + 4), 0x00800000u);
	EXPECT_EQ(SgiRead(0, kIcfgr + 4), 0u);
	/* The distributor's SPIs are not in any SGI frame. */
	EXPECT_EQ(DistRead(kIsenabler + 4), 0u);
}

TEST_F(RedistTest, SetClearPairsForSgisAndPpis)
{
	for (auto [set, clear] : {std::pair<uint64_t, uint64_t>{kIsenabler, kIcenabler},
				  {kIspendr, kIcpendr},
				  {kIsactiver, kIcactiver}}) {
		SgiWrite(2, set, 0x8001000fu);
		EXPECT_EQ(SgiRead(2, set), 0x8001000fu) << std::hex << set;
		EXPECT_EQ(SgiRead(2, clear), 0x8001000fu) << std::hex << set;
		SgiWrite(2, set, 0);
		SgiWrite(2, clear, 0x00010003u);
		EXPECT_EQ(SgiRead(2, set), 0x8000000cu) << std::hex << set;
		SgiWrite(2, clear, 0xffffffffu);
		EXPECT_EQ(SgiRead(2, set), 0u) << std::hex << set;
	}
}

TEST_F(RedistTest, Icfgr0IsReadOnlyAndIcfgr1ConfiguresPpis)
{
	SgiWrite(0, kIcfgr, 0);
	EXPECT_EQ(SgiRead(0, kIcfgr), 0xaaaaaaaau);
	SgiWrite(0, kIcfgr + 4, 0xffffffffu);
	EXPECT_EQ(SgiRead(0, kIcfgr + 4), 0xaaaaaaaau);
	SgiWrite(0, kIcfgr + 4, 0x20000000u); /* only PPI 30 edge */
	EXPECT_EQ(SgiRead(0, kIcfgr + 4), 0x20000000u);
}

TEST_F(RedistTest, SgiPrioritiesByteAndWord)
{
	SgiWrite(2, kIpriorityr + 0, 0x01020304u);
	EXPECT_EQ(SgiRead(2, kIpriorityr + 0), 0u); /* all below the implemented bits */
	SgiWrite(2, kIpriorityr + 28, 0xf8e8d8c8u);
	EXPECT_EQ(SgiRead(2, kIpriorityr + 28), 0xf8e8d8c8u);
	EXPECT_EQ(SgiRead(2, kIpriorityr + 29, 1), 0xd8u);
	SgiWrite(2, kIpriorityr + 30, 0x17, 1);
	EXPECT_EQ(SgiRead(2, kIpriorityr + 28), 0xf810d8c8u);
	SgiWrite(2, kIpriorityr + 28, 0, 2); /* halfword: RAZ/WI */
	EXPECT_EQ(SgiRead(2, kIpriorityr + 28, 2), 0u);
	EXPECT_EQ(SgiRead(2, kIpriorityr + 28), 0xf810d8c8u);
}

TEST_F(RedistTest, ReservedSpaceInBothFramesIsRazWi)
{
	SgiWrite(1, kIsenabler, 0xffu);
	const std::vector<uint64_t> before = Snapshot();
	/* RD_base: LPI registers (SETLPIR, PROPBASER, PENDBASER, INVLPIR, SYNCR), gaps, IDs. */
	for (uint64_t off : std::initializer_list<uint64_t>{
		 0x0018ull, 0x0040ull, 0x0048ull, 0x0070ull, 0x0078ull, 0x00a0ull, 0x00c0ull,
		 0x1000ull, 0xffd0ull, 0xfffcull}) {
		EXPECT_EQ(RdRead(1, off), 0u) << std::hex << off;
		RdWrite(1, off, 0xffffffffu);
		RdWrite(1, off, ~0ull, 8);
		EXPECT_EQ(RdRead(1, off), 0u) << std::hex << off;
	}
	/* SGI_base: the second word of each bank, past IPRIORITYR7, ICFGR2, IGRPMODR0, NSACR. */
	for (uint64_t off : std::initializer_list<uint64_t>{
		 kIgroupr + 4, kIsenabler + 4, kIspendr + 8, kIsactiver + 0x7c, kIpriorityr + 32,
		 kIcfgr + 8, kIgrpmodr, kNsacr, 0x0000ull, 0x0004ull, 0x0f00ull, 0xffe8ull}) {
		SgiWrite(1, off, 0xffffffffu);
		EXPECT_EQ(SgiRead(1, off), 0u) << std::hex << off;
	}
	EXPECT_EQ(Snapshot(), before);
}

TEST_F(RedistTest, BadWidthsMisalignmentAndOutOfWindowChangeNothing)
{
	const std::vector<uint64_t> before = Snapshot();
	for (uint64_t off : {kIsenabler, kIspendr, kIcactiver, kIgroupr, kIcfgr + 4}) {
		for (unsigned width : {1u, 2u, 8u}) {
			SgiWrite(0, off, ~0ull, width);
			EXPECT_EQ(SgiRead(0, off, width), 0u) << std::hex << off << " " << width;
		}
		SgiWrite(0, off + 2, ~0ull, 4);
		SgiWrite(0, off + 1, ~0ull, 2);
	}
	RdWrite(0, kGicrWaker + 1, 0, 1);
	RdWrite(0, kGicrWaker + 2, 0, 2);
	const uint64_t end = vgic_redist_size(kVcpus);
	for (uint64_t off : std::initializer_list<uint64_t>{end, end + VGIC_SGI_FRAME + 0x100,
							    end + kGicrWaker, ~0ull - 7}) {
		uint64_t value = 1;
		EXPECT_EQ(vgic_redist_write(g, 0, off, 4, 0), AX_OK);
		EXPECT_EQ(vgic_redist_read(g, 0, off, 4, &value), AX_OK);
		EXPECT_EQ(value, 0u);
	}
	for (unsigned width : {0u, 3u, 6u, 32u}) {
		uint64_t value = 1;
		EXPECT_EQ(vgic_redist_write(g, 0, kGicrWaker, width, 0), AX_OK);
		EXPECT_EQ(vgic_redist_read(g, 0, kGicrWaker, width, &value), AX_OK);
		EXPECT_EQ(value, 0u);
	}
	EXPECT_EQ(Snapshot(), before);
}

TEST_F(RedistTest, TheAccessingVcpuDoesNotMatter)
{
	/* vCPU 0 programs vCPU 3's redistributor (Linux does its own, but any PE may). */
	EXPECT_EQ(
	    vgic_redist_write(g, 0, 3 * VGIC_REDIST_STRIDE + VGIC_SGI_FRAME + kIsenabler, 4, 0x10),
	    AX_OK);
	uint64_t value = 0;
	EXPECT_EQ(
	    vgic_redist_read(g, 2, 3 * VGIC_REDIST_STRIDE + VGIC_SGI_FRAME + kIsenabler, 4, &value),
	    AX_OK);
	EXPECT_EQ(value, 0x10u);
	EXPECT_EQ(vgic_redist_read(g, 0xffffffffu,
				   3 * VGIC_REDIST_STRIDE + VGIC_SGI_FRAME + kIsenabler, 4, &value),
		  AX_OK);
	EXPECT_EQ(value, 0x10u);
	EXPECT_EQ(SgiRead(0, kIsenabler), 0u);
}

} // namespace
} // namespace vgic_test
