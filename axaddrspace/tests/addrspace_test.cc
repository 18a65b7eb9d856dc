/* Regions over a page table: linear and allocated memory, lazy population on faults, guest
 * copies across pages and regions, unmapping parts of regions, and failure paths. */
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "axaddrspace/tests/test_mm.h"

extern "C" {
#include <axaddrspace/addrspace.h>
#include <axaddrspace/formats.h>
#include <axvm/error.h>
}

namespace
{

constexpr uint64_t K4 = 4096, M2 = 2ull << 20;
constexpr uint64_t kRam = 0x80000000;

class AddrSpaceTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axaddrspace_init(&as_, &pt_format_sv39x4, mm_.mm()), AX_OK);
		base_live_ = mm_.live();
	}
	void TearDown() override
	{
		axaddrspace_destroy(&as_);
		EXPECT_EQ(mm_.live(), 0u) << "pages leaked";
	}
	/* A linear region backed by pages of mm_, so that copies can be checked. */
	uint64_t BackingPages(size_t pages)
	{
		hpa_t h;
		EXPECT_EQ(mm_.mm()->alloc_pages(mm_.mm()->ctx, pages, 1, &h), AX_OK);
		backing_.push_back({h.v, pages});
		return h.v;
	}
	void FreeBacking()
	{
		for (auto &b : backing_)
			mm_.mm()->free_pages(mm_.mm()->ctx, hpa(b.first), b.second);
		backing_.clear();
	}

	TestMm mm_{8192};
	axaddrspace as_{};
	size_t base_live_ = 0;
	std::vector<std::pair<uint64_t, size_t>> backing_;
};

TEST_F(AddrSpaceTest, LinearRegionTranslatesAndCopies)
{
	uint64_t h = BackingPages(3);
	ASSERT_EQ(axaddrspace_map_linear(&as_, gpa(kRam), hpa(h), 3 * K4, AXMAP_RWX), AX_OK);
	const char msg[] = "across a page boundary";
	ASSERT_EQ(axaddrspace_write(&as_, gpa(kRam + K4 - 5), msg, sizeof(msg)), AX_OK);
	EXPECT_EQ(std::memcmp(mm_.ptr(h + K4 - 5), msg, sizeof(msg)), 0);
	char back[sizeof(msg)];
	ASSERT_EQ(axaddrspace_read(&as_, gpa(kRam + K4 - 5), back, sizeof(back)), AX_OK);
	EXPECT_STREQ(back, msg);
	axaddrspace_destroy(&as_);
	FreeBacking();
	ASSERT_EQ(axaddrspace_init(&as_, &pt_format_sv39x4, mm_.mm()), AX_OK);
}

TEST_F(AddrSpaceTest, EagerAllocUsesBlocksAndZeroedMemory)
{
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), 2 * M2 + K4, AXMAP_RWX, false), AX_OK);
	EXPECT_EQ(as_.alloc_pages, 2 * M2 / K4 + 1);
	pt_mapping m;
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + M2 + 8), &m), AX_OK);
	EXPECT_EQ(m.page_size, M2);
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + 2 * M2), &m), AX_OK);
	EXPECT_EQ(m.page_size, K4);
	std::vector<uint8_t> buf(2 * M2 + K4, 0xff);
	ASSERT_EQ(axaddrspace_read(&as_, gpa(kRam), buf.data(), buf.size()), AX_OK);
	for (size_t i = 0; i < buf.size(); i += 97)
		ASSERT_EQ(buf[i], 0) << "guest memory must be zeroed (TestMm fills with 0xa5)";
}

