#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/uart.h>
#include <axvm/error.h>
}

#include "axdevice/tests/uart_host_recorder.h"
#include "core/base/tests/malloc_allocator.h"

namespace
{

enum Reg : unsigned {
	RBR = 0,
	THR = 0,
	DLL = 0,
	IER = 1,
	DLM = 1,
	IIR = 2,
	FCR = 2,
	LCR = 3,
	MCR = 4,
	LSR = 5,
	MSR = 6,
	SCR = 7,
};

constexpr uint64_t kBase = 0x10000000;
constexpr uint32_t kLine = 42;

/* Every test runs with the registers 1 byte apart and, as reg-shift = <2> boards have them,
 * 4 bytes apart with 32-bit accesses. */
class Ns16550Test : public ::testing::TestWithParam<unsigned>
{
      protected:
	void SetUp() override
	{
		shift = GetParam();
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
		ASSERT_EQ(axdevice_ns16550_create(&mem.ops, &rec.host, kLine, shift, &uart), AX_OK);
		ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, kBase, 0x100, uart), AX_OK);
	}

	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0);
	}

	uint64_t Offset(unsigned reg) const
	{
		return static_cast<uint64_t>(reg) << shift;
	}

	unsigned Width() const
	{
		return shift == 2 ? 4 : 1;
	}

	uint8_t Read(unsigned reg)
	{
		uint64_t value = 0xdead;
		EXPECT_EQ(
		    axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + Offset(reg), Width(), &value),
		    AX_OK);
		EXPECT_LE(value, 0xffu);
		return static_cast<uint8_t>(value);
	}

	void Write(unsigned reg, uint8_t value)
	{
		EXPECT_EQ(
		    axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + Offset(reg), Width(), value),
		    AX_OK);
	}

	size_t Receive(const std::string &s)
	{
		return axdevice_uart_receive(uart, reinterpret_cast<const uint8_t *>(s.data()),
					     s.size());
	}

	MallocAllocator mem;
	UartHostRecorder rec;
	axdevice_set set;
	axdevice *uart = nullptr;
	unsigned shift = 0;
};

TEST_P(Ns16550Test, ResetState)
{
	EXPECT_EQ(Read(IER), 0x00);
	EXPECT_EQ(Read(IIR), 0x01);
	EXPECT_EQ(Read(LCR), 0x00);
	EXPECT_EQ(Read(MCR), 0x00);
	EXPECT_EQ(Read(LSR), 0x60);
	EXPECT_EQ(Read(MSR), 0xb0) << "CTS, DSR and DCD asserted";
	EXPECT_EQ(Read(SCR), 0x00);
	EXPECT_TRUE(rec.irq_calls.empty());
	EXPECT_STREQ(uart->ops->model, "ns16550a");
}

TEST_P(Ns16550Test, ThrTransmitsToTheHost)
{
	for (char c : std::string("hello\n"))
		Write(THR, static_cast<uint8_t>(c));
	EXPECT_EQ(rec.tx, "hello\n");
	EXPECT_EQ(Read(LSR) & 0x60, 0x60) << "THRE and TEMT stay set: the byte left at once";
}

TEST_P(Ns16550Test, LsrDataReadyFollowsTheRxFifo)
{
	Write(FCR, 0x01);
	EXPECT_EQ(Read(LSR), 0x60);
	EXPECT_EQ(Receive("ab"), 2u);
	EXPECT_EQ(Read(LSR), 0x61);
	EXPECT_EQ(Read(RBR), 'a');
	EXPECT_EQ(Read(LSR), 0x61);
	EXPECT_EQ(Read(RBR), 'b');
	EXPECT_EQ(Read(LSR), 0x60);
}

TEST_P(Ns16550Test, RbrPopsInOrder)
{
	const std::string text = "0123456789abcdef";

	Write(FCR, 0x01);
	ASSERT_EQ(Receive(text), 16u);
	std::string got;
	while (Read(LSR) & 0x01)
		got.push_back(static_cast<char>(Read(RBR)));
	EXPECT_EQ(got, text);
	EXPECT_EQ(Read(RBR), 0x00) << "an empty FIFO reads 0";
}

