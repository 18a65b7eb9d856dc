/* Who gets what: SGI generation from ICC_SGI1R_EL1, SPI routing through GICD_IROUTER (IRM = 0
 * and 1 of N), the kick callback, vgic_pending, and a random hostile-guest run that checks no
 * interrupt is ever listed twice. */
#include "arm_vgic/tests/vgic_fixture.h"

#include <cstdint>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

namespace vgic_test
{
namespace
{

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class RouteTest : public VgicTest
{
      protected:
	/* The SGIs pending on each vCPU, as GICR_ISPENDR0 shows them. */
	std::vector<uint64_t> SgiPending()
	{
		std::vector<uint64_t> p;
		for (uint32_t v = 0; v < nr_vcpus; v++)
			p.push_back(SgiRead(v, kIspendr) & 0xffff);
		return p;
	}
};

TEST_F(RouteTest, SgiTargetList)
{
	vgic_send_sgi(g, 0, Sgi1r(5, 0b1010));
	EXPECT_THAT(SgiPending(), ElementsAre(0u, 1u << 5, 0u, 1u << 5));
	vgic_send_sgi(g, 2, Sgi1r(15, 0b0100)); /* to itself */
	EXPECT_THAT(SgiPending(), ElementsAre(0u, 1u << 5, 1u << 15, 1u << 5));
	vgic_send_sgi(g, 1, Sgi1r(0, 0xfff0)); /* no vCPU 4..15 */
	EXPECT_THAT(SgiPending(), ElementsAre(0u, 1u << 5, 1u << 15, 1u << 5));
}

TEST_F(RouteTest, SgiIrmGoesToEveryoneButTheSender)
{
	vgic_send_sgi(g, 2, Sgi1r(1, 0) | kSgi1rIrm);
	EXPECT_THAT(SgiPending(), ElementsAre(2u, 2u, 0u, 2u));
	/* The target list and affinity fields do not matter with IRM. */
	vgic_send_sgi(g, 0,
		      Sgi1r(3, 0b0001) | kSgi1rIrm | 0xffull << 16 | 0xffull << 32 | 0xffull << 48);
	EXPECT_THAT(SgiPending(), ElementsAre(2u, 0xau, 0x8u, 0xau));
	/* A sender the VM does not have (the host): every vCPU. */
	vgic_send_sgi(g, 0xffffffffu, Sgi1r(4, 0) | kSgi1rIrm);
	EXPECT_THAT(SgiPending(), ElementsAre(0x12u, 0x1au, 0x18u, 0x1au));
}

TEST_F(RouteTest, SgiRangeSelectorAndAffinity)
{
	Create(20, 32);
	vgic_send_sgi(g, 0, Sgi1r(7, 0b100, 1)); /* Aff0 = 16 + 2 */
	for (uint32_t v = 0; v < 20; v++)
		EXPECT_EQ(SgiRead(v, kIspendr), v == 18 ? 1u << 7 : 0u) << v;
	vgic_send_sgi(g, 0, Sgi1r(8, 0x8010, 1)); /* 20 and 31 do not exist */
	for (uint32_t v = 0; v < 20; v++)
		EXPECT_EQ(SgiRead(v, kIspendr), v == 18 ? 1u << 7 : 0u) << v;
	/* Aff1, Aff2 or Aff3 non-zero names no vCPU of ours. */
	vgic_send_sgi(g, 0, Sgi1r(9, 0xffff) | 1ull << 16);
	vgic_send_sgi(g, 0, Sgi1r(9, 0xffff) | 1ull << 32);
	vgic_send_sgi(g, 0, Sgi1r(9, 0xffff) | 1ull << 48);
	vgic_send_sgi(g, 0, Sgi1r(9, 0xffff, 15));
	for (uint32_t v = 0; v < 20; v++)
		EXPECT_EQ(SgiRead(v, kIspendr) & (1u << 9), 0u) << v;
}

TEST_F(RouteTest, SgiDeliveryIsEdgeOnTheTarget)
{
	EnableDist();
	EnablePrivate(1, 2, 0x60);
	vgic_send_sgi(g, 0, Sgi1r(2, 0b10));
	vgic_send_sgi(g, 3, Sgi1r(2, 0b10)); /* coalesces: no per-source state in GICv3 */
	EXPECT_TRUE(vgic_pending(g, 1));
	EXPECT_FALSE(vgic_pending(g, 0));
	EXPECT_THAT(TakeAll(0), IsEmpty());
	EXPECT_THAT(TakeAll(1), ElementsAre(2u));
	EXPECT_THAT(TakeAll(1), IsEmpty());
	EXPECT_FALSE(vgic_pending(g, 1));
}

TEST_F(RouteTest, SpisGoWhereIrouterSays)
{
	EnableDist();
	EnableSpi(48);
	DistWrite(kIspendr + 4, 1u << 16);
	EXPECT_TRUE(vgic_pending(g, 0)); /* reset routing: vCPU 0 */
	EXPECT_FALSE(vgic_pending(g, 2));
	RouteSpi(48, 2);
	EXPECT_FALSE(vgic_pending(g, 0));
	EXPECT_TRUE(vgic_pending(g, 2));
	EXPECT_THAT(Flush(0), IsEmpty());
	EXPECT_THAT(Flush(1), IsEmpty());
	EXPECT_THAT(Intids(Flush(2)), ElementsAre(48u));
	for (uint32_t v = 0; v < 3; v++)
		Sync(v);
	/* An affinity no vCPU has: delivered nowhere, kept pending. */
	for (uint64_t route : {9ull, 0x100ull, 0x10000ull, 0x100000000ull}) {
		RouteSpi(48, route);
		for (uint32_t v = 0; v < kVcpus; v++) {
			EXPECT_FALSE(vgic_pending(g, v)) << route;
			EXPECT_THAT(Flush(v), IsEmpty()) << route;
			Sync(v);
		}
	}
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 16);
	RouteSpi(48, 3);
	EXPECT_THAT(TakeAll(3), ElementsAre(48u));
}

TEST_F(RouteTest, OneOfNGoesToWhoeverFlushesFirst)
{
	EnableDist();
	EnableSpi(50);
	RouteSpi(50, 1ull << 31);
	TakeKicks();
	DistWrite(kIspendr + 4, 1u << 18);
	EXPECT_THAT(TakeKicks(), ElementsAre(0u)); /* nobody awake: vCPU 0 */
	for (uint32_t v = 0; v < kVcpus; v++)
		EXPECT_TRUE(vgic_pending(g, v)) << v;
	EXPECT_THAT(TakeAll(3), ElementsAre(50u));
	for (uint32_t v = 0; v < kVcpus; v++)
		EXPECT_FALSE(vgic_pending(g, v)) << v;
	/* With redistributors awake, the kick goes to the lowest awake one. */
	RdWrite(2, kGicrWaker, 0);
	RdWrite(3, kGicrWaker, 0);
	DistWrite(kIspendr + 4, 1u << 18);
	EXPECT_THAT(TakeKicks(), ElementsAre(2u));
	EXPECT_THAT(TakeAll(1), ElementsAre(50u));
}

TEST_F(RouteTest, AnActiveSpiStaysWithTheVcpuThatTookIt)
{
	EnableDist();
	EnableSpi(52);
	DistWrite(kIspendr + 4, 1u << 20);
	Flush(0);
	EXPECT_EQ(Ack(0), 52u);
	RouteSpi(52, 1); /* re-routed while vCPU 0 handles it */
	Sync(0);
	DistWrite(kIspendr + 4, 1u << 20); /* and pending again */
	EXPECT_THAT(Flush(1), IsEmpty());
	Sync(1);
	TakeKicks();
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_PENDING_ACTIVE);
	/* The guest on vCPU 0 deactivates it; the hardware would now signal the pending half
	 * there, but the exit comes first: the pending state moves to the new target. */
	file[0] = (file[0] & ~VGIC_LR_STATE_MASK) | VGIC_LR_STATE_PENDING;
	vgic_sync(g, 0, file.data(), 1);
	lrs[0].clear();
	EXPECT_THAT(TakeKicks(), ElementsAre(1u));
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
	EXPECT_THAT(TakeAll(1), ElementsAre(52u));
}

