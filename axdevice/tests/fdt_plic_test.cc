#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/irqchip.h>
#include <axdevice/device_set.h>
#include <axdevice/fdt_device.h>
#include <axdevice/plic.h>
#include <axdevice/uart.h>
#include <axvm/diag.h>
#include <axvm/error.h>
#include <libfdt.h>
}

#include "axdevice/tests/plic_host_recorder.h"
#include "axdevice/tests/fdt_set_fixture.h"
#include "axdevice/tests/uart_host_recorder.h"

namespace
{

constexpr uint64_t Priority(uint32_t source)
{
	return 4ull * source;
}

constexpr uint64_t EnableWord(uint32_t context, uint32_t word)
{
	return 0x2000 + 0x80ull * context + 4ull * word;
}

constexpr uint64_t Threshold(uint32_t context)
{
	return 0x200000 + 0x1000ull * context;
}

constexpr uint64_t ClaimComplete(uint32_t context)
{
	return 0x200004 + 0x1000ull * context;
}

/* Writes then reads back a register straight through the device's ops, which (unlike the
 * set) reach offsets past the registered window too. */
uint32_t WriteRead(axdevice *dev, uint64_t offset, uint32_t value)
{
	uint64_t back = 0xdead;
	EXPECT_EQ(dev->ops->write(dev, 0, offset, 4, value), AX_OK);
	EXPECT_EQ(dev->ops->read(dev, 0, offset, 4, &back), AX_OK);
	return static_cast<uint32_t>(back);
}

class FdtPlicTest : public FdtSetFixture
{
      protected:
	FdtPlicTest() : FdtSetFixture("plic.dtb")
	{
	}

	int AddNode(const std::string &path, axdevice **out = nullptr)
	{
		diag.msg[0] = '\0';
		return axdevice_set_add_from_fdt_hosts(&set, blob.data(), Node(path), &hosts, out,
						       &diag);
	}

	/* Every guest CPU line an interrupt controller drove: (cpu id, level). */
	static void SetCpuLine(void *ctx, uint64_t cpu, axdevice_cpu_line line, bool level)
	{
		EXPECT_EQ(line, AXDEVICE_CPU_IRQ);
		static_cast<FdtPlicTest *>(ctx)->cpu_lines.emplace_back(cpu, level);
	}

	PlicHostRecorder plic_rec;
	UartHostRecorder uart_rec;
	std::vector<std::pair<uint64_t, bool>> cpu_lines;
	axdevice_cpu_host cpu_host = {SetCpuLine, nullptr, this, nullptr, 0};
	axdevice_fdt_hosts hosts = {&uart_rec.host, &plic_rec.host, &cpu_host, nullptr, nullptr};
};

struct GoodPlic {
	const char *path;
	uint64_t base;
	uint64_t size;
	uint32_t sources;
	uint32_t contexts;
};

const GoodPlic kGoodPlics[] = {
    {"/plic@c000000", 0x0c000000, 0x600000, 95, 4},
    {"/s-plic@d000000", 0x0d000000, 0x202000, 31, 2},
    {"/soc@40000000/plic@0", 0x40000000, 0x201000, 1023, 1},
    {"/mixed-plic@50000000", 0x50000000, 0x4000000, 1, 5},
};

TEST_F(FdtPlicTest, CreatesEveryGoodPlicWithItsSourcesAndContexts)
{
	for (const GoodPlic &g : kGoodPlics)
		ASSERT_EQ(AddNode(g.path), AX_OK) << g.path << ": " << diag.msg;
	ASSERT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), std::size(kGoodPlics));

	for (const GoodPlic &g : kGoodPlics) {
		SCOPED_TRACE(g.path);
		uint64_t offset = 1;
		axdevice *dev = axdevice_set_find(&set, AXDEVICE_MMIO, g.base, &offset);
		ASSERT_NE(dev, nullptr);
		EXPECT_EQ(offset, 0u);
		EXPECT_STREQ(dev->ops->model, "plic");
		EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, g.base + g.size - 1, nullptr),
			  dev);
		EXPECT_NE(axdevice_set_find(&set, AXDEVICE_MMIO, g.base + g.size, nullptr), dev);

		/* Sources 1..ndev have a priority, the next one does not. */
		EXPECT_EQ(WriteRead(dev, Priority(g.sources), 1), 1u);
		EXPECT_EQ(WriteRead(dev, Priority(g.sources + 1), 1), 0u);
		/* Contexts 0..n-1 have a threshold, context n does not. */
		EXPECT_EQ(WriteRead(dev, Threshold(g.contexts - 1), 1), 1u);
		EXPECT_EQ(WriteRead(dev, Threshold(g.contexts), 1), 0u);
		EXPECT_EQ(WriteRead(dev, Threshold(g.contexts - 1), 0), 0u);

		/* The last context reports its line to the PLIC host. */
		plic_rec.calls.clear();
		WriteRead(dev, EnableWord(g.contexts - 1, g.sources / 32), 1u << (g.sources % 32));
		ASSERT_EQ(axdevice_plic_set_level(dev, g.sources, true), AX_OK);
		ASSERT_EQ(plic_rec.calls.size(), 1u);
		EXPECT_EQ(plic_rec.calls[0], std::make_pair(g.contexts - 1, true));
	}
}

