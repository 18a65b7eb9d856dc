/* The generic engine, run over every format: block use and splitting, a randomized check
 * against a reference model, all-or-nothing updates under a failing allocator, bad arguments,
 * and table-page accounting. */
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "axaddrspace/tests/test_mm.h"

extern "C" {
#include <axaddrspace/formats.h>
#include <axaddrspace/page_table.h>
#include <axvm/error.h>
}

namespace
{

constexpr uint64_t K4 = 4096, M2 = 2ull << 20, G1 = 1ull << 30;

struct FormatCase {
	std::string name;
	pt_format fmt;
};

std::vector<FormatCase> AllFormats()
{
	FormatCase arm40{"arm_s2_40bit", {}}, arm48{"arm_s2_48bit", {}};
	EXPECT_EQ(arm_s2_format_init(&arm40.fmt, 40), AX_OK);
	EXPECT_EQ(arm_s2_format_init(&arm48.fmt, 48), AX_OK);
	return {{"ept4", pt_format_ept4},
		{"sv39x4", pt_format_sv39x4},
		{"sv48x4", pt_format_sv48x4},
		arm40,
		arm48};
}

/* Every entry of every reachable table, to compare whole trees. */
void Dump(const page_table &pt, TestMm &mm, uint64_t table, unsigned level,
	  std::vector<uint64_t> &out)
{
	const uint64_t *t = reinterpret_cast<const uint64_t *>(mm.ptr(table));
	out.push_back(table);
	for (uint64_t i = 0; i < pt_entries(pt.fmt, level); i++) {
		out.push_back(t[i]);
		if (pt.fmt->kind(level, t[i]) == PTE_TABLE)
			Dump(pt, mm, pt.fmt->entry_addr(t[i]).v, level + 1, out);
	}
}

std::vector<uint64_t> Snapshot(const page_table &pt, TestMm &mm)
{
	std::vector<uint64_t> out;
	Dump(pt, mm, pt.root.v, 0, out);
	return out;
}

class PageTableTest : public ::testing::TestWithParam<FormatCase>
{
      protected:
	void SetUp() override
	{
		fmt_ = GetParam().fmt;
		ASSERT_EQ(page_table_init(&pt_, &fmt_, mm_.mm()), AX_OK);
	}
	void TearDown() override
	{
		page_table_destroy(&pt_);
		EXPECT_EQ(pt_.table_pages, 0u);
		EXPECT_EQ(mm_.live(), 0u) << "table pages leaked";
	}
	pt_mapping Translate(uint64_t g)
	{
		pt_mapping m{};
		EXPECT_EQ(page_table_translate(&pt_, gpa(g), &m), AX_OK) << std::hex << g;
		return m;
	}
	bool Mapped(uint64_t g)
	{
		pt_mapping m;
		return page_table_translate(&pt_, gpa(g), &m) == AX_OK;
	}

	pt_format fmt_{};
	TestMm mm_;
	page_table pt_{};
};

TEST_P(PageTableTest, RootIsAlignedAndAccounted)
{
	EXPECT_EQ(pt_.table_pages, fmt_.root_pages);
	EXPECT_EQ(mm_.live(), fmt_.root_pages);
	EXPECT_EQ(pt_.root.v % (fmt_.root_pages * K4), 0u);
}

TEST_P(PageTableTest, UsesGigabyteAndMegabyteBlocksWhenAligned)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(G1), hpa(4 * G1), G1 + M2 + K4, AXMAP_RWX), AX_OK);
	EXPECT_EQ(Translate(G1 + 0x1234).page_size, G1);
	EXPECT_EQ(Translate(G1 + 0x1234).hpa.v, 4 * G1 + 0x1234);
	EXPECT_EQ(Translate(2 * G1 + 5).page_size, M2);
	EXPECT_EQ(Translate(2 * G1 + M2 + 8).page_size, K4);
	EXPECT_EQ(Translate(2 * G1 + M2 + 8).hpa.v, 5 * G1 + M2 + 8);
	EXPECT_FALSE(Mapped(2 * G1 + M2 + K4));
	EXPECT_FALSE(Mapped(G1 - K4));
}

