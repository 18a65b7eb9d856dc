/* The I/O APIC model: its registers through IOREGSEL/IOWIN, the EOI register, edge and level
 * inputs with Remote IRR and polarity, and the destinations its messages reach. */
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/ioapic.h>
#include <axdevice/irqchip.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

constexpr uint64_t kBase = 0xfec00000;
constexpr uint32_t kVcpus = 4;

/* Entry fields. */
constexpr uint64_t kMasked = AXDEVICE_IOAPIC_RTE_MASKED;
constexpr uint64_t kLevel = AXDEVICE_IOAPIC_RTE_LEVEL;
constexpr uint64_t kActiveLow = AXDEVICE_IOAPIC_RTE_ACTIVE_LOW;
constexpr uint64_t kLogical = AXDEVICE_IOAPIC_RTE_LOGICAL;
constexpr uint64_t kRemoteIrr = AXDEVICE_IOAPIC_RTE_REMOTE_IRR;
constexpr uint64_t kLowest = uint64_t{AXDEVICE_IOAPIC_DELIVERY_LOWEST}
			     << AXDEVICE_IOAPIC_RTE_DELIVERY_SHIFT;

constexpr uint64_t Dest(uint32_t dest)
{
	return uint64_t{dest} << AXDEVICE_IOAPIC_RTE_DEST_SHIFT;
}

constexpr uint64_t Mode(uint32_t mode)
{
	return uint64_t{mode} << AXDEVICE_IOAPIC_RTE_DELIVERY_SHIFT;
}

constexpr uint32_t EntryLow(uint32_t pin)
{
	return AXDEVICE_IOAPIC_REG_REDTBL + 2 * pin;
}

using Message = std::pair<uint64_t, uint32_t>; /* (vCPU mask, vector) */

class IoapicTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
		ASSERT_EQ(axdevice_ioapic_create(&mem.ops, &host, &ioapic), AX_OK);
		ASSERT_EQ(
		    axdevice_set_add(&set, AXDEVICE_MMIO, kBase, AXDEVICE_IOAPIC_SIZE, ioapic),
		    AX_OK);
	}

	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0);
	}

	static void SendVector(void *ctx, uint64_t mask, uint32_t vector)
	{
		static_cast<IoapicTest *>(ctx)->sent.emplace_back(mask, vector);
	}

	uint32_t Read(uint64_t offset)
	{
		uint64_t value = 0xdead;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + offset, 4, &value),
			  AX_OK)
		    << std::hex << offset;
		EXPECT_LE(value, 0xffffffffu);
		return static_cast<uint32_t>(value);
	}

	void Write(uint64_t offset, uint32_t value)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + offset, 4, value),
			  AX_OK)
		    << std::hex << offset;
	}

	uint32_t ReadReg(uint32_t reg)
	{
		Write(AXDEVICE_IOAPIC_IOREGSEL, reg);
		return Read(AXDEVICE_IOAPIC_IOWIN);
	}

	void WriteReg(uint32_t reg, uint32_t value)
	{
		Write(AXDEVICE_IOAPIC_IOREGSEL, reg);
		Write(AXDEVICE_IOAPIC_IOWIN, value);
	}

	uint64_t Entry(uint32_t pin)
	{
		return ReadReg(EntryLow(pin)) | uint64_t{ReadReg(EntryLow(pin) + 1)} << 32;
	}

	/* Writes the high half (the destination) first, as a guest does, so that the low half,
	 * which may unmask the entry, finds it complete. */
	void SetEntry(uint32_t pin, uint64_t e)
	{
		WriteReg(EntryLow(pin) + 1, static_cast<uint32_t>(e >> 32));
		WriteReg(EntryLow(pin), static_cast<uint32_t>(e));
	}

	void Eoi(uint32_t vector)
	{
		Write(AXDEVICE_IOAPIC_EOI, vector);
	}

	void Line(uint32_t pin, bool level)
	{
		EXPECT_EQ(axdevice_irqchip_set_line(ioapic, pin, level), AX_OK) << pin;
	}

	MallocAllocator mem;
	axdevice_set set;
	axdevice *ioapic = nullptr;
	std::vector<Message> sent;
	axdevice_cpu_host host = {nullptr, nullptr, this, SendVector, kVcpus};
};