TEST_P(Ns16550Test, FullFifoTakesFewer)
{
	Write(FCR, 0x01);
	EXPECT_EQ(Receive(std::string(20, 'x')), 16u);
	EXPECT_EQ(Receive("y"), 0u);
	Read(RBR);
	EXPECT_EQ(Receive("yz"), 1u);
	EXPECT_EQ(axdevice_uart_receive(uart, nullptr, 0), 0u);
}

TEST_P(Ns16550Test, WithoutFifosOneByteIsHeld)
{
	EXPECT_EQ(Read(FCR) & 0xc0, 0x00) << "IIR bits 7:6 clear: FIFOs off";
	EXPECT_EQ(Receive("abc"), 1u);
	EXPECT_EQ(Read(RBR), 'a');
	EXPECT_EQ(Receive("bc"), 1u);
	EXPECT_EQ(Read(RBR), 'b');
}

TEST_P(Ns16550Test, IirShowsFifosEnabled)
{
	Write(FCR, 0x01);
	EXPECT_EQ(Read(IIR), 0xc1) << "what Linux's 8250 autoconfig looks for in a 16550A";
	Write(FCR, 0x00);
	EXPECT_EQ(Read(IIR), 0x01);
}

TEST_P(Ns16550Test, FcrRxResetEmptiesTheFifo)
{
	Write(FCR, 0x01);
	Write(IER, 0x01);
	ASSERT_EQ(Receive("hello"), 5u);
	EXPECT_TRUE(rec.level());
	Write(FCR, 0x03);
	EXPECT_EQ(Read(LSR), 0x60);
	EXPECT_EQ(Read(IIR), 0xc1);
	EXPECT_FALSE(rec.level());
	EXPECT_EQ(Read(FCR) & 0xc0, 0xc0) << "the FIFOs stay on";
	/* Turning the FIFOs off empties them too. */
	ASSERT_EQ(Receive("hi"), 2u);
	Write(FCR, 0x00);
	EXPECT_EQ(Read(LSR), 0x60);
}

TEST_P(Ns16550Test, RxInterruptHasPriorityOverThrEmpty)
{
	Write(FCR, 0x01);
	Write(IER, 0x03);
	EXPECT_EQ(Read(IIR), 0xc2) << "enabling THRI with THR empty raises it";
	Write(THR, 'x');
	ASSERT_EQ(Receive("a"), 1u);
	EXPECT_EQ(Read(IIR), 0xc4) << "received data outranks THR empty";
	EXPECT_EQ(Read(IIR), 0xc4) << "reading IIR does not clear received data";
	EXPECT_EQ(Read(RBR), 'a');
	EXPECT_EQ(Read(IIR), 0xc2) << "THR empty was still pending";
	EXPECT_EQ(Read(IIR), 0xc1) << "and reading IIR cleared it";
}

TEST_P(Ns16550Test, RxBelowTheTriggerLevelReportsATimeout)
{
	Write(FCR, 0xc1); /* trigger at 14 bytes */
	Write(IER, 0x01);
	ASSERT_EQ(Receive("abc"), 3u);
	EXPECT_EQ(Read(IIR), 0xcc);
	ASSERT_EQ(Receive(std::string(11, 'd')), 11u);
	EXPECT_EQ(Read(IIR), 0xc4);
}

TEST_P(Ns16550Test, ThrEmptyInterruptIsClearedByReadingIir)
{
	Write(IER, 0x02);
	ASSERT_EQ(rec.irq_calls.size(), 1u);
	EXPECT_EQ(rec.irq_calls[0], std::make_pair(kLine, true));
	EXPECT_EQ(Read(IIR), 0x02);
	EXPECT_EQ(rec.irq_calls.size(), 2u);
	EXPECT_FALSE(rec.level());
	EXPECT_EQ(Read(IIR), 0x01);
	Write(THR, 'x');
	EXPECT_TRUE(rec.level()) << "THR is empty again after the byte left";
	Write(IER, 0x00);
	EXPECT_FALSE(rec.level());
	Write(IER, 0x02);
	EXPECT_TRUE(rec.level()) << "re-enabling THRI re-raises it (Linux's THRE test)";
}

