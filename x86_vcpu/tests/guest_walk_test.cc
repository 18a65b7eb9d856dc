// The guest page-table walker against the SDM's paging formats (Vol. 3A, chapter 4), on page
// tables built in a fake guest memory: every paging mode and page size, not-present entries and
// reserved bits at each level, the rights of R/W, U/S, XD and SMEP with the error codes the CPU
// pushes, non-canonical addresses, paging structures outside guest memory, and reads that
// cross pages.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

extern "C" {
#include <axvm/error.h>
#include <x86_vcpu/guest_walk.h>
}

namespace
{

constexpr uint64_t P = 1ull << 0;
constexpr uint64_t RW = 1ull << 1;
constexpr uint64_t US = 1ull << 2;
constexpr uint64_t PS = 1ull << 7;
constexpr uint64_t XD = 1ull << 63;
constexpr uint64_t kPage = 4096;
constexpr uint32_t kNoFault = ~0u;

constexpr unsigned WRITE = X86_ACCESS_WRITE;
constexpr unsigned USER = X86_ACCESS_USER;
constexpr unsigned FETCH = X86_ACCESS_FETCH;

// Sparse guest-physical memory in 4 KiB pages; a read outside them fails with AXERR_NOT_MAPPED.
// Every read is logged.
class GuestMem
{
      public:
	void add_page(uint64_t gpa)
	{
		pages_[gpa & ~(kPage - 1)];
	}

	void write(uint64_t gpa, uint64_t value, unsigned width)
	{
		add_page(gpa);
		for (unsigned i = 0; i < width; i++)
			pages_[(gpa + i) & ~(kPage - 1)][(gpa + i) % kPage] =
			    uint8_t(value >> (8 * i));
	}

	uint64_t get(uint64_t gpa, unsigned width)
	{
		uint64_t v = 0;

		for (unsigned i = width; i-- > 0;)
			v = v << 8 | pages_[(gpa + i) & ~(kPage - 1)][(gpa + i) % kPage];
		return v;
	}

	// Fills n bytes at gpa with a pattern that tells every byte's address apart.
	void fill(uint64_t gpa, unsigned n)
	{
		for (unsigned i = 0; i < n; i++)
			write(gpa + i, pattern(gpa + i), 1);
	}

	static uint8_t pattern(uint64_t gpa)
	{
		return uint8_t(gpa ^ gpa >> 8 ^ gpa >> 16);
	}

	static int read(void *ctx, uint64_t gpa, void *buf, unsigned width)
	{
		auto *m = static_cast<GuestMem *>(ctx);

		m->reads.emplace_back(gpa, width);
		if (width == 0 || gpa % kPage + width > kPage) {
			ADD_FAILURE() << "a read of " << width << " bytes at " << std::hex << gpa;
			return AXERR_INVALID;
		}
		auto it = m->pages_.find(gpa & ~(kPage - 1));
		if (it == m->pages_.end())
			return AXERR_NOT_MAPPED;
		memcpy(buf, it->second.data() + gpa % kPage, width);
		return AX_OK;
	}

	std::vector<std::pair<uint64_t, unsigned>> reads;

      private:
	std::map<uint64_t, std::array<uint8_t, kPage>> pages_;
};

enum class Mode { k32, kPae, k4Level, k5Level };

// A guest in mode with page tables from table_base up, built by map(); 32-bit paging with PSE,
// PAE and long modes with NXE, CR0.WP clear.
struct Guest {
	explicit Guest(Mode mode, uint64_t table_base = 0x10000, unsigned maxphyaddr = 40)
	    : mode(mode), next_table(table_base)
	{
		pg.cr0 = X86_CR0_PG;
		pg.maxphyaddr = maxphyaddr;
		switch (mode) {
		case Mode::k32:
			pg.cr4 = X86_CR4_PSE;
			levels = 2;
			width = 4;
			bits = 10;
			break;
		case Mode::kPae:
			pg.cr4 = X86_CR4_PAE;
			pg.efer = X86_EFER_NXE;
			levels = 3;
			break;
		case Mode::k4Level:
		case Mode::k5Level:
			pg.cr4 = X86_CR4_PAE | (mode == Mode::k5Level ? X86_CR4_LA57 : 0);
			pg.efer = X86_EFER_LMA | X86_EFER_NXE;
			levels = mode == Mode::k5Level ? 5 : 4;
			break;
		}
		// PAE's PDPT is 32-byte aligned: put it off a page boundary.
		root = alloc_table() + (mode == Mode::kPae ? 0x20 : 0);
		pg.cr3 = root;
	}

	uint64_t alloc_table()
	{
		uint64_t t = next_table;

		next_table += kPage;
		mem.add_page(t);
		return t;
	}

	unsigned shift(unsigned level) const
	{
		return 12 + bits * (level - 1);
	}

	uint64_t table_of(uint64_t entry) const
	{
		return entry & (width == 4 ? 0xfffff000ull : 0x000ffffffffff000ull);
	}

	// The guest-physical address of the entry for linear at level, through present tables.
	uint64_t entry_addr(uint64_t linear, unsigned level)
	{
		uint64_t table = root;

		for (unsigned l = levels; l > level; l--)
			table = table_of(mem.get(table + index(linear, l) * width, width));
		return table + index(linear, level) * width;
	}

