#include <gtest/gtest.h>

#include <set>
#include <string>

extern "C" {
#include <axvm/alloc.h>
#include <axvm/assert.h>
#include <axvm/diag.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

TEST(Error, EveryCodeHasItsOwnMessage)
{
	std::set<std::string> seen;
	for (int e = AX_OK; e >= AXERR_BUSY; e--) {
		std::string msg = ax_strerror(e);
		EXPECT_NE(msg, "unknown error") << e;
		EXPECT_TRUE(seen.insert(msg).second) << msg;
	}
	EXPECT_STREQ(ax_strerror(-1000), "unknown error");
	EXPECT_STREQ(ax_strerror(5), "unknown error");
}

TEST(AssertDeathTest, ReportsFileLineAndExpression)
{
	int x = 1;
	EXPECT_DEATH(AX_ASSERT(x == 2), "error_test.cc:[0-9]+: x == 2");
}

TEST(Diag, FormatsAndReturnsTheCode)
{
	ax_diag d;
	EXPECT_EQ(ax_diag_set(&d, AXERR_BAD_CONFIG, "%s: %s missing", "/vm", "memory"),
		  AXERR_BAD_CONFIG);
	EXPECT_STREQ(d.msg, "/vm: memory missing");
	EXPECT_EQ(ax_diag_set(nullptr, AXERR_INVALID, "ignored"), AXERR_INVALID);
}

TEST(Alloc, ZallocZeroesAndCountsLive)
{
	MallocAllocator m;
	auto *p = static_cast<unsigned char *>(ax_zalloc(&m.ops, 100));
	ASSERT_NE(p, nullptr);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(p[i], 0);
	EXPECT_EQ(m.live, 1);
	ax_free(&m.ops, p);
	ax_free(&m.ops, nullptr);
	EXPECT_EQ(m.live, 0);
	m.fail_after = 0;
	EXPECT_EQ(ax_zalloc(&m.ops, 8), nullptr);
}