TEST_P(Ns16550Test, IrqCallbackOnlyOnLevelChanges)
{
	Write(IER, 0x02);
	Write(THR, 'a');
	Write(THR, 'b');
	Write(SCR, 1);
	ASSERT_EQ(rec.irq_calls.size(), 1u);
	Read(IIR);
	Read(IIR);
	Read(LSR);
	ASSERT_EQ(rec.irq_calls.size(), 2u);
	EXPECT_EQ(rec.irq_calls[1], std::make_pair(kLine, false));
	ASSERT_EQ(Receive("x"), 1u);
	EXPECT_EQ(rec.irq_calls.size(), 2u) << "RX interrupt not enabled";
	Write(IER, 0x01);
	ASSERT_EQ(rec.irq_calls.size(), 3u);
	EXPECT_EQ(rec.irq_calls[2], std::make_pair(kLine, true));
	Read(RBR);
	ASSERT_EQ(rec.irq_calls.size(), 4u);
	EXPECT_EQ(rec.irq_calls[3], std::make_pair(kLine, false));
}

TEST_P(Ns16550Test, DlabSwitchesToTheDivisorLatch)
{
	Write(IER, 0x05);
	Write(FCR, 0x01);
	ASSERT_EQ(Receive("r"), 1u);
	Write(LCR, 0x83);
	Write(DLL, 0x0c);
	Write(DLM, 0x01);
	EXPECT_EQ(Read(DLL), 0x0c);
	EXPECT_EQ(Read(DLM), 0x01);
	EXPECT_EQ(rec.tx, "") << "a DLL write is no transmit";
	EXPECT_EQ(Read(LSR), 0x61) << "a DLL read pops nothing";
	Write(LCR, 0x03);
	EXPECT_EQ(Read(IER), 0x05);
	EXPECT_EQ(Read(RBR), 'r');
	Write(LCR, 0x83);
	EXPECT_EQ(Read(DLL), 0x0c) << "the latch keeps its value";
	EXPECT_EQ(Read(DLM), 0x01);
}

TEST_P(Ns16550Test, ScratchRegisterAndIerHoldWhatIsWritten)
{
	Write(SCR, 0x5a);
	EXPECT_EQ(Read(SCR), 0x5a);
	Write(SCR, 0xa5);
	EXPECT_EQ(Read(SCR), 0xa5);
	Write(IER, 0xff);
	EXPECT_EQ(Read(IER), 0x0f) << "only the four 16550 enables exist";
	Write(MCR, 0xff);
	EXPECT_EQ(Read(MCR), 0x1f);
}

TEST_P(Ns16550Test, ReadOnlyRegistersIgnoreWrites)
{
	Write(LSR, 0x00);
	Write(MSR, 0x00);
	EXPECT_EQ(Read(LSR), 0x60);
	EXPECT_EQ(Read(MSR), 0xb0);
}

TEST_P(Ns16550Test, LoopbackFeedsTheReceiverAndModemLines)
{
	Write(FCR, 0x01);
	Write(MCR, 0x1a); /* loop, RTS, OUT2: Linux's 8250 existence test */
	EXPECT_EQ(Read(MSR) & 0xf0, 0x90);
	Write(THR, 'L');
	EXPECT_EQ(rec.tx, "");
	EXPECT_EQ(Read(LSR), 0x61);
	EXPECT_EQ(Read(RBR), 'L');
	EXPECT_EQ(Receive("x"), 0u) << "the serial input is disconnected in loopback";
	Write(MCR, 0x00);
	EXPECT_EQ(Read(MSR) & 0xf0, 0xb0);
	Write(THR, 'T');
	EXPECT_EQ(rec.tx, "T");
}

