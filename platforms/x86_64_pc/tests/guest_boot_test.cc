// A Linux VM's boot parameters on a PC: the boot_params page, command line and MP table placed
// from a VM configuration and a bzImage built here, and the configurations refused.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

extern "C" {
#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <libfdt.h>
#include <x86_vcpu/boot_tables.h>

#include "platforms/x86_64_pc/guest_boot.h"
}

#include "platforms/x86_64_pc/tests/bzimage.h"

using bzimage::BzImage;
using bzimage::Get;
using bzimage::Put;

namespace
{

constexpr uint64_t kParams = 0x90000;
constexpr size_t kRoom = 0x10000;
constexpr size_t kMpOffset = 0x9fc00 - kParams;

// Two vCPUs, 64 MiB of RAM from 0, the kernel at 1 MiB, boot-params at 0x90000, an initrd
// at 32 MiB and an I/O APIC.
struct Vm {
	axvm_config cfg{};

	Vm()
	{
		cfg.vcpu_count = 2;
		cfg.entry = 0x100000;
		cfg.bootargs = "console=ttyS0 quiet";
		cfg.memory_count = 1;
		cfg.memory[0] = {0, 64 << 20, AXMAP_RWX, AXVM_MEM_ALLOC, 0, 0};
		cfg.image_count = 3;
		cfg.images[0] = {AXVM_IMAGE_KERNEL, 0x100000, 0};
		cfg.images[1] = {AXVM_IMAGE_BOOT_PARAMS, kParams, 0};
		cfg.images[2] = {AXVM_IMAGE_INITRD, 32 << 20, 0};
		cfg.device_count = 1;
		std::strcpy(cfg.devices[0].compatible, "intel,ce4100-ioapic");
		cfg.devices[0].gpa = 0xfec00000;
		cfg.devices[0].size = 0x1000;
	}
};

struct Result {
	int err;
	guest_boot_kernel kernel;
	std::vector<uint8_t> out;
	size_t used;
	ax_diag diag;
};

Result Generate(const axvm_config &cfg, const std::vector<uint8_t> &bz, size_t initrd_size = 4096,
		size_t room = kRoom)
{
	const guest_boot_cpu cpu = {0x306c3, 0x178bfbff};
	Result r{};

	r.kernel = {bz.data(), bz.size()};
	r.out.assign(room, 0xee);
	r.diag.msg[0] = '\0';
	r.err = guest_boot_params(&cfg, &cpu, &r.kernel, initrd_size, r.out.data(), room, &r.used,
				  &r.diag);
	return r;
}

TEST(GuestBoot, PlacesBootParamsCommandLineAndMpTable)
{
	Vm vm;
	std::vector<uint8_t> bz = BzImage();
	Result r = Generate(vm.cfg, bz);

	ASSERT_EQ(r.err, AX_OK) << r.diag.msg;
	// The kernel is the protected-mode part, inside the bzImage.
	EXPECT_EQ(r.kernel.data, bz.data() + 28 * 512);
	EXPECT_EQ(r.kernel.size, 8192u);
	const uint8_t *bp = r.out.data();
	EXPECT_EQ(Get(bp + 0x202, 4), 0x53726448u); // the header copied in
	EXPECT_EQ(bp[0x210], 0xff);		    // type_of_loader
	EXPECT_EQ(Get(bp + 0x228, 4), kParams + 4096);
	EXPECT_STREQ(reinterpret_cast<const char *>(bp + 4096), "console=ttyS0 quiet");
	EXPECT_EQ(Get(bp + 0x218, 4), 32u << 20);
	EXPECT_EQ(Get(bp + 0x21c, 4), 4096u);
	// e820: RAM below the tables, the tables reserved up to 640 KiB, RAM from 1 MiB.
	ASSERT_EQ(bp[0x1e8], 3);
	EXPECT_EQ(Get(bp + 0x2d0, 8), 0u);
	EXPECT_EQ(Get(bp + 0x2d8, 8), 0x9f000u);
	EXPECT_EQ(Get(bp + 0x2e0, 4), 1u);
	EXPECT_EQ(Get(bp + 0x2e4, 8), 0x9f000u);
	EXPECT_EQ(Get(bp + 0x2ec, 8), 0x1000u);
	EXPECT_EQ(Get(bp + 0x2f4, 4), 2u);
	EXPECT_EQ(Get(bp + 0x2f8, 8), 0x100000u);
	EXPECT_EQ(Get(bp + 0x300, 8), (64u << 20) - 0x100000u);
	EXPECT_EQ(Get(bp + 0x308, 4), 1u);
	EXPECT_EQ(Get(bp + 0x070, 8), 0u) << "no ACPI tables without the sleep registers";
	// The MP floating pointer at 639 KiB, its table right after, naming the I/O APIC.
	EXPECT_EQ(std::memcmp(bp + kMpOffset, "_MP_", 4), 0);
	EXPECT_EQ(Get(bp + kMpOffset + 4, 4), 0x9fc10u);
	EXPECT_EQ(std::memcmp(bp + kMpOffset + 16, "PCMP", 4), 0);
	EXPECT_EQ(Get(bp + kMpOffset + 16 + 36, 4), 0xfee00000u);
	EXPECT_GT(r.used, kMpOffset + 16 + 44);
	EXPECT_LE(r.used, kRoom);
	// Zeros between the command line and the MP table.
	for (size_t i = 4096 + 20; i < kMpOffset; i++)
		ASSERT_EQ(bp[i], 0) << i;
}

TEST(GuestBoot, NoCommandLineOrInitrd)
{
	Vm vm;
	vm.cfg.bootargs = "";
	vm.cfg.image_count = 2;
	std::vector<uint8_t> bz = BzImage();
	Result r = Generate(vm.cfg, bz, 0);

	ASSERT_EQ(r.err, AX_OK) << r.diag.msg;
	EXPECT_EQ(Get(r.out.data() + 0x228, 4), 0u);
	EXPECT_EQ(Get(r.out.data() + 0x218, 8), 0u);
}

TEST(GuestBoot, ReadOnlyMemoryIsReservedAndHighRegionsStayWhole)
{
	Vm vm;
	vm.cfg.memory_count = 2;
	vm.cfg.memory[1] = {0x10000000, 0x200000, AXMAP_READ, AXVM_MEM_ALLOC, 0, 0};
	std::vector<uint8_t> bz = BzImage();
	Result r = Generate(vm.cfg, bz);

	ASSERT_EQ(r.err, AX_OK) << r.diag.msg;
	ASSERT_EQ(r.out[0x1e8], 4);
	EXPECT_EQ(Get(r.out.data() + 0x2d0 + 3 * 20, 8), 0x10000000u);
	EXPECT_EQ(Get(r.out.data() + 0x2d8 + 3 * 20, 8), 0x200000u);
	EXPECT_EQ(Get(r.out.data() + 0x2e0 + 3 * 20, 4), 2u);
}

// A config blob with the ISA bus devices the ACPI tables name: the sleep registers at 0x600 and,
// with kbc, the 8042 at 0x60 and 0x64.
std::vector<uint8_t> IsaBlob(bool kbc)
{
	std::vector<uint8_t> blob(4096);
	const fdt32_t sleep_reg[] = {cpu_to_fdt32(1), cpu_to_fdt32(0x600), cpu_to_fdt32(2)};
	const fdt32_t kbc_reg[] = {cpu_to_fdt32(1), cpu_to_fdt32(0x60), cpu_to_fdt32(1),
				   cpu_to_fdt32(1), cpu_to_fdt32(0x64), cpu_to_fdt32(1)};
	void *b = blob.data();

	EXPECT_EQ(fdt_create(b, int(blob.size())), 0);
	EXPECT_EQ(fdt_finish_reservemap(b), 0);
	EXPECT_EQ(fdt_begin_node(b, ""), 0);
	EXPECT_EQ(fdt_begin_node(b, "isa"), 0);
	EXPECT_EQ(fdt_property_string(b, "device_type", "isa"), 0);
	EXPECT_EQ(fdt_property_u32(b, "#address-cells", 2), 0);
	EXPECT_EQ(fdt_property_u32(b, "#size-cells", 1), 0);
	EXPECT_EQ(fdt_begin_node(b, "sleep@i600"), 0);
	EXPECT_EQ(fdt_property(b, "reg", sleep_reg, sizeof(sleep_reg)), 0);
	EXPECT_EQ(fdt_end_node(b), 0);
	if (kbc) {
		EXPECT_EQ(fdt_begin_node(b, "keyboard@i60"), 0);
		EXPECT_EQ(fdt_property(b, "reg", kbc_reg, sizeof(kbc_reg)), 0);
		EXPECT_EQ(fdt_end_node(b), 0);
	}
	EXPECT_EQ(fdt_end_node(b), 0);
	EXPECT_EQ(fdt_end_node(b), 0);
	EXPECT_EQ(fdt_finish(b), 0);
	return blob;
}

void AddIsaDevice(axvm_config &cfg, const std::vector<uint8_t> &blob, const char *path,
		  const char *compatible)
{
	axvm_device &d = cfg.devices[cfg.device_count++];

	d = {};
	d.node = fdt_path_offset(blob.data(), path);
	ASSERT_GE(d.node, 0) << path;
	std::strcpy(d.compatible, compatible);
}

TEST(GuestBoot, AcpiTablesWithTheSleepRegisters)
{
	for (bool kbc : {false, true}) {
		SCOPED_TRACE(kbc);
		Vm vm;
		std::vector<uint8_t> blob = IsaBlob(kbc);
		vm.cfg.fdt = blob.data();
		AddIsaDevice(vm.cfg, blob, "/isa/sleep@i600", "axvm,acpi-sleep-registers");
		if (kbc)
			AddIsaDevice(vm.cfg, blob, "/isa/keyboard@i60", "intel,8042");
		std::vector<uint8_t> bz = BzImage();
		Result r = Generate(vm.cfg, bz);

		ASSERT_EQ(r.err, AX_OK) << r.diag.msg;
		EXPECT_EQ(Get(r.out.data() + 0x070, 8), 0x9f000u) << "acpi_rsdp_addr";
		const uint8_t *rsdp = r.out.data() + (0x9f000 - kParams);
		ASSERT_EQ(std::memcmp(rsdp, "RSD PTR ", 8), 0);
		// The FADT, through the XSDT's first entry: sleep control at 0x600, the reset
		// register the 8042's command port when there is one.
		const uint8_t *xsdt = r.out.data() + (Get(rsdp + 24, 8) - kParams);
		const uint8_t *fadt = r.out.data() + (Get(xsdt + 36, 8) - kParams);
		EXPECT_EQ(std::memcmp(fadt, "FACP", 4), 0);
		EXPECT_EQ(Get(fadt + 248, 8), 0x600u);
		EXPECT_EQ(Get(fadt + 120, 8), kbc ? 0x64u : 0u);
		EXPECT_EQ(fadt[128], kbc ? 0xfe : 0);
		EXPECT_EQ(std::memcmp(r.out.data() + kMpOffset, "_MP_", 4), 0)
		    << "and the MP table";
	}
}

TEST(GuestBoot, RelocatableKernelAtAnAlignedAddress)
{
	Vm vm;
	vm.cfg.images[0].load_gpa = vm.cfg.entry = 0x1000000;
	std::vector<uint8_t> bz = BzImage();

	EXPECT_EQ(Generate(vm.cfg, bz).err, AX_OK);
	vm.cfg.images[0].load_gpa = vm.cfg.entry = 0x1100000; // not 2 MiB aligned
	EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
	bz[0x234] = 0; // not relocatable: only code32_start
	vm.cfg.images[0].load_gpa = vm.cfg.entry = 0x1000000;
	EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
}

constexpr uint64_t kTables = kParams + 0x2000;

TEST(GuestBoot, The64BitEntryGetsItsBootTablesAfterTheCommandLine)
{
	Vm vm;
	vm.cfg.entry = 0x100200;
	vm.cfg.boot_tables = kTables;
	std::vector<uint8_t> bz = BzImage();
	Result r = Generate(vm.cfg, bz);
	std::vector<uint8_t> tables(X86_BOOT_TABLES_SIZE);

	ASSERT_EQ(r.err, AX_OK) << r.diag.msg;
	ASSERT_EQ(x86_boot_tables_write(tables.data(), tables.size(), kTables), AX_OK);
	EXPECT_EQ(std::memcmp(r.out.data() + (kTables - kParams), tables.data(), tables.size()), 0);
	// The PML4 names the tables' own PDPT by its guest-physical address.
	EXPECT_EQ(Get(r.out.data() + (kTables - kParams) + X86_BOOT_PML4_OFFSET, 8) & ~0xfffull,
		  kTables + 0x2000);
	EXPECT_STREQ(reinterpret_cast<const char *>(r.out.data() + 4096), "console=ttyS0 quiet");
	EXPECT_EQ(std::memcmp(r.out.data() + kMpOffset, "_MP_", 4), 0);
	EXPECT_GE(r.used, kTables + X86_BOOT_TABLES_SIZE - kParams);
}

TEST(GuestBoot, RefusesAnEntryThatIsNeitherOrTablesThatDoNotFit)
{
	std::vector<uint8_t> bz = BzImage();
	auto refused = [&](const Vm &vm, const std::vector<uint8_t> &image, const char *why) {
		Result r = Generate(vm.cfg, image);
		EXPECT_EQ(r.err, AXERR_BAD_CONFIG) << why;
		EXPECT_NE(std::strstr(r.diag.msg, why), nullptr) << r.diag.msg;
	};
	{
		Vm vm;
		vm.cfg.entry = 0x100200; // the 64-bit entry without tables
		refused(vm, bz, "boot-tables");
	}
	{
		Vm vm;
		vm.cfg.boot_tables = kTables; // tables for the 32-bit entry
		refused(vm, bz, "boot-tables");
	}
	{
		Vm vm;
		vm.cfg.entry = 0x100100;
		vm.cfg.boot_tables = kTables;
		refused(vm, bz, "neither");
	}
	{
		Vm vm;
		std::vector<uint8_t> bz32 = bz;
		Put(bz32, 0x236, 2, 0x7e); // no XLF_KERNEL_64
		vm.cfg.entry = 0x100200;
		vm.cfg.boot_tables = kTables;
		refused(vm, bz32, "64-bit entry");
	}
	for (uint64_t tables :
	     std::vector<uint64_t>{kTables + 8, kParams + 0x1000, kParams, 0x9a000, 0x80000}) {
		Vm vm; // misaligned, over the command line or boot_params, into the ACPI tables,
		       // below boot-params
		vm.cfg.entry = 0x100200;
		vm.cfg.boot_tables = tables;
		EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG) << std::hex << tables;
	}
	{
		Vm vm; // a kernel reaching past the 4 GiB the tables map
		vm.cfg.memory[0].size = 5ull << 30;
		vm.cfg.images[0].load_gpa = 0xff000000;
		vm.cfg.entry = 0xff000200;
		vm.cfg.boot_tables = kTables;
		refused(vm, bz, "4 GiB");
	}
}

