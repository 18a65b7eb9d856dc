#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/fdt_device.h>
#include <axdevice/uart.h>
#include <axvm/diag.h>
#include <axvm/error.h>
#include <libfdt.h>
}

#include "axdevice/tests/fdt_set_fixture.h"
#include "axdevice/tests/uart_host_recorder.h"

namespace
{

class FdtDeviceTest : public FdtSetFixture
{
      protected:
	FdtDeviceTest() : FdtSetFixture("devices.dtb")
	{
	}

	int AddNode(const std::string &path)
	{
		diag.msg[0] = '\0';
		return axdevice_set_add_from_fdt(&set, blob.data(), Node(path), &rec.host, nullptr,
						 &diag);
	}

	UartHostRecorder rec;
};

struct GoodNode {
	const char *path;
	uint64_t base;
	uint64_t size;
	bool pl011;
	unsigned shift;
	uint32_t line;
};

const GoodNode kGoodNodes[] = {
    {"/serial@10000000", 0x10000000, 0x100, false, 2, 32 + 5},
    {"/pl011@9000000", 0x09000000, 0x1000, true, 0, 32 + 1},
    {"/ppi-uart@9001000", 0x09001000, 0x1000, true, 0, 16 + 3},
    {"/plic-uart@10001000", 0x10001000, 0x8, false, 0, 10},
    {"/dw-uart@10002000", 0x10002000, 0x100, false, 0, 7},
    {"/quiet-uart@10003000", 0x10003000, 0x100, false, 0, AXDEVICE_IRQ_NONE},
    {"/bus@30000000/serial@30000000", 0x30000000, 0x100, false, 0, 32 + 9},
    {"/soc@40000000/serial@1000", 0x40001000, 0x100, false, 0, 32 + 10},
    {"/soc@40000000/pl011@10000000", 0x50000000, 0x1000, true, 0, 32 + 11},
};

TEST_F(FdtDeviceTest, CreatesEveryGoodNodeAtItsAddressWithItsLine)
{
	for (const GoodNode &g : kGoodNodes)
		ASSERT_EQ(AddNode(g.path), AX_OK) << g.path << ": " << diag.msg;
	ASSERT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), std::size(kGoodNodes));

	for (const GoodNode &g : kGoodNodes) {
		SCOPED_TRACE(g.path);
		uint64_t offset = 1;
		axdevice *dev = axdevice_set_find(&set, AXDEVICE_MMIO, g.base, &offset);
		ASSERT_NE(dev, nullptr);
		EXPECT_EQ(offset, 0u);
		EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, g.base + g.size - 1, nullptr),
			  dev);
		EXPECT_NE(axdevice_set_find(&set, AXDEVICE_MMIO, g.base + g.size, nullptr), dev);
		EXPECT_STREQ(dev->ops->model, g.pl011 ? "pl011" : "ns16550a");

		/* Transmit one byte and raise the TX interrupt: the line must be the node's. */
		rec.tx.clear();
		rec.irq_calls.clear();
		unsigned width = 1u << g.shift;
		if (g.pl011) {
			ASSERT_EQ(
			    axdevice_set_write(&set, AXDEVICE_MMIO, 0, g.base + 0x38, 4, 0x20),
			    AX_OK);
			ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, g.base, 4, 'p'),
				  AX_OK);
		} else {
			ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, g.base, width, 'n'),
				  AX_OK);
			ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0,
						     g.base + (1u << g.shift), width, 0x02),
				  AX_OK);
		}
		EXPECT_EQ(rec.tx, g.pl011 ? "p" : "n");
		if (g.line == AXDEVICE_IRQ_NONE) {
			EXPECT_TRUE(rec.irq_calls.empty());
		} else {
			ASSERT_EQ(rec.irq_calls.size(), 1u);
			EXPECT_EQ(rec.irq_calls[0], std::make_pair(g.line, true));
		}
	}
}

TEST_F(FdtDeviceTest, HonoursRegShift)
{
	uint64_t value = 0;

	ASSERT_EQ(AddNode("/serial@10000000"), AX_OK) << diag.msg;
	/* LSR is register 5: 0x14 with reg-shift = <2>, read with reg-io-width = <4>. */
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x10000014, 4, &value), AX_OK);
	EXPECT_EQ(value, 0x60u);
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x10000005, 1, &value), AX_OK);
	EXPECT_EQ(value, 0u) << "between registers";
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x1000001c, 4, 0x5a), AX_OK);
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1000001c, 4, &value), AX_OK);
	EXPECT_EQ(value, 0x5au) << "SCR";
}

struct BadNode {
	const char *path;
	int err;
	const char *property;
};

