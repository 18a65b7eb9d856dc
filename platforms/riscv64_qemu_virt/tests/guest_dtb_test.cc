#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <libfdt.h>

#include "platforms/riscv64_qemu_virt/guest_dtb.h"
}

namespace
{

axvm_config Config()
{
	axvm_config cfg{};
	cfg.vcpu_count = 2;
	cfg.memory_count = 2;
	cfg.memory[0] = {0x80000000, 0x8000000, AXMAP_RWX, AXVM_MEM_ALLOC, 0, 0};
	cfg.memory[1] = {0x30000000,	  0x1000,     AXMAP_READ | AXMAP_WRITE | AXMAP_DEVICE,
			 AXVM_MEM_LINEAR, 0x30000000, 0};
	cfg.device_count = 1;
	std::strcpy(cfg.devices[0].compatible, "ns16550a");
	cfg.devices[0].gpa = 0x10000000;
	cfg.devices[0].size = 0x100;
	return cfg;
}

TEST(GuestDtb, DescribesCpusMemoryUartAndChosen)
{
	axvm_config cfg = Config();
	cfg.bootargs = "console=ttyS0";
	guest_dtb_params p{10000000, "rv64imafdc", 0};
	std::vector<char> buf(8192);
	ASSERT_EQ(riscv_guest_dtb(&cfg, &p, buf.data(), buf.size()), AX_OK);
	const void *fdt = buf.data();
	ASSERT_EQ(fdt_check_header(fdt), 0);

	int cpus = fdt_path_offset(fdt, "/cpus");
	ASSERT_GE(cpus, 0);
	EXPECT_EQ(fdt32_to_cpu(*static_cast<const fdt32_t *>(
		      fdt_getprop(fdt, cpus, "timebase-frequency", nullptr))),
		  10000000u);
	int cpu1 = fdt_path_offset(fdt, "/cpus/cpu@1");
	ASSERT_GE(cpu1, 0);
	EXPECT_STREQ(static_cast<const char *>(fdt_getprop(fdt, cpu1, "riscv,isa", nullptr)),
		     "rv64imafdc");
	EXPECT_GE(fdt_path_offset(fdt, "/cpus/cpu@1/interrupt-controller"), 0);

	int mem = fdt_path_offset(fdt, "/memory@80000000");
	ASSERT_GE(mem, 0);
	int len = 0;
	const fdt64_t *reg = static_cast<const fdt64_t *>(fdt_getprop(fdt, mem, "reg", &len));
	ASSERT_EQ(len, 16);
	EXPECT_EQ(fdt64_ld(&reg[1]), 0x8000000u);
	EXPECT_LT(fdt_path_offset(fdt, "/memory@30000000"), 0) << "device memory is not RAM";

	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *out =
	    static_cast<const char *>(fdt_getprop(fdt, chosen, "stdout-path", nullptr));
	ASSERT_NE(out, nullptr);
	EXPECT_STREQ(out, "/soc/serial@10000000");
	EXPECT_GE(fdt_path_offset(fdt, out), 0) << "stdout-path names a real node";
	EXPECT_STREQ(static_cast<const char *>(fdt_getprop(fdt, chosen, "bootargs", nullptr)),
		     "console=ttyS0");
	EXPECT_EQ(fdt_getprop(fdt, chosen, "linux,initrd-start", nullptr), nullptr)
	    << "no initrd loaded";
}

TEST(GuestDtb, LeavesOutDevicesOnlyInAPortSpace)
{
	axvm_config cfg = Config();
	cfg.device_count = 2;
	std::strcpy(cfg.devices[0].compatible, "ns16550a"); /* an ISA bus's COM1: no MMIO window */
	cfg.devices[0].gpa = cfg.devices[0].size = 0;
	std::strcpy(cfg.devices[1].compatible, "ns16550a");
	cfg.devices[1].gpa = 0x10000000;
	cfg.devices[1].size = 0x100;
	guest_dtb_params p{10000000, "rv64imafdc", 0};
	std::vector<char> buf(8192);
	ASSERT_EQ(riscv_guest_dtb(&cfg, &p, buf.data(), buf.size()), AX_OK);
	EXPECT_LT(fdt_path_offset(buf.data(), "/soc/serial@0"), 0);
	EXPECT_GE(fdt_path_offset(buf.data(), "/soc/serial@10000000"), 0);
}

TEST(GuestDtb, ChosenSaysWhereTheInitrdIs)
{
	axvm_config cfg = Config();
	cfg.image_count = 2;
	cfg.images[0] = {AXVM_IMAGE_KERNEL, 0x80200000, 0};
	cfg.images[1] = {AXVM_IMAGE_INITRD, 0x84000000, 0x1000000};
	guest_dtb_params p{10000000, "rv64imafdc", 0x12345};
	std::vector<char> buf(8192);
	ASSERT_EQ(riscv_guest_dtb(&cfg, &p, buf.data(), buf.size()), AX_OK);
	const void *fdt = buf.data();
	int chosen = fdt_path_offset(fdt, "/chosen");
	int len = 0;
	const fdt64_t *start =
	    static_cast<const fdt64_t *>(fdt_getprop(fdt, chosen, "linux,initrd-start", &len));
	ASSERT_NE(start, nullptr);
	ASSERT_EQ(len, 8);
	EXPECT_EQ(fdt64_ld(start), 0x84000000u);
	const fdt64_t *end =
	    static_cast<const fdt64_t *>(fdt_getprop(fdt, chosen, "linux,initrd-end", &len));
	ASSERT_NE(end, nullptr);
	EXPECT_EQ(fdt64_ld(end), 0x84012345u) << "the size supplied, not the room allowed";
	EXPECT_STREQ(static_cast<const char *>(fdt_getprop(fdt, chosen, "bootargs", nullptr)), "")
	    << "no bootargs configured";
}

TEST(GuestDtb, DescribesThePlicAndRoutesTheUartToIt)
{
	axvm_config cfg = Config();
	cfg.device_count = 2;
	std::strcpy(cfg.devices[1].compatible, "sifive,plic-1.0.0");
	cfg.devices[1].gpa = 0xc000000;
	cfg.devices[1].size = 0x600000;
	cfg.devices[1].node = -1; /* no config node: riscv,ndev and the UART's line default */
	guest_dtb_params p{10000000, "rv64imafdc", 0};
	std::vector<char> buf(8192);
	ASSERT_EQ(riscv_guest_dtb(&cfg, &p, buf.data(), buf.size()), AX_OK);
	const void *fdt = buf.data();
	int plic = fdt_path_offset(fdt, "/soc/plic@c000000");
	ASSERT_GE(plic, 0);
	EXPECT_EQ(fdt_node_check_compatible(fdt, plic, "riscv,plic0"), 0);
	int len = 0;
	const fdt32_t *ext =
	    static_cast<const fdt32_t *>(fdt_getprop(fdt, plic, "interrupts-extended", &len));
	ASSERT_EQ(len, 2 * 16) << "M and S context for each of 2 harts";
	int intc1 = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(ext[6]));
	EXPECT_EQ(intc1, fdt_path_offset(fdt, "/cpus/cpu@1/interrupt-controller"));
	EXPECT_EQ(fdt32_to_cpu(ext[7]), 9u) << "hart 1's S-mode external interrupt";
	int uart = fdt_path_offset(fdt, "/soc/serial@10000000");
	const fdt32_t *parent =
	    static_cast<const fdt32_t *>(fdt_getprop(fdt, uart, "interrupt-parent", nullptr));
	ASSERT_NE(parent, nullptr);
	EXPECT_EQ(fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*parent)), plic);
}

