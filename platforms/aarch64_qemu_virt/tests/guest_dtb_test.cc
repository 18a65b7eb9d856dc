#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <libfdt.h>

#include "platforms/aarch64_qemu_virt/guest_dtb.h"
}

namespace
{

const uint64_t kGicd = 0x08000000, kGicr = 0x080a0000;

/* A device node of the configuration blob under /devices (2 address and 2 size cells). */
struct DevNode {
	std::string name;		  /* "uart@9000000" */
	std::string compatible;		  /* NUL-separated list */
	std::vector<uint64_t> reg;	  /* address, size pairs */
	std::vector<uint32_t> interrupts; /* empty: none */
	std::vector<std::pair<std::string, uint32_t>> u32s;
};

DevNode Pl011(std::vector<uint32_t> interrupts = {0, 1, 4})
{
	return {"uart@9000000",
		std::string("arm,pl011\0arm,primecell", 23),
		{0x09000000, 0x1000},
		interrupts,
		{}};
}

DevNode Gic(uint64_t gicr_size = 0xf60000)
{
	return {"gic@8000000", "arm,gic-v3", {kGicd, 0x10000, kGicr, gicr_size}, {}, {}};
}

/* A VM: the configuration blob its devices refer into, and the configuration. */
struct Vm {
	std::vector<char> blob = std::vector<char>(16384);
	axvm_config cfg{};

	Vm(const Vm &) = delete;
	Vm &operator=(const Vm &) = delete;