TEST_F(IoapicTest, ResetsMaskedWithTheVersion0x20Registers)
{
	EXPECT_STREQ(ioapic->ops->model, "ioapic");
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_IOREGSEL), 0u);
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_IOWIN), 0u) << "the ID, selected at reset";
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_EOI), 0u) << "write-only";
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ID), 0u);
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_VERSION), 0x00170020u)
	    << "entries 0..23, version 0x20";
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ARB), 0u);
	for (uint32_t pin = 0; pin < AXDEVICE_IOAPIC_PINS; pin++)
		EXPECT_EQ(Entry(pin), 0x10000u) << "pin " << pin << ": masked, all else 0";
	EXPECT_EQ(ReadReg(EntryLow(AXDEVICE_IOAPIC_PINS)), 0u) << "no entry 24";
	ASSERT_NE(ioapic->irqchip, nullptr);
	EXPECT_EQ(ioapic->irqchip->cpu_flush, nullptr) << "not a list-register controller";
	EXPECT_EQ(ioapic->irqchip->cpu_sync, nullptr);
	EXPECT_EQ(ioapic->irqchip->cpu_pending, nullptr);
	EXPECT_EQ(ioapic->irqchip->set_private_line, nullptr);
}

TEST_F(IoapicTest, IoregselKeepsEightBitsAndSelectsWhatIowinReaches)
{
	Write(AXDEVICE_IOAPIC_IOREGSEL, 0xffffff01);
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_IOREGSEL), 0x01u);
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_IOWIN), 0x00170020u) << "the version";
	Write(AXDEVICE_IOAPIC_IOREGSEL, EntryLow(3));
	Write(AXDEVICE_IOAPIC_IOWIN, 0x10042);
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_IOWIN), 0x10042u);
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_IOREGSEL), EntryLow(3)) << "IOWIN leaves IOREGSEL alone";
	EXPECT_EQ(Entry(3), 0x10042u);
	EXPECT_EQ(Entry(2), 0x10000u) << "its neighbours untouched";
	EXPECT_EQ(Entry(4), 0x10000u);
}

TEST_F(IoapicTest, TheIdKeepsBits27To24AndTheArbitrationIdFollowsIt)
{
	WriteReg(AXDEVICE_IOAPIC_REG_ID, 0xffffffff);
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ID), 0x0f000000u);
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ARB), 0x0f000000u);
	WriteReg(AXDEVICE_IOAPIC_REG_ID, 0x02000000);
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ID), 0x02000000u);
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ARB), 0x02000000u);
	WriteReg(AXDEVICE_IOAPIC_REG_VERSION, 0);
	WriteReg(AXDEVICE_IOAPIC_REG_ARB, 0x05000000);
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_VERSION), 0x00170020u) << "read-only";
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ARB), 0x02000000u) << "read-only";
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ID), 0x02000000u);
}

TEST_F(IoapicTest, EntriesKeepTheirWritableBitsOnly)
{
	/* All ones: vector, mode, logical, active low, level, masked; no delivery status, no
	 * Remote IRR, no reserved bits; the destination alone in the high half. */
	WriteReg(EntryLow(5), 0xffffffff);
	WriteReg(EntryLow(5) + 1, 0xffffffff);
	EXPECT_EQ(ReadReg(EntryLow(5)), 0x1afffu);
	EXPECT_EQ(ReadReg(EntryLow(5) + 1), 0xff000000u);
	WriteReg(EntryLow(23), 0x0001a931); /* masked: active low is asserted */
	WriteReg(EntryLow(23) + 1, 0x03000000);
	EXPECT_EQ(Entry(23), Dest(3) | 0x1a931) << "the last entry, at 0x3e/0x3f";
	EXPECT_EQ(Entry(5), Dest(0xff) | 0x1afff);
	for (uint32_t reg : {0x03u, 0x0fu, 0x40u, 0x41u, 0xffu}) {
		WriteReg(reg, 0xffffffff);
		EXPECT_EQ(ReadReg(reg), 0u) << "no register 0x" << std::hex << reg;
	}
	EXPECT_EQ(ReadReg(AXDEVICE_IOAPIC_REG_ID), 0u);
	for (uint32_t pin = 0; pin < AXDEVICE_IOAPIC_PINS; pin++) {
		if (pin != 5 && pin != 23)
			EXPECT_EQ(Entry(pin), 0x10000u) << pin;
	}
	EXPECT_TRUE(sent.empty()) << "every pin low: nothing to send";
}