	// Maps linear's page of level leaf (1: 4 KiB, 2 and 3: large) to gpa with the leaf's
	// flags; missing tables on the way get table_flags (PAE's PDPTEs just P).
	void map(uint64_t linear, uint64_t gpa, unsigned leaf = 1, uint64_t flags = P | RW | US,
		 uint64_t table_flags = P | RW | US)
	{
		uint64_t table = root;

		for (unsigned l = levels; l > leaf; l--) {
			uint64_t at = table + index(linear, l) * width;
			uint64_t e = mem.get(at, width);

			if (!(e & P)) {
				e = alloc_table() |
				    (mode == Mode::kPae && l == 3 ? P : table_flags);
				mem.write(at, e, width);
			}
			table = table_of(e);
		}
		uint64_t value = gpa;
		if (leaf > 1) {
			value |= PS;
			if (width == 4) // PSE-36: address bits 39:32 in bits 20:13
				value = (gpa & 0xffc00000) | (gpa >> 32) << 13 | PS;
		}
		mem.write(table + index(linear, leaf) * width, value | flags, width);
	}

	void set(uint64_t linear, unsigned level, uint64_t bits_to_set)
	{
		uint64_t at = entry_addr(linear, level);

		mem.write(at, mem.get(at, width) | bits_to_set, width);
	}

	void clear(uint64_t linear, unsigned level, uint64_t bits_to_clear)
	{
		uint64_t at = entry_addr(linear, level);

		mem.write(at, mem.get(at, width) & ~bits_to_clear, width);
	}

	int translate(uint64_t linear, unsigned access, x86_walk_result *r)
	{
		return x86_guest_translate(&pg, linear, access, GuestMem::read, &mem, r);
	}

	// The translation of linear for access, which must succeed without a fault.
	uint64_t gpa(uint64_t linear, unsigned access = 0)
	{
		x86_walk_result r{};

		EXPECT_EQ(translate(linear, access, &r), AX_OK);
		EXPECT_FALSE(r.fault) << "error code " << r.pf_error_code;
		return r.gpa;
	}

	// The error code of the page fault linear must raise for access; kNoFault when none.
	uint32_t fault(uint64_t linear, unsigned access = 0)
	{
		x86_walk_result r{};

		EXPECT_EQ(translate(linear, access, &r), AX_OK);
		if (!r.fault)
			return kNoFault;
		EXPECT_EQ(r.linear, linear);
		return r.pf_error_code;
	}

	uint64_t index(uint64_t linear, unsigned level) const
	{
		return (linear >> shift(level)) & ((1ull << bits) - 1);
	}