TEST_F(RouteTest, KickWhenAnInterruptBecomesDeliverable)
{
	EnableDist();
	TakeKicks();
	ASSERT_EQ(vgic_set_spi(g, 40, true), AX_OK); /* disabled: no kick */
	EXPECT_THAT(TakeKicks(), IsEmpty());
	EnableSpi(40);
	EXPECT_THAT(TakeKicks(), ElementsAre(0u));
	ASSERT_EQ(vgic_set_spi(g, 40, true), AX_OK); /* already high: nothing new */
	EXPECT_THAT(TakeKicks(), IsEmpty());
	RouteSpi(40, 3);
	EXPECT_THAT(TakeKicks(), ElementsAre(3u));
	DistWrite(kIpriorityr + 40, 0x10, 1); /* still deliverable to the same vCPU */
	EXPECT_THAT(TakeKicks(), IsEmpty());
	/* Nothing deliverable while the distributor is off; everything when it comes on. */
	DistWrite(kGicdCtlr, 0);
	EnablePrivate(1, 27);
	ASSERT_EQ(vgic_set_ppi(g, 1, 27, true), AX_OK);
	EnablePrivate(2, 3);
	vgic_send_sgi(g, 0, Sgi1r(3, 0b100));
	EXPECT_THAT(TakeKicks(), IsEmpty());
	EnableDist();
	EXPECT_THAT(TakeKicks(), ElementsAre(1u, 2u, 3u));
	/* Each input kicks only its own target. */
	ASSERT_EQ(vgic_set_ppi(g, 0, 27, true), AX_OK); /* not enabled on vCPU 0 */
	EXPECT_THAT(TakeKicks(), IsEmpty());
	EnablePrivate(0, 5);
	vgic_send_sgi(g, 3, Sgi1r(5, 0b1111));
	EXPECT_THAT(TakeKicks(), ElementsAre(0u)); /* SGI 5 is only enabled on vCPU 0 */
}

