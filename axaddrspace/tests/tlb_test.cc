/* Updates of a live table with a TLB attached: a split block is broken (invalid, forgotten)
 * before its table is made, and nothing an unmap or protect took away is freed or left cached
 * when the call returns. The fake TLB checks each order as it happens, for every format. */
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "axaddrspace/tests/test_mm.h"

extern "C" {
#include <axaddrspace/formats.h>
#include <axaddrspace/page_table.h>
#include <axvm/error.h>
}

namespace
{

constexpr uint64_t K4 = 4096, M2 = 2ull << 20;

/* A TLB that records what it is told and, when told to forget a range, what the table maps
 * there at that moment. */
struct FakeTlb {
	page_table *pt = nullptr;
	int syncs = 0;
	std::vector<std::pair<uint64_t, uint64_t>> forgotten; /* (start, size) */
	std::vector<bool> mapped_when_forgotten;	      /* its first page, at that moment */
	pt_tlb ops{Sync, Invalidate, this};

	static void Sync(void *ctx)
	{
		static_cast<FakeTlb *>(ctx)->syncs++;
	}
	static void Invalidate(void *ctx, gpa_t g, uint64_t size)
	{
		auto *t = static_cast<FakeTlb *>(ctx);
		pt_mapping m;

		t->forgotten.emplace_back(g.v, size);
		t->mapped_when_forgotten.push_back(page_table_translate(t->pt, g, &m) == AX_OK);
	}
	/* Whether [g, g + size) lies inside one range forgotten so far. */
	bool Forgot(uint64_t g, uint64_t size) const
	{
		for (auto [start, len] : forgotten) {
			if (g >= start && g + size <= start + len)
				return true;
		}
		return false;
	}
};

/* The pieces an unmap passes on, each checked against the TLB when it arrives. */
struct Removed {
	FakeTlb *tlb;
	std::vector<std::pair<uint64_t, uint64_t>> pieces;
	bool all_forgotten_first = true;

	static void Fn(void *ctx, gpa_t g, hpa_t, uint64_t size)
	{
		auto *r = static_cast<Removed *>(ctx);
		r->pieces.emplace_back(g.v, size);
		r->all_forgotten_first &= r->tlb->Forgot(g.v, size);
	}
};

class TlbTest : public ::testing::TestWithParam<std::string>
{
      protected:
	void SetUp() override
	{
		if (GetParam() == "sv39x4")
			fmt_ = pt_format_sv39x4;
		else if (GetParam() == "ept4")
			fmt_ = pt_format_ept4;
		else
			ASSERT_EQ(arm_s2_format_init(&fmt_, 40), AX_OK);
		ASSERT_EQ(page_table_init(&pt_, &fmt_, mm_.mm()), AX_OK);
		tlb_.pt = &pt_;
		page_table_set_tlb(&pt_, &tlb_.ops);
	}
	void TearDown() override
	{
		page_table_destroy(&pt_);
	}
	uint64_t PageSize(uint64_t g)
	{
		pt_mapping m{};
		EXPECT_EQ(page_table_translate(&pt_, gpa(g), &m), AX_OK);
		return m.page_size;
	}

	TestMm mm_;
	pt_format fmt_{};
	page_table pt_{};
	FakeTlb tlb_;
};

TEST_P(TlbTest, MappingOverNothingForgetsNothing)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(0x40000000), hpa(0x90000000), M2, AXMAP_RWX), AX_OK);
	EXPECT_TRUE(tlb_.forgotten.empty());
	EXPECT_GE(tlb_.syncs, 1) << "the new entries are published";
}

