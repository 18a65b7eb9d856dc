/* Devices on an ISA bus (the ISA binding): I/O-space children in the port space at their port
 * numbers, memory-space children in the MMIO space through the bus's ranges, interrupts found
 * as for any node, and the binding's cells and the 16-bit port space enforced. */
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/fdt_device.h>
#include <axdevice/fdt_model.h>
#include <axdevice/irqchip.h>
#include <axdevice/system.h>
#include <axdevice/uart.h>
#include <axvm/diag.h>
#include <axvm/error.h>
#include <libfdt.h>
}

#include "axdevice/tests/fdt_set_fixture.h"
#include "axdevice/tests/uart_host_recorder.h"

namespace
{

/* 16550 registers at reg-shift 0. */
constexpr uint64_t kThr = 0, kIer = 1, kLsr = 5;
constexpr uint64_t kCom1 = 0x3f8;
/* Where the ISA bus's ranges put its memory space (0) and, unused by ports, its I/O space. */
constexpr uint64_t kIsaMemory = 0xfe000000, kIsaIoRange = 0xfd000000;

/* An interrupt controller in the port space ("test,port-pic"): records its input lines. */
struct PortPic {
	axdevice dev;
	std::vector<std::pair<uint32_t, bool>> lines;
};

int PicRead(axdevice *, uint32_t, uint64_t, unsigned, uint64_t *value)
{
	*value = 0;
	return AX_OK;
}

int PicWrite(axdevice *, uint32_t, uint64_t, unsigned, uint64_t)
{
	return AX_OK;
}

void PicDestroy(axdevice *dev, const ax_allocator *)
{
	delete AXDEVICE_CONTAINER_OF(dev, PortPic, dev);
}

int PicSetLine(axdevice *chip, uint32_t line, bool level)
{
	AXDEVICE_CONTAINER_OF(chip, PortPic, dev)->lines.emplace_back(line, level);
	return AX_OK;
}

const axdevice_ops kPicOps = {"port-pic", PicRead, PicWrite, PicDestroy};
const axdevice_irqchip_ops kPicChip = {PicSetLine, nullptr, nullptr, nullptr, nullptr};

int CreatePic(const axdevice_model_ctx *, axdevice **out)
{
	PortPic *pic = new PortPic;
	axdevice_init(&pic->dev, &kPicOps, &kPicChip);
	*out = &pic->dev;
	return AX_OK;
}

const char *const kPicCompatibles[] = {"test,port-pic", nullptr};
const axdevice_model kPicModel = {kPicCompatibles, AXDEVICE_ROLE_IRQCHIP, CreatePic, nullptr};
const axdevice_model *const kModels[] = {&kPicModel};
const axdevice_model_list kModelList = {kModels, 1};

class FdtIsaTest : public FdtSetFixture
{
      protected:
	FdtIsaTest() : FdtSetFixture("isa.dtb")
	{
	}

	int AddNode(const std::string &path, axdevice **out = nullptr)
	{
		axdevice_fdt_hosts hosts = {&rec.host, nullptr, nullptr, &kModelList, &system};
		diag.msg[0] = '\0';
		return axdevice_set_add_from_fdt_hosts(&set, blob.data(), Node(path), &hosts, out,
						       &diag);
	}

	size_t Devices(axdevice_space space)
	{
		return axdevice_set_count(&set, space);
	}

	static void Request(void *ctx, uint32_t vcpu, axdevice_system_request req)
	{
		static_cast<FdtIsaTest *>(ctx)->requests.emplace_back(vcpu, req);
	}

	UartHostRecorder rec;
	axdevice_system_host system = {Request, this};
	std::vector<std::pair<uint32_t, axdevice_system_request>> requests;
};

TEST_F(FdtIsaTest, Com1IsInThePortSpaceOnly)
{
	axdevice *uart = nullptr;
	uint64_t offset = 1, value = 0;

	ASSERT_EQ(AddNode("/isa/serial@i3f8", &uart), AX_OK) << diag.msg;
	EXPECT_EQ(Devices(AXDEVICE_PORT_IO), 1u);
	EXPECT_EQ(Devices(AXDEVICE_MMIO), 0u);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, kCom1, &offset), uart);
	EXPECT_EQ(offset, 0u);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, kCom1 + 7, &offset), uart);
	EXPECT_EQ(offset, 7u);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, kCom1 - 1, nullptr), nullptr);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, kCom1 + 8, nullptr), nullptr);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kCom1, nullptr), nullptr);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kIsaIoRange + kCom1, nullptr), nullptr)
	    << "ports are not mapped through the bus's I/O ranges entry";

	/* OUT to THR transmits, IN from LSR says the transmitter is empty. */
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, kCom1 + kThr, 1, 'A'), AX_OK);
	EXPECT_EQ(rec.tx, "A");
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, kCom1 + kLsr, 1, &value), AX_OK);
	EXPECT_EQ(value, 0x60u) << "THRE and TEMT";
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kCom1 + kThr, 1, 'B'),
		  AXERR_NOT_FOUND);
	EXPECT_EQ(rec.tx, "A");
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, kCom1, 2, &value), AXERR_UNSUPPORTED)
	    << "reg-io-width 1: byte-wide registers";

	/* The interrupt parent is the bus's: 2 cells, <4 1> is line 4. */
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, kCom1 + kIer, 1, 0x02), AX_OK);
	ASSERT_EQ(rec.irq_calls.size(), 1u);
	EXPECT_EQ(rec.irq_calls[0], std::make_pair(4u, true));
}

