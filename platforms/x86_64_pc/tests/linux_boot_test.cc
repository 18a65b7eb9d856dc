// The bzImage setup header and boot_params, on images built here with the header fields a
// 6.1 x86_64 kernel carries (protocol 2.15), and malformed ones.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

extern "C" {
#include <axvm/error.h>

#include "platforms/x86_64_pc/linux_boot.h"
}

#include "platforms/x86_64_pc/tests/bzimage.h"

using bzimage::BzImage;
using bzimage::Get;
using bzimage::Put;

namespace
{

TEST(LinuxX86Parse, ReadsTheSetupHeader)
{
	std::vector<uint8_t> b = BzImage();
	linux_x86_image img{};

	ASSERT_EQ(linux_x86_parse(b.data(), b.size(), &img), AX_OK);
	EXPECT_EQ(img.version, 0x020f);
	EXPECT_EQ(img.setup_size, 28u * 512);
	EXPECT_EQ(img.kernel_size, 8192u);
	EXPECT_EQ(img.load_address, 0x100000u);
	EXPECT_EQ(img.pref_address, 0x1000000u);
	EXPECT_EQ(img.kernel_alignment, 0x200000u);
	EXPECT_TRUE(img.relocatable);
	EXPECT_TRUE(img.entry_64);
	EXPECT_TRUE(img.initrd_above_4g);
	EXPECT_EQ(img.init_size, 0x2000000u);
	EXPECT_EQ(img.cmdline_max, 2047u);
	EXPECT_EQ(img.initrd_addr_max, 0x7fffffffu);
}

TEST(LinuxX86Parse, ZeroSetupSectorsMeansFour)
{
	std::vector<uint8_t> b = BzImage(0);
	linux_x86_image img{};

	ASSERT_EQ(linux_x86_parse(b.data(), b.size(), &img), AX_OK);
	EXPECT_EQ(img.setup_size, 5u * 512);
}

TEST(LinuxX86Parse, OlderProtocolsHaveNoXloadflags)
{
	std::vector<uint8_t> b = BzImage(27, 8192, 0x020b);
	linux_x86_image img{};

	ASSERT_EQ(linux_x86_parse(b.data(), b.size(), &img), AX_OK);
	EXPECT_FALSE(img.entry_64);
	EXPECT_FALSE(img.initrd_above_4g);
	b = BzImage(27, 8192, 0x0209);
	EXPECT_EQ(linux_x86_parse(b.data(), b.size(), &img), AXERR_UNSUPPORTED);
}

TEST(LinuxX86Parse, RefusesWhatIsNoBzImage)
{
	linux_x86_image img{};
	std::vector<uint8_t> b = BzImage();

	EXPECT_EQ(linux_x86_parse(b.data(), 0x263, &img), AXERR_INVALID) << "too small";
	EXPECT_EQ(linux_x86_parse(b.data(), 28 * 512, &img), AXERR_INVALID) << "no kernel part";
	b = BzImage();
	b[0x1fe] = 0;
	EXPECT_EQ(linux_x86_parse(b.data(), b.size(), &img), AXERR_INVALID) << "no boot flag";
	b = BzImage();
	b[0x202] = 'X';
	EXPECT_EQ(linux_x86_parse(b.data(), b.size(), &img), AXERR_INVALID) << "no HdrS";
	b = BzImage();
	b[0x211] = 0;
	EXPECT_EQ(linux_x86_parse(b.data(), b.size(), &img), AXERR_INVALID) << "a zImage";
	b = BzImage(255, 100);
	b.resize(2000);
	EXPECT_EQ(linux_x86_parse(b.data(), b.size(), &img), AXERR_INVALID) << "setup past the end";
}

struct Booted {
	std::vector<uint8_t> image;
	linux_x86_image img{};
	std::vector<uint8_t> params = std::vector<uint8_t>(LINUX_BOOT_PARAMS_SIZE, 0x5a);
};

const linux_e820_entry kE820[] = {
    {0, 0x9fc00, LINUX_E820_RAM},
    {0x9fc00, 0x60400, LINUX_E820_RESERVED},
    {0x100000, 0x7f00000, LINUX_E820_RAM},
};

linux_x86_boot Boot()
{
	linux_x86_boot boot{};

	boot.cmdline_gpa = 0x20000;
	boot.cmdline_len = 30;
	boot.initrd_gpa = 0x4000000;
	boot.initrd_size = 0x123456;
	boot.e820 = kE820;
	boot.e820_count = 3;
	return boot;
}

TEST(LinuxX86BootParams, FillsTheZeroPage)
{
	Booted k;
	linux_x86_boot boot = Boot();

	k.image = BzImage();
	ASSERT_EQ(linux_x86_parse(k.image.data(), k.image.size(), &k.img), AX_OK);
	boot.acpi_rsdp = 0xe0000;
	ASSERT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()), AX_OK);
	const uint8_t *p = k.params.data();

	EXPECT_EQ(0, std::memcmp(p + 0x1f1, k.image.data() + 0x1f1, 0x210 - 0x1f1))
	    << "the header up to type_of_loader, as in the image";
	EXPECT_EQ(Get(p + 0x202, 4), 0x53726448u);
	EXPECT_EQ(p[0x210], 0xff) << "type_of_loader: undefined";
	EXPECT_EQ(p[0x211], 0x01) << "loadflags as the image's";
	EXPECT_EQ(Get(p + 0x214, 4), 0x100000u);
	EXPECT_EQ(Get(p + 0x228, 4), 0x20000u) << "cmd_line_ptr";
	EXPECT_EQ(Get(p + 0x218, 4), 0x4000000u) << "ramdisk_image";
	EXPECT_EQ(Get(p + 0x21c, 4), 0x123456u) << "ramdisk_size";
	EXPECT_EQ(Get(p + 0x0c0, 4), 0u);
	EXPECT_EQ(Get(p + 0x070, 8), 0xe0000u) << "acpi_rsdp_addr";
	EXPECT_EQ(p[0x1e8], 3) << "e820_entries";
	for (int i = 0; i < 3; i++) {
		const uint8_t *e = p + 0x2d0 + 20 * i;
		EXPECT_EQ(Get(e, 8), kE820[i].addr);
		EXPECT_EQ(Get(e + 8, 8), kE820[i].size);
		EXPECT_EQ(Get(e + 16, 4), kE820[i].type);
	}
	EXPECT_EQ(p[0x26c], 0) << "past the image's header: zero, not the image's bytes";
	for (size_t off : {size_t(0), size_t(0x1e9), size_t(0x300), size_t(0xfff)})
		EXPECT_EQ(p[off], 0) << std::hex << off;
}

