/* I/O APICs from devicetree nodes (intel,ce4100-ioapic): the node's checks, and COM1 on an ISA
 * bus whose interrupt parent is the I/O APIC reaching the vCPUs through its pin 4 and the
 * host's send_vector. */
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/fdt_device.h>
#include <axdevice/fdt_model.h>
#include <axdevice/ioapic.h>
#include <axdevice/irqchip.h>
#include <axvm/diag.h>
#include <axvm/error.h>
}

#include "axdevice/tests/fdt_set_fixture.h"
#include "axdevice/tests/uart_host_recorder.h"

namespace
{

constexpr uint64_t kIoapic = 0xfec00000;
constexpr uint64_t kCom1 = 0x3f8, kIer = 1, kIir = 2;
constexpr uint32_t kVcpus = 2;
constexpr const char *kIoapicPath = "/interrupt-controller@fec00000";
constexpr const char *kCom1Path = "/isa/serial@i3f8";

using Message = std::pair<uint64_t, uint32_t>; /* (vCPU mask, vector) */

class FdtIoapicTest : public FdtSetFixture
{
      protected:
	FdtIoapicTest() : FdtSetFixture("ioapic.dtb")
	{
	}

	int AddNode(const std::string &path, axdevice **out = nullptr)
	{
		diag.msg[0] = '\0';
		return axdevice_set_add_from_fdt_hosts(&set, blob.data(), Node(path), &hosts, out,
						       &diag);
	}

	static void SendVector(void *ctx, uint64_t mask, uint32_t vector)
	{
		static_cast<FdtIoapicTest *>(ctx)->sent.emplace_back(mask, vector);
	}

	void IoapicWrite(uint64_t base, uint64_t offset, uint32_t value)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, base + offset, 4, value),
			  AX_OK);
	}

	uint32_t IoapicRead(uint64_t base, uint64_t offset)
	{
		uint64_t value = 0xdead;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, base + offset, 4, &value),
			  AX_OK);
		return static_cast<uint32_t>(value);
	}

	/* Programs pin's redirection entry of the I/O APIC at kIoapic, high half first. */
	void SetEntry(uint32_t pin, uint64_t e)
	{
		uint32_t low = AXDEVICE_IOAPIC_REG_REDTBL + 2 * pin;
		IoapicWrite(kIoapic, AXDEVICE_IOAPIC_IOREGSEL, low + 1);
		IoapicWrite(kIoapic, AXDEVICE_IOAPIC_IOWIN, static_cast<uint32_t>(e >> 32));
		IoapicWrite(kIoapic, AXDEVICE_IOAPIC_IOREGSEL, low);
		IoapicWrite(kIoapic, AXDEVICE_IOAPIC_IOWIN, static_cast<uint32_t>(e));
	}

	uint32_t EntryLow(uint32_t pin)
	{
		IoapicWrite(kIoapic, AXDEVICE_IOAPIC_IOREGSEL,
			    AXDEVICE_IOAPIC_REG_REDTBL + 2 * pin);
		return IoapicRead(kIoapic, AXDEVICE_IOAPIC_IOWIN);
	}

	void PortWrite(uint64_t port, uint8_t value)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, port, 1, value), AX_OK);
	}

	uint8_t PortRead(uint64_t port)
	{
		uint64_t value = 0;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, port, 1, &value), AX_OK);
		return static_cast<uint8_t>(value);
	}

	UartHostRecorder uart_rec;
	std::vector<Message> sent;
	axdevice_cpu_host cpu_host = {nullptr, nullptr, this, SendVector, kVcpus};
	axdevice_fdt_hosts hosts = {&uart_rec.host, nullptr, &cpu_host, nullptr, nullptr};
};

TEST_F(FdtIoapicTest, TheBindingsCompatibleIsAnInterruptController)
{
	const axdevice_model *m = axdevice_model_find(nullptr, "intel,ce4100-ioapic");
	ASSERT_NE(m, nullptr);
	EXPECT_EQ(m->role, AXDEVICE_ROLE_IRQCHIP);
	EXPECT_EQ(axdevice_fdt_model(nullptr, blob.data(), Node(kIoapicPath)), m);
}

TEST_F(FdtIoapicTest, CreatesTheIoapicAtItsReg)
{
	axdevice *dev = nullptr;
	uint64_t offset = 1;

	ASSERT_EQ(AddNode(kIoapicPath, &dev), AX_OK) << diag.msg;
	EXPECT_STREQ(dev->ops->model, "ioapic");
	EXPECT_EQ(dev->fdt_node, Node(kIoapicPath));
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kIoapic, &offset), dev);
	EXPECT_EQ(offset, 0u);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kIoapic + 0xfff, nullptr), dev);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kIoapic + 0x1000, nullptr), nullptr);
	IoapicWrite(kIoapic, AXDEVICE_IOAPIC_IOREGSEL, AXDEVICE_IOAPIC_REG_VERSION);
	EXPECT_EQ(IoapicRead(kIoapic, AXDEVICE_IOAPIC_IOWIN), 0x00170020u);
	EXPECT_EQ(EntryLow(4), 0x10000u) << "masked at reset";
}

