#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" {
#include <board/fdt_info.h>
#include <libfdt.h>
}

namespace
{

std::vector<char> ReadBlob(const std::string &name)
{
	std::ifstream in("platforms/common/tests/" + name, std::ios::binary);
	EXPECT_TRUE(in.good()) << name;
	return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

TEST(FdtInfo, ParsesMemoryReservationsCpusAndChosen)
{
	std::vector<char> blob = ReadBlob("basic.dtb");
	fdt_info info;

	ASSERT_EQ(fdt_info_parse(blob.data(), &info), FDT_INFO_OK);
	ASSERT_EQ(info.memory.count, 3u);
	EXPECT_EQ(info.memory.r[0].base, 0x80000000u);
	EXPECT_EQ(info.memory.r[0].end, 0x88000000u);
	EXPECT_EQ(info.memory.r[1].base, 0xa0000000u);
	EXPECT_EQ(info.memory.r[2].base, 0x100000000u);
	EXPECT_EQ(info.memory.r[2].end, 0x101000000u);
	EXPECT_EQ(mem_ranges_total(&info.memory), 0x8000000u + 0x100000u + 0x1000000u);

	/* /memreserve/ [0x80000000, +64K) and /reserved-memory [0x80040000, +256K) stay apart. */
	ASSERT_EQ(info.reserved.count, 2u);
	EXPECT_EQ(info.reserved.r[0].base, 0x80000000u);
	EXPECT_EQ(info.reserved.r[0].end, 0x80010000u);
	EXPECT_EQ(info.reserved.r[1].base, 0x80040000u);
	EXPECT_EQ(info.reserved.r[1].end, 0x80080000u);

	ASSERT_EQ(info.cpu_count, 2u) << "the disabled cpu@1 must be skipped";
	EXPECT_EQ(info.cpu_ids[0], 0u);
	EXPECT_EQ(info.cpu_ids[1], 3u);
	EXPECT_STREQ(static_cast<const char *>(
			 fdt_getprop(blob.data(), info.cpu_nodes[0], "riscv,isa", nullptr)),
		     "rv64imafdch")
	    << "the node of cpu@0";
	EXPECT_EQ(fdt_getprop(blob.data(), info.cpu_nodes[1], "riscv,isa", nullptr), nullptr);

	EXPECT_STREQ(info.bootargs, "console=hvc0 fault");
	EXPECT_EQ(info.initrd_start, 0x84000000u) << "one cell";
	EXPECT_EQ(info.initrd_end, 0x84001000u) << "two cells";
	EXPECT_EQ(info.stdout_base, 0x10000000u) << "alias plus options must resolve";
	EXPECT_EQ(info.fdt_size, blob.size());
}

TEST(FdtInfo, FindsCompatibleNodes)
{
	std::vector<char> blob = ReadBlob("basic.dtb");
	uint64_t base = 0;

	ASSERT_TRUE(fdt_find_compatible_reg(blob.data(), "sifive,test0", &base));
	EXPECT_EQ(base, 0x100000u);
	EXPECT_FALSE(fdt_find_compatible_reg(blob.data(), "arm,pl011", &base));
}

TEST(FdtInfo, RejectsGarbage)
{
	std::vector<char> blob(256, 0x5a);
	fdt_info info;

	EXPECT_EQ(fdt_info_parse(blob.data(), &info), FDT_INFO_BAD_HEADER);
	EXPECT_STREQ(fdt_info_strerror(FDT_INFO_BAD_HEADER), "not a valid devicetree blob");
}

TEST(FdtInfo, RejectsMissingMemory)
{
	std::vector<char> blob = ReadBlob("no_memory.dtb");
	fdt_info info;

	EXPECT_EQ(fdt_info_parse(blob.data(), &info), FDT_INFO_NO_MEMORY);
}

TEST(FdtInfo, RejectsTruncatedReg)
{
	std::vector<char> blob = ReadBlob("bad_reg.dtb");
	fdt_info info;

	EXPECT_EQ(fdt_info_parse(blob.data(), &info), FDT_INFO_BAD_REG);
}

/* The blobs QEMU itself hands to our hypervisors, dumped at build time. */
TEST(FdtInfo, ParsesQemuRiscv64Virt)
{
	std::vector<char> blob = ReadBlob("qemu_riscv64_virt.dtb");
	fdt_info info;
	uint64_t finisher = 0;

	ASSERT_EQ(fdt_info_parse(blob.data(), &info), FDT_INFO_OK);
	EXPECT_EQ(mem_ranges_total(&info.memory), 256u << 20);
	EXPECT_EQ(info.memory.r[0].base, 0x80000000u);
	ASSERT_EQ(info.cpu_count, 2u);
	EXPECT_EQ(info.cpu_ids[1], 1u);
	const char *isa = static_cast<const char *>(
	    fdt_getprop(blob.data(), info.cpu_nodes[0], "riscv,isa", nullptr));
	ASSERT_NE(isa, nullptr);
	EXPECT_EQ(std::string(isa).rfind("rv64", 0), 0u);
	EXPECT_EQ(info.stdout_base, 0x10000000u);
	EXPECT_TRUE(fdt_find_compatible_reg(blob.data(), "sifive,test0", &finisher));
	EXPECT_EQ(finisher, 0x100000u);
}

TEST(FdtInfo, ParsesQemuAarch64Virt)
{
	std::vector<char> blob = ReadBlob("qemu_aarch64_virt.dtb");
	fdt_info info;

	ASSERT_EQ(fdt_info_parse(blob.data(), &info), FDT_INFO_OK);
	EXPECT_EQ(mem_ranges_total(&info.memory), 256u << 20);
	EXPECT_EQ(info.memory.r[0].base, 0x40000000u);
	ASSERT_EQ(info.cpu_count, 2u);
	EXPECT_EQ(info.cpu_ids[0], 0u);
	EXPECT_EQ(info.cpu_ids[1], 1u);
	EXPECT_EQ(info.stdout_base, 0x9000000u);
}

TEST(FdtInfo, CompatibleRangesCollectEveryEnabledMatch)
{
	std::vector<char> blob = ReadBlob("qemu_riscv64_virt.dtb");
	static const char *const compats[] = {"google,goldfish-rtc", "cfi-flash", nullptr};
	mem_ranges set;
	mem_ranges_init(&set);
	ASSERT_EQ(fdt_compatible_ranges(blob.data(), compats, &set), FDT_INFO_OK);
	ASSERT_EQ(set.count, 2u);
	EXPECT_EQ(set.r[0].base, 0x101000u) << "the RTC";
	EXPECT_EQ(set.r[0].end, 0x102000u);
	EXPECT_EQ(set.r[1].base, 0x20000000u) << "both flash banks, merged";
	EXPECT_EQ(set.r[1].end, 0x24000000u);
	static const char *const none[] = {"no,such-device", nullptr};
	mem_ranges_init(&set);
	ASSERT_EQ(fdt_compatible_ranges(blob.data(), none, &set), FDT_INFO_OK);
	EXPECT_EQ(set.count, 0u);
}

} // namespace