	Mode mode;
	GuestMem mem;
	x86_paging pg{};
	uint64_t next_table;
	uint64_t root = 0;
	unsigned levels = 4;
	unsigned width = 8;
	unsigned bits = 9;
};

TEST(GuestWalkNoPaging, LinearIsPhysicalIn32Bits)
{
	Guest g(Mode::k32);
	x86_walk_result r{};

	g.pg.cr0 = X86_CR0_WP;
	g.mem.reads.clear();
	EXPECT_EQ(g.gpa(0x12345678), 0x12345678u);
	EXPECT_EQ(g.gpa(0xabcd12345678, WRITE | USER), 0x12345678u);
	EXPECT_EQ(g.gpa(0xfffffffff, FETCH | USER), 0xffffffffu);
	ASSERT_EQ(g.translate(0x100000000, 0, &r), AX_OK);
	EXPECT_EQ(r.linear, 0u);
	EXPECT_EQ(r.gpa, 0u);
	EXPECT_TRUE(g.mem.reads.empty());
}

TEST(GuestWalkArguments, RejectsWhatNoCpuDoes)
{
	Guest g(Mode::k4Level);
	x86_walk_result r{};

	g.map(0x1000, 0x1000);
	r.gpa = 0x5a5a;
	for (unsigned access : {1u, 8u, 0x20u, 0x80000000u, WRITE | FETCH})
		EXPECT_EQ(g.translate(0x1000, access, &r), AXERR_INVALID) << access;
	for (unsigned m : {0u, 31u, 53u, 64u}) {
		g.pg.maxphyaddr = m;
		EXPECT_EQ(g.translate(0x1000, 0, &r), AXERR_INVALID) << m;
	}
	g.pg.cr0 = 0;
	EXPECT_EQ(g.translate(0x1000, 0, &r), AXERR_INVALID) << "maxphyaddr even without paging";
	g.pg.cr0 = X86_CR0_PG;
	for (unsigned m : {32u, 52u}) {
		g.pg.maxphyaddr = m;
		EXPECT_EQ(g.gpa(0x1234), 0x1234u) << m;
	}
	g.pg.cr4 &= ~X86_CR4_PAE;
	EXPECT_EQ(g.translate(0x1000, 0, &r), AXERR_INVALID) << "IA32_EFER.LMA without CR4.PAE";
	EXPECT_EQ(r.gpa, 0x5a5au) << "*out written on an error";
}

TEST(GuestWalk32Bit, Maps4KiBPagesWith4ByteEntries)
{
	Guest g(Mode::k32);

	g.map(0x00401000, 0x00401000);
	g.map(0xc0000000, 0x00123000);
	// PAT, G and the ignored bits 11:9: no reserved bits in 32-bit paging's 4 KiB entries.
	g.map(0xc0001000, 0xfffff000, 1, P | RW | US | 0xf80);
	g.mem.reads.clear();
	EXPECT_EQ(g.gpa(0x00401abc), 0x00401abcu);
	ASSERT_EQ(g.mem.reads.size(), 2u);
	EXPECT_EQ(g.mem.reads[0], std::make_pair(g.root + 4 * 1, 4u)) << "PDE 1";
	EXPECT_EQ(g.mem.reads[1].second, 4u);
	EXPECT_EQ(g.gpa(0xc0000ffc), 0x00123ffcu);
	EXPECT_EQ(g.gpa(0xc0001008, WRITE | USER), 0xfffff008u);
	// Linear addresses have 32 bits: bits 63:32 are dropped.
	x86_walk_result r{};
	ASSERT_EQ(g.translate(0x7c0000ffc, 0, &r), AX_OK);
	EXPECT_FALSE(r.fault);
	EXPECT_EQ(r.gpa, 0x00123ffcu);
	EXPECT_EQ(r.linear, 0xc0000ffcu);
	// CR3's low 12 bits (PWT, PCD) are not part of the directory's address.
	g.pg.cr3 |= 0x18;
	EXPECT_EQ(g.gpa(0xc0000ffc), 0x00123ffcu);
}

TEST(GuestWalk32Bit, Maps4MiBPagesOnlyWithPse)
{
	Guest g(Mode::k32);

	g.map(0x80400000, 0x01000000, 2);
	EXPECT_EQ(g.gpa(0x805ff123), 0x011ff123u);
	// PAT (bit 12) is not an address bit.
	g.set(0x80400000, 2, 1ull << 12);
	EXPECT_EQ(g.gpa(0x805ff123), 0x011ff123u);
	// Without CR4.PSE, PS is ignored: the PDE points to a page table.
	g.clear(0x80400000, 2, 1ull << 12);
	g.pg.cr4 = 0;
	g.mem.write(0x01000000 + 0x1ff * 4, 0x7000 | P, 4);
	EXPECT_EQ(g.gpa(0x805ff123), 0x7123u);
}

TEST(GuestWalk32Bit, Pse36ReachesAddressBits39To32)
{
	Guest g(Mode::k32);

	g.map(0x00400000, 0xabc0400000, 2);
	EXPECT_EQ(g.gpa(0x00412345), 0xabc0412345u);
	// MAXPHYADDR above 40 changes nothing: 4 MiB pages stop at 40 bits, bit 21 is reserved.
	g.pg.maxphyaddr = 52;
	EXPECT_EQ(g.gpa(0x00412345), 0xabc0412345u);
	g.set(0x00400000, 2, 1u << 21);
	EXPECT_EQ(g.fault(0x00412345), X86_PF_PRESENT | X86_PF_RSVD);
	g.pg.maxphyaddr = 40;
	EXPECT_EQ(g.fault(0x00412345, WRITE), X86_PF_PRESENT | X86_PF_RSVD | X86_PF_WRITE);
	g.clear(0x00400000, 2, 1u << 21);

	// MAXPHYADDR 36: address bits 35:32 in bits 16:13, bits 21:17 reserved.
	g.map(0x00800000, 0xfc0800000, 2);
	g.pg.maxphyaddr = 36;
	EXPECT_EQ(g.gpa(0x00800004), 0xfc0800004u);
	EXPECT_EQ(g.fault(0x00400000), X86_PF_PRESENT | X86_PF_RSVD) << "address bit 39";
	// MAXPHYADDR 32: bits 21:13 all reserved.
	g.map(0x00c00000, 0x00c00000, 2);
	g.pg.maxphyaddr = 32;
	EXPECT_EQ(g.gpa(0x00c00004), 0x00c00004u);
	EXPECT_EQ(g.fault(0x00800000), X86_PF_PRESENT | X86_PF_RSVD) << "address bit 32";
	// 4 KiB tables have no reserved bits even then.
	g.pg.cr4 = 0;
	g.mem.write(0x00c00000, 0x5000 | P, 4);
	EXPECT_EQ(g.gpa(0x00c00004), 0x5004u);
}

TEST(GuestWalk32Bit, NotPresentAtEachLevel)
{
	for (unsigned level : {1u, 2u}) {
		Guest g(Mode::k32);

		g.map(0x40001000, 0x9000);
		g.clear(0x40001000, level, P);
		EXPECT_EQ(g.fault(0x40001234), 0u) << level;
		EXPECT_EQ(g.fault(0x40001234, WRITE | USER), X86_PF_WRITE | X86_PF_USER) << level;
		// I/D needs CR4.PAE with NXE, or SMEP.
		EXPECT_EQ(g.fault(0x40001234, FETCH), 0u) << level;
		g.pg.efer = X86_EFER_NXE;
		EXPECT_EQ(g.fault(0x40001234, FETCH), 0u) << level;
		g.pg.cr4 |= X86_CR4_SMEP;
		EXPECT_EQ(g.fault(0x40001234, FETCH | USER), X86_PF_FETCH | X86_PF_USER) << level;
	}
}

TEST(GuestWalk32Bit, WriteProtect)
{
	Guest g(Mode::k32);

	g.map(0x1000, 0x1000, 1, P | US);
	EXPECT_EQ(g.gpa(0x1000, WRITE), 0x1000u) << "supervisor write, CR0.WP = 0";
	EXPECT_EQ(g.fault(0x1000, WRITE | USER), X86_PF_PRESENT | X86_PF_WRITE | X86_PF_USER);
	g.pg.cr0 |= X86_CR0_WP;
	EXPECT_EQ(g.fault(0x1000, WRITE), X86_PF_PRESENT | X86_PF_WRITE);
	EXPECT_EQ(g.gpa(0x1000, USER), 0x1000u);
}

TEST(GuestWalkPae, Maps4KiBAnd2MiBPages)
{
	Guest g(Mode::kPae);

	ASSERT_NE(g.pg.cr3 % kPage, 0u);
	g.map(0xbffff000, 0x234567000);
	g.map(0xc0200000, 0x7ffe00000, 2);
	g.map(0x00001000, 0x00001000);
	g.mem.reads.clear();
	EXPECT_EQ(g.gpa(0xbffffabc), 0x234567abcu);
	ASSERT_EQ(g.mem.reads.size(), 3u);
	EXPECT_EQ(g.mem.reads[0], std::make_pair(g.root + 2 * 8, 8u)) << "PDPTE 2";
	EXPECT_EQ(g.mem.reads[2].second, 8u);
	EXPECT_EQ(g.gpa(0xc03fffff, WRITE | USER), 0x7ffffffffu);
	EXPECT_EQ(g.gpa(0x00001008, FETCH), 0x1008u);
	// PAT (bit 12) is not an address bit of a 2 MiB page.
	g.set(0xc0200000, 2, 1ull << 12);
	EXPECT_EQ(g.gpa(0xc0200010), 0x7ffe00010u);
	// CR3 bits 4:0 and 63:32 are not part of the PDPT's address; linear bits 63:32 dropped.
	g.pg.cr3 |= 0x18 | 0x500000000ull;
	EXPECT_EQ(g.gpa(0x3bffffabc), 0x234567abcu);
	// PAE paging's addresses may use all of MAXPHYADDR.
	g.pg.maxphyaddr = 52;
	g.map(0x00002000, 0xfedcba9876000);
	EXPECT_EQ(g.gpa(0x00002010), 0xfedcba9876010u);
}

TEST(GuestWalkPae, PdpteReservedBits)
{
	for (unsigned bit : {1u, 2u, 5u, 6u, 7u, 8u, 40u, 51u, 52u, 62u, 63u}) {
		Guest g(Mode::kPae);

		g.map(0x40001000, 0x9000);
		g.set(0x40001000, 3, 1ull << bit);
		EXPECT_EQ(g.fault(0x40001000), X86_PF_PRESENT | X86_PF_RSVD) << bit;
		EXPECT_EQ(g.fault(0x40001000, FETCH | USER),
			  X86_PF_PRESENT | X86_PF_RSVD | X86_PF_FETCH | X86_PF_USER)
		    << bit;
		// Not present: reserved bits are not checked.
		g.clear(0x40001000, 3, P);
		EXPECT_EQ(g.fault(0x40001000, WRITE), X86_PF_WRITE) << bit;
	}
	// The bits that are not reserved: PWT, PCD, the ignored 11:9, the address below M.
	Guest g(Mode::kPae);
	g.map(0x40001000, 0x9000);
	g.set(0x40001000, 3, 0xe18);
	EXPECT_EQ(g.gpa(0x40001000), 0x9000u);
	// A PDPTE's R/W and U/S are reserved, not rights: pages under it are writable by users.
	g.pg.cr0 |= X86_CR0_WP;
	EXPECT_EQ(g.gpa(0x40001000, WRITE | USER), 0x9000u);
}

TEST(GuestWalkPae, ReservedBitsInDirectoriesAndTables)
{
	for (unsigned level : {1u, 2u}) {
		Guest g(Mode::kPae);

		g.map(0x40001000, 0x9000);
		g.set(0x40001000, level, 1ull << 40);
		EXPECT_EQ(g.fault(0x40001000, WRITE), X86_PF_PRESENT | X86_PF_RSVD | X86_PF_WRITE)
		    << level;
		g.pg.maxphyaddr = 41;
		x86_walk_result r{};
		if (level == 1)
			EXPECT_EQ(g.gpa(0x40001000), 0x10000009000u);
		else
			EXPECT_EQ(g.translate(0x40001000, 0, &r), AXERR_NOT_MAPPED)
			    << "the page table moved out of guest memory";
		g.clear(0x40001000, level, 1ull << 40);
		g.set(0x40001000, level, 1ull << 55);
		g.pg.maxphyaddr = 52;
		EXPECT_EQ(g.fault(0x40001000), X86_PF_PRESENT | X86_PF_RSVD)
		    << "bits 62:52 are reserved in PAE paging, level " << level;
		g.clear(0x40001000, level, 1ull << 55);

		// Bit 63 is XD with NXE, reserved without.
		g.set(0x40001000, level, XD);
		EXPECT_EQ(g.gpa(0x40001000), 0x9000u) << level;
		g.pg.efer = 0;
		EXPECT_EQ(g.fault(0x40001000), X86_PF_PRESENT | X86_PF_RSVD) << level;
		EXPECT_EQ(g.fault(0x40001000, FETCH), X86_PF_PRESENT | X86_PF_RSVD)
		    << "no I/D without NXE, level " << level;
	}
	// A 2 MiB page's bits 20:13.
	for (unsigned bit : {13u, 16u, 20u}) {
		Guest g(Mode::kPae);

		g.map(0x40200000, 0x600000, 2);
		g.set(0x40200000, 2, 1ull << bit);
		EXPECT_EQ(g.fault(0x40200000), X86_PF_PRESENT | X86_PF_RSVD) << bit;
	}
}

TEST(GuestWalkPae, ExecuteDisable)
{
	for (unsigned level : {1u, 2u}) {
		Guest g(Mode::kPae);

		g.map(0x40001000, 0x9000);
		g.set(0x40001000, level, XD);
		EXPECT_EQ(g.gpa(0x40001000, WRITE), 0x9000u) << level;
		EXPECT_EQ(g.fault(0x40001000, FETCH), X86_PF_PRESENT | X86_PF_FETCH) << level;
		EXPECT_EQ(g.fault(0x40001000, FETCH | USER),
			  X86_PF_PRESENT | X86_PF_FETCH | X86_PF_USER)
		    << level;
	}
}

TEST(GuestWalk4Level, MapsPagesOfEverySize)
{
	// Paging structures above 4 GiB, pages elsewhere.
	Guest g(Mode::k4Level, 0x100000000);

	g.map(0x7ffffffff000, 0x1234567000);
	g.map(0xffff800000200000, 0xffffe00000, 2);
	g.map(0xffffffffc0000000, 0x8040000000, 3);
	g.map(0x200000, 0x200000);
	g.mem.reads.clear();
	EXPECT_EQ(g.gpa(0x7fffffffffff), 0x1234567fffu);
	ASSERT_EQ(g.mem.reads.size(), 4u);
	EXPECT_EQ(g.mem.reads[0], std::make_pair(g.root + 255 * 8, 8u)) << "PML4E 255";
	g.mem.reads.clear();
	EXPECT_EQ(g.gpa(0xffffffffc1234567, WRITE | USER), 0x8041234567u);
	EXPECT_EQ(g.mem.reads.size(), 2u) << "PML4E, PDPTE";
	EXPECT_EQ(g.gpa(0xffff8000003fff00, FETCH), 0xffffffff00u);
	EXPECT_EQ(g.gpa(0x200123), 0x200123u);
	// PAT (bit 12) is not an address bit of a 1 GiB or 2 MiB page.
	g.set(0xffffffffc0000000, 3, 1ull << 12);
	g.set(0xffff800000200000, 2, 1ull << 12);
	EXPECT_EQ(g.gpa(0xffffffffc0000008), 0x8040000008u);
	EXPECT_EQ(g.gpa(0xffff800000200008), 0xffffe00008u);
	// Bits 62:52 are ignored (or protection keys): neither reserved nor address bits.
	for (unsigned level = 1; level <= 4; level++)
		g.set(0x7ffffffff000, level, 0x7ff0000000000000);
	EXPECT_EQ(g.gpa(0x7ffffffff008), 0x1234567008u);
	// CR3's PCID or PWT/PCD bits.
	g.pg.cr3 |= 0xfff;
	EXPECT_EQ(g.gpa(0x200123), 0x200123u);
}

TEST(GuestWalk4Level, NotPresentAtEachLevel)
{
	for (unsigned level = 1; level <= 4; level++) {
		Guest g(Mode::k4Level);

		g.map(0x7f0000401000, 0x9000);
		g.clear(0x7f0000401000, level, P);
		EXPECT_EQ(g.fault(0x7f0000401ff8), 0u) << level;
		EXPECT_EQ(g.fault(0x7f0000401ff8, WRITE), X86_PF_WRITE) << level;
		EXPECT_EQ(g.fault(0x7f0000401ff8, USER), X86_PF_USER) << level;
		EXPECT_EQ(g.fault(0x7f0000401ff8, FETCH | USER), X86_PF_FETCH | X86_PF_USER)
		    << level;
		g.pg.efer &= ~X86_EFER_NXE;
		EXPECT_EQ(g.fault(0x7f0000401ff8, FETCH), 0u) << "no I/D without NXE " << level;
		// Not present hides everything else, reserved bits included.
		g.set(0x7f0000401000, level, 1ull << 51 | XD);
		EXPECT_EQ(g.fault(0x7f0000401ff8), 0u) << level;
	}
}

TEST(GuestWalk4Level, ReservedBitsAtEachLevel)
{
	for (unsigned level = 1; level <= 4; level++) {
		for (unsigned bit : {40u, 45u, 51u}) {
			Guest g(Mode::k4Level);

			g.map(0x7f0000401000, 0x9000);
			g.set(0x7f0000401000, level, 1ull << bit);
			EXPECT_EQ(g.fault(0x7f0000401000, WRITE),
				  X86_PF_PRESENT | X86_PF_RSVD | X86_PF_WRITE)
			    << level << " " << bit;
			g.pg.maxphyaddr = 52;
			// Now an address bit: of the page, or of a table outside guest memory.
			x86_walk_result r{};
			if (level == 1)
				EXPECT_EQ(g.gpa(0x7f0000401000), 0x9000 | 1ull << bit);
			else
				EXPECT_EQ(g.translate(0x7f0000401000, 0, &r), AXERR_NOT_MAPPED)
				    << level << " " << bit;
		}
		Guest g(Mode::k4Level);
		g.map(0x7f0000401000, 0x9000);
		g.pg.efer &= ~X86_EFER_NXE;
		g.set(0x7f0000401000, level, XD);
		EXPECT_EQ(g.fault(0x7f0000401000), X86_PF_PRESENT | X86_PF_RSVD) << level;
	}
	// PS is reserved in a PML4E.
	Guest g(Mode::k4Level);
	g.map(0x7f0000401000, 0x9000);
	g.set(0x7f0000401000, 4, PS);
	EXPECT_EQ(g.fault(0x7f0000401000, USER), X86_PF_PRESENT | X86_PF_RSVD | X86_PF_USER);
	// In a 4 KiB page's PTE, bit 7 is PAT.
	g.clear(0x7f0000401000, 4, PS);
	g.set(0x7f0000401000, 1, PS);
	EXPECT_EQ(g.gpa(0x7f0000401000), 0x9000u);
}

TEST(GuestWalk4Level, ReservedBitsOfLargePages)
{
	for (unsigned bit : {13u, 21u, 29u}) {
		Guest g(Mode::k4Level);

		g.map(0x40000000, 0x80000000, 3);
		g.set(0x40000000, 3, 1ull << bit);
		EXPECT_EQ(g.fault(0x40000000), X86_PF_PRESENT | X86_PF_RSVD) << bit;
	}
	for (unsigned bit : {13u, 20u}) {
		Guest g(Mode::k4Level);

		g.map(0x40000000, 0x80000000, 2);
		g.set(0x40000000, 2, 1ull << bit);
		EXPECT_EQ(g.fault(0x40000000), X86_PF_PRESENT | X86_PF_RSVD) << bit;
	}
	// The lowest address bit of each size.
	Guest g(Mode::k4Level);
	g.map(0x40000000, 0x80000000, 3);
	g.map(0x80000000, 0x80000000, 2);
	g.set(0x40000000, 3, 1ull << 30);
	g.set(0x80000000, 2, 1ull << 21);
	EXPECT_EQ(g.gpa(0x40000010), 0xc0000010u);
	EXPECT_EQ(g.gpa(0x80000010), 0x80200010u);
}

TEST(GuestWalk4Level, NonCanonicalAddressesAreGeneralProtection)
{
	Guest g(Mode::k4Level);
	x86_walk_result r{};

	g.map(0xffff800000000000, 0x3000);
	g.map(0x7ffffffff000, 0x4000);
	g.mem.reads.clear();
	for (uint64_t linear :
	     {0x800000000000ull, 0xffff7fffffffffffull, 0x1000000000000ull, 0x8000000000000000ull})
		EXPECT_EQ(g.translate(linear, 0, &r), AXERR_INVALID) << std::hex << linear;
	EXPECT_TRUE(g.mem.reads.empty());
	EXPECT_EQ(g.gpa(0xffff800000000008), 0x3008u);
	EXPECT_EQ(g.gpa(0x7fffffffffff), 0x4fffu);
}

TEST(GuestWalk5Level, Walks57BitAddresses)
{
	Guest g(Mode::k5Level);
	x86_walk_result r{};

	g.map(0xfffffff000, 0x5000);
	g.map(0x00fffffffffff000, 0x6000);
	g.map(0xff00000000000000, 0x7000);
	g.map(0x0000800000000000, 0x8000);
	g.mem.reads.clear();
	EXPECT_EQ(g.gpa(0xfffffff123), 0x5123u);
	ASSERT_EQ(g.mem.reads.size(), 5u);
	EXPECT_EQ(g.mem.reads[0].first, g.root) << "PML5E 0";
	EXPECT_EQ(g.gpa(0x00fffffffffff123), 0x6123u);
	EXPECT_EQ(g.gpa(0xff00000000000123), 0x7123u);
	EXPECT_EQ(g.gpa(0x0000800000000123), 0x8123u) << "canonical only with 57 bits";
	for (uint64_t linear : {0x0100000000000000ull, 0xfe00000000000000ull})
		EXPECT_EQ(g.translate(linear, 0, &r), AXERR_INVALID) << std::hex << linear;
	g.set(0xfffffff000, 5, PS);
	EXPECT_EQ(g.fault(0xfffffff000), X86_PF_PRESENT | X86_PF_RSVD);
	g.clear(0xfffffff000, 5, PS | P);
	EXPECT_EQ(g.fault(0xfffffff000), 0u);
	// Without LA57 the same tables are walked from the PML4, and the address is not canonical.
	g.pg.cr4 &= ~X86_CR4_LA57;
	EXPECT_EQ(g.translate(0x0000800000000000, 0, &r), AXERR_INVALID);
}

TEST(GuestWalkRights, WritesToReadOnlyPages)
{
	for (unsigned level = 1; level <= 4; level++) {
		Guest g(Mode::k4Level);

		g.map(0x401000, 0x9000);
		g.clear(0x401000, level, RW);
		EXPECT_EQ(g.gpa(0x401000), 0x9000u) << level;
		EXPECT_EQ(g.gpa(0x401000, USER), 0x9000u) << level;
		EXPECT_EQ(g.gpa(0x401000, WRITE), 0x9000u) << "CR0.WP = 0, level " << level;
		EXPECT_EQ(g.fault(0x401000, WRITE | USER),
			  X86_PF_PRESENT | X86_PF_WRITE | X86_PF_USER)
		    << level;
		g.pg.cr0 |= X86_CR0_WP;
		EXPECT_EQ(g.fault(0x401000, WRITE), X86_PF_PRESENT | X86_PF_WRITE) << level;
		EXPECT_EQ(g.fault(0x401000, WRITE | USER),
			  X86_PF_PRESENT | X86_PF_WRITE | X86_PF_USER)
		    << level;
		EXPECT_EQ(g.gpa(0x401000, FETCH), 0x9000u) << level;
	}
}

TEST(GuestWalkRights, UserAccessToSupervisorPages)
{
	for (unsigned level = 1; level <= 4; level++) {
		Guest g(Mode::k4Level);

		g.map(0x401000, 0x9000);
		g.clear(0x401000, level, US);
		EXPECT_EQ(g.fault(0x401000, USER), X86_PF_PRESENT | X86_PF_USER) << level;
		EXPECT_EQ(g.fault(0x401000, USER | WRITE),
			  X86_PF_PRESENT | X86_PF_USER | X86_PF_WRITE)
		    << level;
		EXPECT_EQ(g.fault(0x401000, USER | FETCH),
			  X86_PF_PRESENT | X86_PF_USER | X86_PF_FETCH)
		    << level;
		g.pg.cr0 |= X86_CR0_WP;
		EXPECT_EQ(g.gpa(0x401000, WRITE), 0x9000u) << level;
		EXPECT_EQ(g.gpa(0x401000, FETCH), 0x9000u) << level;
	}
}

TEST(GuestWalkRights, ExecuteDisableAtEachLevel)
{
	for (unsigned level = 1; level <= 4; level++) {
		Guest g(Mode::k4Level);

		g.map(0x401000, 0x9000);
		g.set(0x401000, level, XD);
		EXPECT_EQ(g.fault(0x401000, FETCH), X86_PF_PRESENT | X86_PF_FETCH) << level;
		EXPECT_EQ(g.fault(0x401000, FETCH | USER),
			  X86_PF_PRESENT | X86_PF_FETCH | X86_PF_USER)
		    << level;
		EXPECT_EQ(g.gpa(0x401000, WRITE | USER), 0x9000u) << level;
	}
}

TEST(GuestWalkRights, SmepBlocksSupervisorFetchesFromUserPages)
{
	Guest g(Mode::k4Level);

	g.map(0x401000, 0x9000);
	g.map(0x402000, 0xa000, 1, P | RW);
	EXPECT_EQ(g.gpa(0x401000, FETCH), 0x9000u) << "without SMEP";
	g.pg.cr4 |= X86_CR4_SMEP;
	EXPECT_EQ(g.fault(0x401000, FETCH), X86_PF_PRESENT | X86_PF_FETCH);
	EXPECT_EQ(g.gpa(0x401000, FETCH | USER), 0x9000u);
	EXPECT_EQ(g.gpa(0x401000, WRITE), 0x9000u) << "SMAP is not modelled";
	EXPECT_EQ(g.gpa(0x402000, FETCH), 0xa000u) << "a supervisor page";
	// A user-mode address needs U/S = 1 at every level.
	g.clear(0x401000, 3, US);
	EXPECT_EQ(g.gpa(0x401000, FETCH), 0x9000u);
}

TEST(GuestWalkMemory, PagingStructuresOutsideGuestMemory)
{
	x86_walk_result r{};

	{
		Guest g(Mode::k4Level);

		g.map(0x401000, 0x9000);
		// The page itself needs no memory: translating reads only paging structures.
		g.map(0x402000, 0xff00000000);
		EXPECT_EQ(g.gpa(0x402010), 0xff00000010u);
		g.set(0x401000, 2, 0x7700000000);
		r.gpa = 0x5a5a;
		EXPECT_EQ(g.translate(0x401000, 0, &r), AXERR_NOT_MAPPED);
		EXPECT_EQ(r.gpa, 0x5a5au);
		g.pg.cr3 = 0x7700000000;
		EXPECT_EQ(g.translate(0x401000, 0, &r), AXERR_NOT_MAPPED);
	}
	{
		Guest g(Mode::kPae);

		g.map(0x401000, 0x9000);
		g.pg.cr3 = 0x80000000;
		EXPECT_EQ(g.translate(0x401000, 0, &r), AXERR_NOT_MAPPED);
	}
	{
		Guest g(Mode::k32);

		g.map(0x401000, 0x9000);
		g.set(0x401000, 2, 0x80000000);
		EXPECT_EQ(g.translate(0x401000, 0, &r), AXERR_NOT_MAPPED);
	}
}

// x86_guest_read_linear on g's guest; *out and *copied land in the arguments.
int read_linear(Guest &g, uint64_t linear, unsigned access, uint8_t *buf, size_t len,
		size_t *copied, x86_walk_result *out)
{
	return x86_guest_read_linear(&g.pg, linear, access, GuestMem::read, &g.mem, buf, len,
				     copied, out);
}

TEST(GuestReadLinear, CrossesPagesMappedApart)
{
	Guest g(Mode::k4Level);
	uint8_t buf[15];
	size_t copied = 0;
	x86_walk_result r{};

	g.map(0x40000000, 0x9000);
	g.map(0x40001000, 0x5000);
	g.mem.fill(0x9ff8, 8);
	g.mem.fill(0x5000, 7);
	ASSERT_EQ(read_linear(g, 0x40000ff8, FETCH, buf, sizeof(buf), &copied, &r), AX_OK);
	EXPECT_EQ(copied, 15u);
	EXPECT_FALSE(r.fault);
	for (unsigned i = 0; i < 8; i++)
		EXPECT_EQ(buf[i], GuestMem::pattern(0x9ff8 + i)) << i;
	for (unsigned i = 8; i < 15; i++)
		EXPECT_EQ(buf[i], GuestMem::pattern(0x5000 + i - 8)) << i;
	// Within one page: one read of the data.
	g.mem.reads.clear();
	ASSERT_EQ(read_linear(g, 0x40001002, 0, buf, 4, &copied, &r), AX_OK);
	EXPECT_EQ(copied, 4u);
	EXPECT_EQ(buf[0], GuestMem::pattern(0x5002));
	EXPECT_EQ(g.mem.reads.back(), std::make_pair(uint64_t(0x5002), 4u));
}

TEST(GuestReadLinear, StopsAtTheFirstPageThatFaults)
{
	Guest g(Mode::k4Level);
	uint8_t buf[15] = {};
	size_t copied = 99;
	x86_walk_result r{};

	g.map(0x40000000, 0x9000);
	g.map(0x40001000, 0x5000);
	g.mem.fill(0x9ff8, 8);
	g.mem.fill(0x5000, 7);
	g.clear(0x40001000, 1, P);
	ASSERT_EQ(read_linear(g, 0x40000ff8, FETCH | USER, buf, sizeof(buf), &copied, &r), AX_OK);
	EXPECT_EQ(copied, 8u);
	EXPECT_TRUE(r.fault);
	EXPECT_EQ(r.linear, 0x40001000u) << "CR2: the first byte not copied";
	EXPECT_EQ(r.pf_error_code, X86_PF_FETCH | X86_PF_USER);
	EXPECT_EQ(buf[7], GuestMem::pattern(0x9fff));
	EXPECT_EQ(buf[8], 0u);

	g.set(0x40001000, 1, P | XD);
	ASSERT_EQ(read_linear(g, 0x40000ff8, FETCH, buf, sizeof(buf), &copied, &r), AX_OK);
	EXPECT_EQ(copied, 8u);
	EXPECT_EQ(r.pf_error_code, X86_PF_PRESENT | X86_PF_FETCH);
	ASSERT_EQ(read_linear(g, 0x40000ff8, 0, buf, sizeof(buf), &copied, &r), AX_OK);
	EXPECT_EQ(copied, 15u) << "XD does not stop reads";

	// The first page faults: nothing copied, CR2 is the address asked for.
	g.clear(0x40000000, 2, RW);
	ASSERT_EQ(read_linear(g, 0x40000ffa, WRITE | USER, buf, 2, &copied, &r), AX_OK);
	EXPECT_EQ(copied, 0u);
	EXPECT_TRUE(r.fault);
	EXPECT_EQ(r.linear, 0x40000ffau);
	EXPECT_EQ(r.pf_error_code, X86_PF_PRESENT | X86_PF_WRITE | X86_PF_USER);
}

TEST(GuestReadLinear, Errors)
{
	Guest g(Mode::k4Level);
	uint8_t buf[16];
	size_t copied = 99;
	x86_walk_result r{};

	g.map(0x7ffffffff000, 0x9000);
	g.map(0x40000000, 0x9000);
	g.map(0x40001000, 0x7700000000); // not guest memory
	g.mem.fill(0x9ff8, 8);
	EXPECT_EQ(read_linear(g, 0x40000000, 0, buf, 0, &copied, &r), AXERR_INVALID);
	EXPECT_EQ(copied, 0u);
	EXPECT_EQ(read_linear(g, 0x40000ff8, 0, buf, 16, &copied, &r), AXERR_NOT_MAPPED);
	EXPECT_EQ(copied, 8u);
	EXPECT_EQ(read_linear(g, 0x7ffffffffff8, 0, buf, 16, &copied, &r), AXERR_INVALID)
	    << "the second page is not canonical";
	EXPECT_EQ(copied, 8u);
	g.pg.cr3 = 0x7700000000;
	EXPECT_EQ(read_linear(g, 0x40000000, 0, buf, 1, &copied, &r), AXERR_NOT_MAPPED);
	EXPECT_EQ(copied, 0u);
}

TEST(GuestReadLinear, Wraps32BitAddresses)
{
	Guest g(Mode::k32);
	uint8_t buf[16];
	size_t copied = 0;
	x86_walk_result r{};

	g.map(0xfffff000, 0x6000);
	g.map(0x00000000, 0x7000);
	g.mem.fill(0x6ff8, 8);
	g.mem.fill(0x7000, 8);
	ASSERT_EQ(read_linear(g, 0xfffffff8, 0, buf, 16, &copied, &r), AX_OK);
	EXPECT_EQ(copied, 16u);
	EXPECT_EQ(buf[0], GuestMem::pattern(0x6ff8));
	EXPECT_EQ(buf[8], GuestMem::pattern(0x7000));
	EXPECT_EQ(buf[15], GuestMem::pattern(0x7007));
	// Without paging, page by page all the same, bits 63:32 dropped.
	g.pg.cr0 = 0;
	ASSERT_EQ(read_linear(g, 0x100006ff8, 0, buf, 16, &copied, &r), AX_OK);
	EXPECT_EQ(copied, 16u);
	EXPECT_EQ(buf[7], GuestMem::pattern(0x6fff));
	EXPECT_EQ(buf[8], GuestMem::pattern(0x7000));
}

} // namespace