TEST_P(PageTableTest, MisalignedHostAddressFallsBackToPages)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(M2), hpa(M2 + K4), M2, AXMAP_READ), AX_OK);
	EXPECT_EQ(Translate(M2).page_size, K4);
	EXPECT_EQ(Translate(2 * M2 - 1).hpa.v, 2 * M2 + K4 - 1);
}

TEST_P(PageTableTest, UnmapSplitsABlockAndKeepsTheRest)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(G1), hpa(2 * G1), G1, AXMAP_RWX), AX_OK);
	size_t before = pt_.table_pages;
	ASSERT_EQ(page_table_unmap(&pt_, gpa(G1 + 3 * M2 + K4), K4, nullptr, nullptr), AX_OK);
	EXPECT_FALSE(Mapped(G1 + 3 * M2 + K4));
	EXPECT_EQ(Translate(G1 + 3 * M2).page_size, K4);
	EXPECT_EQ(Translate(G1 + 3 * M2 + 2 * K4).hpa.v, 2 * G1 + 3 * M2 + 2 * K4);
	EXPECT_EQ(Translate(G1 + 4 * M2).page_size, M2);
	EXPECT_EQ(Translate(G1 + 4 * M2).hpa.v, 2 * G1 + 4 * M2);
	EXPECT_EQ(pt_.table_pages, before + 2) << "one 2M-level and one 4K-level table";
	/* Unmapping everything frees the split tables again. */
	ASSERT_EQ(page_table_unmap(&pt_, gpa(G1), G1, nullptr, nullptr), AX_OK);
	EXPECT_EQ(pt_.table_pages, size_t(fmt_.root_pages));
}

TEST_P(PageTableTest, ProtectSplitsOnlyWhereNeeded)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(0), hpa(G1), 2 * M2, AXMAP_RWX), AX_OK);
	ASSERT_EQ(page_table_protect(&pt_, gpa(M2 + K4), K4, AXMAP_READ), AX_OK);
	EXPECT_EQ(Translate(M2 + K4).flags, uint32_t(AXMAP_READ));
	EXPECT_EQ(Translate(M2).flags, uint32_t(AXMAP_RWX));
	EXPECT_EQ(Translate(M2).page_size, K4);
	EXPECT_EQ(Translate(0).page_size, M2) << "the other block is untouched";
	ASSERT_EQ(page_table_protect(&pt_, gpa(0), M2, AXMAP_READ | AXMAP_DEVICE), AX_OK);
	EXPECT_EQ(Translate(0).page_size, M2) << "a whole block keeps its size";
	EXPECT_EQ(Translate(0).flags, uint32_t(AXMAP_READ | AXMAP_DEVICE));
	EXPECT_EQ(page_table_protect(&pt_, gpa(M2), 2 * M2, AXMAP_READ), AXERR_NOT_MAPPED);
	EXPECT_EQ(Translate(M2).flags, uint32_t(AXMAP_RWX)) << "a failed protect changes nothing";
}

TEST_P(PageTableTest, EncodesEveryFlagCombination)
{
	const uint32_t combos[] = {AXMAP_READ,
				   AXMAP_READ | AXMAP_WRITE,
				   AXMAP_READ | AXMAP_EXEC,
				   AXMAP_EXEC,
				   AXMAP_RWX,
				   AXMAP_READ | AXMAP_WRITE | AXMAP_DEVICE,
				   AXMAP_READ | AXMAP_DEVICE};
	uint64_t g = 0;
	for (uint32_t flags : combos) {
		ASSERT_EQ(page_table_map(&pt_, gpa(g), hpa(G1 + g), K4, flags), AX_OK);
		EXPECT_EQ(Translate(g).flags, flags) << std::hex << flags;
		g += K4;
	}
}