/* S-mode contexts (interrupt 9) drive the external line of the hart whose CPU node holds the
 * controller they name; M-mode contexts (11) and other interrupts drive nothing. */
TEST_F(FdtPlicTest, SupervisorContextsDriveTheirHartsExternalLine)
{
	const struct {
		const char *path;
		uint64_t base;
		uint32_t context;
		std::vector<std::pair<uint64_t, bool>> lines;
	} cases[] = {
	    {"/plic@c000000", 0x0c000000, 0, {}},	   /* <&cpu0_intc 11> */
	    {"/plic@c000000", 0x0c000000, 1, {{0, true}}}, /* <&cpu0_intc 9> */
	    {"/plic@c000000", 0x0c000000, 2, {}},	   /* <&cpu1_intc 11> */
	    {"/plic@c000000", 0x0c000000, 3, {{1, true}}}, /* <&cpu1_intc 9> */
	    {"/s-plic@d000000", 0x0d000000, 1, {{1, true}}},
	    {"/mixed-plic@50000000", 0x50000000, 0, {{0, true}}},
	    {"/mixed-plic@50000000", 0x50000000, 4, {}}, /* <&cpu1_intc 0xffffffff> */
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(std::string(c.path) + " context " + std::to_string(c.context));
		axdevice *dev = nullptr;

		axdevice_set_destroy(&set);
		ASSERT_EQ(AddNode(c.path, &dev), AX_OK) << diag.msg;
		cpu_lines.clear();
		WriteRead(dev, Priority(1), 1);
		WriteRead(dev, EnableWord(c.context, 0), 1u << 1);
		ASSERT_EQ(axdevice_irqchip_set_line(dev, 1, true), AX_OK) << "a PLIC is an irqchip";
		EXPECT_EQ(cpu_lines, c.lines);
	}
}

TEST_F(FdtPlicTest, UartUnderThePlicInterruptsThroughIt)
{
	axdevice *plic = nullptr;
	axdevice *uart = nullptr;
	uint64_t value = 0;
	const uint32_t hart1_s = 3; /* entry 3 of interrupts-extended: <&cpu1_intc 9> */

	ASSERT_EQ(AddNode("/plic@c000000", &plic), AX_OK) << diag.msg;
	/* The host routes UART lines to the PLIC: the line is the node's interrupts = <10>. */
	axdevice_uart_host uart_host = {nullptr, axdevice_irqchip_input, plic, nullptr, nullptr};
	hosts.uart = &uart_host;
	ASSERT_EQ(AddNode("/serial@10000000", &uart), AX_OK) << diag.msg;

	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x0c000000 + Priority(10), 4, 1),
		  AX_OK);
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x0c000000 + EnableWord(hart1_s, 0), 4,
				     1u << 10),
		  AX_OK);
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x10000001, 1, 0x02), AX_OK); /* IER */
	ASSERT_EQ(plic_rec.calls.size(), 1u);
	EXPECT_EQ(plic_rec.calls[0], std::make_pair(hart1_s, true));
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x0c000000 + ClaimComplete(hart1_s), 4,
				    &value),
		  AX_OK);
	EXPECT_EQ(value, 10u);
	EXPECT_EQ(plic_rec.calls.back(), std::make_pair(hart1_s, false));
}