TEST_F(RouteTest, KickTheHolderWhenItsListRegisterGoesStale)
{
	EnableDist();
	EnableSpi(44);
	RouteSpi(44, 2);
	DistWrite(kIspendr + 4, 1u << 12);
	Flush(2);
	TakeKicks();
	DistWrite(kIcenabler + 4, 1u << 12);
	EXPECT_THAT(TakeKicks(), ElementsAre(2u));
	DistWrite(kGicdCtlr, 0);
	EXPECT_THAT(TakeKicks(), ElementsAre(2u));
	RouteSpi(44, 1);
	EXPECT_THAT(TakeKicks(), ElementsAre(2u));
	DistWrite(kIsenabler + 4, 1u << 12);
	EnableDist();
	TakeKicks();
	/* Taken back untouched: now deliverable to vCPU 1, which is kicked. */
	Sync(2);
	EXPECT_THAT(TakeKicks(), ElementsAre(1u));
	EXPECT_THAT(TakeAll(1), ElementsAre(44u));
}

TEST_F(RouteTest, PendingIsFalseForHeldAndActiveOnlyInterrupts)
{
	EnableDist();
	EnablePrivate(0, 20);
	SgiWrite(0, kIspendr, 1u << 20);
	EXPECT_TRUE(vgic_pending(g, 0));
	Flush(0);
	EXPECT_FALSE(vgic_pending(g, 0)); /* in a list register */
	EXPECT_EQ(Ack(0), 20u);
	Sync(0);
	EXPECT_FALSE(vgic_pending(g, 0)); /* active only */
	EXPECT_FALSE(vgic_pending(g, kVcpus));
	EXPECT_FALSE(vgic_pending(g, 0xffffffffu));
}

/* A guest doing anything at all, from every vCPU at once, while devices toggle lines: no
 * crash, and no interrupt ever in two list registers. */