TEST_F(FdtIsaTest, TheKeyboardControllerSitsAtBothPortsAndResetsTheVm)
{
	axdevice *kbc = nullptr;
	uint64_t value = 0xff;

	ASSERT_EQ(AddNode("/isa/keyboard@i60", &kbc), AX_OK) << diag.msg;
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0x60, nullptr), kbc);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0x64, nullptr), kbc);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0x61, nullptr), nullptr);
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 1, 0x64, 1, &value), AX_OK);
	EXPECT_EQ(value & 0x02, 0u) << "the input buffer is empty";
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 1, 0x60, 1, 0xfe), AX_OK);
	EXPECT_TRUE(requests.empty()) << "0xfe as data is no command";
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 1, 0x64, 1, 0xfe), AX_OK);
	ASSERT_EQ(requests.size(), 1u);
	EXPECT_EQ(requests[0], std::make_pair(1u, AXDEVICE_SYSTEM_RESET));
}

TEST_F(FdtIsaTest, TheCmosClockAnswersAtItsTwoPorts)
{
	axdevice *rtc = nullptr;
	uint64_t value = 0xff;

	ASSERT_EQ(AddNode("/isa/rtc@i70", &rtc), AX_OK) << diag.msg;
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0x70, nullptr), rtc);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0x71, nullptr), rtc);
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, 0x70, 1, 0x0d), AX_OK);
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0x71, 1, &value), AX_OK);
	EXPECT_EQ(value, 0x80u) << "register D: valid time";
}

TEST_F(FdtIsaTest, TheSleepRegistersPowerTheVmOff)
{
	axdevice *sleep = nullptr;

	ASSERT_EQ(AddNode("/isa/sleep@i600", &sleep), AX_OK) << diag.msg;
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0x601, nullptr), sleep);
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 1, 0x600, 1, (5 << 2) | (1 << 5)),
		  AX_OK);
	ASSERT_EQ(requests.size(), 1u);
	EXPECT_EQ(requests[0], std::make_pair(1u, AXDEVICE_SYSTEM_OFF));
}

TEST_F(FdtIsaTest, ThePciHostBridgeAnswersAtCf8AndCfc)
{
	axdevice *pci = nullptr;
	uint64_t value = 0;

	EXPECT_EQ(AddNode("/isa/short-pci@icf8"), AXERR_BAD_CONFIG);
	EXPECT_EQ(
	    std::string(diag.msg).rfind("/isa/short-pci@icf8: reg: expected one entry of 8", 0), 0u)
	    << diag.msg;
	EXPECT_EQ(Devices(AXDEVICE_PORT_IO), 0u);
	ASSERT_EQ(AddNode("/isa/pci@icf8", &pci), AX_OK) << diag.msg;
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0xcff, nullptr), pci);
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, 0xcf8, 4, 0x80000008), AX_OK);
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0xcfe, 2, &value), AX_OK);
	EXPECT_EQ(value, 0x0600u) << "a host bridge";
}

TEST_F(FdtIsaTest, TheClockAndSleepRegistersNeedTheirTwoPorts)
{
	for (const char *path : {"/isa/wide-rtc@i70", "/isa/short-sleep@i600"}) {
		SCOPED_TRACE(path);
		EXPECT_EQ(AddNode(path), AXERR_BAD_CONFIG);
		EXPECT_EQ(std::string(diag.msg).rfind(std::string(path) +
							  ": reg: expected one entry "
							  "of 2 bytes",
						      0),
			  0u)
		    << diag.msg;
		EXPECT_EQ(Devices(AXDEVICE_PORT_IO), 0u);
		EXPECT_EQ(mem.live, 0);
	}
}

