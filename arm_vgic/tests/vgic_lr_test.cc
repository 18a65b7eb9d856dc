/* Delivery through list registers: the value format, edge and level semantics across
 * flush/ack/EOI/sync cycles, priority order, more pending interrupts than list registers, and
 * what is never delivered. The fixture's fake list-register file plays the guest. */
#include "arm_vgic/tests/vgic_fixture.h"

#include <cstdint>
#include <vector>

namespace vgic_test
{
namespace
{

using LrTest = VgicTest;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(LrTest, ListRegisterFormat)
{
	EnableDist(true);
	EnableSpi(40, 0x88);
	ASSERT_EQ(vgic_set_spi(g, 40, true), AX_OK);
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(file[0], 40ull | 0x88ull << 48 | 1ull << 60 | 1ull << 62);
	EXPECT_EQ(file[0] & (VGIC_LR_HW | VGIC_LR_PINTID_MASK | VGIC_LR_EOI), 0u);
	Sync(0);
	/* A group 0 interrupt carries Group = 0. */
	DistWrite(kIgroupr + 4, 0xfffffeffu);
	file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(file[0], 40ull | 0x88ull << 48 | 1ull << 62);
	Sync(0);
}

TEST_F(LrTest, NothingUntilTheDistributorIsEnabled)
{
	EnableSpi(33);
	ASSERT_EQ(vgic_set_spi(g, 33, true), AX_OK);
	EXPECT_THAT(Flush(0), IsEmpty());
	EXPECT_FALSE(vgic_pending(g, 0));
	Sync(0);
	EnableDist();
	EXPECT_TRUE(vgic_pending(g, 0));
	EXPECT_THAT(Intids(Flush(0)), ElementsAre(33u));
	Sync(0);
}

TEST_F(LrTest, DisabledInterruptsAndGroupsAreNotDelivered)
{
	EnableDist();
	DistWrite(kIspendr + 4, 1u << 2); /* INTID 34 pending, not enabled */
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
	EnableSpi(34);
	EXPECT_THAT(Intids(Flush(0)), ElementsAre(34u));
	Sync(0);
	/* Moved to group 0 while only group 1 is enabled. */
	DistWrite(kIgroupr + 4, ~(1u << 2));
	EXPECT_THAT(Flush(0), IsEmpty());
	EXPECT_FALSE(vgic_pending(g, 0));
	Sync(0);
	EnableDist(true);
	EXPECT_THAT(Intids(Flush(0)), ElementsAre(34u));
	Sync(0);
	/* Disabling the interrupt again. */
	DistWrite(kIcenabler + 4, 1u << 2);
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 2); /* still pending, just not delivered */
}

TEST_F(LrTest, EdgeCycleAckEoi)
{
	EnableDist();
	DistWrite(kIcfgr + 8, 2u << 2); /* INTID 33 edge */
	EnableSpi(33);
	ASSERT_EQ(vgic_set_spi(g, 33, true), AX_OK);
	EXPECT_EQ(DistRead(kIspendr + 4), 2u);
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_PENDING);
	EXPECT_EQ(Ack(0), 33u);
	Sync(0); /* exits while the guest handles it */
	EXPECT_EQ(DistRead(kIspendr + 4), 0u);
	EXPECT_EQ(DistRead(kIsactiver + 4), 2u);
	EXPECT_FALSE(vgic_pending(g, 0)); /* active is not pending */
	file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_ACTIVE); /* back so the guest can EOI it */
	Eoi(0, 33);
	Sync(0);
	EXPECT_EQ(DistRead(kIsactiver + 4), 0u);
	EXPECT_THAT(Flush(0), IsEmpty()); /* the line is still high, but that is no new edge */
	Sync(0);
}