TEST_F(AddrSpaceTest, LazyRegionIsPopulatedOnFaults)
{
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), 16 * K4, AXMAP_READ | AXMAP_WRITE, true),
		  AX_OK);
	pt_mapping m;
	EXPECT_EQ(axaddrspace_translate(&as_, gpa(kRam + 5 * K4), &m), AXERR_NOT_MAPPED);
	EXPECT_EQ(as_.alloc_pages, 0u);
	bool fixed = false;
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam + 5 * K4 + 12), AXADDR_ACCESS_WRITE,
						&fixed),
		  AX_OK);
	EXPECT_TRUE(fixed);
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + 5 * K4), &m), AX_OK);
	EXPECT_EQ(as_.alloc_pages, 1u);
	EXPECT_EQ(*mm_.ptr(m.hpa.v + 12), 0) << "zeroed";
	/* Executing from a region without X, on a fresh page or one mapped already, is a real
	 * violation: not fixed. So is an address outside every region. */
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam), AXADDR_ACCESS_EXEC, &fixed),
		  AX_OK);
	EXPECT_FALSE(fixed);
	ASSERT_EQ(
	    axaddrspace_handle_page_fault(&as_, gpa(kRam + 5 * K4), AXADDR_ACCESS_EXEC, &fixed),
	    AX_OK);
	EXPECT_FALSE(fixed);
	/* A page another CPU populated between the fault and its handling: retry. */
	ASSERT_EQ(
	    axaddrspace_handle_page_fault(&as_, gpa(kRam + 5 * K4), AXADDR_ACCESS_WRITE, &fixed),
	    AX_OK);
	EXPECT_TRUE(fixed);
	EXPECT_EQ(as_.alloc_pages, 1u) << "nothing allocated twice";
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(0x1000), AXADDR_ACCESS_READ, &fixed),
		  AX_OK);
	EXPECT_FALSE(fixed);
	/* Copies populate lazily too. */
	uint32_t v = 0x11223344;
	ASSERT_EQ(axaddrspace_write(&as_, gpa(kRam + 9 * K4 - 2), &v, sizeof(v)), AX_OK);
	EXPECT_EQ(as_.alloc_pages, 3u);
	/* A scrub zeroes what was populated and keeps it mapped. */
	axaddrspace_scrub(&as_);
	uint32_t back = 1;
	ASSERT_EQ(axaddrspace_read(&as_, gpa(kRam + 9 * K4 - 2), &back, sizeof(back)), AX_OK);
	EXPECT_EQ(back, 0u);
	EXPECT_EQ(as_.alloc_pages, 3u);
	/* Out of memory while populating is reported, not fatal. */
	mm_.fail_after = 0;
	EXPECT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam), AXADDR_ACCESS_READ, &fixed),
		  AXERR_NO_MEMORY);
	EXPECT_FALSE(fixed);
	mm_.fail_after = -1;
}

TEST_F(AddrSpaceTest, LazyUnitsArePopulatedWholeWhereTheyCanBe)
{
	/* 4 MiB + 16 KiB in 2 MiB units: two whole units and a tail of pages. */
	ASSERT_EQ(axaddrspace_map_lazy(&as_, gpa(kRam), 2 * M2 + 4 * K4, AXMAP_RWX, M2), AX_OK);
	bool fixed = false;
	ASSERT_EQ(
	    axaddrspace_handle_page_fault(&as_, gpa(kRam + 0x1234), AXADDR_ACCESS_WRITE, &fixed),
	    AX_OK);
	EXPECT_TRUE(fixed);
	EXPECT_EQ(as_.alloc_pages, M2 / K4) << "the whole unit";
	pt_mapping m;
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + M2 - K4), &m), AX_OK);
	EXPECT_EQ(m.page_size, M2) << "one block";
	EXPECT_EQ(*mm_.ptr(m.hpa.v + 100), 0) << "zeroed";
	/* The tail has no whole unit: a page. */
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam + 2 * M2 + K4), AXADDR_ACCESS_READ,
						&fixed),
		  AX_OK);
	EXPECT_EQ(as_.alloc_pages, M2 / K4 + 1);
	/* Guest copies populate whole units too; a fault on one is then spurious. */
	uint8_t byte = 1;
	ASSERT_EQ(axaddrspace_write(&as_, gpa(kRam + M2 + 5 * K4), &byte, 1), AX_OK);
	EXPECT_EQ(as_.alloc_pages, 2 * M2 / K4 + 1);
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam + M2), AXADDR_ACCESS_READ, &fixed),
		  AX_OK);
	EXPECT_TRUE(fixed);
	EXPECT_EQ(as_.alloc_pages, 2 * M2 / K4 + 1);
	/* Out of memory: a clean error. */
	axaddrspace_destroy(&as_);
	ASSERT_EQ(axaddrspace_init(&as_, &pt_format_sv39x4, mm_.mm()), AX_OK);
	ASSERT_EQ(axaddrspace_map_lazy(&as_, gpa(kRam), M2, AXMAP_RWX, 64 * 1024), AX_OK);
	mm_.fail_after = 0;
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam), AXADDR_ACCESS_READ, &fixed),
		  AXERR_NO_MEMORY);
	EXPECT_FALSE(fixed);
	EXPECT_EQ(as_.alloc_pages, 0u);
	/* Memory too fragmented for a whole unit: a page. */
	mm_.fail_after = -1;
	std::vector<hpa_t> held;
	for (hpa_t h; mm_.mm()->alloc_pages(mm_.mm()->ctx, 1, 1, &h) == AX_OK;)
		held.push_back(h);
	for (size_t i = 0; i < held.size(); i += 8)
		mm_.mm()->free_pages(mm_.mm()->ctx, held[i], 1);
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam), AXADDR_ACCESS_READ, &fixed),
		  AX_OK);
	EXPECT_TRUE(fixed);
	EXPECT_EQ(as_.alloc_pages, 1u);
	for (size_t i = 0; i < held.size(); i++) {
		if (i % 8)
			mm_.mm()->free_pages(mm_.mm()->ctx, held[i], 1);
	}
	mm_.fail_after = -1;
	ASSERT_EQ(
	    axaddrspace_handle_page_fault(&as_, gpa(kRam + 0x20000), AXADDR_ACCESS_READ, &fixed),
	    AX_OK);
	EXPECT_EQ(as_.alloc_pages, 1u + 16) << "a 64 KiB unit";
	for (uint64_t unit : {uint64_t{0}, uint64_t{K4 / 2}, 3 * K4, 2 * M2})
		EXPECT_EQ(axaddrspace_map_lazy(&as_, gpa(kRam + 4 * M2), M2, AXMAP_RWX, unit),
			  AXERR_INVALID)
		    << unit;
}

