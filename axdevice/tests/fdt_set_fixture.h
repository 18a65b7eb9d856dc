/* A fixture for tests that create devices from a devicetree: the blob (compiled by dtc into
 * axdevice/tests/), an empty device set over a counting allocator, a leak check at the end,
 * and node lookup by path. */
#ifndef AXDEVICE_TESTS_FDT_SET_FIXTURE_H
#define AXDEVICE_TESTS_FDT_SET_FIXTURE_H

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axvm/diag.h>
#include <axvm/error.h>
#include <libfdt.h>
}

#include "core/base/tests/malloc_allocator.h"

/* The blob axdevice/tests/<name>, as dtc wrote it. */
inline std::vector<char> ReadBlob(const std::string &name)
{
	std::ifstream in("axdevice/tests/" + name, std::ios::binary);
	EXPECT_TRUE(in.good()) << name;
	return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

class FdtSetFixture : public ::testing::Test
{
      protected:
	explicit FdtSetFixture(const char *blob_name) : blob_name_(blob_name)
	{
	}

	void SetUp() override
	{
		blob = ReadBlob(blob_name_);
		ASSERT_EQ(fdt_check_header(blob.data()), 0);
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
	}

	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0);
	}

	/* The offset of the node at path, which must exist. */
	int Node(const std::string &path)
	{
		int node = fdt_path_offset(blob.data(), path.c_str());
		EXPECT_GE(node, 0) << path;
		return node;
	}

	std::vector<char> blob;
	MallocAllocator mem;
	axdevice_set set;
	ax_diag diag;

      private:
	const char *blob_name_;
};

#endif