struct BadNode {
	const char *path;
	int err;
	const char *property;
};

const BadNode kBadNodes[] = {
    {"/no-ndev@60000000", AXERR_BAD_CONFIG, "riscv,ndev"},
    {"/zero-ndev@60400000", AXERR_BAD_CONFIG, "riscv,ndev"},
    {"/big-ndev@60800000", AXERR_BAD_CONFIG, "riscv,ndev"},
    {"/long-ndev@60c00000", AXERR_BAD_CONFIG, "riscv,ndev"},
    {"/no-contexts@61000000", AXERR_BAD_CONFIG, "interrupts-extended"},
    {"/empty-contexts@61400000", AXERR_BAD_CONFIG, "interrupts-extended"},
    {"/odd-contexts@61800000", AXERR_BAD_CONFIG, "interrupts-extended"},
    {"/dangling@61c00000", AXERR_BAD_CONFIG, "interrupts-extended"},
    {"/no-cells@62000000", AXERR_BAD_CONFIG, "interrupts-extended"},
    {"/bad-cells@62400000", AXERR_BAD_CONFIG, "interrupts-extended"},
    {"/short-entry@62800000", AXERR_BAD_CONFIG, "interrupts-extended"},
    {"/small-reg@62c00000", AXERR_BAD_CONFIG, "reg"},
    {"/unnamable-hart@63000000", AXERR_BAD_CONFIG, "interrupts-extended"},
};

TEST_F(FdtPlicTest, RejectsBadNodesNamingPathAndProperty)
{
	for (const BadNode &b : kBadNodes) {
		SCOPED_TRACE(b.path);
		EXPECT_EQ(AddNode(b.path), b.err) << diag.msg;
		std::string want = std::string(b.path) + ": " + b.property + ":";
		EXPECT_NE(std::string(diag.msg).find(want), std::string::npos)
		    << "\"" << diag.msg << "\" should contain \"" << want << "\"";
		EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 0u);
		EXPECT_EQ(mem.live, 0) << "nothing allocated stays behind";
	}
}

TEST_F(FdtPlicTest, MessagesSayWhatIsWrong)
{
	const std::pair<const char *, const char *> cases[] = {
	    {"/no-ndev@60000000", "riscv,ndev: missing"},
	    {"/big-ndev@60800000", "1024 is not 1 to 1023"},
	    {"/dangling@61c00000", "entry 1: phandle 0x7777 names no node"},
	    {"/no-cells@62000000", "entry 0: its controller's #interrupt-cells"},
	    {"/short-entry@62800000", "entry 1: needs 2 cells, 1 left"},
	    {"/small-reg@62c00000", "0x201fff is below the 0x202000 bytes of 2 contexts"},
	    {"/unnamable-hart@63000000", "entry 0: hart 0xffffffffffffffff"},
	};
	for (auto [path, text] : cases) {
		EXPECT_EQ(AddNode(path), AXERR_BAD_CONFIG);
		EXPECT_NE(std::string(diag.msg).find(text), std::string::npos)
		    << "\"" << diag.msg << "\" should contain \"" << text << "\"";
	}
}

TEST_F(FdtPlicTest, RejectsOverlapsAndFailedAllocations)
{
	mem.fail_after = 0;
	EXPECT_EQ(AddNode("/plic@c000000"), AXERR_NO_MEMORY);
	EXPECT_NE(std::string(diag.msg).find("/plic@c000000: creating the plic"), std::string::npos)
	    << diag.msg;
	EXPECT_EQ(mem.live, 0);
	mem.fail_after = -1;

	ASSERT_EQ(AddNode("/plic@c000000"), AX_OK) << diag.msg;
	long live = mem.live;
	EXPECT_EQ(AddNode("/overlap@c100000"), AXERR_EXISTS);
	EXPECT_NE(std::string(diag.msg).find("/overlap@c100000: reg:"), std::string::npos)
	    << diag.msg;
	EXPECT_EQ(mem.live, live);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 1u);
}

