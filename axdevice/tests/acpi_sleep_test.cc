// The ACPI sleep registers: S5 with SLP_EN powers the VM off; other sleep types, SLP_EN
// alone, the status register and wide accesses do nothing.
#include <gtest/gtest.h>

#include <vector>

extern "C" {
#include <axdevice/acpi_sleep.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

std::vector<std::pair<uint32_t, axdevice_system_request>> requests;

void Record(void *, uint32_t vcpu, axdevice_system_request req)
{
	requests.emplace_back(vcpu, req);
}

// Writes value to the register at offset of a new device; returns what the host was asked.
std::vector<std::pair<uint32_t, axdevice_system_request>>
AfterWrite(uint64_t offset, unsigned width, uint64_t value, int want = AX_OK)
{
	MallocAllocator mem;
	const axdevice_system_host host = {Record, nullptr};
	axdevice *dev = nullptr;
	uint64_t read = 0xff;

	requests.clear();
	EXPECT_EQ(axdevice_acpi_sleep_create(&mem.ops, &host, &dev), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 2, offset, width, value), want);
	EXPECT_EQ(dev->ops->read(dev, 2, offset, 1, &read), AX_OK);
	EXPECT_EQ(read, 0u) << "both registers read 0";
	dev->ops->destroy(dev, &mem.ops);
	EXPECT_EQ(mem.live, 0);
	return requests;
}

TEST(AcpiSleep, S5WithSleepEnablePowersOff)
{
	auto r = AfterWrite(0, 1, (5 << 2) | (1 << 5));
	ASSERT_EQ(r.size(), 1u);
	EXPECT_EQ(r[0].first, 2u);
	EXPECT_EQ(r[0].second, AXDEVICE_SYSTEM_OFF);
	EXPECT_EQ(AfterWrite(0, 1, 0xff & ~(2u << 2)).size(), 1u) << "type 5 among other bits";
}

TEST(AcpiSleep, OtherWritesAskNothing)
{
	EXPECT_TRUE(AfterWrite(0, 1, 5 << 2).empty()) << "no SLP_EN";
	for (uint64_t type : {0, 1, 3, 4, 7})
		EXPECT_TRUE(AfterWrite(0, 1, (type << 2) | (1 << 5)).empty()) << type;
	EXPECT_TRUE(AfterWrite(1, 1, 0x80).empty()) << "WAK_STS to the status register";
	EXPECT_TRUE(AfterWrite(1, 1, (5 << 2) | (1 << 5)).empty()) << "S5 to the status register";
	EXPECT_TRUE(AfterWrite(0, 2, (5 << 2) | (1 << 5), AXERR_INVALID).empty());
}

TEST(AcpiSleep, WithoutAHostOrAllocator)
{
	MallocAllocator mem;
	axdevice *dev = nullptr;
	uint64_t value = 0;

	EXPECT_EQ(axdevice_acpi_sleep_create(nullptr, nullptr, &dev), AXERR_INVALID);
	ASSERT_EQ(axdevice_acpi_sleep_create(&mem.ops, nullptr, &dev), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, 0, 1, (5 << 2) | (1 << 5)), AX_OK);
	EXPECT_EQ(dev->ops->read(dev, 0, 2, 1, &value), AXERR_INVALID);
	dev->ops->destroy(dev, &mem.ops);
	EXPECT_EQ(mem.live, 0);
}

} // namespace