	/* vcpus vCPUs, 128 MiB of RAM at 0x40000000, 2 MiB of device memory at 0x60000000, and
	 * devs, whose interrupt parent is a 3-cell (GIC) format node unless irq_cells says. */
	explicit Vm(uint32_t vcpus, const std::vector<DevNode> &devs, uint32_t irq_cells = 3)
	{
		cfg.vcpu_count = vcpus;
		cfg.memory_count = 2;
		cfg.memory[0] = {0x40000000, 0x8000000, AXMAP_RWX, AXVM_MEM_ALLOC, 0, 0};
		cfg.memory[1] = {
		    0x60000000,	     0x200000,	 AXMAP_READ | AXMAP_WRITE | AXMAP_DEVICE,
		    AXVM_MEM_LINEAR, 0x60000000, 0};
		void *f = blob.data();
		int err = fdt_create(f, (int)blob.size());
		err = err ? err : fdt_finish_reservemap(f);
		err = err ? err : fdt_begin_node(f, "");
		err = err ? err : fdt_begin_node(f, "interrupt-controller");
		err = err ? err : fdt_property(f, "interrupt-controller", "", 0);
		err = err ? err : fdt_property_u32(f, "#address-cells", 0);
		err = err ? err : fdt_property_u32(f, "#interrupt-cells", irq_cells);
		err = err ? err : fdt_property_u32(f, "phandle", 1);
		err = err ? err : fdt_end_node(f);
		err = err ? err : fdt_begin_node(f, "devices");
		err = err ? err : fdt_property_u32(f, "#address-cells", 2);
		err = err ? err : fdt_property_u32(f, "#size-cells", 2);
		err = err ? err : fdt_property_u32(f, "interrupt-parent", 1);
		for (const DevNode &d : devs) {
			std::vector<fdt64_t> reg;
			for (uint64_t v : d.reg)
				reg.push_back(cpu_to_fdt64(v));
			std::vector<fdt32_t> irq;
			for (uint32_t v : d.interrupts)
				irq.push_back(cpu_to_fdt32(v));
			err = err ? err : fdt_begin_node(f, d.name.c_str());
			err = err ? err
				  : fdt_property(f, "compatible", d.compatible.c_str(),
						 (int)d.compatible.size() + 1);
			err = err ? err : fdt_property(f, "reg", reg.data(), (int)(8 * reg.size()));
			if (!irq.empty())
				err = err ? err
					  : fdt_property(f, "interrupts", irq.data(),
							 (int)(4 * irq.size()));
			for (const auto &p : d.u32s)
				err = err ? err : fdt_property_u32(f, p.first.c_str(), p.second);
			err = err ? err : fdt_end_node(f);
		}
		err = err ? err : fdt_end_node(f);
		err = err ? err : fdt_end_node(f);
		err = err ? err : fdt_finish(f);
		EXPECT_EQ(err, 0) << fdt_strerror(err);
		cfg.fdt = f;
		for (const DevNode &d : devs) {
			axvm_device &dev = cfg.devices[cfg.device_count++];
			dev.node = fdt_path_offset(f, ("/devices/" + d.name).c_str());
			std::strncpy(dev.compatible, d.compatible.c_str(), AXVM_NAME_LEN - 1);
			dev.gpa = d.reg[0];
			dev.size = d.reg[1];
		}
	}
};

std::vector<char> Generate(const axvm_config &cfg, guest_dtb_params p = {62500000, 0})
{
	std::vector<char> buf(16384);
	EXPECT_EQ(arm_guest_dtb(&cfg, &p, buf.data(), buf.size()), AX_OK);
	ax_diag diag{};
	EXPECT_EQ(axvm_fdt_check(buf.data(), buf.size(), &diag), AX_OK) << diag.msg;
	return buf;
}

int Gen(const axvm_config &cfg, guest_dtb_params p = {62500000, 0})
{
	std::vector<char> buf(16384);
	return arm_guest_dtb(&cfg, &p, buf.data(), buf.size());
}

int Node(const std::vector<char> &fdt, const char *path)
{
	return fdt_path_offset(fdt.data(), path);
}

bool Has(const std::vector<char> &fdt, const char *path, const char *prop)
{
	int node = Node(fdt, path);
	return node >= 0 && fdt_getprop(fdt.data(), node, prop, nullptr) != nullptr;
}

std::vector<uint32_t> Cells(const std::vector<char> &fdt, const char *path, const char *prop)
{
	int len = 0;
	int node = Node(fdt, path);
	const fdt32_t *p =
	    node >= 0 ? static_cast<const fdt32_t *>(fdt_getprop(fdt.data(), node, prop, &len))
		      : nullptr;
	std::vector<uint32_t> out;
	for (int i = 0; p && i < len / 4; i++)
		out.push_back(fdt32_ld(&p[i]));
	return out;
}

std::vector<uint64_t> Cells64(const std::vector<char> &fdt, const char *path, const char *prop)
{
	std::vector<uint32_t> c = Cells(fdt, path, prop);
	std::vector<uint64_t> out;
	for (size_t i = 0; i + 1 < c.size(); i += 2)
		out.push_back(uint64_t{c[i]} << 32 | c[i + 1]);
	return out;
}

std::vector<std::string> Strings(const std::vector<char> &fdt, const char *path, const char *prop)
{
	std::vector<std::string> out;
	int node = Node(fdt, path);
	for (int i = 0; node >= 0; i++) {
		const char *s = fdt_stringlist_get(fdt.data(), node, prop, i, nullptr);
		if (!s)
			break;
		out.push_back(s);
	}
	return out;
}

using Strs = std::vector<std::string>;
using U32s = std::vector<uint32_t>;
using U64s = std::vector<uint64_t>;

TEST(ArmGuestDtb, OneVcpuWithoutAGicPollsItsUart)
{
	Vm vm(1, {Pl011()});
	vm.cfg.bootargs = "console=ttyAMA0";
	auto fdt = Generate(vm.cfg);

	EXPECT_EQ(Cells(fdt, "/", "#address-cells"), U32s{2});
	EXPECT_EQ(Cells(fdt, "/", "#size-cells"), U32s{2});
	EXPECT_EQ(Strings(fdt, "/", "compatible"), Strs{"linux,dummy-virt"});
	EXPECT_EQ(Strings(fdt, "/", "model"), Strs{"axvm-c aarch64 guest"});
	EXPECT_FALSE(Has(fdt, "/", "interrupt-parent")) << "no GIC";
	EXPECT_LT(Node(fdt, "/timer"), 0) << "the timer's interrupts would have no controller";

	EXPECT_EQ(Strings(fdt, "/psci", "compatible"), (Strs{"arm,psci-1.0", "arm,psci-0.2"}));
	EXPECT_EQ(Strings(fdt, "/psci", "method"), Strs{"hvc"});

	EXPECT_EQ(Cells(fdt, "/cpus", "#address-cells"), U32s{1});
	EXPECT_EQ(Cells(fdt, "/cpus", "#size-cells"), U32s{0});
	EXPECT_EQ(Cells(fdt, "/cpus/cpu@0", "reg"), U32s{0});
	EXPECT_LT(Node(fdt, "/cpus/cpu@1"), 0);

	EXPECT_EQ(Strings(fdt, "/memory@40000000", "device_type"), Strs{"memory"});
	EXPECT_EQ(Cells64(fdt, "/memory@40000000", "reg"), (U64s{0x40000000, 0x8000000}));
	EXPECT_LT(Node(fdt, "/memory@60000000"), 0) << "device memory is not RAM";

	const char *uart = "/serial@9000000";
	EXPECT_EQ(Strings(fdt, uart, "compatible"), (Strs{"arm,pl011", "arm,primecell"}));
	EXPECT_EQ(Cells64(fdt, uart, "reg"), (U64s{0x09000000, 0x1000}));
	EXPECT_FALSE(Has(fdt, uart, "interrupts")) << "configured, but there is no GIC";
	U32s clocks = Cells(fdt, uart, "clocks");
	ASSERT_EQ(clocks.size(), 2u);
	EXPECT_EQ(clocks[0], clocks[1]) << "uartclk and apb_pclk are the same clock";
	EXPECT_EQ(fdt_node_offset_by_phandle(fdt.data(), clocks[0]), Node(fdt, "/apb-pclk"));
	EXPECT_EQ(Strings(fdt, uart, "clock-names"), (Strs{"uartclk", "apb_pclk"}));
	EXPECT_EQ(Strings(fdt, "/apb-pclk", "compatible"), Strs{"fixed-clock"});
	EXPECT_EQ(Cells(fdt, "/apb-pclk", "#clock-cells"), U32s{0});
	EXPECT_EQ(Cells(fdt, "/apb-pclk", "clock-frequency"), U32s{24000000});

	EXPECT_EQ(Strings(fdt, "/chosen", "stdout-path"), Strs{uart});
	EXPECT_EQ(Strings(fdt, "/chosen", "bootargs"), Strs{"console=ttyAMA0"});
	EXPECT_FALSE(Has(fdt, "/chosen", "linux,initrd-start")) << "no initrd loaded";
	EXPECT_FALSE(Has(fdt, "/chosen", "linux,initrd-end"));
}

TEST(ArmGuestDtb, EachVcpuIsAPsciCpuNamedByItsIndex)
{
	Vm vm(2, {Gic(), Pl011()});
	auto fdt = Generate(vm.cfg);

	for (uint32_t i = 0; i < 2; i++) {
		std::string path = "/cpus/cpu@" + std::to_string(i);
		EXPECT_EQ(Cells(fdt, path.c_str(), "reg"), U32s{i}) << "MPIDR Aff0";
		EXPECT_EQ(Strings(fdt, path.c_str(), "device_type"), Strs{"cpu"});
		EXPECT_EQ(Strings(fdt, path.c_str(), "compatible"), Strs{"arm,armv8"});
		EXPECT_EQ(Strings(fdt, path.c_str(), "enable-method"), Strs{"psci"});
	}
	EXPECT_LT(Node(fdt, "/cpus/cpu@2"), 0);
}

TEST(ArmGuestDtb, TheGicIsDescribedFromItsConfigNode)
{
	Vm vm(2, {Pl011(), Gic()});
	auto fdt = Generate(vm.cfg);

	const char *gic = "/interrupt-controller@8000000";
	int node = Node(fdt, gic);
	ASSERT_GE(node, 0);
	EXPECT_EQ(Strings(fdt, gic, "compatible"), Strs{"arm,gic-v3"});
	EXPECT_EQ(Cells64(fdt, gic, "reg"), (U64s{kGicd, 0x10000, kGicr, 0xf60000}))
	    << "distributor, then the redistributor region";
	EXPECT_TRUE(Has(fdt, gic, "interrupt-controller"));
	EXPECT_EQ(Cells(fdt, gic, "#interrupt-cells"), U32s{3});
	EXPECT_EQ(Cells(fdt, gic, "#address-cells"), U32s{0});
	EXPECT_EQ(Cells(fdt, gic, "#redistributor-regions"), U32s{1});
	EXPECT_EQ(Cells(fdt, gic, "interrupts"), (U32s{1, 9, 4})) << "maintenance: PPI 9, level";

	U32s parent = Cells(fdt, "/", "interrupt-parent");
	ASSERT_EQ(parent.size(), 1u);
	EXPECT_EQ(Cells(fdt, gic, "phandle"), parent);
	EXPECT_EQ(fdt_node_offset_by_phandle(fdt.data(), parent[0]), node);
	EXPECT_NE(Cells(fdt, "/apb-pclk", "phandle"), parent) << "phandles are distinct";
}

TEST(ArmGuestDtb, WithAGicTheTimerAndTheUartHaveTheirInterrupts)
{
	Vm vm(1, {Gic(), Pl011({0, 7, 1})});
	auto fdt = Generate(vm.cfg);

	EXPECT_EQ(Strings(fdt, "/timer", "compatible"), Strs{"arm,armv8-timer"});
	EXPECT_EQ(Cells(fdt, "/timer", "interrupts"),
		  (U32s{1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4}))
	    << "secure and non-secure physical, virtual, hypervisor: GICv3 flags, no CPU mask";
	EXPECT_TRUE(Has(fdt, "/timer", "always-on"));
	EXPECT_FALSE(Has(fdt, "/timer", "clock-frequency")) << "the guest reads CNTFRQ_EL0";
	EXPECT_EQ(Cells(fdt, "/serial@9000000", "interrupts"), (U32s{0, 7, 4}))
	    << "the configured SPI; the PL011's line is level-high";
	EXPECT_FALSE(Has(fdt, "/serial@9000000", "interrupt-parent")) << "the root's";
}

TEST(ArmGuestDtb, AUartWithoutAConfiguredInterruptHasNone)
{
	Vm vm(1, {Gic(), Pl011({})});
	auto fdt = Generate(vm.cfg);
	EXPECT_FALSE(Has(fdt, "/serial@9000000", "interrupts"));
	EXPECT_TRUE(Has(fdt, "/timer", "interrupts"));
}

TEST(ArmGuestDtb, ChosenSaysWhereTheInitrdIs)
{
	Vm vm(1, {Pl011()});
	vm.cfg.image_count = 2;
	vm.cfg.images[0] = {AXVM_IMAGE_KERNEL, 0x40200000, 0};
	vm.cfg.images[1] = {AXVM_IMAGE_INITRD, 0x44000000, 0x1000000};
	auto fdt = Generate(vm.cfg, {62500000, 0x12345});

	EXPECT_EQ(Cells64(fdt, "/chosen", "linux,initrd-start"), U64s{0x44000000});
	EXPECT_EQ(Cells64(fdt, "/chosen", "linux,initrd-end"), U64s{0x44012345})
	    << "the size supplied, not the room allowed";
	EXPECT_EQ(Strings(fdt, "/chosen", "bootargs"), Strs{""}) << "no bootargs configured";

	auto without = Generate(vm.cfg, {62500000, 0});
	EXPECT_FALSE(Has(without, "/chosen", "linux,initrd-start")) << "configured, not supplied";
}

TEST(ArmGuestDtb, AnInitrdWithNowhereToGoIsRefused)
{
	Vm vm(1, {Pl011()});
	EXPECT_EQ(Gen(vm.cfg, {62500000, 0x1000}), AXERR_BAD_CONFIG);
}

TEST(ArmGuestDtb, OtherDevicesKeepTheirCompatibleAndTheFirstUartIsTheConsole)
{
	DevNode ns = {
	    "uart@9100000", "ns16550a", {0x09100000, 0x100}, {0, 2, 4}, {{"reg-shift", 2}}};
	DevNode other = {"rtc@9010000",
			 std::string("arm,pl031\0arm,primecell", 23),
			 {0x09010000, 0x1000},
			 {0, 3, 4},
			 {}};
	Vm vm(1, {other, ns, Pl011(), Gic()});
	auto fdt = Generate(vm.cfg);

	EXPECT_EQ(Strings(fdt, "/chosen", "stdout-path"), Strs{"/serial@9100000"});
	EXPECT_EQ(Strings(fdt, "/serial@9100000", "compatible"), Strs{"ns16550a"});
	EXPECT_EQ(Cells(fdt, "/serial@9100000", "clock-frequency"), U32s{3686400});
	EXPECT_EQ(Cells(fdt, "/serial@9100000", "reg-shift"), U32s{2});
	EXPECT_FALSE(Has(fdt, "/serial@9100000", "reg-io-width")) << "not configured";
	EXPECT_EQ(Cells(fdt, "/serial@9100000", "interrupts"), (U32s{0, 2, 4}));
	EXPECT_EQ(Strings(fdt, "/device@9010000", "compatible"),
		  (Strs{"arm,pl031", "arm,primecell"}));
	EXPECT_EQ(Cells64(fdt, "/device@9010000", "reg"), (U64s{0x09010000, 0x1000}));
	EXPECT_EQ(Cells(fdt, "/device@9010000", "interrupts"), (U32s{0, 3, 4}));
	EXPECT_GE(Node(fdt, "/serial@9000000"), 0);
}

TEST(ArmGuestDtb, WithoutAConfigNodeADeviceIsItsFirstCompatibleAndReg)
{
	Vm vm(1, {});
	vm.cfg.device_count = 1;
	std::strcpy(vm.cfg.devices[0].compatible, "arm,pl011");
	vm.cfg.devices[0].gpa = 0x09000000;
	vm.cfg.devices[0].size = 0x1000;
	vm.cfg.devices[0].node = -1;
	vm.cfg.fdt = nullptr;
	auto fdt = Generate(vm.cfg);
	EXPECT_EQ(Strings(fdt, "/serial@9000000", "compatible"),
		  (Strs{"arm,pl011", "arm,primecell"}));
	EXPECT_FALSE(Has(fdt, "/serial@9000000", "interrupts"));
}

TEST(ArmGuestDtb, TooSmallABufferIsAnErrorNotAnOverrun)
{
	Vm vm(2, {Gic(), Pl011()});
	vm.cfg.bootargs = "console=ttyAMA0 earlycon";
	auto full = Generate(vm.cfg);
	size_t total = fdt_totalsize(full.data());
	guest_dtb_params p{62500000, 0};

	for (size_t size = 0; size < total; size++) {
		std::vector<char> buf(total + 64, '\x5a');
		ASSERT_EQ(arm_guest_dtb(&vm.cfg, &p, buf.data(), size), AXERR_NO_MEMORY) << size;
		for (size_t i = size; i < buf.size(); i++)
			ASSERT_EQ(buf[i], '\x5a') << "byte " << i << " written with size " << size;
	}
	std::vector<char> exact(total);
	EXPECT_EQ(arm_guest_dtb(&vm.cfg, &p, exact.data(), exact.size()), AX_OK);
}

TEST(ArmGuestDtb, ConfigurationsItCannotDescribeAreRefused)
{
	Vm two_gics(
	    1, {Gic(),
		{"gic@9000000", "arm,gic-v3", {0x09000000, 0x10000, 0x09100000, 0x20000}, {}, {}}});
	EXPECT_EQ(Gen(two_gics.cfg), AXERR_BAD_CONFIG) << "two GICs";

	Vm no_ram(1, {Pl011()});
	no_ram.cfg.memory_count = 1;
	no_ram.cfg.memory[0] = no_ram.cfg.memory[1];
	EXPECT_EQ(Gen(no_ram.cfg), AXERR_BAD_CONFIG) << "device memory only";
	no_ram.cfg.memory_count = 0;
	EXPECT_EQ(Gen(no_ram.cfg), AXERR_BAD_CONFIG) << "no memory";

	Vm no_vcpu(0, {Pl011()});
	EXPECT_EQ(Gen(no_vcpu.cfg), AXERR_BAD_CONFIG);
	Vm too_many(AXVM_MAX_VCPUS + 1, {Pl011()});
	EXPECT_EQ(Gen(too_many.cfg), AXERR_BAD_CONFIG);

	Vm plic(1, {{"plic@c000000", "sifive,plic-1.0.0", {0x0c000000, 0x600000}, {}, {}}});
	EXPECT_EQ(Gen(plic.cfg), AXERR_BAD_CONFIG) << "a PLIC on arm";
	Vm gicv2(1, {{"gic@8000000", "arm,gic-400", {0x08000000, 0x10000}, {}, {}}});
	EXPECT_EQ(Gen(gicv2.cfg), AXERR_BAD_CONFIG) << "a GICv2";
}

TEST(ArmGuestDtb, AGicNeedsADistributorAndARedistributorFramePerVcpu)
{
	Vm one_entry(1, {{"gic@8000000", "arm,gic-v3", {kGicd, 0x10000}, {}, {}}});
	EXPECT_EQ(Gen(one_entry.cfg), AXERR_BAD_CONFIG) << "no redistributor region";

	Vm no_node(1, {Gic()});
	no_node.cfg.fdt = nullptr;
	EXPECT_EQ(Gen(no_node.cfg), AXERR_BAD_CONFIG) << "no config node to read reg from";

	Vm exact(4, {Gic(4 * 0x20000)});
	EXPECT_EQ(Gen(exact.cfg), AX_OK);
	Vm short_gicr(4, {Gic(4 * 0x20000 - 0x10000)});
	EXPECT_EQ(Gen(short_gicr.cfg), AXERR_BAD_CONFIG) << "a frame short for vCPU 3";

	Vm small_gicd(1, {{"gic@8000000", "arm,gic-v3", {kGicd, 0x1000, kGicr, 0x20000}, {}, {}}});
	EXPECT_EQ(Gen(small_gicd.cfg), AXERR_BAD_CONFIG) << "a distributor under 64 KiB";
	Vm unaligned(
	    1, {{"gic@8000000", "arm,gic-v3", {kGicd, 0x10000, kGicr + 0x1000, 0x20000}, {}, {}}});
	EXPECT_EQ(Gen(unaligned.cfg), AXERR_BAD_CONFIG) << "redistributors off a 64 KiB boundary";
}

TEST(ArmGuestDtb, DeviceInterruptsMustBeGicSpisOrPpis)
{
	Vm one_cell(1, {Gic(), Pl011({5})}, 1);
	EXPECT_EQ(Gen(one_cell.cfg), AXERR_BAD_CONFIG) << "a PLIC-style specifier";
	Vm short_spec(1, {Gic(), Pl011({0, 5})});
	EXPECT_EQ(Gen(short_spec.cfg), AXERR_BAD_CONFIG);
	Vm big_spi(1, {Gic(), Pl011({0, 988, 4})});
	EXPECT_EQ(Gen(big_spi.cfg), AXERR_BAD_CONFIG) << "past INTID 1019";
	Vm last_spi(1, {Gic(), Pl011({0, 987, 4})});
	EXPECT_EQ(Gen(last_spi.cfg), AX_OK);
	Vm ppi(1, {Gic(), Pl011({1, 3, 4})});
	EXPECT_EQ(Gen(ppi.cfg), AX_OK);
	Vm big_ppi(1, {Gic(), Pl011({1, 16, 4})});
	EXPECT_EQ(Gen(big_ppi.cfg), AXERR_BAD_CONFIG);
	Vm bad_type(1, {Gic(), Pl011({2, 1, 4})});
	EXPECT_EQ(Gen(bad_type.cfg), AXERR_BAD_CONFIG);
	Vm no_gic(1, {Pl011({0, 988, 4})});
	EXPECT_EQ(Gen(no_gic.cfg), AXERR_BAD_CONFIG) << "checked even when left out";
}

/* dtc reads the blob back and its checks find nothing to warn about. */
TEST(ArmGuestDtb, DtcDecompilesItWithoutWarnings)
{
	if (access("/usr/bin/dtc", X_OK) != 0)
		GTEST_SKIP() << "no /usr/bin/dtc";
	const char *tmp = std::getenv("TEST_TMPDIR");
	std::string dir = tmp ? tmp : "/tmp";
	std::vector<std::pair<const char *, std::vector<DevNode>>> cases = {
	    {"nogic", {Pl011()}}, {"gic", {Gic(), Pl011()}}};
	for (auto &c : cases) {
		Vm vm(2, c.second);
		vm.cfg.bootargs = "console=ttyAMA0";
		vm.cfg.image_count = 1;
		vm.cfg.images[0] = {AXVM_IMAGE_INITRD, 0x44000000, 0};
		auto fdt = Generate(vm.cfg, {62500000, 0x1000});
		std::string dtb = dir + "/guest_" + c.first + ".dtb";
		std::string err = dir + "/guest_" + c.first + ".err";
		std::ofstream(dtb, std::ios::binary)
		    .write(fdt.data(), (std::streamsize)fdt_totalsize(fdt.data()));
		std::string cmd = "/usr/bin/dtc -I dtb -O dts -o " + dir + "/guest_" + c.first +
				  ".dts " + dtb + " 2>" + err;
		EXPECT_EQ(std::system(cmd.c_str()), 0) << c.first;
		std::stringstream out;
		out << std::ifstream(err).rdbuf();
		EXPECT_EQ(out.str(), "") << c.first;
	}
}

} // namespace
