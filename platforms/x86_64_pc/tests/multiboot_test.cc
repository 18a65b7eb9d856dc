#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

extern "C" {
#include "platforms/x86_64_pc/multiboot.h"
}

namespace
{

// A stand-in for the first 64 KiB of physical memory, where the test lays out what a
// multiboot loader would hand over.
class FakeMemory
{
      public:
	FakeMemory() : bytes_(64 * 1024, 0xa5)
	{
	}

	struct phys_view view()
	{
		return {map, this};
	}

	template <typename T> void put(uint64_t pa, const T &value)
	{
		ASSERT_LE(pa + sizeof(value), bytes_.size());
		std::memcpy(&bytes_[pa], &value, sizeof(value));
	}

	void put_string(uint64_t pa, const char *s)
	{
		ASSERT_LE(pa + std::strlen(s) + 1, bytes_.size());
		std::memcpy(&bytes_[pa], s, std::strlen(s) + 1);
	}

	// Writes a memory map of (base, length, type) entries at pa; returns its length.
	uint32_t put_mmap(uint64_t pa, const std::vector<std::array<uint64_t, 3>> &entries)
	{
		uint32_t off = 0;

		for (const auto &e : entries) {
			struct multiboot_mmap_entry m = {20, e[0], e[1], (uint32_t)e[2]};

			put(pa + off, m);
			off += sizeof(m);
		}
		return off;
	}

	size_t size() const
	{
		return bytes_.size();
	}

      private:
	static const void *map(void *ctx, uint64_t pa, uint64_t len)
	{
		auto *self = static_cast<FakeMemory *>(ctx);

		if (pa > self->bytes_.size() || len > self->bytes_.size() - pa)
			return nullptr;
		return self->bytes_.data() + pa;
	}

	std::vector<uint8_t> bytes_;
};

constexpr uint64_t kInfo = 0x1000;
constexpr uint64_t kCmdline = 0x2000;
constexpr uint64_t kLoader = 0x2100;
constexpr uint64_t kMmap = 0x3000;
constexpr uint64_t kMods = 0x4000;
constexpr uint64_t kModString = 0x4100;

bool has_range(const struct mem_ranges &set, uint64_t base, uint64_t end)
{
	for (size_t i = 0; i < set.count; i++) {
		if (set.r[i].base <= base && set.r[i].end >= end)
			return true;
	}
	return false;
}

// The memory map Bochs' BIOS reports with 256 MiB, plus RAM above 4 GiB.
const std::vector<std::array<uint64_t, 3>> kPcMap = {
    {0x0, 0x9fc00, 1},
    {0x9fc00, 0x400, 2},
    {0xe8000, 0x18000, 2},
    {0x100000, 0xfef0000, 1},
    {0xfff0000, 0x10000, 3},
    {0xfffc0000, 0x40000, 2},
    {0x100000000, 0x40000000, 1},
};

TEST(Multiboot, ParsesMemoryMapCommandLineAndModules)
{
	FakeMemory mem;
	struct multiboot_info info = {};
	struct multiboot_module mod = {0x8000, 0x9000, (uint32_t)kModString, 0};
	struct multiboot_boot out;

	info.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
		     MULTIBOOT_INFO_MEM_MAP | MULTIBOOT_INFO_BOOT_LOADER_NAME;
	info.mem_lower = 639;
	info.mem_upper = 1000;
	info.cmdline = kCmdline;
	info.boot_loader_name = kLoader;
	info.mmap_addr = kMmap;
	info.mmap_length = mem.put_mmap(kMmap, kPcMap);
	info.mods_count = 1;
	info.mods_addr = kMods;
	mem.put(kInfo, info);
	mem.put_string(kCmdline, "fault verbose");
	mem.put_string(kLoader, "GRUB 2.06");
	mem.put(kMods, mod);
	mem.put_string(kModString, "guest.bin");

	struct phys_view view = mem.view();
	ASSERT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out), MULTIBOOT_OK);

	ASSERT_EQ(out.memory.count, 3u);
	EXPECT_EQ(out.memory.r[0].base, 0x0u);
	EXPECT_EQ(out.memory.r[0].end, 0x9fc00u);
	EXPECT_EQ(out.memory.r[1].base, 0x100000u);
	EXPECT_EQ(out.memory.r[1].end, 0xfff0000u);
	EXPECT_EQ(out.memory.r[2].base, 0x100000000u);
	EXPECT_EQ(out.memory.r[2].end, 0x140000000u);
	EXPECT_STREQ(out.cmdline, "fault verbose");
	ASSERT_NE(out.loader_name, nullptr);
	EXPECT_STREQ(out.loader_name, "GRUB 2.06");

	EXPECT_TRUE(has_range(out.reserved, kInfo, kInfo + sizeof(info)));
	EXPECT_TRUE(has_range(out.reserved, kCmdline, kCmdline + sizeof("fault verbose")));
	EXPECT_TRUE(has_range(out.reserved, kLoader, kLoader + sizeof("GRUB 2.06")));
	EXPECT_TRUE(has_range(out.reserved, kMmap, kMmap + info.mmap_length));
	EXPECT_TRUE(has_range(out.reserved, kMods, kMods + sizeof(mod)));
	EXPECT_TRUE(has_range(out.reserved, 0x8000, 0x9000));
	EXPECT_EQ(out.module_start, 0x8000u) << "the first module: the VM bundle";
	EXPECT_EQ(out.module_size, 0x1000u);
	EXPECT_TRUE(has_range(out.reserved, kModString, kModString + sizeof("guest.bin")));
	EXPECT_FALSE(has_range(out.reserved, 0x5000, 0x5001));
}