TEST_F(IoapicTest, OnlyWordAccessesAtTheThreeRegistersWork)
{
	Write(AXDEVICE_IOAPIC_IOREGSEL, EntryLow(0));
	for (uint64_t offset : {0x00u, 0x10u, 0x40u}) {
		for (unsigned width : {1u, 2u, 8u}) {
			uint64_t value = 0xdead;
			EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + offset, width,
						    &value),
				  AXERR_INVALID)
			    << offset << " width " << width;
			EXPECT_EQ(value, 0u);
			EXPECT_EQ(
			    axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + offset, width, 0x31),
			    AXERR_INVALID)
			    << offset << " width " << width;
		}
	}
	for (uint64_t offset : {0x01u, 0x04u, 0x0cu, 0x14u, 0x20u, 0x30u, 0x3cu, 0x44u, 0xffcu}) {
		uint64_t value = 0xdead;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + offset, 4, &value),
			  AXERR_INVALID)
		    << offset;
		EXPECT_EQ(value, 0u);
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + offset, 4, 0x31),
			  AXERR_INVALID)
		    << offset;
	}
	uint64_t value = 0xdead;
	EXPECT_EQ(ioapic->ops->read(ioapic, 0, AXDEVICE_IOAPIC_IOWIN, 3, &value), AXERR_INVALID)
	    << "a model called directly checks the width";
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(ioapic->ops->write(ioapic, 0, AXDEVICE_IOAPIC_IOWIN, 0, 0x31), AXERR_INVALID);
	EXPECT_EQ(Read(AXDEVICE_IOAPIC_IOREGSEL), EntryLow(0)) << "no bad access changed it";
	EXPECT_EQ(Entry(0), 0x10000u);
}

TEST_F(IoapicTest, LinesBeyondTheLastPinAreRefused)
{
	EXPECT_EQ(axdevice_irqchip_set_line(ioapic, 23, true), AX_OK);
	for (uint32_t line : {24u, 255u, UINT32_MAX}) {
		EXPECT_EQ(axdevice_irqchip_set_line(ioapic, line, true), AXERR_INVALID) << line;
		EXPECT_EQ(ioapic->irqchip->set_line(ioapic, line, false), AXERR_INVALID) << line;
	}
	EXPECT_TRUE(sent.empty());
}

TEST_F(IoapicTest, AnEdgeTriggeredPinSendsOnEachRisingEdge)
{
	SetEntry(4, Dest(1) | 0x31);
	EXPECT_TRUE(sent.empty()) << "unmasking a low pin sends nothing";
	Line(4, true);
	ASSERT_EQ(sent, (std::vector<Message>{{0b10, 0x31}}));
	Line(4, true);
	EXPECT_EQ(sent.size(), 1u) << "held high: no new edge";
	EXPECT_EQ(Entry(4) & kRemoteIrr, 0u) << "no Remote IRR for an edge";
	Line(4, false);
	EXPECT_EQ(sent.size(), 1u) << "a falling edge sends nothing";
	Line(4, true);
	EXPECT_EQ(sent, (std::vector<Message>{{0b10, 0x31}, {0b10, 0x31}}));
	Line(5, true);
	EXPECT_EQ(sent.size(), 2u) << "pin 5 is masked";
	Eoi(0x31);
	EXPECT_EQ(sent.size(), 2u) << "an EOI does not resend an edge";
}

