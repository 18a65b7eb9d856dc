#include <gtest/gtest.h>

#include <random>
#include <set>

extern "C" {
#include <board/mem_ranges.h>
}

namespace
{

TEST(MemRanges, AddMergesOverlappingAndTouching)
{
	mem_ranges s;
	mem_ranges_init(&s);
	ASSERT_TRUE(mem_ranges_add(&s, 0x3000, 0x1000));
	ASSERT_TRUE(mem_ranges_add(&s, 0x1000, 0x1000));
	ASSERT_EQ(s.count, 2u);
	EXPECT_EQ(s.r[0].base, 0x1000u);
	ASSERT_TRUE(mem_ranges_add(&s, 0x2000, 0x1000)); /* touches both */
	ASSERT_EQ(s.count, 1u);
	EXPECT_EQ(s.r[0].base, 0x1000u);
	EXPECT_EQ(s.r[0].end, 0x4000u);
	ASSERT_TRUE(mem_ranges_add(&s, 0x800, 0x10000)); /* swallows it */
	ASSERT_EQ(s.count, 1u);
	EXPECT_EQ(s.r[0].end, 0x10800u);
}

TEST(MemRanges, RemoveSplitsAndTrims)
{
	mem_ranges s;
	mem_ranges_init(&s);
	ASSERT_TRUE(mem_ranges_add(&s, 0x0, 0x10000));
	ASSERT_TRUE(mem_ranges_remove(&s, 0x4000, 0x1000));
	ASSERT_EQ(s.count, 2u);
	EXPECT_EQ(s.r[0].end, 0x4000u);
	EXPECT_EQ(s.r[1].base, 0x5000u);
	ASSERT_TRUE(mem_ranges_remove(&s, 0x0, 0x100));
	EXPECT_EQ(s.r[0].base, 0x100u);
	ASSERT_TRUE(mem_ranges_remove(&s, 0xf000, 0x100000));
	EXPECT_EQ(s.r[1].end, 0xf000u);
	ASSERT_TRUE(mem_ranges_remove(&s, 0x0, ~0ull)); /* wraps: clamps to the top */
	EXPECT_EQ(s.count, 0u);
}

TEST(MemRanges, RejectsWrapAndOverflow)
{
	mem_ranges s;
	mem_ranges_init(&s);
	EXPECT_FALSE(mem_ranges_add(&s, ~0ull - 10, 100));
	for (unsigned i = 0; i < MEM_RANGES_MAX; i++)
		ASSERT_TRUE(mem_ranges_add(&s, i * 0x10000ull, 0x1000));
	EXPECT_FALSE(mem_ranges_add(&s, 0x10000000, 0x1000));
	EXPECT_FALSE(mem_ranges_remove(&s, 0x100, 0x10)) << "a split of a full set must fail";
	EXPECT_EQ(s.count, unsigned(MEM_RANGES_MAX));
}

TEST(MemRanges, AlignShrinksInward)
{
	mem_ranges s;
	mem_ranges_init(&s);
	ASSERT_TRUE(mem_ranges_add(&s, 0x1001, 0x3000)); /* [0x1001, 0x4001) -> [0x2000, 0x4000) */
	ASSERT_TRUE(mem_ranges_add(&s, 0x10010, 0x100)); /* no whole page: dropped */
	mem_ranges_align(&s, 0x1000);
	ASSERT_EQ(s.count, 1u);
	EXPECT_EQ(s.r[0].base, 0x2000u);
	EXPECT_EQ(s.r[0].end, 0x4000u);
}

/* Random adds and removes checked against a set of 256-byte units. */
TEST(MemRanges, MatchesAReferenceModel)
{
	std::mt19937 rng(1234);
	for (int round = 0; round < 200; round++) {
		mem_ranges s;
		std::set<uint64_t> model;
		mem_ranges_init(&s);
		for (int op = 0; op < 30; op++) {
			uint64_t base = rng() % 64;
			uint64_t size = rng() % 12;
			if (rng() % 3) {
				if (!mem_ranges_add(&s, base * 256, size * 256))
					continue;
				for (uint64_t u = base; u < base + size; u++)
					model.insert(u);
			} else {
				if (!mem_ranges_remove(&s, base * 256, size * 256))
					continue;
				for (uint64_t u = base; u < base + size; u++)
					model.erase(u);
			}
			std::set<uint64_t> got;
			for (size_t i = 0; i < s.count; i++) {
				ASSERT_LT(s.r[i].base, s.r[i].end);
				if (i)
					ASSERT_LT(s.r[i - 1].end, s.r[i].base) << "sorted, apart";
				for (uint64_t a = s.r[i].base; a < s.r[i].end; a += 256)
					got.insert(a / 256);
			}
			ASSERT_EQ(got, model) << "round " << round << " op " << op;
		}
	}
}

} // namespace