const BadNode kBadNodes[] = {
    {"/unknown@20000000", AXERR_UNSUPPORTED, "compatible"},
    {"/no-compatible@20001000", AXERR_BAD_CONFIG, "compatible"},
    {"/no-reg", AXERR_BAD_CONFIG, "reg"},
    {"/short-reg@20002000", AXERR_BAD_CONFIG, "reg"},
    {"/empty-reg@20003000", AXERR_BAD_CONFIG, "reg"},
    {"/short-interrupts@20004000", AXERR_BAD_CONFIG, "interrupts"},
    {"/gic-type@20005000", AXERR_UNSUPPORTED, "interrupts"},
    {"/spi-range@20006000", AXERR_BAD_CONFIG, "interrupts"},
    {"/ppi-range@20007000", AXERR_BAD_CONFIG, "interrupts"},
    {"/four-cells@20008000", AXERR_UNSUPPORTED, "interrupts"},
    {"/bad-cells@20009000", AXERR_BAD_CONFIG, "interrupts"},
    {"/no-parent@2000a000", AXERR_BAD_CONFIG, "interrupt-parent"},
    {"/small-pl011@2000b000", AXERR_BAD_CONFIG, "reg"},
    {"/small-16550@2000c000", AXERR_BAD_CONFIG, "reg"},
    {"/io-width@2000d000", AXERR_BAD_CONFIG, "reg-io-width"},
    {"/wide-io@2000e000", AXERR_BAD_CONFIG, "reg-io-width"},
    {"/big-shift@2000f000", AXERR_BAD_CONFIG, "reg-shift"},
    {"/long-shift@20020000", AXERR_BAD_CONFIG, "reg-shift"},
    {"/soc@40000000/outside@200000", AXERR_BAD_CONFIG, "reg"},
    {"/soc@40000000/straddle@ff000", AXERR_BAD_CONFIG, "reg"},
    {"/bad-ranges@60000000/serial@0", AXERR_BAD_CONFIG, "ranges"},
    {"/wide-bus/serial@0,0,1000", AXERR_UNSUPPORTED, "reg"},
    {"/", AXERR_BAD_CONFIG, "compatible"},
};

TEST_F(FdtDeviceTest, RejectsBadNodesNamingPathAndProperty)
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

TEST_F(FdtDeviceTest, UnknownCompatibleIsNamed)
{
	EXPECT_EQ(AddNode("/unknown@20000000"), AXERR_UNSUPPORTED);
	EXPECT_NE(std::string(diag.msg).find("\"acme,uart\""), std::string::npos) << diag.msg;
}

TEST_F(FdtDeviceTest, RejectsOverlapsAndFreesTheDevice)
{
	ASSERT_EQ(AddNode("/serial@10000000"), AX_OK) << diag.msg;
	long live = mem.live;

	EXPECT_EQ(AddNode("/serial@10000000"), AXERR_EXISTS);
	EXPECT_NE(std::string(diag.msg).find("/serial@10000000: reg:"), std::string::npos)
	    << diag.msg;
	EXPECT_EQ(AddNode("/overlap@10000080"), AXERR_EXISTS);
	EXPECT_NE(std::string(diag.msg).find("/overlap@10000080: reg:"), std::string::npos)
	    << diag.msg;
	EXPECT_NE(std::string(diag.msg).find("overlaps"), std::string::npos) << diag.msg;
	EXPECT_EQ(mem.live, live);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 1u);
}

TEST_F(FdtDeviceTest, AllocationFailuresLeaveNothingBehind)
{
	mem.fail_after = 0; /* the device itself */
	EXPECT_EQ(AddNode("/pl011@9000000"), AXERR_NO_MEMORY);
	EXPECT_NE(std::string(diag.msg).find("/pl011@9000000"), std::string::npos) << diag.msg;
	mem.fail_after = 1; /* the set's array */
	EXPECT_EQ(AddNode("/pl011@9000000"), AXERR_NO_MEMORY);
	EXPECT_NE(std::string(diag.msg).find("/pl011@9000000: reg:"), std::string::npos)
	    << diag.msg;
	EXPECT_EQ(mem.live, 0);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 0u);
	mem.fail_after = -1;
	EXPECT_EQ(AddNode("/pl011@9000000"), AX_OK) << diag.msg;
}

TEST_F(FdtDeviceTest, RejectsBadBlobsAndOffsets)
{
	std::vector<char> garbage(256, 0x5a);

	EXPECT_EQ(axdevice_set_add_from_fdt(&set, garbage.data(), 0, &rec.host, nullptr, &diag),
		  AXERR_BAD_CONFIG);
	EXPECT_EQ(axdevice_set_add_from_fdt(&set, blob.data(), -1, &rec.host, nullptr, &diag),
		  AXERR_BAD_CONFIG);
	EXPECT_EQ(axdevice_set_add_from_fdt(&set, blob.data(), 3, &rec.host, nullptr, &diag),
		  AXERR_BAD_CONFIG);
	EXPECT_EQ(axdevice_set_add_from_fdt(&set, blob.data(), 1 << 20, &rec.host, nullptr, &diag),
		  AXERR_BAD_CONFIG);
	EXPECT_EQ(axdevice_set_add_from_fdt(nullptr, blob.data(), 0, &rec.host, nullptr, &diag),
		  AXERR_INVALID);
	EXPECT_EQ(axdevice_set_add_from_fdt(&set, nullptr, 0, &rec.host, nullptr, &diag),
		  AXERR_INVALID);
}

TEST_F(FdtDeviceTest, WorksWithoutDiagOrHost)
{
	EXPECT_EQ(axdevice_set_add_from_fdt(&set, blob.data(), Node("/no-reg"), nullptr, nullptr,
					    nullptr),
		  AXERR_BAD_CONFIG);
	EXPECT_EQ(axdevice_set_add_from_fdt(&set, blob.data(), Node("/pl011@9000000"), nullptr,
					    nullptr, nullptr),
		  AX_OK);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x09000000, 4, 'x'), AX_OK);
}

} // namespace

TEST_F(FdtDeviceTest, HandsBackTheDeviceItAdded)
{
	axdevice *dev = nullptr;
	uint64_t offset = 1;
	ASSERT_EQ(axdevice_set_add_from_fdt(&set, blob.data(), Node("/pl011@9000000"), &rec.host,
					    &dev, &diag),
		  AX_OK);
	ASSERT_NE(dev, nullptr);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, 0x9000000, &offset), dev);
	EXPECT_EQ(offset, 0u);
}