TEST(Multiboot, MergesAdjacentAvailableEntries)
{
	FakeMemory mem;
	struct multiboot_info info = {};
	struct multiboot_boot out;

	info.flags = MULTIBOOT_INFO_MEM_MAP;
	info.mmap_addr = kMmap;
	info.mmap_length =
	    mem.put_mmap(kMmap, {{0x100000, 0x100000, 1}, {0x200000, 0x100000, 1}, {0, 0, 1}});
	mem.put(kInfo, info);

	struct phys_view view = mem.view();
	ASSERT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out), MULTIBOOT_OK);
	ASSERT_EQ(out.memory.count, 1u);
	EXPECT_EQ(out.memory.r[0].base, 0x100000u);
	EXPECT_EQ(out.memory.r[0].end, 0x300000u);
	EXPECT_STREQ(out.cmdline, "");
	EXPECT_EQ(out.loader_name, nullptr);
	EXPECT_EQ(out.module_size, 0u) << "no module: no bundle";
}

TEST(Multiboot, FallsBackToLowerAndUpperMemory)
{
	FakeMemory mem;
	struct multiboot_info info = {};
	struct multiboot_boot out;

	info.flags = MULTIBOOT_INFO_MEMORY;
	info.mem_lower = 640;
	info.mem_upper = 130048; // 127 MiB above 1 MiB
	mem.put(kInfo, info);

	struct phys_view view = mem.view();
	ASSERT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out), MULTIBOOT_OK);
	ASSERT_EQ(out.memory.count, 2u);
	EXPECT_EQ(out.memory.r[0].end, 0xa0000u);
	EXPECT_EQ(out.memory.r[1].base, 0x100000u);
	EXPECT_EQ(out.memory.r[1].end, 0x8000000u);
}

TEST(Multiboot, RejectsBadMagicAndUnreachableInfo)
{
	FakeMemory mem;
	struct multiboot_boot out;
	struct phys_view view = mem.view();

	EXPECT_EQ(multiboot_parse(0x36d76289, kInfo, &view, &out), MULTIBOOT_BAD_MAGIC);
	EXPECT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, mem.size() - 8, &view, &out),
		  MULTIBOOT_BAD_INFO);
	EXPECT_STRNE(multiboot_strerror(MULTIBOOT_BAD_MAGIC), "unknown error");
}

TEST(Multiboot, RejectsInfoWithoutMemory)
{
	FakeMemory mem;
	struct multiboot_info info = {};
	struct multiboot_boot out;

	info.flags = MULTIBOOT_INFO_MEM_MAP;
	info.mmap_addr = kMmap;
	info.mmap_length = mem.put_mmap(kMmap, {{0xe8000, 0x18000, 2}});
	mem.put(kInfo, info);

	struct phys_view view = mem.view();
	EXPECT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out),
		  MULTIBOOT_NO_MEMORY);
	info.flags = 0;
	mem.put(kInfo, info);
	EXPECT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out),
		  MULTIBOOT_NO_MEMORY);
}

TEST(Multiboot, RejectsMalformedMemoryMaps)
{
	FakeMemory mem;
	struct multiboot_info info = {};
	struct multiboot_boot out;
	struct phys_view view = mem.view();

	info.flags = MULTIBOOT_INFO_MEM_MAP;
	info.mmap_addr = kMmap;
	info.mmap_length = mem.put_mmap(kMmap, {{0x100000, 0x100000, 1}});

	// An entry whose size runs past the end of the map.
	struct multiboot_mmap_entry long_entry = {40, 0x100000, 0x100000, 1};
	mem.put(kMmap, long_entry);
	mem.put(kInfo, info);
	EXPECT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out),
		  MULTIBOOT_BAD_MMAP);

	// A range that wraps around the address space.
	struct multiboot_mmap_entry wrap = {20, 0xfffffffffffff000, 0x2000, 1};
	mem.put(kMmap, wrap);
	EXPECT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out),
		  MULTIBOOT_BAD_MMAP);

	// A map that lies outside memory.
	info.mmap_addr = mem.size() - 8;
	mem.put(kInfo, info);
	EXPECT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out),
		  MULTIBOOT_BAD_MMAP);
}

TEST(Multiboot, RejectsUnterminatedCommandLine)
{
	FakeMemory mem;
	struct multiboot_info info = {};
	struct multiboot_boot out;

	info.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE;
	info.mem_upper = 1024;
	info.cmdline = mem.size() - 4; // 0xa5 bytes up to the end of memory
	mem.put(kInfo, info);

	struct phys_view view = mem.view();
	EXPECT_EQ(multiboot_parse(MULTIBOOT_BOOTLOADER_MAGIC, kInfo, &view, &out),
		  MULTIBOOT_BAD_STRING);
}

TEST(Multiboot, Grub2PassesOnlyTheArguments)
{
	EXPECT_STREQ(multiboot_cmdline_args("fault", "GRUB 2.06-13+deb12u2"), "fault");
	EXPECT_STREQ(multiboot_cmdline_args("  fault x=1", "GRUB 2.06"), "fault x=1");
	EXPECT_STREQ(multiboot_cmdline_args("", "GRUB 2.06"), "");
}

TEST(Multiboot, OtherLoadersPutTheKernelPathFirst)
{
	EXPECT_STREQ(multiboot_cmdline_args("hv32.elf fault", "qemu"), "fault");
	EXPECT_STREQ(multiboot_cmdline_args("/boot/hv.elf   fault  x=1", "GNU GRUB 0.97"),
		     "fault  x=1");
	EXPECT_STREQ(multiboot_cmdline_args("/boot/hv.elf", nullptr), "");
	EXPECT_STREQ(multiboot_cmdline_args("", nullptr), "");
}

} // namespace