TEST_F(RouteTest, RandomHostileGuestNeverDuplicatesAnInterrupt)
{
	std::mt19937_64 rng(12345);
	auto pick = [&](uint64_t n) { return rng() % n; };
	const unsigned widths[] = {1, 2, 4, 4, 4, 4, 8, 3};
	const uint64_t regs[] = {kGicdCtlr,   kIgroupr, kIsenabler, kIcenabler,
				 kIspendr,    kIcpendr, kIsactiver, kIcactiver,
				 kIpriorityr, kIcfgr,	kIrouter};
	size_t flushed = 0, acked = 0;
	size_t states[4] = {0, 0, 0, 0};
	EnableDist();
	for (int step = 0; step < 20000; step++) {
		uint32_t v = (uint32_t)pick(kVcpus);
		unsigned width = widths[pick(8)];
		uint64_t value = pick(4) ? rng() : (pick(2) ? ~0ull : 0);
		if (step % 500 == 0)
			EnableDist(true); /* the guest turns it back on now and then */
		switch (pick(9)) {
		case 0: {
			/* Mostly the registers that matter, in and out of range, sometimes
			 * anywhere at all. */
			uint64_t off = regs[pick(sizeof(regs) / sizeof(regs[0]))];
			if (off == kIrouter) {
				off += 8 * (28 + pick(72)) + 4 * pick(2);
				if (pick(2))
					value = pick(6) | (pick(4) ? 0 : 1ull << 31);
			} else if (off == kIpriorityr) {
				off += pick(100);
			} else if (off != kGicdCtlr) {
				off += 4 * pick(4);
			} else if (pick(2)) {
				off = pick(VGIC_DIST_SIZE);
			}
			DistWrite(off, value, width, v);
			break;
		}
		case 1: {
			uint64_t off = regs[1 + pick(sizeof(regs) / sizeof(regs[0]) - 2)];
			if (off == kIpriorityr)
				off += pick(36);
			else if (off == kIcfgr)
				off += 4 * pick(3);
			else if (pick(8) == 0)
				off = pick(VGIC_REDIST_STRIDE);
			RdWrite(0, pick(kVcpus) * VGIC_REDIST_STRIDE + VGIC_SGI_FRAME + off, value,
				width);
			break;
		}
		case 2:
			DistRead(pick(VGIC_DIST_SIZE + 16), width, v);
			break;
		case 3:
			EXPECT_EQ(vgic_set_spi(g, 32 + (uint32_t)pick(kSpis), pick(2)), AX_OK);
			break;
		case 4:
			EXPECT_EQ(vgic_set_ppi(g, v, 16 + (uint32_t)pick(16), pick(2)), AX_OK);
			break;
		case 5:
			vgic_send_sgi(g, v,
				      rng() & ~(0xffull << 48 | 0xffull << 32 | 0xffull << 16));
			break;
		case 6:
			Sync(v);
			for (uint64_t lr : Flush(v, 1 + pick(6))) {
				flushed++;
				states[LrState(lr) >> VGIC_LR_STATE_SHIFT]++;
			}
			break;
		case 7: {
			/* The guest acknowledges, and EOIs some active interrupt. */
			if (Ack(v) != 1023)
				acked++;
			std::vector<uint32_t> active;
			for (uint64_t lr : lrs[v]) {
				if (LrState(lr) & VGIC_LR_STATE_ACTIVE)
					active.push_back(vgic_lr_intid(lr));
			}
			if (!active.empty() && pick(4))
				Eoi(v, active[pick(active.size())]);
			break;
		}
		case 8:
			Sync(v);
			break;
		}
		std::set<uint32_t> spis;
		for (uint32_t c = 0; c < kVcpus; c++) {
			std::set<uint32_t> mine;
			for (uint64_t lr : lrs[c]) {
				uint32_t intid = vgic_lr_intid(lr);
				ASSERT_LT(intid, 32u + kSpis);
				ASSERT_TRUE(mine.insert(intid).second) << "twice on " << c;
				if (intid >= 32)
					ASSERT_TRUE(spis.insert(intid).second)
					    << intid << " on two";
				ASSERT_EQ(vgic_lr_priority(lr) & 7, 0u);
				ASSERT_EQ(lr & (VGIC_LR_HW | VGIC_LR_PINTID_MASK), 0u);
			}
		}
	}
	/* The run did deliver interrupts, not just reject accesses. */
	EXPECT_GT(flushed, 2000u);
	EXPECT_GT(acked, 100u);
	EXPECT_GT(states[1], 300u); /* pending */
	EXPECT_GT(states[2], 300u); /* active */
	EXPECT_GT(states[3], 30u);  /* both */
	std::printf("flushed %zu list registers (%zu pending, %zu active, %zu both), "
		    "acknowledged %zu\n",
		    flushed, states[1], states[2], states[3], acked);
	/* Quiesce: drop every line, clear everything, and nothing may be left to deliver. */
	for (uint32_t v = 0; v < kVcpus; v++)
		Sync(v);
	for (uint32_t intid = 32; intid < 32 + kSpis; intid++)
		ASSERT_EQ(vgic_set_spi(g, intid, false), AX_OK);
	for (uint32_t v = 0; v < kVcpus; v++) {
		for (uint32_t intid = 16; intid < 32; intid++)
			ASSERT_EQ(vgic_set_ppi(g, v, intid, false), AX_OK);
		SgiWrite(v, kIcpendr, 0xffffffffu);
		SgiWrite(v, kIcactiver, 0xffffffffu);
	}
	for (uint32_t n = 1; n < 3; n++) {
		DistWrite(kIcpendr + 4 * n, 0xffffffffu);
		DistWrite(kIcactiver + 4 * n, 0xffffffffu);
	}
	for (uint32_t v = 0; v < kVcpus; v++) {
		EXPECT_FALSE(vgic_pending(g, v)) << v;
		EXPECT_THAT(Flush(v), IsEmpty()) << v;
		Sync(v);
	}
}

} // namespace
} // namespace vgic_test