TEST_F(IoapicTest, AnEdgeWhileMaskedIsLost)
{
	SetEntry(6, kMasked | 0x40);
	Line(6, true);
	EXPECT_TRUE(sent.empty());
	SetEntry(6, 0x40);
	EXPECT_TRUE(sent.empty()) << "unmasking a high edge pin sends nothing";
	Line(6, false);
	Line(6, true);
	EXPECT_EQ(sent, (std::vector<Message>{{0b1, 0x40}}));
}

TEST_F(IoapicTest, ALevelTriggeredPinSendsOnceUntilItsEoi)
{
	SetEntry(9, kLevel | Dest(2) | 0x51);
	Line(9, true);
	ASSERT_EQ(sent, (std::vector<Message>{{0b100, 0x51}}));
	EXPECT_EQ(Entry(9), kRemoteIrr | kLevel | Dest(2) | 0x51);
	Line(9, true);
	Line(9, false);
	Line(9, true);
	EXPECT_EQ(sent.size(), 1u) << "in service: nothing more until an EOI";
	Eoi(0x52);
	EXPECT_EQ(Entry(9) & kRemoteIrr, kRemoteIrr) << "another vector's EOI";
	EXPECT_EQ(sent.size(), 1u);
	Eoi(0xffffff51);
	EXPECT_EQ(sent.size(), 2u) << "still asserted at the EOI: sent again";
	EXPECT_EQ(sent.back(), Message(0b100, 0x51));
	EXPECT_EQ(Entry(9) & kRemoteIrr, kRemoteIrr) << "and in service again";
	Line(9, false);
	Eoi(0x51);
	EXPECT_EQ(Entry(9) & kRemoteIrr, 0u);
	EXPECT_EQ(sent.size(), 2u) << "low at the EOI: nothing";
	Line(9, true);
	EXPECT_EQ(sent.size(), 3u);
}

TEST_F(IoapicTest, AnEoiEndsEveryLevelEntryWithItsVector)
{
	SetEntry(1, kLevel | 0x60);
	SetEntry(2, kLevel | 0x60);
	SetEntry(3, kLevel | 0x61);
	SetEntry(4, 0x60); /* edge */
	SetEntry(5, kLevel | 0x70);
	for (uint32_t pin : {1u, 2u, 3u, 4u, 5u})
		Line(pin, true);
	ASSERT_EQ(sent.size(), 5u);
	for (uint32_t pin : {1u, 2u, 3u, 5u})
		Line(pin, false);
	Eoi(0x60);
	EXPECT_EQ(Entry(1) & kRemoteIrr, 0u);
	EXPECT_EQ(Entry(2) & kRemoteIrr, 0u);
	EXPECT_EQ(Entry(3) & kRemoteIrr, kRemoteIrr) << "vector 0x61 is still in service";
	EXPECT_EQ(Entry(5) & kRemoteIrr, kRemoteIrr) << "vector 0x70 is still in service";
	EXPECT_EQ(sent.size(), 5u);
}

TEST_F(IoapicTest, RemoteIrrAndDeliveryStatusIgnoreWrites)
{
	SetEntry(7, kLevel | 0x70);
	WriteReg(EntryLow(7), static_cast<uint32_t>(kLevel | kRemoteIrr |
						    AXDEVICE_IOAPIC_RTE_DELIVERY_STATUS | 0x70));
	EXPECT_EQ(Entry(7), kLevel | 0x70) << "not set by a write";
	Line(7, true);
	ASSERT_EQ(Entry(7), kRemoteIrr | kLevel | 0x70);
	WriteReg(EntryLow(7), static_cast<uint32_t>(kLevel | 0x70));
	EXPECT_EQ(Entry(7), kRemoteIrr | kLevel | 0x70) << "not cleared by a write";
	EXPECT_EQ(sent.size(), 1u);
}

TEST_F(IoapicTest, WritingAnEntryAsEdgeEndsItsService)
{
	/* Linux's EOI for an I/O APIC without the EOI register: masked and edge, then back. */
	SetEntry(8, kLevel | 0x80);
	Line(8, true);
	ASSERT_EQ(Entry(8) & kRemoteIrr, kRemoteIrr);
	SetEntry(8, kMasked | 0x80);
	EXPECT_EQ(Entry(8), kMasked | 0x80) << "Remote IRR cleared";
	EXPECT_EQ(sent.size(), 1u);
	SetEntry(8, kLevel | 0x80);
	EXPECT_EQ(sent.size(), 2u) << "level again with the pin asserted: sent";
	EXPECT_EQ(Entry(8) & kRemoteIrr, kRemoteIrr);
}