TEST_P(Ns16550Test, ModemStatusDeltasAndInterrupt)
{
	Write(IER, 0x08);
	EXPECT_FALSE(rec.level());
	Write(MCR, 0x10); /* loopback with all outputs off drops CTS, DSR and DCD */
	EXPECT_TRUE(rec.level());
	EXPECT_EQ(Read(IIR), 0x00);
	EXPECT_EQ(Read(MSR), 0x0b);
	EXPECT_FALSE(rec.level());
	EXPECT_EQ(Read(MSR), 0x00);
	Write(MCR, 0x14); /* OUT1 raises RI */
	EXPECT_EQ(Read(MSR), 0x40);
	Write(MCR, 0x10); /* RI falling sets TERI */
	EXPECT_EQ(Read(MSR), 0x04);
}

TEST_P(Ns16550Test, UnimplementedOffsetsReadZero)
{
	uint64_t value = 7;

	for (uint64_t off = 8u << shift; off < 0x100; off++) {
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + off, 1, 0xff), AX_OK);
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + off, 1, &value), AX_OK);
		EXPECT_EQ(value, 0u) << off;
	}
	if (shift == 2) {
		Write(SCR, 0x33);
		for (uint64_t off : {1u, 2u, 3u, 0x1du, 0x1eu, 0x1fu}) {
			EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + off, 1, 0xff),
				  AX_OK);
			EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + off, 1, &value),
				  AX_OK);
			EXPECT_EQ(value, 0u) << off;
		}
		EXPECT_EQ(Read(SCR), 0x33);
	}
	EXPECT_EQ(rec.tx, "");
}

TEST_P(Ns16550Test, WidthsWithinTheRegisterSlotActOnTheLowByte)
{
	uint64_t value = 0;
	unsigned slot = 1u << shift;

	Write(FCR, 0x01);
	ASSERT_EQ(Receive("q"), 1u);
	Write(SCR, 0x5a);
	for (unsigned width : {1u, 2u, 4u, 8u}) {
		int expect = width <= slot ? AX_OK : AXERR_UNSUPPORTED;
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + Offset(SCR), width,
					     0x1234567890abcd00ull | width),
			  expect)
		    << width;
		EXPECT_EQ(
		    axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + Offset(SCR), width, &value),
		    expect)
		    << width;
		EXPECT_EQ(value, width <= slot ? width : 0u) << width;
	}
	EXPECT_EQ(Read(SCR), slot);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + Offset(RBR), slot, &value),
		  AX_OK);
	EXPECT_EQ(value, static_cast<uint64_t>('q'));
}

TEST_P(Ns16550Test, RefusesMisalignedAndRegisterSpanningAccesses)
{
	uint64_t value = 7;

	Write(SCR, 0x77);
	/* An 8-byte access spans eight registers at reg-shift 0 and two at reg-shift 2. */
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase, 8, &value), AXERR_UNSUPPORTED);
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + Offset(SCR) + 1, 2, 0),
		  AXERR_UNSUPPORTED);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + 1, 4, &value),
		  AXERR_UNSUPPORTED);
	EXPECT_EQ(Read(SCR), 0x77);
	EXPECT_EQ(rec.tx, "");
}

TEST_P(Ns16550Test, DirectCallsRejectBadWidths)
{
	uint64_t value = 7;

	EXPECT_EQ(uart->ops->read(uart, 0, Offset(LSR), 3, &value), AXERR_UNSUPPORTED);
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(uart->ops->write(uart, 0, Offset(THR), 0, 'x'), AXERR_UNSUPPORTED);
	EXPECT_EQ(rec.tx, "");
}

INSTANTIATE_TEST_SUITE_P(RegShift, Ns16550Test, ::testing::Values(0u, 2u));