TEST_F(AddrSpaceTest, DeviceMemoryIsNeverCopied)
{
	hpa_t h;
	ASSERT_EQ(mm_.mm()->alloc_pages(mm_.mm()->ctx, 1, 1, &h), AX_OK);
	ASSERT_EQ(axaddrspace_map_linear(&as_, gpa(0x10000000), h, K4,
					 AXMAP_READ | AXMAP_WRITE | AXMAP_DEVICE),
		  AX_OK);
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), K4, AXMAP_RWX, false), AX_OK);
	uint64_t word = 0;
	EXPECT_EQ(axaddrspace_read(&as_, gpa(0x10000000), &word, 8), AXERR_PERMISSION)
	    << "a pass-through window: reads may have side effects";
	EXPECT_EQ(axaddrspace_write(&as_, gpa(0x10000000), &word, 8), AXERR_PERMISSION);
	EXPECT_EQ(axaddrspace_load(&as_, gpa(0x10000000), &word, 8), AXERR_PERMISSION);
	EXPECT_EQ(axaddrspace_read(&as_, gpa(kRam), &word, 8), AX_OK) << "RAM is fine";
	ASSERT_EQ(axaddrspace_unmap(&as_, gpa(0x10000000), K4), AX_OK);
	mm_.mm()->free_pages(mm_.mm()->ctx, h, 1);
}

TEST_F(AddrSpaceTest, CopiesReportBoundsAndPermissionsBeforeCopying)
{
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), K4, AXMAP_READ | AXMAP_WRITE, false),
		  AX_OK);
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam + K4), K4, AXMAP_READ | AXMAP_EXEC, false),
		  AX_OK);
	uint8_t buf[32];
	std::memset(buf, 0x77, sizeof(buf));
	EXPECT_EQ(axaddrspace_write(&as_, gpa(kRam + K4 - 16), buf, 32), AXERR_PERMISSION);
	EXPECT_EQ(axaddrspace_load(&as_, gpa(kRam + 2 * K4 - 4), buf, 8), AXERR_NOT_MAPPED)
	    << "loading ignores permissions, not bounds";
	uint8_t first = 1;
	ASSERT_EQ(axaddrspace_read(&as_, gpa(kRam + K4 - 16), &first, 1), AX_OK);
	EXPECT_EQ(first, 0) << "a rejected write copies nothing";
	EXPECT_EQ(axaddrspace_read(&as_, gpa(kRam + 2 * K4 - 4), buf, 8), AXERR_NOT_MAPPED);
	EXPECT_EQ(axaddrspace_read(&as_, gpa(0x10), buf, 1), AXERR_NOT_MAPPED);
	EXPECT_EQ(axaddrspace_read(&as_, gpa(~0ull - 2), buf, 8), AXERR_INVALID);
	ASSERT_EQ(axaddrspace_read(&as_, gpa(kRam + K4 - 16), buf, 32), AX_OK)
	    << "reading across two readable regions";
}