TEST_F(FdtIsaTest, TheKeyboardControllerNeedsItsTwoPorts)
{
	EXPECT_EQ(AddNode("/isa/one-range-keyboard@i60"), AXERR_BAD_CONFIG);
	EXPECT_NE(std::string(diag.msg).find("one-range-keyboard@i60: reg: 1 entries"),
		  std::string::npos)
	    << diag.msg;
	EXPECT_EQ(Devices(AXDEVICE_PORT_IO), 0u);
	EXPECT_EQ(mem.live, 0);
}

TEST_F(FdtIsaTest, AMemorySpaceChildIsTranslatedThroughTheBusRanges)
{
	axdevice *port = nullptr, *mem_uart = nullptr;

	ASSERT_EQ(AddNode("/isa/serial@i3f8", &port), AX_OK) << diag.msg;
	ASSERT_EQ(AddNode("/isa/serial@3f8", &mem_uart), AX_OK) << diag.msg;
	EXPECT_EQ(Devices(AXDEVICE_PORT_IO), 1u);
	EXPECT_EQ(Devices(AXDEVICE_MMIO), 1u);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kIsaMemory + kCom1, nullptr), mem_uart);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kCom1, nullptr), nullptr);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, kCom1, nullptr), port)
	    << "the same number in two spaces";

	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kIsaMemory + kCom1, 1, 'm'), AX_OK);
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, kCom1, 1, 'p'), AX_OK);
	EXPECT_EQ(rec.tx, "mp");
	/* Its interrupt parent is the bus's too: <3 1> is line 3. */
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kIsaMemory + kCom1 + kIer, 1, 0x02),
		  AX_OK);
	ASSERT_EQ(rec.irq_calls.size(), 1u);
	EXPECT_EQ(rec.irq_calls[0], std::make_pair(3u, true));
}

TEST_F(FdtIsaTest, AnIsaBusIsOneWithDeviceTypeIsa)
{
	EXPECT_TRUE(axdevice_fdt_is_isa_bus(blob.data(), Node("/isa")));
	EXPECT_TRUE(axdevice_fdt_is_isa_bus(blob.data(), Node("/narrow-isa")));
	EXPECT_FALSE(axdevice_fdt_is_isa_bus(blob.data(), Node("/bus"))) << "the cells alone";
	EXPECT_FALSE(axdevice_fdt_is_isa_bus(blob.data(), Node("/")));
}

TEST_F(FdtIsaTest, WindowsSayTheSpace)
{
	axdevice_fdt_window w[AXDEVICE_MAX_WINDOWS] = {};
	unsigned count = 0;

	struct Want {
		const char *path;
		axdevice_space space;
		uint64_t base, size;
	};
	const Want wants[] = {
	    {"/isa/serial@i3f8", AXDEVICE_PORT_IO, kCom1, 8},
	    {"/isa/last@ifff8", AXDEVICE_PORT_IO, 0xfff8, 8},
	    {"/isa/serial@3f8", AXDEVICE_MMIO, kIsaMemory + kCom1, 8},
	    {"/isa/interrupt-controller@i20", AXDEVICE_PORT_IO, 0x20, 2},
	    {"/bus/serial@1,3f8", AXDEVICE_MMIO, 0x1000003f8, 8},
	};
	for (const Want &want : wants) {
		SCOPED_TRACE(want.path);
		count = 0;
		ASSERT_EQ(axdevice_fdt_windows(blob.data(), Node(want.path), w, &count, &diag),
			  AX_OK)
		    << diag.msg;
		ASSERT_EQ(count, 1u);
		EXPECT_EQ(w[0].space, want.space);
		EXPECT_EQ(w[0].base, want.base);
		EXPECT_EQ(w[0].size, want.size);
	}
	EXPECT_EQ(axdevice_fdt_windows(nullptr, 0, w, &count, &diag), AXERR_INVALID);
	EXPECT_EQ(
	    axdevice_fdt_windows(blob.data(), Node("/isa/serial@i3f8"), nullptr, &count, &diag),
	    AXERR_INVALID);
	EXPECT_EQ(axdevice_fdt_windows(blob.data(), Node("/isa/serial@i3f8"), w, nullptr, &diag),
		  AXERR_INVALID);
	EXPECT_EQ(axdevice_fdt_windows(blob.data(), -1, w, &count, &diag), AXERR_BAD_CONFIG);
}

