// The CMOS clock: the reset time in BCD, registers A to D, the CMOS RAM, the index port, and
// accesses it refuses.
#include <gtest/gtest.h>

extern "C" {
#include <axdevice/rtc_cmos.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

class RtcCmosTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_rtc_cmos_create(&mem.ops, &dev), AX_OK);
	}

	void TearDown() override
	{
		dev->ops->destroy(dev, &mem.ops);
		EXPECT_EQ(mem.live, 0);
	}

	uint64_t Read(uint8_t reg)
	{
		uint64_t value = 0xdead;

		EXPECT_EQ(dev->ops->write(dev, 0, 0, 1, reg), AX_OK);
		EXPECT_EQ(dev->ops->read(dev, 0, 1, 1, &value), AX_OK);
		return value;
	}

	void Write(uint8_t reg, uint8_t value)
	{
		ASSERT_EQ(dev->ops->write(dev, 0, 0, 1, reg), AX_OK);
		ASSERT_EQ(dev->ops->write(dev, 0, 1, 1, value), AX_OK);
	}

	MallocAllocator mem;
	axdevice *dev = nullptr;
};

TEST_F(RtcCmosTest, ReadsTheFirstSecondOf2000InBcd)
{
	EXPECT_EQ(Read(0x00), 0u); // seconds
	EXPECT_EQ(Read(0x02), 0u); // minutes
	EXPECT_EQ(Read(0x04), 0u); // hours
	EXPECT_EQ(Read(0x06), 7u); // Saturday
	EXPECT_EQ(Read(0x07), 1u);
	EXPECT_EQ(Read(0x08), 1u);
	EXPECT_EQ(Read(0x09), 0u);
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_A), 0x26u);
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_B), 0x02u) << "24-hour, BCD";
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_C), 0u);
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_D), 0x80u) << "valid RAM and time";
}

TEST_F(RtcCmosTest, NeverMidUpdateAndRegistersCAndDReadOnly)
{
	Write(AXDEVICE_RTC_CMOS_REG_A, 0xa6);
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_A), 0x26u) << "UIP reads 0";
	Write(AXDEVICE_RTC_CMOS_REG_C, 0xff);
	Write(AXDEVICE_RTC_CMOS_REG_D, 0x00);
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_C), 0u);
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_D), 0x80u);
}

TEST_F(RtcCmosTest, TimeAndRamKeepWhatIsWritten)
{
	Write(0x00, 0x59);
	Write(AXDEVICE_RTC_CMOS_REG_B, 0x06); // binary mode: the bytes are not re-encoded
	Write(0x7f, 0xa5);
	Write(0x0e, 0x5a);
	EXPECT_EQ(Read(0x00), 0x59u);
	EXPECT_EQ(Read(AXDEVICE_RTC_CMOS_REG_B), 0x06u);
	EXPECT_EQ(Read(0x7f), 0xa5u);
	EXPECT_EQ(Read(0x0e), 0x5au);
}

TEST_F(RtcCmosTest, IndexBitSevenIsTheNmiMaskNotARegister)
{
	uint64_t value = 0;

	Write(0x10, 0x33);
	ASSERT_EQ(dev->ops->write(dev, 0, 0, 1, 0x80 | 0x10), AX_OK);
	ASSERT_EQ(dev->ops->read(dev, 0, 0, 1, &value), AX_OK);
	EXPECT_EQ(value, 0x90u) << "the index port reads the last write";
	ASSERT_EQ(dev->ops->read(dev, 0, 1, 1, &value), AX_OK);
	EXPECT_EQ(value, 0x33u);
}

TEST_F(RtcCmosTest, RefusesWideAccessesAndOffsetsOutside)
{
	uint64_t value = 0;

	EXPECT_EQ(dev->ops->read(dev, 0, 0, 2, &value), AXERR_INVALID);
	EXPECT_EQ(dev->ops->write(dev, 0, 1, 4, 0), AXERR_INVALID);
	EXPECT_EQ(dev->ops->read(dev, 0, 2, 1, &value), AXERR_INVALID);
	EXPECT_EQ(dev->ops->write(dev, 0, 2, 1, 0), AXERR_INVALID);
	axdevice *other = dev;
	EXPECT_EQ(axdevice_rtc_cmos_create(nullptr, &other), AXERR_INVALID);
	EXPECT_EQ(other, nullptr);
}

} // namespace