TEST_F(AddrSpaceTest, RejectsOverlapsAndBadRegions)
{
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), 4 * K4, AXMAP_RWX, true), AX_OK);
	EXPECT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam + 3 * K4), 2 * K4, AXMAP_RWX, true),
		  AXERR_EXISTS);
	EXPECT_EQ(axaddrspace_map_linear(&as_, gpa(kRam - K4), hpa(0), 2 * K4, AXMAP_READ),
		  AXERR_EXISTS);
	EXPECT_EQ(axaddrspace_map_alloc(&as_, gpa(1ull << 41), K4, AXMAP_RWX, true), AXERR_INVALID)
	    << "beyond Sv39x4's 41 bits, even when lazy";
	EXPECT_EQ(axaddrspace_map_alloc(&as_, gpa(0), K4, AXMAP_WRITE, true), AXERR_INVALID);
	EXPECT_EQ(axaddrspace_map_alloc(&as_, gpa(0x123), K4, AXMAP_READ, true), AXERR_INVALID);
	for (int i = 1; i < AXADDRSPACE_MAX_REGIONS; i++)
		ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(i * M2), K4, AXMAP_READ, true), AX_OK);
	EXPECT_EQ(axaddrspace_map_alloc(&as_, gpa(0x40000000), K4, AXMAP_READ, true), AXERR_FULL);
	EXPECT_EQ(as_.region_count, size_t(AXADDRSPACE_MAX_REGIONS));
}

TEST_F(AddrSpaceTest, EagerAllocIsAllOrNothing)
{
	for (long budget = 0; budget < 6; budget++) {
		size_t live = mm_.live();
		mm_.fail_after = budget;
		int err = axaddrspace_map_alloc(&as_, gpa(kRam), 4 * M2 + 3 * K4, AXMAP_RWX, false);
		mm_.fail_after = -1;
		ASSERT_EQ(err, AXERR_NO_MEMORY) << "budget " << budget;
		EXPECT_EQ(mm_.live(), live) << "budget " << budget;
		EXPECT_EQ(as_.region_count, 0u);
		EXPECT_EQ(as_.alloc_pages, 0u);
		pt_mapping m;
		EXPECT_EQ(axaddrspace_translate(&as_, gpa(kRam), &m), AXERR_NOT_MAPPED);
	}
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), 4 * M2 + 3 * K4, AXMAP_RWX, false), AX_OK);
}

TEST_F(AddrSpaceTest, UnmapCutsRegionsAndFreesTheirMemory)
{
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), 2 * M2, AXMAP_RWX, false), AX_OK);
	ASSERT_EQ(
	    axaddrspace_map_linear(&as_, gpa(kRam + 2 * M2), hpa(0x200000000), M2, AXMAP_READ),
	    AX_OK);
	size_t live = mm_.live();
	/* The middle of the alloc region: it becomes two regions. */
	ASSERT_EQ(axaddrspace_unmap(&as_, gpa(kRam + M2 - K4), 2 * K4), AX_OK);
	EXPECT_EQ(as_.region_count, 3u);
	EXPECT_EQ(as_.alloc_pages, 2 * M2 / K4 - 2);
	EXPECT_LE(mm_.live(), live - 2 + 2) << "two data pages freed, up to two tables added";
	const axaddr_region *r = axaddrspace_find_region(&as_, gpa(kRam + M2 + K4));
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(r->base.v, kRam + M2 + K4);
	EXPECT_EQ(axaddrspace_find_region(&as_, gpa(kRam + M2)), nullptr);
	/* Across the alloc region's tail and into the linear one: the linear tail keeps its
	 * host offset. */
	ASSERT_EQ(axaddrspace_unmap(&as_, gpa(kRam + 2 * M2 - K4), 2 * K4), AX_OK);
	r = axaddrspace_find_region(&as_, gpa(kRam + 2 * M2 + K4));
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(r->hpa.v, 0x200000000u + K4);
	pt_mapping m;
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + 2 * M2 + K4), &m), AX_OK);
	EXPECT_EQ(m.hpa.v, 0x200000000u + K4);
	/* Holes are refused, whole. */
	EXPECT_EQ(axaddrspace_unmap(&as_, gpa(kRam + M2 - 2 * K4), 4 * K4), AXERR_NOT_MAPPED);
	EXPECT_EQ(axaddrspace_unmap(&as_, gpa(kRam + 1), K4), AXERR_INVALID);
}

TEST_F(AddrSpaceTest, UnmapInTheMiddleNeedsARegionSlot)
{
	for (int i = 0; i < AXADDRSPACE_MAX_REGIONS; i++)
		ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam + i * M2), 4 * K4, AXMAP_READ, true),
			  AX_OK);
	EXPECT_EQ(axaddrspace_unmap(&as_, gpa(kRam + K4), K4), AXERR_FULL);
	EXPECT_EQ(axaddrspace_unmap(&as_, gpa(kRam), K4), AX_OK) << "trimming needs no slot";
}