TEST_P(PageTableTest, RejectsBadArguments)
{
	uint64_t top = 1ull << fmt_.gpa_bits;
	EXPECT_EQ(page_table_map(&pt_, gpa(K4 + 1), hpa(0), K4, AXMAP_READ), AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(0), hpa(12), K4, AXMAP_READ), AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(0), hpa(0), K4 + 1, AXMAP_READ), AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(0), hpa(0), 0, AXMAP_READ), AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(top - K4), hpa(0), 2 * K4, AXMAP_READ), AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(top), hpa(0), K4, AXMAP_READ), AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(~0ull & ~(K4 - 1)), hpa(0), 2 * K4, AXMAP_READ),
		  AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(0), hpa(0), K4, 0), AXERR_INVALID) << "no access";
	EXPECT_EQ(page_table_map(&pt_, gpa(0), hpa(0), K4, AXMAP_WRITE), AXERR_INVALID);
	EXPECT_EQ(page_table_map(&pt_, gpa(0), hpa(0), K4, 1u << 9), AXERR_INVALID);
	EXPECT_EQ(page_table_unmap(&pt_, gpa(1), K4, nullptr, nullptr), AXERR_INVALID);
	EXPECT_EQ(page_table_protect(&pt_, gpa(0), K4, AXMAP_READ), AXERR_NOT_MAPPED);
	EXPECT_EQ(mm_.live(), fmt_.root_pages) << "nothing allocated by rejected calls";
	ASSERT_EQ(page_table_map(&pt_, gpa(top - M2), hpa(0), M2, AXMAP_READ), AX_OK);
	EXPECT_EQ(Translate(top - 1).hpa.v, M2 - 1) << "the last page of the range works";
}

TEST_P(PageTableTest, RejectsEveryKindOfOverlap)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(M2), hpa(0), M2, AXMAP_READ), AX_OK);
	ASSERT_EQ(page_table_map(&pt_, gpa(8 * M2 + K4), hpa(0), K4, AXMAP_READ), AX_OK);
	auto snap = Snapshot(pt_, mm_);
	size_t live = mm_.live();
	EXPECT_EQ(page_table_map(&pt_, gpa(M2), hpa(0), M2, AXMAP_READ), AXERR_EXISTS);
	EXPECT_EQ(page_table_map(&pt_, gpa(M2 - K4), hpa(0), 2 * K4, AXMAP_READ), AXERR_EXISTS);
	EXPECT_EQ(page_table_map(&pt_, gpa(2 * M2 - K4), hpa(0), 2 * K4, AXMAP_READ), AXERR_EXISTS);
	EXPECT_EQ(page_table_map(&pt_, gpa(0), hpa(0), 4 * M2, AXMAP_READ), AXERR_EXISTS);
	EXPECT_EQ(page_table_map(&pt_, gpa(8 * M2), hpa(0), M2, AXMAP_READ), AXERR_EXISTS)
	    << "a 4K page inside the would-be block";
	EXPECT_EQ(Snapshot(pt_, mm_), snap);
	EXPECT_EQ(mm_.live(), live);
}

/* Random map/unmap/protect in a 32 MiB window (with 2M blocks) that straddles a 1 GiB
 * boundary, compared page by page with a plain model after every step. Every other step runs
 * with an allocator that fails after a few pages: a failed step must leave the tree
 * bit-for-bit unchanged. */