TEST_F(LrTest, EdgeLatchesOnlyRisingEdges)
{
	EnableDist();
	DistWrite(kIcfgr + 8, 2u << 4); /* INTID 34 edge */
	EnableSpi(34);
	ASSERT_EQ(vgic_set_spi(g, 34, true), AX_OK);
	ASSERT_EQ(vgic_set_spi(g, 34, true), AX_OK);
	ASSERT_EQ(vgic_set_spi(g, 34, false), AX_OK); /* falling: the latch stays */
	EXPECT_EQ(DistRead(kIspendr + 4), 4u);
	EXPECT_THAT(TakeAll(0), ElementsAre(34u));
	EXPECT_THAT(TakeAll(0), IsEmpty()); /* two highs made one interrupt */
	ASSERT_EQ(vgic_set_spi(g, 34, true), AX_OK);
	EXPECT_THAT(TakeAll(0), ElementsAre(34u));
}

TEST_F(LrTest, EdgeArrivingWhileInAListRegisterIsNotLost)
{
	EnableDist();
	DistWrite(kIcfgr + 8, 2u << 2); /* INTID 33 edge */
	EnableSpi(33);
	ASSERT_EQ(vgic_set_spi(g, 33, true), AX_OK);
	Flush(0);
	EXPECT_EQ(Ack(0), 33u);
	/* A second edge while the guest handles the first. */
	ASSERT_EQ(vgic_set_spi(g, 33, false), AX_OK);
	TakeKicks();
	ASSERT_EQ(vgic_set_spi(g, 33, true), AX_OK);
	EXPECT_THAT(TakeKicks(), ElementsAre(0u)); /* the holder must resync to see it */
	EXPECT_EQ(DistRead(kIspendr + 4), 2u);
	Eoi(0, 33); /* the list register goes invalid: the hardware never saw the new edge */
	Sync(0);
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_PENDING);
	Sync(0);
	/* And pending + active when the new edge comes before the EOI. */
	Flush(0);
	EXPECT_EQ(Ack(0), 33u);
	ASSERT_EQ(vgic_set_spi(g, 33, false), AX_OK);
	ASSERT_EQ(vgic_set_spi(g, 33, true), AX_OK);
	Sync(0);
	file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_PENDING_ACTIVE);
	Eoi(0, 33);
	EXPECT_EQ(Ack(0), 33u); /* the hardware hands over the pending half */
	Eoi(0, 33);
	Sync(0);
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
}

TEST_F(LrTest, LevelPendingFollowsTheLine)
{
	EnableDist();
	EnableSpi(40);
	ASSERT_EQ(vgic_set_spi(g, 40, true), AX_OK);
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 8);
	ASSERT_EQ(vgic_set_spi(g, 40, false), AX_OK);
	EXPECT_EQ(DistRead(kIspendr + 4), 0u);
	EXPECT_FALSE(vgic_pending(g, 0));
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
	/* ICPENDR cannot clear a level interrupt whose line is high. */
	ASSERT_EQ(vgic_set_spi(g, 40, true), AX_OK);
	DistWrite(kIcpendr + 4, 1u << 8);
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 8);
}

TEST_F(LrTest, LevelStillAssertedAfterEoiIsPendingAgain)
{
	EnableDist();
	EnableSpi(40);
	ASSERT_EQ(vgic_set_spi(g, 40, true), AX_OK);
	EXPECT_THAT(TakeAll(0), ElementsAre(40u));
	EXPECT_TRUE(vgic_pending(g, 0));
	EXPECT_THAT(TakeAll(0), ElementsAre(40u));
	/* The device drops the line while the guest handles it: done. */
	Flush(0);
	EXPECT_EQ(Ack(0), 40u);
	ASSERT_EQ(vgic_set_spi(g, 40, false), AX_OK);
	Eoi(0, 40);
	Sync(0);
	EXPECT_FALSE(vgic_pending(g, 0));
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
}

TEST_F(LrTest, LevelAckedWithLineHighBecomesPendingAndActive)
{
	EnableDist();
	EnableSpi(40);
	ASSERT_EQ(vgic_set_spi(g, 40, true), AX_OK);
	Flush(0);
	EXPECT_EQ(Ack(0), 40u);
	Sync(0);
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_PENDING_ACTIVE);
	Sync(0);
}