TEST(Ns16550Create, ValidatesAndReportsNoMemory)
{
	MallocAllocator mem;
	axdevice *dev = reinterpret_cast<axdevice *>(1);

	EXPECT_EQ(axdevice_ns16550_create(nullptr, nullptr, 1, 0, &dev), AXERR_INVALID);
	EXPECT_EQ(dev, nullptr);
	EXPECT_EQ(axdevice_ns16550_create(&mem.ops, nullptr, 1, 0, nullptr), AXERR_INVALID);
	EXPECT_EQ(
	    axdevice_ns16550_create(&mem.ops, nullptr, 1, AXDEVICE_NS16550_MAX_REG_SHIFT + 1, &dev),
	    AXERR_INVALID);
	mem.fail_after = 0;
	EXPECT_EQ(axdevice_ns16550_create(&mem.ops, nullptr, 1, 0, &dev), AXERR_NO_MEMORY);
	EXPECT_EQ(dev, nullptr);
	EXPECT_EQ(mem.live, 0);
	EXPECT_EQ(axdevice_ns16550_size(0), 8u);
	EXPECT_EQ(axdevice_ns16550_size(2), 32u);
}

TEST(Ns16550Create, WorksWithoutAHostOrALine)
{
	MallocAllocator mem;
	UartHostRecorder rec;
	axdevice *dev = nullptr;
	uint64_t value = 0;

	ASSERT_EQ(axdevice_ns16550_create(&mem.ops, nullptr, 1, 0, &dev), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, IER, 1, 0x03), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, THR, 1, 'x'), AX_OK);
	EXPECT_EQ(axdevice_uart_receive(dev, reinterpret_cast<const uint8_t *>("y"), 1), 1u);
	EXPECT_EQ(dev->ops->read(dev, 0, RBR, 1, &value), AX_OK);
	EXPECT_EQ(value, static_cast<uint64_t>('y'));
	dev->ops->destroy(dev, &mem.ops);

	ASSERT_EQ(axdevice_ns16550_create(&mem.ops, &rec.host, AXDEVICE_IRQ_NONE, 0, &dev), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, IER, 1, 0x02), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, THR, 1, 'x'), AX_OK);
	EXPECT_EQ(rec.tx, "x");
	EXPECT_TRUE(rec.irq_calls.empty()) << "no line, no callback";
	dev->ops->destroy(dev, &mem.ops);
	EXPECT_EQ(mem.live, 0);
}

int NoRead(axdevice *, uint32_t, uint64_t, unsigned, uint64_t *value)
{
	*value = 0;
	return AX_OK;
}

int NoWrite(axdevice *, uint32_t, uint64_t, unsigned, uint64_t)
{
	return AX_OK;
}

TEST(UartReceive, IgnoresDevicesThatAreNotUarts)
{
	static const axdevice_ops ops = {"other", NoRead, NoWrite, nullptr};
	axdevice other;

	axdevice_init(&other, &ops, nullptr);

	EXPECT_EQ(axdevice_uart_receive(&other, reinterpret_cast<const uint8_t *>("x"), 1), 0u);
	EXPECT_EQ(axdevice_uart_receive(nullptr, reinterpret_cast<const uint8_t *>("x"), 1), 0u);
}

} // namespace

TEST_P(Ns16550Test, TellsTheHostOnceTheGuestWaitsForInput)
{
	for (int i = 1; i < AXDEVICE_UART_IDLE_READS; i++)
		Read(i % 2 ? LSR : RBR);
	EXPECT_EQ(rec.idles, 0) << "not yet: one read short";
	Read(LSR);
	EXPECT_EQ(rec.idles, 1);
	for (int i = 0; i < 2 * AXDEVICE_UART_IDLE_READS; i++)
		Read(LSR);
	EXPECT_EQ(rec.idles, 1) << "once per stretch of empty reads";
	Write(THR, 'x');
	for (int i = 0; i < AXDEVICE_UART_IDLE_READS; i++)
		Read(LSR);
	EXPECT_EQ(rec.idles, 2) << "a transmitted byte starts a new stretch";
	axdevice_uart_receive(uart, reinterpret_cast<const uint8_t *>("y"), 1);
	for (int i = 0; i < 2 * AXDEVICE_UART_IDLE_READS; i++)
		Read(LSR);
	EXPECT_EQ(rec.idles, 2) << "reads of a receiver holding data are not idle";
	Read(RBR);
	for (int i = 0; i < AXDEVICE_UART_IDLE_READS; i++)
		Read(LSR);
	EXPECT_EQ(rec.idles, 3) << "a received byte starts a new stretch";
}