TEST_F(AddrSpaceTest, DiscardFreesPagesThatComeBackZeroed)
{
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), 2 * M2, AXMAP_RWX, false), AX_OK);
	ASSERT_EQ(axaddrspace_map_lazy(&as_, gpa(kRam + 2 * M2), 8 * K4, AXMAP_RWX, K4), AX_OK);
	ASSERT_EQ(
	    axaddrspace_map_linear(&as_, gpa(kRam + 4 * M2), hpa(0x200000000), M2, AXMAP_READ),
	    AX_OK);
	uint32_t v = 0xfeedf00d;
	ASSERT_EQ(axaddrspace_write(&as_, gpa(kRam + M2 + 3 * K4 + 8), &v, sizeof(v)), AX_OK);
	uint64_t pages = as_.alloc_pages;
	/* Two pages out of the middle of a 2 MiB block: split, freed, unmapped. */
	ASSERT_EQ(axaddrspace_discard(&as_, gpa(kRam + M2 + 3 * K4), 2 * K4), AX_OK);
	EXPECT_EQ(as_.alloc_pages, pages - 2);
	EXPECT_EQ(as_.region_count, 3u) << "the region stays whole";
	pt_mapping m;
	EXPECT_EQ(axaddrspace_translate(&as_, gpa(kRam + M2 + 3 * K4), &m), AXERR_NOT_MAPPED);
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + M2 + 5 * K4), &m), AX_OK);
	EXPECT_EQ(m.page_size, K4) << "the rest of the block, as pages";
	/* Touched again: a fresh zeroed page. */
	bool fixed = false;
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam + M2 + 3 * K4 + 8),
						AXADDR_ACCESS_READ, &fixed),
		  AX_OK);
	EXPECT_TRUE(fixed);
	uint32_t back = 1;
	ASSERT_EQ(axaddrspace_read(&as_, gpa(kRam + M2 + 3 * K4 + 8), &back, sizeof(back)), AX_OK);
	EXPECT_EQ(back, 0u);
	EXPECT_EQ(as_.alloc_pages, pages - 1);
	/* A lazy region's pages, populated or not. */
	ASSERT_EQ(axaddrspace_write(&as_, gpa(kRam + 2 * M2 + K4), &v, sizeof(v)), AX_OK);
	pages = as_.alloc_pages;
	ASSERT_EQ(axaddrspace_discard(&as_, gpa(kRam + 2 * M2), 8 * K4), AX_OK);
	EXPECT_EQ(as_.alloc_pages, pages - 1);
	/* Refused: unaligned, empty, across regions, outside memory, linear memory. */
	EXPECT_EQ(axaddrspace_discard(&as_, gpa(kRam + 1), K4), AXERR_INVALID);
	EXPECT_EQ(axaddrspace_discard(&as_, gpa(kRam), 0), AXERR_INVALID);
	EXPECT_EQ(axaddrspace_discard(&as_, gpa(kRam + 2 * M2 - K4), 2 * K4), AXERR_NOT_MAPPED);
	EXPECT_EQ(axaddrspace_discard(&as_, gpa(0x1000), K4), AXERR_NOT_MAPPED);
	EXPECT_EQ(axaddrspace_discard(&as_, gpa(kRam + 4 * M2), K4), AXERR_UNSUPPORTED);
	EXPECT_EQ(axaddrspace_discard(&as_, gpa(~0ull & ~(K4 - 1)), 2 * K4), AXERR_INVALID);
}

TEST_F(AddrSpaceTest, ProtectChangesAWholeRegion)
{
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam), M2, AXMAP_RWX, false), AX_OK);
	ASSERT_EQ(axaddrspace_map_alloc(&as_, gpa(kRam + M2), 4 * K4, AXMAP_RWX, true), AX_OK);
	bool fixed;
	ASSERT_EQ(axaddrspace_handle_page_fault(&as_, gpa(kRam + M2), AXADDR_ACCESS_READ, &fixed),
		  AX_OK);
	ASSERT_EQ(axaddrspace_protect(&as_, gpa(kRam), M2, AXMAP_READ), AX_OK);
	ASSERT_EQ(axaddrspace_protect(&as_, gpa(kRam + M2), 4 * K4, AXMAP_READ), AX_OK);
	pt_mapping m;
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + 5), &m), AX_OK);
	EXPECT_EQ(m.flags, uint32_t(AXMAP_READ));
	ASSERT_EQ(axaddrspace_translate(&as_, gpa(kRam + M2), &m), AX_OK);
	EXPECT_EQ(m.flags, uint32_t(AXMAP_READ));
	uint8_t b = 0;
	EXPECT_EQ(axaddrspace_write(&as_, gpa(kRam), &b, 1), AXERR_PERMISSION);
	EXPECT_EQ(axaddrspace_protect(&as_, gpa(kRam), K4, AXMAP_READ), AXERR_NOT_FOUND);
}

} // namespace