TEST(GuestBoot, RefusesWhatCannotBoot)
{
	std::vector<uint8_t> bz = BzImage();
	{
		Vm vm;
		vm.cfg.memory[0].size = 16 << 20; // init_size is 32 MiB
		EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
	}
	{
		Vm vm;
		vm.cfg.device_count = 0;
		Result r = Generate(vm.cfg, bz);
		EXPECT_EQ(r.err, AXERR_BAD_CONFIG);
		EXPECT_NE(std::strstr(r.diag.msg, "ioapic"), nullptr) << r.diag.msg;
	}
	{
		Vm vm;
		vm.cfg.devices[0].gpa = 0x1fec00000ull; // out of the MP table's 32 bits
		EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
	}
	{
		Vm vm;
		vm.cfg.images[1].load_gpa = 0x9f800; // above the ACPI tables' place
		EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
	}
	{
		Vm vm;
		vm.cfg.images[1].load_gpa = 0x9e000; // no room for boot_params and command line
		EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
	}
	{
		Vm vm;
		EXPECT_EQ(Generate(vm.cfg, bz, 4096, kMpOffset + 8).err, AXERR_BAD_CONFIG);
	}
	{
		Vm vm;
		std::string longer(3000, 'x'); // cmdline_size is 2047
		vm.cfg.bootargs = longer.c_str();
		EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
	}
	{
		Vm vm;
		vm.cfg.vcpu_count = 255; // more than an MP table holds
		EXPECT_EQ(Generate(vm.cfg, bz).err, AXERR_BAD_CONFIG);
	}
}

TEST(GuestBoot, RefusesWhatIsNoBzImage)
{
	Vm vm;
	std::vector<uint8_t> junk(16384, 0x90);
	std::vector<uint8_t> old = BzImage(27, 8192, 0x0209);
	std::vector<uint8_t> tiny = BzImage();

	tiny.resize(0x200);
	EXPECT_EQ(Generate(vm.cfg, junk).err, AXERR_INVALID);
	EXPECT_EQ(Generate(vm.cfg, old).err, AXERR_INVALID);
	EXPECT_EQ(Generate(vm.cfg, tiny).err, AXERR_INVALID);
}

} // namespace