TEST_P(TlbTest, ASplitBlockIsBrokenBeforeItIsMade)
{
	ASSERT_EQ(page_table_map(&pt_, gpa(0x40000000), hpa(0x90000000), M2, AXMAP_RWX), AX_OK);
	ASSERT_EQ(PageSize(0x40000000), M2);
	tlb_.forgotten.clear();
	ASSERT_EQ(page_table_protect(&pt_, gpa(0x40001000), K4, AXMAP_READ), AX_OK);
	ASSERT_GE(tlb_.forgotten.size(), 2u) << "the block, then the protected page";
	EXPECT_EQ(tlb_.forgotten[0], (std::pair<uint64_t, uint64_t>(0x40000000, M2)));
	EXPECT_FALSE(tlb_.mapped_when_forgotten[0]) << "the block entry was invalid (break)";
	EXPECT_TRUE(tlb_.Forgot(0x40001000, K4));
	EXPECT_EQ(PageSize(0x40000000), K4) << "made: 4 KiB pages now";
	pt_mapping m{};
	ASSERT_EQ(page_table_translate(&pt_, gpa(0x40001000), &m), AX_OK);
	EXPECT_EQ(m.hpa.v, 0x90001000u) << "the same memory behind the split";
	EXPECT_EQ(m.flags & AXMAP_RWX, uint32_t(AXMAP_READ));
	ASSERT_EQ(page_table_translate(&pt_, gpa(0x401ff000), &m), AX_OK);
	EXPECT_EQ(m.flags & AXMAP_RWX, uint32_t(AXMAP_RWX)) << "the rest keeps its rights";
}

TEST_P(TlbTest, UnmappedMemoryIsPassedOnOnlyOnceForgotten)
{
	/* 40 pages: more than one batch of removed pieces. */
	ASSERT_EQ(page_table_map(&pt_, gpa(0x40000000), hpa(0x90000000), M2, AXMAP_RWX), AX_OK);
	ASSERT_EQ(page_table_map(&pt_, gpa(0x50000000), hpa(0xa0000000), 40 * K4, AXMAP_RWX),
		  AX_OK);
	Removed r{&tlb_, {}, true};
	ASSERT_EQ(page_table_unmap(&pt_, gpa(0x50000000), 40 * K4, Removed::Fn, &r), AX_OK);
	EXPECT_EQ(r.pieces.size(), 40u);
	EXPECT_TRUE(r.all_forgotten_first);
	r.pieces.clear();
	ASSERT_EQ(page_table_unmap(&pt_, gpa(0x40100000), K4, Removed::Fn, &r), AX_OK);
	ASSERT_EQ(r.pieces.size(), 1u) << "one page of the split block";
	EXPECT_EQ(r.pieces[0], (std::pair<uint64_t, uint64_t>(0x40100000, K4)));
	EXPECT_TRUE(r.all_forgotten_first);
	pt_mapping m{};
	EXPECT_EQ(page_table_translate(&pt_, gpa(0x40100000), &m), AXERR_NOT_MAPPED);
	EXPECT_EQ(page_table_translate(&pt_, gpa(0x40101000), &m), AX_OK);
}

TEST_P(TlbTest, TablesAnUnmapEmptiesAreFreedOnlyOnceForgotten)
{
	size_t before = mm_.live();
	ASSERT_EQ(page_table_map(&pt_, gpa(0x50000000), hpa(0xa0000000), K4, AXMAP_RWX), AX_OK);
	ASSERT_GT(mm_.live(), before) << "tables were created";
	tlb_.forgotten.clear();
	ASSERT_EQ(page_table_unmap(&pt_, gpa(0x50000000), K4, nullptr, nullptr), AX_OK);
	EXPECT_EQ(mm_.live(), before) << "the tables went back";
	ASSERT_GE(tlb_.forgotten.size(), 2u) << "once for the page, once for its tables";
	EXPECT_TRUE(tlb_.Forgot(0x50000000, K4));
}

TEST_P(TlbTest, WithoutATlbNothingIsCalled)
{
	page_table_set_tlb(&pt_, nullptr);
	ASSERT_EQ(page_table_map(&pt_, gpa(0x40000000), hpa(0x90000000), M2, AXMAP_RWX), AX_OK);
	ASSERT_EQ(page_table_protect(&pt_, gpa(0x40001000), K4, AXMAP_READ), AX_OK);
	ASSERT_EQ(page_table_unmap(&pt_, gpa(0x40000000), M2, nullptr, nullptr), AX_OK);
	EXPECT_EQ(tlb_.syncs, 0);
	EXPECT_TRUE(tlb_.forgotten.empty());
}

INSTANTIATE_TEST_SUITE_P(Formats, TlbTest, ::testing::Values("sv39x4", "ept4", "arm_s2_40bit"));

} // namespace