TEST_F(IoapicTest, ActiveLowInvertsThePin)
{
	SetEntry(10, kActiveLow | 0x90); /* edge, active low: asserted by a falling level */
	Line(10, true);
	EXPECT_TRUE(sent.empty()) << "deasserted";
	Line(10, false);
	EXPECT_EQ(sent, (std::vector<Message>{{0b1, 0x90}}));

	SetEntry(11, kLevel | kActiveLow | 0x91);
	EXPECT_EQ(sent.size(), 2u) << "a low active-low pin is asserted: unmasking sends";
	EXPECT_EQ(sent.back(), Message(0b1, 0x91));
	Line(11, true);
	Eoi(0x91);
	EXPECT_EQ(Entry(11) & kRemoteIrr, 0u);
	EXPECT_EQ(sent.size(), 2u) << "high: deasserted at the EOI";
	Line(11, false);
	EXPECT_EQ(sent.size(), 3u);
}

TEST_F(IoapicTest, UnmaskingAnAssertedLevelPinSends)
{
	SetEntry(12, kMasked | kLevel | 0xa0);
	Line(12, true);
	EXPECT_TRUE(sent.empty());
	EXPECT_EQ(Entry(12) & kRemoteIrr, 0u);
	SetEntry(12, kLevel | 0xa0);
	ASSERT_EQ(sent, (std::vector<Message>{{0b1, 0xa0}}));
	EXPECT_EQ(Entry(12) & kRemoteIrr, kRemoteIrr);
	/* Masked while in service: the EOI ends the service, the unmasking sends again. */
	SetEntry(12, kMasked | kLevel | 0xa0);
	Eoi(0xa0);
	EXPECT_EQ(Entry(12) & kRemoteIrr, 0u);
	EXPECT_EQ(sent.size(), 1u);
	SetEntry(12, kLevel | 0xa0);
	EXPECT_EQ(sent.size(), 2u);
}

struct DestCase {
	uint64_t fields; /* destination, destination mode, delivery mode */
	uint64_t mask;	 /* the vCPUs it reaches, 0: dropped */
	const char *what;
};

TEST_F(IoapicTest, DestinationsResolveInTheFlatModel)
{
	const DestCase cases[] = {
	    {Dest(0), 0b0001, "physical 0"},
	    {Dest(3), 0b1000, "physical 3"},
	    {Dest(4), 0, "physical 4: no such vCPU"},
	    {Dest(0xff), 0b1111, "physical broadcast"},
	    {kLogical | Dest(0b0110), 0b0110, "logical: APICs 1 and 2"},
	    {kLogical | Dest(0xff), 0b1111, "logical broadcast"},
	    {kLogical | Dest(0xf0), 0, "logical: APICs 4..7, which do not exist"},
	    {kLogical | Dest(0), 0, "logical: no one"},
	    {kLowest | kLogical | Dest(0b1100), 0b0100, "lowest priority among 2 and 3"},
	    {kLowest | Dest(0xff), 0b0001, "lowest priority among all"},
	    {kLowest | Dest(2), 0b0100, "lowest priority, physical 2"},
	    {kLowest | Dest(9), 0, "lowest priority, no such vCPU"},
	};
	for (const DestCase &c : cases) {
		SCOPED_TRACE(c.what);
		sent.clear();
		SetEntry(0, c.fields | 0x30);
		Line(0, true);
		Line(0, false);
		if (c.mask)
			EXPECT_EQ(sent, (std::vector<Message>{{c.mask, 0x30}}));
		else
			EXPECT_TRUE(sent.empty());
	}
}

