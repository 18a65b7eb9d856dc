// The APIC bus's destinations, against the SDM's rules (Vol. 3A, 11.6.2).
#include <gtest/gtest.h>

extern "C" {
#include <axdevice/apic_bus.h>
}

namespace
{

TEST(ApicBus, LogicalIds)
{
	EXPECT_EQ(apic_logical_id(0, APIC_LOGICAL_FLAT), 0x01u);
	EXPECT_EQ(apic_logical_id(7, APIC_LOGICAL_FLAT), 0x80u);
	EXPECT_EQ(apic_logical_id(8, APIC_LOGICAL_FLAT), 0u) << "flat names 8 APICs";
	EXPECT_EQ(apic_logical_id(5, APIC_LOGICAL_CLUSTER), 0x12u);
	EXPECT_EQ(apic_logical_id(17, APIC_LOGICAL_X2APIC), 0x10002u);
}

TEST(ApicBus, Physical)
{
	EXPECT_EQ(apic_dest_mask(1, false, APIC_LOGICAL_FLAT, 2), 0x2u);
	EXPECT_EQ(apic_dest_mask(2, false, APIC_LOGICAL_FLAT, 2), 0u) << "no such APIC";
	EXPECT_EQ(apic_dest_mask(0xff, false, APIC_LOGICAL_FLAT, 3), 0x7u) << "broadcast";
	EXPECT_EQ(apic_dest_mask(0xff, false, APIC_LOGICAL_X2APIC, 3), 0u)
	    << "0xff is an APIC ID in x2APIC mode";
	EXPECT_EQ(apic_dest_mask(0xffffffff, false, APIC_LOGICAL_X2APIC, 3), 0x7u);
	EXPECT_EQ(apic_dest_mask(0x1u, false, APIC_LOGICAL_X2APIC, 3), 0x2u);
}

TEST(ApicBus, LogicalFlat)
{
	EXPECT_EQ(apic_dest_mask(0x05, true, APIC_LOGICAL_FLAT, 4), 0x5u);
	EXPECT_EQ(apic_dest_mask(0xf0, true, APIC_LOGICAL_FLAT, 4), 0u);
	EXPECT_EQ(apic_dest_mask(0xff, true, APIC_LOGICAL_FLAT, 10), 0x3ffu) << "broadcast";
}

TEST(ApicBus, LogicalCluster)
{
	EXPECT_EQ(apic_dest_mask(0x13, true, APIC_LOGICAL_CLUSTER, 8), 0x30u);
	EXPECT_EQ(apic_dest_mask(0x03, true, APIC_LOGICAL_CLUSTER, 8), 0x03u);
	EXPECT_EQ(apic_dest_mask(0x20, true, APIC_LOGICAL_CLUSTER, 8), 0u);
}

TEST(ApicBus, LogicalX2apic)
{
	EXPECT_EQ(apic_dest_mask(0x00000003, true, APIC_LOGICAL_X2APIC, 20), 0x3u);
	EXPECT_EQ(apic_dest_mask(0x00010001, true, APIC_LOGICAL_X2APIC, 20), 1u << 16);
	EXPECT_EQ(apic_dest_mask(0x00010001, true, APIC_LOGICAL_X2APIC, 16), 0u);
}

TEST(ApicBus, AtMost64Vcpus)
{
	EXPECT_EQ(apic_dest_mask(0xffffffff, false, APIC_LOGICAL_X2APIC, 200), ~0ull);
	EXPECT_EQ(apic_dest_mask(100, false, APIC_LOGICAL_X2APIC, 200), 0u);
}

TEST(ApicBus, LowestPriority)
{
	EXPECT_EQ(apic_lowest_priority(0x6), 0x2u);
	EXPECT_EQ(apic_lowest_priority(0), 0u);
	EXPECT_EQ(apic_lowest_priority(1ull << 63), 1ull << 63);
}

} // namespace
