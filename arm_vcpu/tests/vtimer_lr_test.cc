// The virtual timer's list register mapped to the physical PPI 27 (vtimer_lr.h).
#include <gtest/gtest.h>

#include <cstdint>

extern "C" {
#include <arm_vcpu/vtimer_lr.h>
}

namespace
{

constexpr uint64_t kPending = 1ull << 62;
constexpr uint64_t kActive = 2ull << 62;
constexpr uint64_t kStateMask = 3ull << 62;
constexpr uint64_t kHw = 1ull << 61;
constexpr uint64_t kGroup1 = 1ull << 60;
constexpr uint64_t kEoi = 1ull << 41;
constexpr uint64_t kPintid27 = 27ull << 32;

uint64_t Lr(uint32_t intid, uint64_t state, uint8_t priority = 0xa0)
{
	return intid | uint64_t{priority} << 48 | kGroup1 | state;
}

TEST(VtimerMapLrs, MapsThePendingTimerToThePhysicalInterrupt)
{
	uint64_t lrs[] = {Lr(33, kPending), Lr(27, kPending), Lr(1, kActive)};

	EXPECT_EQ(arm_vtimer_map_lrs(lrs, 3, true), ARM_VTIMER_KEEP);
	EXPECT_EQ(lrs[1], Lr(27, kPending) | kHw | kPintid27);
	EXPECT_EQ(lrs[0], Lr(33, kPending));
	EXPECT_EQ(lrs[2], Lr(1, kActive));
}

TEST(VtimerMapLrs, ActiveStaysActiveAndPendingAndActiveBecomesActive)
{
	uint64_t active[] = {Lr(27, kActive)};
	uint64_t both[] = {Lr(27, kPending | kActive)};

	EXPECT_EQ(arm_vtimer_map_lrs(active, 1, true), ARM_VTIMER_KEEP);
	EXPECT_EQ(active[0], Lr(27, kActive) | kHw | kPintid27);
	EXPECT_EQ(arm_vtimer_map_lrs(both, 1, true), ARM_VTIMER_KEEP);
	EXPECT_EQ(both[0], Lr(27, kActive) | kHw | kPintid27);
}

TEST(VtimerMapLrs, AMaintenanceRequestGivesWayToThePhysicalInterrupt)
{
	uint64_t lrs[] = {Lr(27, kPending) | kEoi};

	EXPECT_EQ(arm_vtimer_map_lrs(lrs, 1, false), ARM_VTIMER_KEEP);
	EXPECT_EQ(lrs[0], Lr(27, kPending) | kHw | kPintid27);
	EXPECT_EQ(lrs[0] & kEoi, 0u);
}

TEST(VtimerMapLrs, WithoutAListRegisterTheLevelDecides)
{
	uint64_t lrs[] = {Lr(33, kPending), Lr(27, 0)};
	const uint64_t before[] = {lrs[0], lrs[1]};

	// Still asserted: kept active, so that it does not fire again and again before the guest
	// can be given it (its PPI disabled, or every list register taken).
	EXPECT_EQ(arm_vtimer_map_lrs(lrs, 2, true), ARM_VTIMER_KEEP);
	EXPECT_EQ(arm_vtimer_map_lrs(lrs, 2, false), ARM_VTIMER_DEACTIVATE);
	EXPECT_EQ(lrs[0], before[0]);
	EXPECT_EQ(lrs[1], before[1]);
	EXPECT_EQ(arm_vtimer_map_lrs(nullptr, 0, false), ARM_VTIMER_DEACTIVATE);
	EXPECT_EQ(arm_vtimer_map_lrs(nullptr, 0, true), ARM_VTIMER_KEEP);
}

TEST(VtimerMapLrs, OnlyIntid27IsTheTimer)
{
	// vINTID 27 + 2^32 or 27 in the pINTID field is not the timer's list register.
	uint64_t lrs[] = {Lr(28, kPending) | kPintid27, Lr(26, kPending)};

	EXPECT_EQ(arm_vtimer_map_lrs(lrs, 2, false), ARM_VTIMER_DEACTIVATE);
	EXPECT_EQ(lrs[0] & kHw, 0u);
	EXPECT_EQ(lrs[1] & kHw, 0u);
}

TEST(VtimerDeactivated, OnlyAMappedListRegisterTheGuestEndedCounts)
{
	uint64_t ended[] = {Lr(33, kActive), Lr(27, 0) | kHw | kPintid27};
	uint64_t acked[] = {Lr(27, kActive) | kHw | kPintid27};
	uint64_t pending[] = {Lr(27, kPending) | kHw | kPintid27};
	uint64_t software[] = {Lr(27, 0)};

	EXPECT_TRUE(arm_vtimer_deactivated(ended, 2));
	EXPECT_FALSE(arm_vtimer_deactivated(acked, 1));
	EXPECT_FALSE(arm_vtimer_deactivated(pending, 1));
	EXPECT_FALSE(arm_vtimer_deactivated(software, 1));
	EXPECT_FALSE(arm_vtimer_deactivated(nullptr, 0));
	EXPECT_EQ(ended[1] & kStateMask, 0u);
}

} // namespace
