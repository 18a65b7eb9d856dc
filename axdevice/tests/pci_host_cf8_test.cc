// The PCI host bridge behind configuration mechanism #1: CONFIG_ADDRESS as Linux probes it,
// the host bridge's identity at 00:00.0 through every width of CONFIG_DATA, its few writable
// registers, empty slots, the enable bit, and accesses it refuses.
#include <gtest/gtest.h>

extern "C" {
#include <axdevice/pci_host_cf8.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

constexpr uint32_t kEnable = 0x80000000u;

uint32_t Address(unsigned bus, unsigned device, unsigned function, unsigned reg)
{
	return kEnable | bus << 16 | device << 11 | function << 8 | reg;
}

class PciHostTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_pci_host_cf8_create(&mem.ops, &dev), AX_OK);
	}

	void TearDown() override
	{
		dev->ops->destroy(dev, &mem.ops);
		EXPECT_EQ(mem.live, 0);
	}

	uint64_t In(uint64_t offset, unsigned width)
	{
		uint64_t value = 0xdead;

		EXPECT_EQ(dev->ops->read(dev, 0, offset, width, &value), AX_OK);
		return value;
	}

	void Out(uint64_t offset, unsigned width, uint64_t value)
	{
		ASSERT_EQ(dev->ops->write(dev, 0, offset, width, value), AX_OK);
	}

	// The configuration dword at reg of bus/device/function.
	uint64_t Config(unsigned bus, unsigned device, unsigned function, unsigned reg)
	{
		Out(0, 4, Address(bus, device, function, reg));
		return In(4, 4);
	}

	MallocAllocator mem;
	axdevice *dev = nullptr;
};

TEST_F(PciHostTest, ConfigAddressReadsBackAsLinuxProbesIt)
{
	EXPECT_EQ(In(0, 4), 0u) << "at reset";
	Out(0, 4, 0x80000000);
	EXPECT_EQ(In(0, 4), 0x80000000u);
	Out(0, 4, 0xffffffff);
	EXPECT_EQ(In(0, 4), 0x80fffffcu) << "reserved bits and the byte offset read as 0";
	// Mechanism #2's probe writes bytes: they are not CONFIG_ADDRESS.
	Out(0, 4, 0x80000000);
	Out(3, 1, 0x01);
	Out(0, 1, 0x00);
	EXPECT_EQ(In(0, 4), 0x80000000u);
	EXPECT_EQ(In(0, 1), 0xffu);
	EXPECT_EQ(In(2, 2), 0xffffu);
}

TEST_F(PciHostTest, TheHostBridgeAnswersAt0000)
{
	EXPECT_EQ(Config(0, 0, 0, 0x00), 0x00081b36u) << "vendor 0x1b36, device 0x0008";
	EXPECT_EQ(Config(0, 0, 0, 0x08), 0x06000000u) << "class: bridge, host bridge; revision 0";
	EXPECT_EQ(Config(0, 0, 0, 0x0c), 0u) << "header type 0, single function";
	for (unsigned bar = 0x10; bar <= 0x24; bar += 4) {
		Out(0, 4, Address(0, 0, 0, bar));
		Out(4, 4, 0xffffffff); // sizing
		EXPECT_EQ(In(4, 4), 0u) << "no BAR at " << bar;
	}
	EXPECT_EQ(Config(0, 0, 0, 0x34), 0u) << "no capability";
	EXPECT_EQ(Config(0, 0, 0, 0x3c), 0u) << "no interrupt pin";
	// The class word as Linux's sanity check reads it, and the vendor by bytes.
	Out(0, 4, Address(0, 0, 0, 0x08));
	EXPECT_EQ(In(6, 2), 0x0600u);
	Out(0, 4, Address(0, 0, 0, 0x00));
	EXPECT_EQ(In(4, 1), 0x36u);
	EXPECT_EQ(In(5, 1), 0x1bu);
	EXPECT_EQ(In(6, 2), 0x0008u);
	EXPECT_EQ(In(7, 1), 0x00u);
}

TEST_F(PciHostTest, OnlyCommandBitsAndTheInterruptLineAreWritable)
{
	Out(0, 4, Address(0, 0, 0, 0x04));
	Out(4, 4, 0xffffffff);
	EXPECT_EQ(In(4, 4), 0x7u) << "I/O, memory, bus master; status stays 0";
	Out(4, 1, 0x02);
	EXPECT_EQ(In(4, 2), 0x2u);
	Out(0, 4, Address(0, 0, 0, 0x3c));
	Out(4, 1, 0x0b);
	EXPECT_EQ(In(4, 4), 0x0bu);
	Out(0, 4, Address(0, 0, 0, 0x00));
	Out(4, 4, 0x12345678);
	EXPECT_EQ(In(4, 4), 0x00081b36u) << "the ids are read-only";
}

TEST_F(PciHostTest, EmptySlotsAndDisabledAccessesReadAllOnes)
{
	EXPECT_EQ(Config(0, 1, 0, 0x00), 0xffffffffu);
	EXPECT_EQ(Config(0, 0, 1, 0x00), 0xffffffffu);
	EXPECT_EQ(Config(1, 0, 0, 0x00), 0xffffffffu);
	EXPECT_EQ(Config(0, 31, 7, 0xfc), 0xffffffffu);
	Out(0, 4, 0x00000000); // enable clear
	EXPECT_EQ(In(4, 4), 0xffffffffu);
	EXPECT_EQ(In(5, 1), 0xffu);
	Out(4, 4, 0);
	EXPECT_EQ(Config(0, 0, 0, 0x00), 0x00081b36u) << "the write went nowhere";
}

TEST_F(PciHostTest, RefusesAccessesOutsideItsWindowOrOfNoWidth)
{
	uint64_t value;

	EXPECT_EQ(dev->ops->read(dev, 0, 8, 1, &value), AXERR_INVALID);
	EXPECT_EQ(dev->ops->read(dev, 0, 6, 4, &value), AXERR_INVALID);
	EXPECT_EQ(dev->ops->write(dev, 0, 0, 3, 0), AXERR_INVALID);
	EXPECT_EQ(dev->ops->read(dev, 0, 0, 8, &value), AX_OK) << "inside the window";
	EXPECT_EQ(value, ~0ull);
}

TEST(PciHost, CreateRefusesNullArguments)
{
	MallocAllocator mem;
	axdevice *dev = reinterpret_cast<axdevice *>(1);

	EXPECT_EQ(axdevice_pci_host_cf8_create(nullptr, &dev), AXERR_INVALID);
	EXPECT_EQ(dev, nullptr);
	EXPECT_EQ(axdevice_pci_host_cf8_create(&mem.ops, nullptr), AXERR_INVALID);
}

} // namespace