TEST_F(FdtPlicTest, OldEntryPointAndNullHostsCreateAPlicThatReportsNothing)
{
	axdevice *plic = nullptr;
	uint64_t value = 0;
	bool level = false;

	ASSERT_EQ(axdevice_set_add_from_fdt(&set, blob.data(), Node("/s-plic@d000000"),
					    &uart_rec.host, &plic, &diag),
		  AX_OK)
	    << diag.msg;
	ASSERT_EQ(axdevice_set_add_from_fdt_hosts(&set, blob.data(), Node("/plic@c000000"), nullptr,
						  nullptr, nullptr),
		  AX_OK);
	WriteRead(plic, Priority(3), 1);
	WriteRead(plic, EnableWord(1, 0), 1u << 3);
	ASSERT_EQ(axdevice_plic_set_level(plic, 3, true), AX_OK);
	ASSERT_EQ(axdevice_plic_context_irq(plic, 1, &level), AX_OK);
	EXPECT_TRUE(level);
	EXPECT_TRUE(plic_rec.calls.empty());
	ASSERT_EQ(plic->ops->read(plic, 0, ClaimComplete(1), 4, &value), AX_OK);
	EXPECT_EQ(value, 3u);
}

/* A blob with one PLIC whose interrupts-extended has `contexts` entries. */
std::vector<char> PlicWithContexts(uint32_t contexts)
{
	std::vector<char> buf(1 << 20);
	std::vector<fdt32_t> ie;
	const fdt32_t reg[] = {cpu_to_fdt32(0), cpu_to_fdt32(0), cpu_to_fdt32(0),
			       cpu_to_fdt32(0x4000000)};

	for (uint32_t i = 0; i < contexts; i++) {
		ie.push_back(cpu_to_fdt32(1));
		ie.push_back(cpu_to_fdt32(9));
	}
	EXPECT_EQ(fdt_create_empty_tree(buf.data(), static_cast<int>(buf.size())), 0);
	EXPECT_EQ(fdt_setprop_u32(buf.data(), 0, "#address-cells", 2), 0);
	EXPECT_EQ(fdt_setprop_u32(buf.data(), 0, "#size-cells", 2), 0);
	int intc = fdt_add_subnode(buf.data(), 0, "intc");
	EXPECT_GE(intc, 0);
	EXPECT_EQ(fdt_setprop_u32(buf.data(), intc, "#interrupt-cells", 1), 0);
	EXPECT_EQ(fdt_setprop_u32(buf.data(), intc, "phandle", 1), 0);
	int plic = fdt_add_subnode(buf.data(), 0, "plic@0");
	EXPECT_GE(plic, 0);
	EXPECT_EQ(fdt_setprop_string(buf.data(), plic, "compatible", "riscv,plic0"), 0);
	EXPECT_EQ(fdt_setprop(buf.data(), plic, "reg", reg, sizeof(reg)), 0);
	EXPECT_EQ(fdt_setprop_u32(buf.data(), plic, "riscv,ndev", 1), 0);
	EXPECT_EQ(fdt_setprop(buf.data(), plic, "interrupts-extended", ie.data(),
			      static_cast<int>(ie.size() * sizeof(fdt32_t))),
		  0);
	return buf;
}

TEST_F(FdtPlicTest, TakesUpToTheSpecsContexts)
{
	std::vector<char> most = PlicWithContexts(AXDEVICE_PLIC_MAX_CONTEXTS);
	std::vector<char> too_many = PlicWithContexts(AXDEVICE_PLIC_MAX_CONTEXTS + 1);
	axdevice *plic = nullptr;

	ASSERT_EQ(axdevice_set_add_from_fdt_hosts(&set, most.data(),
						  fdt_path_offset(most.data(), "/plic@0"), &hosts,
						  &plic, &diag),
		  AX_OK)
	    << diag.msg;
	EXPECT_EQ(WriteRead(plic, Threshold(AXDEVICE_PLIC_MAX_CONTEXTS - 1), 2), 2u);
	ASSERT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0), AX_OK);

	EXPECT_EQ(axdevice_set_add_from_fdt_hosts(&set, too_many.data(),
						  fdt_path_offset(too_many.data(), "/plic@0"),
						  &hosts, nullptr, &diag),
		  AXERR_BAD_CONFIG);
	EXPECT_NE(std::string(diag.msg).find("/plic@0: interrupts-extended: more than 15872"),
		  std::string::npos)
	    << diag.msg;
}

} // namespace