/* The path a PC's COM1 interrupt takes: the UART's line -> pin 4 -> a message to the vCPUs
 * the entry names, edge-triggered (as ISA interrupts are) and then level-triggered. */
TEST_F(FdtIoapicTest, Com1OnAnIsaBusDrivesPin4)
{
	ASSERT_EQ(AddNode(kIoapicPath), AX_OK) << diag.msg;
	ASSERT_EQ(AddNode(kCom1Path), AX_OK) << diag.msg;

	PortWrite(kCom1 + kIer, 0x02); /* THR empty: the UART raises its line at once */
	EXPECT_TRUE(sent.empty()) << "pin 4 is masked";
	PortWrite(kCom1 + kIer, 0x00);
	SetEntry(4, uint64_t{1} << AXDEVICE_IOAPIC_RTE_DEST_SHIFT | 0x24); /* vCPU 1, edge */
	PortWrite(kCom1 + kIer, 0x02);
	EXPECT_EQ(sent, (std::vector<Message>{{0b10, 0x24}}));
	EXPECT_TRUE(uart_rec.irq_calls.empty()) << "the line went to the I/O APIC, not the host";

	/* Level-triggered, to every vCPU (the host's vcpu_count bounds the broadcast): in
	 * service until the guest's EOI, after reading IIR has lowered the line. */
	sent.clear();
	PortWrite(kCom1 + kIer, 0x00);
	SetEntry(4, uint64_t{0xff} << AXDEVICE_IOAPIC_RTE_DEST_SHIFT | AXDEVICE_IOAPIC_RTE_LEVEL |
			0x25);
	PortWrite(kCom1 + kIer, 0x02);
	ASSERT_EQ(sent, (std::vector<Message>{{0b11, 0x25}}));
	EXPECT_EQ(EntryLow(4) & AXDEVICE_IOAPIC_RTE_REMOTE_IRR, AXDEVICE_IOAPIC_RTE_REMOTE_IRR);
	EXPECT_EQ(PortRead(kCom1 + kIir) & 0xf, 0x2) << "THR empty, which the read clears";
	IoapicWrite(kIoapic, AXDEVICE_IOAPIC_EOI, 0x25);
	EXPECT_EQ(EntryLow(4) & AXDEVICE_IOAPIC_RTE_REMOTE_IRR, 0u);
	EXPECT_EQ(sent.size(), 1u) << "the line is low at the EOI";
}

TEST_F(FdtIoapicTest, WithoutACpuHostMessagesGoNowhere)
{
	hosts.cpu = nullptr;
	ASSERT_EQ(AddNode(kIoapicPath), AX_OK) << diag.msg;
	ASSERT_EQ(AddNode(kCom1Path), AX_OK) << diag.msg;
	SetEntry(4, 0x24);
	PortWrite(kCom1 + kIer, 0x02);
	EXPECT_TRUE(sent.empty());
	EXPECT_TRUE(uart_rec.irq_calls.empty());
}

TEST_F(FdtIoapicTest, ARegHoldingJustTheRegistersIsEnough)
{
	constexpr uint64_t kSmall = 0xfec10000;
	axdevice *dev = nullptr;

	ASSERT_EQ(AddNode("/small-ok@fec10000", &dev), AX_OK) << diag.msg;
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, kSmall + AXDEVICE_IOAPIC_EOI, nullptr),
		  dev);
	IoapicWrite(kSmall, AXDEVICE_IOAPIC_EOI, 0x30);
	IoapicWrite(kSmall, AXDEVICE_IOAPIC_IOREGSEL, AXDEVICE_IOAPIC_REG_VERSION);
	EXPECT_EQ(IoapicRead(kSmall, AXDEVICE_IOAPIC_IOWIN), 0x00170020u);
}

struct BadNode {
	const char *path;
	const char *says;
};

const BadNode kBadNodes[] = {
    {"/too-small@fec20000", "reg: size 0x40 is below the 0x44 bytes of the registers"},
    {"/one-cell@fec30000", "#interrupt-cells: missing or not <2>"},
    {"/no-cells@fec40000", "#interrupt-cells: missing or not <2>"},
    {"/bad-cells@fec50000", "#interrupt-cells: missing or not <2>"},
};

TEST_F(FdtIoapicTest, RejectsBadNodesNamingPathAndProperty)
{
	for (const BadNode &b : kBadNodes) {
		SCOPED_TRACE(b.path);
		EXPECT_EQ(AddNode(b.path), AXERR_BAD_CONFIG);
		std::string msg = diag.msg;
		EXPECT_EQ(msg.rfind(std::string(b.path) + ": ", 0), 0u) << msg;
		EXPECT_NE(msg.find(b.says), std::string::npos) << msg;
		EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 0u);
		EXPECT_EQ(mem.live, 0) << "nothing allocated stays behind";
	}
}

} // namespace