TEST_F(FdtIsaTest, TheLastPortsAreUsable)
{
	uint64_t value = 0;

	ASSERT_EQ(AddNode("/isa/last@ifff8"), AX_OK) << diag.msg;
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0xfffd, 1, &value), AX_OK);
	EXPECT_EQ(value, 0x60u) << "LSR at port 0xfffd";
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, 0xffff, 1, 0x5a), AX_OK)
	    << "SCR at port 0xffff";
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0xffff, 1, &value), AX_OK);
	EXPECT_EQ(value, 0x5au);
}

TEST_F(FdtIsaTest, OverlappingPortDevicesAreRefused)
{
	ASSERT_EQ(AddNode("/isa/serial@i3f8"), AX_OK) << diag.msg;
	long live = mem.live;

	EXPECT_EQ(AddNode("/isa/overlap@i3fc"), AXERR_EXISTS);
	EXPECT_NE(std::string(diag.msg).find("/isa/overlap@i3fc: reg: overlaps"), std::string::npos)
	    << diag.msg;
	EXPECT_EQ(AddNode("/isa/serial@i3f8"), AXERR_EXISTS) << "the same node twice";
	EXPECT_EQ(Devices(AXDEVICE_PORT_IO), 1u);
	EXPECT_EQ(mem.live, live) << "the refused devices are freed";
}

TEST_F(FdtIsaTest, APortInterruptControllerTakesItsDevicesLines)
{
	axdevice *pic = nullptr;

	ASSERT_EQ(AddNode("/isa/interrupt-controller@i20", &pic), AX_OK) << diag.msg;
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_PORT_IO, 0x21, nullptr), pic);
	ASSERT_EQ(AddNode("/isa/serial@i2f8"), AX_OK) << diag.msg;
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, 0x2f8 + kIer, 1, 0x02), AX_OK);
	const auto &lines = AXDEVICE_CONTAINER_OF(pic, PortPic, dev)->lines;
	ASSERT_EQ(lines.size(), 1u);
	EXPECT_EQ(lines[0], std::make_pair(3u, true));
	EXPECT_TRUE(rec.irq_calls.empty()) << "the line went to the controller, not the host";
}

struct BadNode {
	const char *path;
	int err;
	const char *says;
};

const BadNode kBadNodes[] = {
    {"/isa/past-end@ifffc", AXERR_BAD_CONFIG, "ports 0xfffc+0x8 run past 0xffff"},
    {"/isa/above@i10000", AXERR_BAD_CONFIG, "ports 0x10000+0x8 run past 0xffff"},
    {"/isa/too-many-ports@i0", AXERR_BAD_CONFIG, "ports 0x0+0x10001 run past 0xffff"},
    {"/isa/space@2,100", AXERR_BAD_CONFIG, "ISA space 2 is neither memory (0) nor I/O (1)"},
    {"/isa/outside@10000", AXERR_BAD_CONFIG, "is outside the ranges of /isa"},
    {"/isa/empty@i100", AXERR_BAD_CONFIG, "size 0x0 at 0x100 is empty"},
    {"/isa/short@i108", AXERR_BAD_CONFIG, "not whole entries"},
    {"/narrow-isa/serial@3f8", AXERR_BAD_CONFIG,
     "the ISA bus /narrow-isa has #address-cells = <1> and #size-cells = <1>, the ISA binding "
     "needs <2> and <1>"},
    {"/wide-isa/serial@1,0,3f8", AXERR_BAD_CONFIG,
     "the ISA bus /wide-isa has #address-cells = <3>"},
};

TEST_F(FdtIsaTest, RejectsBadNodesNamingPathAndProperty)
{
	for (const BadNode &b : kBadNodes) {
		SCOPED_TRACE(b.path);
		EXPECT_EQ(AddNode(b.path), b.err) << diag.msg;
		std::string msg = diag.msg;
		EXPECT_EQ(msg.rfind(std::string(b.path) + ": reg: ", 0), 0u) << msg;
		EXPECT_NE(msg.find(b.says), std::string::npos) << msg;
		for (int s = 0; s < AXDEVICE_SPACES; s++)
			EXPECT_EQ(Devices(static_cast<axdevice_space>(s)), 0u);
		EXPECT_EQ(mem.live, 0) << "nothing allocated stays behind";

		unsigned count = 0;
		axdevice_fdt_window w[AXDEVICE_MAX_WINDOWS];
		diag.msg[0] = '\0';
		EXPECT_EQ(axdevice_fdt_windows(blob.data(), Node(b.path), w, &count, &diag), b.err);
		EXPECT_EQ(std::string(diag.msg), msg) << "the same reason from the windows alone";
	}
}

} // namespace
