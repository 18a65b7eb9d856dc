#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

extern "C" {
#include <board/page_alloc.h>
}

namespace
{

/* Host "physical memory": an aligned buffer whose addresses serve as physical addresses. */
class PageAllocTest : public ::testing::Test
{
      protected:
	static constexpr size_t kBytes = 8 << 20;

	void SetUp() override
	{
		mem_ = static_cast<uint8_t *>(std::aligned_alloc(2 << 20, kBytes));
		base_ = reinterpret_cast<uint64_t>(mem_);
	}
	void TearDown() override
	{
		std::free(mem_);
	}
	static void *Identity(uint64_t pa)
	{
		return reinterpret_cast<void *>(pa);
	}

	uint8_t *mem_ = nullptr;
	uint64_t base_ = 0;
	page_allocator a_{};
};

TEST_F(PageAllocTest, SpendsTheFirstPageOnTheBitmap)
{
	mem_ranges r;
	mem_ranges_init(&r);
	ASSERT_TRUE(mem_ranges_add(&r, base_, kBytes));
	ASSERT_TRUE(page_alloc_init(&a_, &r, Identity));
	EXPECT_EQ(a_.total_pages, kBytes / PAGE_SIZE - 1);
	EXPECT_EQ(a_.free_pages, a_.total_pages);
	EXPECT_EQ(page_alloc(&a_, 1, 1), base_ + PAGE_SIZE);
}

TEST_F(PageAllocTest, HonoursAlignmentAndContiguity)
{
	mem_ranges r;
	mem_ranges_init(&r);
	ASSERT_TRUE(mem_ranges_add(&r, base_, kBytes));
	ASSERT_TRUE(page_alloc_init(&a_, &r, Identity));
	uint64_t a = page_alloc(&a_, 3, 1);
	uint64_t big = page_alloc(&a_, 512, 512); /* 2 MiB aligned */
	ASSERT_NE(a, 0u);
	ASSERT_NE(big, 0u);
	EXPECT_EQ(big % (2 << 20), 0u);
	EXPECT_TRUE(big >= a + 3 * PAGE_SIZE || big + 512 * PAGE_SIZE <= a);
	EXPECT_EQ(page_alloc(&a_, 1, 3), 0u) << "alignment must be a power of two";
	EXPECT_EQ(page_alloc(&a_, 0, 1), 0u);
}

TEST_F(PageAllocTest, ExhaustsAndRecovers)
{
	mem_ranges r;
	mem_ranges_init(&r);
	ASSERT_TRUE(mem_ranges_add(&r, base_, 64 * PAGE_SIZE));
	ASSERT_TRUE(page_alloc_init(&a_, &r, Identity));
	std::set<uint64_t> pages;
	for (uint64_t i = 0; i < 63; i++) {
		uint64_t p = page_alloc(&a_, 1, 1);
		ASSERT_NE(p, 0u);
		ASSERT_TRUE(pages.insert(p).second) << "no page twice";
	}
	EXPECT_EQ(page_alloc(&a_, 1, 1), 0u);
	EXPECT_EQ(a_.free_pages, 0u);
	uint64_t some = *pages.begin();
	ASSERT_TRUE(page_free(&a_, some, 1));
	EXPECT_EQ(page_alloc(&a_, 1, 1), some);
}

TEST_F(PageAllocTest, RejectsBadFrees)
{
	mem_ranges r;
	mem_ranges_init(&r);
	ASSERT_TRUE(mem_ranges_add(&r, base_, kBytes));
	ASSERT_TRUE(page_alloc_init(&a_, &r, Identity));
	uint64_t p = page_alloc(&a_, 2, 1);
	uint64_t free_before = a_.free_pages;
	EXPECT_FALSE(page_free(&a_, p + 1, 1)) << "unaligned";
	EXPECT_FALSE(page_free(&a_, p, 3)) << "third page was never allocated";
	EXPECT_FALSE(page_free(&a_, base_, 1)) << "bitmap page is not allocatable";
	EXPECT_FALSE(page_free(&a_, base_ + kBytes, 1)) << "outside";
	EXPECT_EQ(a_.free_pages, free_before);
	EXPECT_TRUE(page_free(&a_, p, 2));
	EXPECT_FALSE(page_free(&a_, p, 1)) << "double free";
}

TEST_F(PageAllocTest, UsesEveryZone)
{
	mem_ranges r;
	mem_ranges_init(&r);
	ASSERT_TRUE(mem_ranges_add(&r, base_, 4 * PAGE_SIZE));
	ASSERT_TRUE(mem_ranges_add(&r, base_ + (4 << 20), 4 * PAGE_SIZE));
	ASSERT_TRUE(page_alloc_init(&a_, &r, Identity));
	EXPECT_EQ(a_.zones, 2u);
	EXPECT_EQ(a_.total_pages, 6u);
	EXPECT_EQ(page_alloc(&a_, 3, 1), base_ + PAGE_SIZE);
	EXPECT_EQ(page_alloc(&a_, 3, 1), base_ + (4 << 20) + PAGE_SIZE);
	EXPECT_EQ(page_alloc(&a_, 1, 1), 0u);
}

TEST_F(PageAllocTest, RandomAllocFreeKeepsCountsAndNeverOverlaps)
{
	mem_ranges r;
	mem_ranges_init(&r);
	ASSERT_TRUE(mem_ranges_add(&r, base_, 1 << 20));
	ASSERT_TRUE(page_alloc_init(&a_, &r, Identity));
	std::mt19937 rng(7);
	std::map<uint64_t, uint64_t> live; /* pa -> pages */
	for (int i = 0; i < 5000; i++) {
		if (live.empty() || rng() % 2) {
			uint64_t n = 1 + rng() % 8;
			uint64_t align = 1u << (rng() % 4);
			uint64_t p = page_alloc(&a_, n, align);
			if (!p)
				continue;
			ASSERT_EQ((p / PAGE_SIZE) % align, 0u);
			auto next = live.lower_bound(p);
			if (next != live.end())
				ASSERT_LE(p + n * PAGE_SIZE, next->first);
			if (next != live.begin()) {
				auto prev = std::prev(next);
				ASSERT_LE(prev->first + prev->second * PAGE_SIZE, p);
			}
			live[p] = n;
		} else {
			auto it = live.begin();
			std::advance(it, rng() % live.size());
			ASSERT_TRUE(page_free(&a_, it->first, it->second));
			live.erase(it);
		}
		uint64_t used = 0;
		for (auto &kv : live)
			used += kv.second;
		ASSERT_EQ(a_.free_pages + used, a_.total_pages);
	}
}

} // namespace