TEST_F(IoapicTest, ADroppedLevelMessageLeavesRemoteIrrClear)
{
	SetEntry(13, kLevel | Dest(7) | 0xb0);
	Line(13, true);
	EXPECT_TRUE(sent.empty()) << "no vCPU 7";
	EXPECT_EQ(Entry(13) & kRemoteIrr, 0u);
	WriteReg(EntryLow(13) + 1, static_cast<uint32_t>(Dest(1) >> 32));
	EXPECT_EQ(sent, (std::vector<Message>{{0b10, 0xb0}})) << "sent once it names a vCPU";
	EXPECT_EQ(Entry(13) & kRemoteIrr, kRemoteIrr);
}

TEST_F(IoapicTest, IllegalVectorsAndOtherDeliveryModesAreNotSent)
{
	for (uint32_t vector = 0; vector < 16; vector++) {
		SetEntry(14, kLevel | vector);
		Line(14, true);
		Line(14, false);
		SetEntry(15, vector);
		Line(15, true);
		Line(15, false);
		EXPECT_EQ(Entry(14) & kRemoteIrr, 0u) << vector;
	}
	EXPECT_TRUE(sent.empty());
	for (uint32_t mode = 2; mode < 8; mode++) {
		SetEntry(14, kLevel | Mode(mode) | 0x40);
		Line(14, true);
		Line(14, false);
		EXPECT_EQ(Entry(14) & kRemoteIrr, 0u) << "mode " << mode;
	}
	EXPECT_TRUE(sent.empty()) << "SMI, NMI, INIT, ExtINT and the reserved modes";
	SetEntry(14, kLevel | 16);
	Line(14, true);
	EXPECT_EQ(sent, (std::vector<Message>{{0b1, 16}})) << "vector 16 is the first legal one";
}

TEST(IoapicCreate, RefusesBadArgumentsAndReportsNoMemory)
{
	MallocAllocator mem;
	axdevice *dev = reinterpret_cast<axdevice *>(0x1);

	EXPECT_EQ(axdevice_ioapic_create(nullptr, nullptr, &dev), AXERR_INVALID);
	EXPECT_EQ(dev, nullptr);
	EXPECT_EQ(axdevice_ioapic_create(&mem.ops, nullptr, nullptr), AXERR_INVALID);
	mem.fail_after = 0;
	dev = reinterpret_cast<axdevice *>(0x1);
	EXPECT_EQ(axdevice_ioapic_create(&mem.ops, nullptr, &dev), AXERR_NO_MEMORY);
	EXPECT_EQ(dev, nullptr);
	EXPECT_EQ(mem.live, 0);
}

/* Without a host, without send_vector or without vCPUs, messages go nowhere and a level pin
 * never enters service. */
TEST(IoapicCreate, MessagesWithoutAHostGoNowhere)
{
	int calls = 0;
	auto count = [](void *ctx, uint64_t, uint32_t) { ++*static_cast<int *>(ctx); };
	const axdevice_cpu_host no_send = {nullptr, nullptr, &calls, nullptr, kVcpus};
	const axdevice_cpu_host no_vcpus = {nullptr, nullptr, &calls, count, 0};
	const axdevice_cpu_host *hosts[] = {nullptr, &no_send, &no_vcpus};

	for (const axdevice_cpu_host *h : hosts) {
		MallocAllocator mem;
		axdevice *dev = nullptr;
		uint64_t low = 0;
		ASSERT_EQ(axdevice_ioapic_create(&mem.ops, h, &dev), AX_OK);
		ASSERT_EQ(dev->ops->write(dev, 0, AXDEVICE_IOAPIC_IOREGSEL, 4, EntryLow(2)), AX_OK);
		ASSERT_EQ(dev->ops->write(dev, 0, AXDEVICE_IOAPIC_IOWIN, 4, kLevel | 0x50), AX_OK);
		EXPECT_EQ(axdevice_irqchip_set_line(dev, 2, true), AX_OK);
		ASSERT_EQ(dev->ops->read(dev, 0, AXDEVICE_IOAPIC_IOWIN, 4, &low), AX_OK);
		EXPECT_EQ(low, kLevel | 0x50) << "no Remote IRR";
		dev->ops->destroy(dev, &mem.ops);
		EXPECT_EQ(mem.live, 0);
	}
	EXPECT_EQ(calls, 0);
}

} // namespace
