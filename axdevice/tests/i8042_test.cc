// The keyboard controller's reset line: status and data reads, the reset command on the
// command port only, other commands and widths.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/i8042.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

const uint64_t kData = axdevice_window_offset(0);
const uint64_t kCommand = axdevice_window_offset(1);

class I8042Test : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_i8042_create(&mem.ops, &host, &dev), AX_OK);
	}

	void TearDown() override
	{
		dev->ops->destroy(dev, &mem.ops);
		EXPECT_EQ(mem.live, 0);
	}

	static void Request(void *ctx, uint32_t vcpu, axdevice_system_request req)
	{
		static_cast<I8042Test *>(ctx)->requests.emplace_back(vcpu, req);
	}

	MallocAllocator mem;
	axdevice_system_host host = {Request, this};
	axdevice *dev = nullptr;
	std::vector<std::pair<uint32_t, axdevice_system_request>> requests;
};

TEST_F(I8042Test, StatusSaysBuffersEmptyAndDataReadsZero)
{
	uint64_t value = 0xff;

	ASSERT_EQ(dev->ops->read(dev, 0, kCommand, 1, &value), AX_OK);
	EXPECT_EQ(value, AXDEVICE_I8042_STATUS);
	EXPECT_EQ(value & 0x03, 0u) << "no output byte, input buffer empty";
	ASSERT_EQ(dev->ops->read(dev, 0, kData, 1, &value), AX_OK);
	EXPECT_EQ(value, 0u);
}

TEST_F(I8042Test, ResetCommandAsksTheVmForAReset)
{
	ASSERT_EQ(dev->ops->write(dev, 3, kCommand, 1, AXDEVICE_I8042_CMD_RESET), AX_OK);
	ASSERT_EQ(requests.size(), 1u);
	EXPECT_EQ(requests[0], std::make_pair(3u, AXDEVICE_SYSTEM_RESET));
}

TEST_F(I8042Test, OtherCommandsDataAndWidthsAskNothing)
{
	uint64_t value = 0;

	for (uint64_t cmd : {0x00, 0x20, 0x60, 0xaa, 0xad, 0xd1, 0xfd, 0xff})
		EXPECT_EQ(dev->ops->write(dev, 0, kCommand, 1, cmd), AX_OK) << cmd;
	EXPECT_EQ(dev->ops->write(dev, 0, kData, 1, AXDEVICE_I8042_CMD_RESET), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, kCommand, 2, AXDEVICE_I8042_CMD_RESET), AXERR_INVALID);
	EXPECT_EQ(dev->ops->read(dev, 0, kCommand, 4, &value), AXERR_INVALID);
	EXPECT_TRUE(requests.empty());
}

TEST(I8042, WithoutAHostTheResetGoesNowhere)
{
	MallocAllocator mem;
	axdevice *dev = nullptr;

	EXPECT_EQ(axdevice_i8042_create(nullptr, nullptr, &dev), AXERR_INVALID);
	EXPECT_EQ(dev, nullptr);
	ASSERT_EQ(axdevice_i8042_create(&mem.ops, nullptr, &dev), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, kCommand, 1, AXDEVICE_I8042_CMD_RESET), AX_OK);
	dev->ops->destroy(dev, &mem.ops);
	EXPECT_EQ(mem.live, 0);
}

} // namespace