TEST_F(LrTest, LevelLineDroppingBeforeTheAckRetractsIt)
{
	EnableDist();
	EnableSpi(41);
	ASSERT_EQ(vgic_set_spi(g, 41, true), AX_OK);
	Flush(0);
	ASSERT_EQ(vgic_set_spi(g, 41, false), AX_OK);
	Sync(0); /* the list register still says pending */
	EXPECT_EQ(DistRead(kIspendr + 4), 0u);
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
}

TEST_F(LrTest, LevelSoftwarePendingIsConsumedByTheAck)
{
	EnableDist();
	EnableSpi(42);
	DistWrite(kIspendr + 4, 1u << 10); /* no line: software pending */
	Flush(0);
	Sync(0); /* not acknowledged: still pending */
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 10);
	EXPECT_THAT(TakeAll(0), ElementsAre(42u));
	EXPECT_EQ(DistRead(kIspendr + 4), 0u);
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
}

TEST_F(LrTest, ClearPendingWhileInAListRegister)
{
	EnableDist();
	DistWrite(kIcfgr + 8, 2u << 6); /* INTID 35 edge */
	EnableSpi(35);
	DistWrite(kIspendr + 4, 1u << 3);
	Flush(0);
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 3); /* reads show the flushed state */
	TakeKicks();
	DistWrite(kIcpendr + 4, 1u << 3, 4, 1);
	EXPECT_THAT(TakeKicks(), ElementsAre(0u));
	EXPECT_EQ(DistRead(kIspendr + 4), 0u);
	Sync(0); /* the list register still says pending; the clear wins */
	EXPECT_EQ(DistRead(kIspendr + 4), 0u);
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
}

TEST_F(LrTest, ClearActiveWhileInAListRegister)
{
	EnableDist();
	EnableSpi(36);
	DistWrite(kIspendr + 4, 1u << 4);
	Flush(0);
	EXPECT_EQ(Ack(0), 36u);
	Sync(0);
	Flush(0); /* active */
	EXPECT_EQ(DistRead(kIsactiver + 4), 1u << 4);
	DistWrite(kIcactiver + 4, 1u << 4);
	EXPECT_EQ(DistRead(kIsactiver + 4), 0u);
	Sync(0);
	EXPECT_EQ(DistRead(kIsactiver + 4), 0u);
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
	/* And set active by the guest: listed active, not pending. */
	DistWrite(kIsactiver + 4, 1u << 4);
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_ACTIVE);
	Sync(0);
}

TEST_F(LrTest, ActiveInterruptsAreListedEvenWhenDisabled)
{
	EnableDist();
	EnableSpi(37);
	DistWrite(kIspendr + 4, 1u << 5);
	Flush(0);
	EXPECT_EQ(Ack(0), 37u);
	Sync(0);
	DistWrite(kIcenabler + 4, 1u << 5);
	DistWrite(kGicdCtlr, 0);
	DistWrite(kIspendr + 4, 1u << 5); /* pending again, but disabled */
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(LrState(file[0]), VGIC_LR_STATE_ACTIVE); /* the pending half stays behind */
	Eoi(0, 37);
	Sync(0);
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 5);
	EXPECT_EQ(DistRead(kIsactiver + 4), 0u);
	EXPECT_THAT(Flush(0), IsEmpty());
	Sync(0);
}

TEST_F(LrTest, PriorityOrderTiesToTheLowerIntid)
{
	EnableDist();
	const uint8_t prio[] = {0xa0, 0x40, 0xa0, 0x80, 0x40, 0xf8};
	for (uint32_t i = 0; i < 6; i++) {
		EnableSpi(50 + i, prio[i]);
		DistWrite(kIspendr + 4, 1u << (18 + i));
	}
	bool underflow = false;
	std::vector<uint64_t> file = Flush(0, 4, &underflow);
	EXPECT_THAT(Intids(file), ElementsAre(51u, 54u, 53u, 50u));
	EXPECT_TRUE(underflow);
	for (uint64_t lr : file)
		EXPECT_EQ(vgic_lr_priority(lr), prio[vgic_lr_intid(lr) - 50]);
	Sync(0); /* nothing taken: the same four again */
	EXPECT_THAT(Intids(Flush(0, 4)), ElementsAre(51u, 54u, 53u, 50u));
	Sync(0);
	/* Priorities compare on the implemented bits only: 0x41 is 0x40. */
	DistWrite(kIpriorityr + 52, 0x41, 1);
	EXPECT_THAT(Intids(Flush(0, 3)), ElementsAre(51u, 52u, 54u));
	Sync(0);
}