TEST(LinuxX86BootParams, InitrdAboveFourGiBWhereTheKernelTakesIt)
{
	Booted k;
	linux_x86_boot boot = Boot();

	k.image = BzImage();
	ASSERT_EQ(linux_x86_parse(k.image.data(), k.image.size(), &k.img), AX_OK);
	boot.initrd_gpa = 0x180000000ull;
	boot.initrd_size = 0x100000001ull;
	ASSERT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()), AX_OK);
	EXPECT_EQ(Get(k.params.data() + 0x218, 4), 0x80000000u);
	EXPECT_EQ(Get(k.params.data() + 0x0c0, 4), 1u) << "ext_ramdisk_image";
	EXPECT_EQ(Get(k.params.data() + 0x21c, 4), 1u);
	EXPECT_EQ(Get(k.params.data() + 0x0c4, 4), 1u) << "ext_ramdisk_size";
	k.img.initrd_above_4g = false;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()),
		  AXERR_INVALID);
}

TEST(LinuxX86BootParams, RefusesWhatTheKernelCannotTake)
{
	Booted k;

	k.image = BzImage();
	ASSERT_EQ(linux_x86_parse(k.image.data(), k.image.size(), &k.img), AX_OK);
	linux_x86_boot boot = Boot();
	boot.cmdline_len = 2048;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()),
		  AXERR_INVALID)
	    << "command line too long";
	EXPECT_EQ(k.params[0], 0x5a) << "nothing written";
	boot = Boot();
	boot.cmdline_gpa = 0xfffffff0;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()),
		  AXERR_INVALID)
	    << "command line reaching past 4 GiB";
	k.img.initrd_above_4g = false;
	boot = Boot();
	boot.initrd_gpa = 0x7ff00000;
	boot.initrd_size = 0x100001;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()),
		  AXERR_INVALID)
	    << "initrd past initrd_addr_max";
	boot.initrd_size = 0x100000;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()), AX_OK)
	    << "its last byte at initrd_addr_max";
	boot = Boot();
	boot.initrd_size = 0;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()),
		  AXERR_INVALID)
	    << "an empty initrd";
	boot = Boot();
	std::vector<linux_e820_entry> many(LINUX_E820_MAX + 1, {0x100000, 0x1000, 1});
	boot.e820 = many.data();
	boot.e820_count = many.size();
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()),
		  AXERR_INVALID);
	boot.e820_count = LINUX_E820_MAX;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()), AX_OK);
	const linux_e820_entry wrap[] = {{~0ull - 10, 100, 1}};
	boot.e820 = wrap;
	boot.e820_count = 1;
	EXPECT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()),
		  AXERR_INVALID);
}

TEST(LinuxX86BootParams, CopiesNoMoreThanTheSetupHeader)
{
	Booted k;
	linux_x86_boot boot{};

	k.image = BzImage();
	k.image[0x201] = 0xff; // a header claiming to reach 0x301
	ASSERT_EQ(linux_x86_parse(k.image.data(), k.image.size(), &k.img), AX_OK);
	ASSERT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()), AX_OK);
	EXPECT_EQ(k.params[0x28f], 0xcc) << "the header's last byte";
	EXPECT_EQ(k.params[0x290], 0) << "boot_params' own field after it";
}

TEST(LinuxX86BootParams, NoCommandLineNoInitrd)
{
	Booted k;
	linux_x86_boot boot{};

	k.image = BzImage();
	ASSERT_EQ(linux_x86_parse(k.image.data(), k.image.size(), &k.img), AX_OK);
	ASSERT_EQ(linux_x86_boot_params(k.image.data(), &k.img, &boot, k.params.data()), AX_OK);
	EXPECT_EQ(Get(k.params.data() + 0x228, 4), 0u);
	EXPECT_EQ(Get(k.params.data() + 0x218, 4), 0u);
	EXPECT_EQ(k.params[0x1e8], 0);
}

} // namespace
