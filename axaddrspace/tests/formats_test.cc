/* Bit-exact encodings of each format against the architecture manuals. */
#include <gtest/gtest.h>

extern "C" {
#include <axaddrspace/formats.h>
#include <axvm/error.h>
}

namespace
{

TEST(EptFormat, LeafAndTableBits)
{
	const pt_format &f = pt_format_ept4;
	/* 4K page, RWX, write-back (6 << 3), no bit 7. */
	EXPECT_EQ(f.leaf_entry(3, hpa(0x12345000), AXMAP_RWX), 0x12345000ull | 7 | (6 << 3));
	/* 2M block, read-only, uncached device memory: bit 7 set, memory type 0. */
	EXPECT_EQ(f.leaf_entry(2, hpa(0x40000000), AXMAP_READ | AXMAP_DEVICE),
		  0x40000000ull | 1 | (1 << 7));
	EXPECT_EQ(f.table_entry(hpa(0x5000)), 0x5007ull);
	EXPECT_EQ(f.kind(2, 0x40000000ull | 1 | (1 << 7)), PTE_LEAF);
	EXPECT_EQ(f.kind(2, 0x5007), PTE_TABLE);
	EXPECT_EQ(f.kind(3, 0x5000), PTE_INVALID) << "no R/W/X: not present";
	EXPECT_EQ(f.kind(0, 0x5087), PTE_INVALID) << "no 512G pages";
	/* Execute-only is present in EPT. */
	EXPECT_EQ(f.kind(3, f.leaf_entry(3, hpa(0x1000), AXMAP_EXEC)), PTE_LEAF);
}

TEST(RiscvFormat, GStageLeavesAreUserAccessedDirty)
{
	const pt_format &f = pt_format_sv39x4;
	uint64_t pte = f.leaf_entry(2, hpa(0x80201000), AXMAP_READ | AXMAP_WRITE);
	/* PPN in bits 53:10; V R W U A D = bits 0 1 2 4 6 7. */
	EXPECT_EQ(pte, (0x80201ull << 10) | 0x1 | 0x2 | 0x4 | 0x10 | 0x40 | 0x80);
	EXPECT_EQ(f.leaf_entry(0, hpa(0x80000000), AXMAP_EXEC), (0x80000ull << 10) | 0xd9);
	/* Tables: V only (U, A, D must be zero in non-leaf entries). */
	EXPECT_EQ(f.table_entry(hpa(0x80400000)), (0x80400ull << 10) | 1);
	EXPECT_EQ(f.kind(1, (0x80400ull << 10) | 1), PTE_TABLE);
	EXPECT_EQ(f.entry_addr(pte).v, 0x80201000u);
	/* Device memory is remembered in an RSW bit, not in Svpbmt bits. */
	uint64_t dev = f.leaf_entry(2, hpa(0x10000000), AXMAP_READ | AXMAP_DEVICE);
	EXPECT_EQ(dev >> 61, 0u);
	EXPECT_EQ(f.leaf_flags(dev), uint32_t(AXMAP_READ | AXMAP_DEVICE));
}

TEST(RiscvFormat, Geometry)
{
	EXPECT_EQ(pt_format_sv39x4.gpa_bits, 41);
	EXPECT_EQ(pt_entries(&pt_format_sv39x4, 0), 2048u) << "16 KiB root";
	EXPECT_EQ(pt_format_sv39x4.root_pages, 4);
	EXPECT_EQ(pt_format_sv48x4.gpa_bits, 50);
	EXPECT_EQ(pt_entries(&pt_format_sv48x4, 0), 2048u);
}

TEST(ArmFormat, LeafAttributes)
{
	pt_format f;
	ASSERT_EQ(arm_s2_format_init(&f, 40), AX_OK);
	/* Level 2 of the format is Arm level 3: a page, bit 1 set. Normal WB (0xf << 2), inner
	 * shareable (3 << 8), AF (1 << 10), S2AP RW (3 << 6), executable (XN clear). */
	EXPECT_EQ(f.leaf_entry(2, hpa(0x40001000), AXMAP_RWX),
		  0x40001000ull | 3 | (0xf << 2) | (3 << 6) | (3 << 8) | (1 << 10));
	/* A 2M block at Arm level 2 has bit 1 clear; read-only device nGnRE, execute-never. */
	EXPECT_EQ(f.leaf_entry(1, hpa(0x8000000), AXMAP_READ | AXMAP_DEVICE),
		  0x8000000ull | 1 | (1 << 2) | (1 << 6) | (1 << 10) | (1ull << 54));
	EXPECT_EQ(f.table_entry(hpa(0x40200000)), 0x40200003ull);
	EXPECT_EQ(f.kind(2, 0x40001001), PTE_INVALID) << "bit 1 clear at level 3 is reserved";
	EXPECT_EQ(f.kind(1, 0x40200003), PTE_TABLE);
	EXPECT_EQ(f.kind(1, 0x40200001), PTE_LEAF);
}

TEST(ArmFormat, ConcatenatedRoots)
{
	pt_format f;
	ASSERT_EQ(arm_s2_format_init(&f, 40), AX_OK);
	EXPECT_EQ(f.levels, 3);
	EXPECT_EQ(f.root_pages, 2) << "40-bit IPA at level 1: two concatenated tables";
	EXPECT_EQ(pt_entries(&f, 0), 1024u);
	ASSERT_EQ(arm_s2_format_init(&f, 43), AX_OK);
	EXPECT_EQ(f.root_pages, 16);
	ASSERT_EQ(arm_s2_format_init(&f, 36), AX_OK);
	EXPECT_EQ(f.root_pages, 1);
	EXPECT_EQ(pt_entries(&f, 0), 64u);
	ASSERT_EQ(arm_s2_format_init(&f, 48), AX_OK);
	EXPECT_EQ(f.levels, 4);
	EXPECT_EQ(arm_s2_format_init(&f, 31), AXERR_INVALID);
	EXPECT_EQ(arm_s2_format_init(&f, 49), AXERR_INVALID);
}

} // namespace