TEST_F(LrTest, ActiveOnesGoFirst)
{
	EnableDist();
	EnableSpi(60, 0xf0);
	DistWrite(kIspendr + 4, 1u << 28);
	Flush(0, 1);
	EXPECT_EQ(Ack(0), 60u);
	Sync(0);
	EnableSpi(61, 0x10);
	DistWrite(kIspendr + 4, 1u << 29);
	bool underflow = false;
	EXPECT_THAT(Intids(Flush(0, 1, &underflow)), ElementsAre(60u));
	EXPECT_TRUE(underflow);
	Sync(0);
	EXPECT_THAT(Intids(Flush(0, 2)), ElementsAre(60u, 61u));
	Sync(0);
}

TEST_F(LrTest, MoreThanTheListRegistersArriveOverSeveralRounds)
{
	EnableDist();
	std::vector<uint32_t> expect;
	for (uint32_t intid = 32; intid < 96; intid++) {
		EnableSpi(intid, (uint8_t)(0xf8 - 8 * (intid % 31)));
		DistWrite(BitReg(kIspendr, intid), 1u << (intid % 32));
	}
	std::vector<bool> seen(96, false);
	size_t rounds = 0;
	for (;;) {
		bool underflow = false;
		std::vector<uint64_t> file = Flush(0, 4, &underflow);
		if (file.empty()) {
			EXPECT_FALSE(underflow);
			Sync(0);
			break;
		}
		EXPECT_EQ(underflow, file.size() == 4 && rounds < 15) << rounds;
		for (uint32_t intid = Ack(0); intid != 1023; intid = Ack(0)) {
			EXPECT_FALSE(seen[intid]) << intid;
			seen[intid] = true;
			Eoi(0, intid);
		}
		Sync(0);
		ASSERT_LT(++rounds, 100u);
	}
	EXPECT_EQ(rounds, 16u);
	for (uint32_t intid = 32; intid < 96; intid++)
		EXPECT_TRUE(seen[intid]) << intid;
}

TEST_F(LrTest, ListRegisterCountLimits)
{
	EnableDist();
	for (uint32_t intid = 32; intid < 64; intid++)
		EnableSpi(intid);
	DistWrite(kIspendr + 4, 0xffffffffu);
	bool underflow = false;
	std::vector<uint64_t> big(40, 0);
	EXPECT_EQ(vgic_flush(g, 0, big.data(), big.size(), &underflow), VGIC_MAX_LRS);
	EXPECT_TRUE(underflow);
	EXPECT_EQ(big[VGIC_MAX_LRS], 0u); /* nothing written past the 16th */
	vgic_sync(g, 0, big.data(), VGIC_MAX_LRS);
	EXPECT_EQ(vgic_flush(g, 0, big.data(), 0, &underflow), 0u);
	EXPECT_TRUE(underflow);
	EXPECT_EQ(vgic_flush(g, 0, nullptr, 4, &underflow), 0u);
	EXPECT_TRUE(underflow);
	EXPECT_EQ(vgic_flush(g, 0, big.data(), 2, nullptr), 2u);
	vgic_sync(g, 0, big.data(), 2);
	EXPECT_EQ(vgic_flush(g, kVcpus, big.data(), 4, &underflow), 0u); /* no such vCPU */
	EXPECT_FALSE(underflow);
	vgic_sync(g, kVcpus, big.data(), 4);
	EXPECT_EQ(DistRead(kIspendr + 4), 0xffffffffu);
}