TEST(GuestDtb, TooSmallABufferIsAnErrorNotACrash)
{
	axvm_config cfg = Config();
	guest_dtb_params p{10000000, "rv64imafdc", 0};
	std::vector<char> buf(128);
	EXPECT_EQ(riscv_guest_dtb(&cfg, &p, buf.data(), buf.size()), AXERR_NO_MEMORY);
}

TEST(GuestDtb, HartsListTheirExtensions)
{
	axvm_config cfg = Config();
	guest_dtb_params p{10000000, "rv64imafdc_zicsr_zba_sstc", 0};
	std::vector<char> buf(8192);
	ASSERT_EQ(riscv_guest_dtb(&cfg, &p, buf.data(), buf.size()), AX_OK);
	const void *fdt = buf.data();
	int cpu0 = fdt_path_offset(fdt, "/cpus/cpu@0");
	EXPECT_STREQ(static_cast<const char *>(fdt_getprop(fdt, cpu0, "riscv,isa", nullptr)),
		     "rv64imafdc_zicsr_zba_sstc");
	EXPECT_STREQ(static_cast<const char *>(fdt_getprop(fdt, cpu0, "riscv,isa-base", nullptr)),
		     "rv64i");
	std::vector<std::string> ext;
	for (int i = 0;; i++) {
		const char *s = fdt_stringlist_get(fdt, cpu0, "riscv,isa-extensions", i, nullptr);
		if (!s)
			break;
		ext.push_back(s);
	}
	EXPECT_EQ(ext,
		  (std::vector<std::string>{"i", "m", "a", "f", "d", "c", "zicsr", "zba", "sstc"}));
}

} // namespace