TEST_P(PageTableTest, MatchesAReferenceModelUnderRandomUpdates)
{
	struct Page {
		uint64_t hpa;
		uint32_t flags;
	};
	const uint64_t window = G1 - 16 * M2, pages = 32 * M2 / K4;
	const uint32_t flag_choices[] = {AXMAP_READ, AXMAP_RWX, AXMAP_READ | AXMAP_WRITE,
					 AXMAP_READ | AXMAP_EXEC | AXMAP_DEVICE};
	std::map<uint64_t, Page> model;
	std::mt19937_64 rng(42 + fmt_.gpa_bits);
	int failures_injected = 0, blocks_seen = 0;

	for (int step = 0; step < 300; step++) {
		bool coarse = rng() % 2;
		uint64_t unit = coarse ? M2 : K4;
		uint64_t first = (rng() % (pages * K4 / unit)) * unit / K4;
		uint64_t count = std::min<uint64_t>((1 + rng() % 4) * unit / K4, pages - first);
		uint64_t g = window + first * K4, size = count * K4;
		uint32_t flags = flag_choices[rng() % 4];
		int op = rng() % 3;
		bool inject = step % 2 == 1;

		auto snap = Snapshot(pt_, mm_);
		size_t live = mm_.live();
		if (inject)
			mm_.fail_after = rng() % 2;
		int err;
		bool any_mapped = false, all_mapped = true;
		for (uint64_t p = first; p < first + count; p++) {
			bool m = model.count(p) != 0;
			any_mapped |= m;
			all_mapped &= m;
		}
		if (op == 0) {
			uint64_t h = (coarse ? 8 * G1 : 8 * G1 + K4) + first * K4;
			err = page_table_map(&pt_, gpa(g), hpa(h), size, flags);
			if (any_mapped) {
				ASSERT_EQ(err, AXERR_EXISTS);
			} else if (err == AX_OK) {
				for (uint64_t p = 0; p < count; p++)
					model[first + p] = {h + p * K4, flags};
			}
		} else if (op == 1) {
			err = page_table_unmap(&pt_, gpa(g), size, nullptr, nullptr);
			if (err == AX_OK)
				for (uint64_t p = first; p < first + count; p++)
					model.erase(p);
		} else {
			err = page_table_protect(&pt_, gpa(g), size, flags);
			if (!all_mapped) {
				ASSERT_EQ(err, AXERR_NOT_MAPPED);
			} else if (err == AX_OK) {
				for (uint64_t p = first; p < first + count; p++)
					model[p].flags = flags;
			}
		}
		mm_.fail_after = -1;
		ASSERT_TRUE(err == AX_OK || err == AXERR_EXISTS || err == AXERR_NOT_MAPPED ||
			    (inject && err == AXERR_NO_MEMORY))
		    << "step " << step << " err " << err;
		if (err != AX_OK) {
			failures_injected += err == AXERR_NO_MEMORY;
			ASSERT_EQ(Snapshot(pt_, mm_), snap)
			    << "step " << step << " changed the tree";
			ASSERT_EQ(mm_.live(), live) << "step " << step << " leaked";
		}
		ASSERT_EQ(pt_.table_pages, mm_.live()) << "table-page accounting";
		for (uint64_t p = 0; p < pages; p++) {
			pt_mapping m;
			int r = page_table_translate(&pt_, gpa(window + p * K4), &m);
			auto it = model.find(p);
			if (it == model.end()) {
				ASSERT_EQ(r, AXERR_NOT_MAPPED) << "step " << step << " page " << p;
				continue;
			}
			ASSERT_EQ(r, AX_OK) << "step " << step << " page " << p;
			ASSERT_EQ(m.hpa.v, it->second.hpa) << "step " << step << " page " << p;
			ASSERT_EQ(m.flags, it->second.flags) << "step " << step << " page " << p;
			blocks_seen += m.page_size == M2;
		}
	}
	EXPECT_GE(failures_injected, 5) << "the failing allocator must have bitten";
	EXPECT_GT(blocks_seen, 0) << "the model check must have exercised blocks";
}

TEST_P(PageTableTest, ForEachLeafVisitsWholeLeavesInOrder)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(M2), hpa(G1), M2 + K4, AXMAP_READ), AX_OK);
	std::vector<std::pair<uint64_t, uint64_t>> seen;
	page_table_for_each_leaf(
	    &pt_, gpa(0), 4 * M2,
	    [](void *ctx, gpa_t g, const pt_mapping *m) {
		    static_cast<decltype(seen) *>(ctx)->push_back({g.v, m->page_size});
	    },
	    &seen);
	ASSERT_EQ(seen.size(), 2u);
	EXPECT_EQ(seen[0], std::make_pair(M2, M2));
	EXPECT_EQ(seen[1], std::make_pair(2 * M2, K4));
}

TEST_P(PageTableTest, UnmapReportsEveryRemovedPiece)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(0), hpa(G1), 2 * M2, AXMAP_READ), AX_OK);
	std::vector<std::pair<uint64_t, uint64_t>> removed;
	ASSERT_EQ(page_table_unmap(
		      &pt_, gpa(M2 - K4), 2 * K4,
		      [](void *ctx, gpa_t, hpa_t h, uint64_t size) {
			      static_cast<decltype(removed) *>(ctx)->push_back({h.v, size});
		      },
		      &removed),
		  AX_OK);
	uint64_t total = 0;
	for (auto &r : removed)
		total += r.second;
	EXPECT_EQ(total, 2 * K4) << "one page from each block, both split";
	EXPECT_EQ(removed.front().first, G1 + M2 - K4);
	EXPECT_EQ(removed.back().first, G1 + M2);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, PageTableTest, ::testing::ValuesIn(AllFormats()),
			 [](const auto &info) { return info.param.name; });

} // namespace