TEST_F(LrTest, AnInterruptIsNeverInTwoListRegisters)
{
	EnableDist();
	EnableSpi(45);
	RouteSpi(45, 1ull << 31); /* 1 of N: any vCPU may take it */
	DistWrite(kIspendr + 4, 1u << 13);
	EXPECT_THAT(Intids(Flush(2)), ElementsAre(45u));
	for (uint32_t v = 0; v < kVcpus; v++) {
		if (v != 2) {
			EXPECT_THAT(Flush(v), IsEmpty()) << v;
			EXPECT_FALSE(vgic_pending(g, v)) << v;
		}
	}
	/* A second flush on the holder without a sync takes it back first: once, not twice. */
	EXPECT_THAT(Intids(Flush(2)), ElementsAre(45u));
	Sync(2);
	EXPECT_THAT(Intids(Flush(1)), ElementsAre(45u));
	for (uint32_t v = 0; v < kVcpus; v++)
		Sync(v);
}

TEST_F(LrTest, SyncIgnoresValuesItDidNotHandOut)
{
	EnableDist();
	EnableSpi(46);
	DistWrite(kIspendr + 4, 1u << 14);
	EnablePrivate(0, 3);
	Flush(1); /* nothing for vCPU 1 */
	std::vector<uint64_t> file = Flush(0);
	ASSERT_EQ(file.size(), 1u);
	/* vCPU 1 claims to have acknowledged 46, and everyone reports garbage. */
	const uint64_t bogus[] = {46ull | VGIC_LR_STATE_ACTIVE, 3ull | VGIC_LR_STATE_ACTIVE,
				  1022ull | VGIC_LR_STATE_ACTIVE, ~0ull, 0};
	vgic_sync(g, 1, bogus, 5);
	EXPECT_EQ(DistRead(kIsactiver + 4), 0u);
	EXPECT_EQ(SgiRead(0, kIsactiver), 0u);
	EXPECT_EQ(SgiRead(1, kIsactiver), 0u);
	/* vCPU 0's sync without its values: taken back as flushed, still pending. */
	vgic_sync(g, 0, nullptr, 0);
	EXPECT_EQ(DistRead(kIspendr + 4), 1u << 14);
	EXPECT_THAT(Intids(Flush(0)), ElementsAre(46u));
	Sync(0);
}

TEST_F(LrTest, PpiLinePerVcpu)
{
	EnableDist();
	EnablePrivate(1, 27, 0x20);
	EnablePrivate(2, 27, 0x20);
	ASSERT_EQ(vgic_set_ppi(g, 1, 27, true), AX_OK);
	EXPECT_TRUE(vgic_pending(g, 1));
	EXPECT_FALSE(vgic_pending(g, 2));
	EXPECT_THAT(Flush(0), IsEmpty());
	EXPECT_THAT(Flush(2), IsEmpty());
	std::vector<uint64_t> file = Flush(1);
	ASSERT_EQ(file.size(), 1u);
	EXPECT_EQ(file[0], 27ull | 0x20ull << 48 | VGIC_LR_GROUP | VGIC_LR_STATE_PENDING);
	EXPECT_EQ(Ack(1), 27u);
	ASSERT_EQ(vgic_set_ppi(g, 1, 27, false), AX_OK); /* the timer is reprogrammed */
	Eoi(1, 27);
	for (uint32_t v = 0; v < 3; v++)
		Sync(v);
	EXPECT_FALSE(vgic_pending(g, 1));
	EXPECT_EQ(SgiRead(1, kIspendr), 0u);
	/* Bad inputs. */
	EXPECT_EQ(vgic_set_ppi(g, 1, 15, true), AXERR_INVALID);
	EXPECT_EQ(vgic_set_ppi(g, 1, 32, true), AXERR_INVALID);
	EXPECT_EQ(vgic_set_ppi(g, kVcpus, 27, true), AXERR_INVALID);
	EXPECT_EQ(vgic_set_spi(g, 31, true), AXERR_INVALID);
	EXPECT_EQ(vgic_set_spi(g, 96, true), AXERR_INVALID);
	EXPECT_EQ(vgic_set_spi(g, 1020, true), AXERR_INVALID);
	EXPECT_EQ(vgic_set_spi(g, 0xffffffffu, true), AXERR_INVALID);
}

} // namespace
} // namespace vgic_test
