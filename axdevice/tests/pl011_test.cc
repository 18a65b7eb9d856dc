#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/uart.h>
#include <axvm/error.h>
}

#include "axdevice/tests/uart_host_recorder.h"
#include "core/base/tests/malloc_allocator.h"

namespace
{

enum Reg : uint64_t {
	DR = 0x000,
	RSR = 0x004,
	FR = 0x018,
	ILPR = 0x020,
	IBRD = 0x024,
	FBRD = 0x028,
	LCR_H = 0x02c,
	CR = 0x030,
	IFLS = 0x034,
	IMSC = 0x038,
	RIS = 0x03c,
	MIS = 0x040,
	ICR = 0x044,
	DMACR = 0x048,
};

constexpr uint32_t FR_BUSY = 0x008, FR_RXFE = 0x010, FR_TXFF = 0x020, FR_RXFF = 0x040,
		   FR_TXFE = 0x080, FR_MODEM = 0x007;
constexpr uint32_t INT_RX = 0x010, INT_TX = 0x020, INT_RT = 0x040;
constexpr uint32_t CR_ON = 0x301; /* UARTEN, TXE, RXE */
constexpr uint32_t LCR_H_FEN_8N1 = 0x70;

constexpr uint64_t kBase = 0x9000000;
constexpr uint32_t kLine = 33;

class Pl011Test : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
		ASSERT_EQ(axdevice_pl011_create(&mem.ops, &rec.host, kLine, &uart), AX_OK);
		ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, kBase, AXDEVICE_PL011_SIZE, uart),
			  AX_OK);
	}

	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0);
	}

	uint32_t Read(uint64_t offset, unsigned width = 4)
	{
		uint64_t value = 0xdead;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + offset, width, &value),
			  AX_OK);
		return static_cast<uint32_t>(value);
	}

	void Write(uint64_t offset, uint32_t value, unsigned width = 4)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + offset, width, value),
			  AX_OK);
	}

	size_t Receive(const std::string &s)
	{
		return axdevice_uart_receive(uart, reinterpret_cast<const uint8_t *>(s.data()),
					     s.size());
	}

	/* What U-Boot and Linux do: 8N1 with FIFOs, then enable. */
	void Enable()
	{
		Write(LCR_H, LCR_H_FEN_8N1);
		Write(CR, CR_ON);
	}

	MallocAllocator mem;
	UartHostRecorder rec;
	axdevice_set set;
	axdevice *uart = nullptr;
};

TEST_F(Pl011Test, PrimeCellIdRegisters)
{
	const uint32_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(Read(0xfe0 + 4 * i), ids[i]) << i;
		Write(0xfe0 + 4 * i, 0);
		EXPECT_EQ(Read(0xfe0 + 4 * i), ids[i]) << "read-only " << i;
	}
	/* The way Linux's AMBA bus assembles them. */
	uint32_t pid = 0, cid = 0;
	for (int i = 0; i < 4; i++) {
		pid |= (Read(0xfe0 + 4 * i) & 0xff) << (8 * i);
		cid |= (Read(0xff0 + 4 * i) & 0xff) << (8 * i);
	}
	EXPECT_EQ(cid, 0xb105f00du);
	EXPECT_EQ(pid & 0x000fffff, 0x00041011u) << "Linux's amba-pl011 id/mask";
	EXPECT_STREQ(uart->ops->model, "pl011");
}

TEST_F(Pl011Test, ResetState)
{
	EXPECT_EQ(Read(FR), FR_TXFE | FR_RXFE | FR_MODEM);
	EXPECT_EQ(Read(CR), 0x300u);
	EXPECT_EQ(Read(IFLS), 0x12u);
	EXPECT_EQ(Read(LCR_H), 0u);
	EXPECT_EQ(Read(IMSC), 0u);
	EXPECT_EQ(Read(RIS), 0u);
	EXPECT_EQ(Read(MIS), 0u);
	EXPECT_EQ(Read(RSR), 0u);
	EXPECT_TRUE(rec.irq_calls.empty());
}

TEST_F(Pl011Test, DrWriteTransmits)
{
	Write(DR, 'e');
	EXPECT_EQ(rec.tx, "e") << "even before CR.UARTEN: early consoles skip set-up";
	Enable();
	for (char c : std::string("cho\n"))
		Write(DR, static_cast<uint8_t>(c));
	Write(DR, 0x0100 | '!');
	EXPECT_EQ(rec.tx, "echo\n!");
	EXPECT_EQ(Read(FR) & (FR_BUSY | FR_TXFF | FR_TXFE), FR_TXFE);
}

TEST_F(Pl011Test, FlagRegisterFollowsTheRxFifo)
{
	Enable();
	EXPECT_EQ(Read(FR) & (FR_RXFE | FR_RXFF), FR_RXFE);
	ASSERT_EQ(Receive("a"), 1u);
	EXPECT_EQ(Read(FR) & (FR_RXFE | FR_RXFF), 0u);
	ASSERT_EQ(Receive(std::string(15, 'b')), 15u);
	EXPECT_EQ(Read(FR) & (FR_RXFE | FR_RXFF), FR_RXFF);
	EXPECT_EQ(Read(FR) & (FR_BUSY | FR_TXFF | FR_TXFE), FR_TXFE);
}

TEST_F(Pl011Test, DrReadPopsInOrder)
{
	const std::string text = "The quick brown!";

	Enable();
	ASSERT_EQ(Receive(text), 16u);
	EXPECT_EQ(Receive("x"), 0u) << "the FIFO is full";
	std::string got;
	while (!(Read(FR) & FR_RXFE))
		got.push_back(static_cast<char>(Read(DR) & 0xff));
	EXPECT_EQ(got, text);
	EXPECT_EQ(Read(DR), 0u);
	EXPECT_EQ(Receive("xyz"), 3u);
	EXPECT_EQ(Read(DR, 2), static_cast<uint32_t>('x')) << "16-bit access, as Linux's readw";
}

TEST_F(Pl011Test, CharacterModeHoldsOneByte)
{
	Write(CR, CR_ON);
	EXPECT_EQ(Receive("ab"), 1u);
	EXPECT_EQ(Read(FR) & (FR_RXFE | FR_RXFF), FR_RXFF);
	EXPECT_EQ(Read(DR), static_cast<uint32_t>('a'));
}

TEST_F(Pl011Test, ReceiverOffTakesNothing)
{
	EXPECT_EQ(Receive("a"), 0u) << "CR.UARTEN clear after reset";
	Write(CR, 0x101);
	EXPECT_EQ(Receive("a"), 0u) << "CR.RXE clear";
	Write(CR, 0x201);
	EXPECT_EQ(Receive("a"), 1u);
}

TEST_F(Pl011Test, TogglingFifosFlushesThem)
{
	Enable();
	ASSERT_EQ(Receive("abc"), 3u);
	Write(LCR_H, 0x60);
	EXPECT_TRUE(Read(FR) & FR_RXFE);
	EXPECT_EQ(Read(RIS) & (INT_RX | INT_RT), 0u);
	ASSERT_EQ(Receive("d"), 1u);
	Write(LCR_H, 0x70);
	EXPECT_TRUE(Read(FR) & FR_RXFE);
	ASSERT_EQ(Receive("e"), 1u);
	Write(LCR_H, 0x72);
	EXPECT_FALSE(Read(FR) & FR_RXFE) << "other LCR_H bits leave the FIFO alone";
}

TEST_F(Pl011Test, RxAndTimeoutInterrupts)
{
	Enable(); /* RX trigger at 1/2: 8 bytes */
	Write(IMSC, INT_RX | INT_RT);
	EXPECT_TRUE(rec.irq_calls.empty());
	ASSERT_EQ(Receive("a"), 1u);
	EXPECT_EQ(Read(RIS), INT_RT) << "below the trigger level: only the timeout";
	EXPECT_EQ(Read(MIS), INT_RT);
	ASSERT_EQ(rec.irq_calls.size(), 1u);
	EXPECT_EQ(rec.irq_calls[0], std::make_pair(kLine, true));
	ASSERT_EQ(Receive("bcdefgh"), 7u);
	EXPECT_EQ(Read(RIS), INT_RX | INT_RT) << "8 bytes reach the trigger level";
	Read(DR);
	EXPECT_EQ(Read(RIS), INT_RT) << "RXIS clears below the trigger level";
	while (!(Read(FR) & FR_RXFE))
		Read(DR);
	EXPECT_EQ(Read(RIS), 0u) << "RTIS clears when the FIFO is empty";
	ASSERT_EQ(rec.irq_calls.size(), 2u);
	EXPECT_EQ(rec.irq_calls[1], std::make_pair(kLine, false));
}

TEST_F(Pl011Test, RxInterruptRisesOnlyWhenCrossingTheTrigger)
{
	Enable();
	Write(IFLS, 0x00); /* RX trigger at 1/8: 2 bytes */
	ASSERT_EQ(Receive("ab"), 2u);
	EXPECT_EQ(Read(RIS), INT_RX | INT_RT);
	Write(ICR, INT_RX | INT_RT);
	EXPECT_EQ(Read(RIS), 0u) << "ICR clears even with data waiting";
	ASSERT_EQ(Receive("c"), 1u);
	EXPECT_EQ(Read(RIS), INT_RT) << "already above the trigger: no new RXIS";
}

TEST_F(Pl011Test, TxInterruptAndIcr)
{
	Enable();
	Write(IMSC, INT_TX);
	EXPECT_EQ(Read(RIS), 0u) << "TXIS needs a transition: none after enabling";
	EXPECT_TRUE(rec.irq_calls.empty());
	Write(DR, 'a');
	EXPECT_EQ(Read(RIS), INT_TX);
	EXPECT_EQ(Read(MIS), INT_TX);
	EXPECT_TRUE(rec.level());
	Write(ICR, INT_TX);
	EXPECT_EQ(Read(RIS), 0u);
	EXPECT_FALSE(rec.level());
	Write(DR, 'b');
	EXPECT_TRUE(rec.level());
	Write(IMSC, 0);
	EXPECT_FALSE(rec.level()) << "masked";
	EXPECT_EQ(Read(RIS), INT_TX);
	EXPECT_EQ(Read(MIS), 0u);
	EXPECT_EQ(rec.irq_calls.size(), 4u);
}

TEST_F(Pl011Test, IrqCallbackOnlyOnLevelChanges)
{
	Enable();
	Write(IMSC, INT_TX | INT_RX | INT_RT);
	Write(DR, 'a');
	Write(DR, 'b');
	ASSERT_EQ(Receive("xy"), 2u);
	Read(FR);
	EXPECT_EQ(rec.irq_calls.size(), 1u);
	Write(ICR, INT_TX);
	EXPECT_EQ(rec.irq_calls.size(), 1u) << "RX still pending";
	Read(DR);
	Read(DR);
	ASSERT_EQ(rec.irq_calls.size(), 2u);
	EXPECT_FALSE(rec.level());
	Write(ICR, 0x7ff);
	EXPECT_EQ(rec.irq_calls.size(), 2u);
}

TEST_F(Pl011Test, LoopbackFeedsTheReceiver)
{
	Enable();
	Write(CR, CR_ON | 0x80);
	Write(DR, 'L');
	EXPECT_EQ(rec.tx, "");
	EXPECT_EQ(Read(DR), static_cast<uint32_t>('L'));
	EXPECT_EQ(Receive("x"), 0u) << "the serial input is disconnected in loopback";
	EXPECT_EQ(Read(FR) & FR_MODEM, 0u) << "modem outputs off";
	Write(CR, CR_ON | 0x80 | 0x0c00); /* DTR, RTS */
	EXPECT_EQ(Read(FR) & FR_MODEM, 0x003u) << "CTS and DSR";
}

TEST_F(Pl011Test, RegistersKeepTheirImplementedBits)
{
	const struct {
		uint64_t reg;
		uint32_t mask;
	} regs[] = {
	    {ILPR, 0xff}, {IBRD, 0xffff}, {FBRD, 0x3f},	 {LCR_H, 0xff},
	    {CR, 0xff87}, {IFLS, 0x3f},	  {IMSC, 0x7ff}, {DMACR, 0x7},
	};
	for (const auto &r : regs) {
		Write(r.reg, 0xffffffff);
		EXPECT_EQ(Read(r.reg), r.mask) << std::hex << r.reg;
		Write(r.reg, 0);
		EXPECT_EQ(Read(r.reg), 0u) << std::hex << r.reg;
	}
}

TEST_F(Pl011Test, ReadOnlyRegistersIgnoreWrites)
{
	Enable();
	Write(FR, 0);
	Write(RIS, 0x7ff);
	Write(MIS, 0x7ff);
	Write(RSR, 0xf);
	EXPECT_EQ(Read(FR), FR_TXFE | FR_RXFE | FR_MODEM);
	EXPECT_EQ(Read(RIS), 0u);
	EXPECT_EQ(Read(ICR), 0u) << "write-only";
}

TEST_F(Pl011Test, UnimplementedOffsetsReadZero)
{
	uint64_t value = 7;

	Write(IBRD, 0x1234);
	for (uint64_t off = 0x04c; off < 0xfe0; off += 4) {
		Write(off, 0xffffffff);
		EXPECT_EQ(Read(off), 0u) << std::hex << off;
	}
	for (uint64_t off : {0x001u, 0x025u, 0x026u, 0x027u, 0xfe1u, 0xfffu}) {
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + off, 1, 0xff), AX_OK);
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + off, 1, &value), AX_OK);
		EXPECT_EQ(value, 0u) << std::hex << off;
	}
	EXPECT_EQ(Read(IBRD), 0x1234u);
	EXPECT_EQ(rec.tx, "");
}

TEST_F(Pl011Test, DirectCallsRejectBadWidths)
{
	uint64_t value = 7;

	EXPECT_EQ(uart->ops->read(uart, 0, FR, 5, &value), AXERR_UNSUPPORTED);
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(uart->ops->write(uart, 0, DR, 16, 'x'), AXERR_UNSUPPORTED);
	EXPECT_EQ(rec.tx, "");
}

TEST_F(Pl011Test, RefusesWideAndMisalignedAccesses)
{
	uint64_t value = 7;

	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kBase + FR, 8, &value),
		  AXERR_UNSUPPORTED);
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + DR + 2, 4, 'x'),
		  AXERR_UNSUPPORTED);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kBase + DR + 1, 2, 'x'),
		  AXERR_UNSUPPORTED);
	EXPECT_EQ(rec.tx, "");
	Write(DR, 'y', 1);
	EXPECT_EQ(rec.tx, "y");
}

TEST(Pl011Create, ValidatesAndReportsNoMemory)
{
	MallocAllocator mem;
	axdevice *dev = reinterpret_cast<axdevice *>(1);

	EXPECT_EQ(axdevice_pl011_create(nullptr, nullptr, 1, &dev), AXERR_INVALID);
	EXPECT_EQ(dev, nullptr);
	EXPECT_EQ(axdevice_pl011_create(&mem.ops, nullptr, 1, nullptr), AXERR_INVALID);
	mem.fail_after = 0;
	EXPECT_EQ(axdevice_pl011_create(&mem.ops, nullptr, 1, &dev), AXERR_NO_MEMORY);
	mem.fail_after = -1;
	ASSERT_EQ(axdevice_pl011_create(&mem.ops, nullptr, 1, &dev), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, IMSC, 4, INT_TX), AX_OK);
	EXPECT_EQ(dev->ops->write(dev, 0, DR, 4, 'x'), AX_OK) << "no host: nothing to call";
	dev->ops->destroy(dev, &mem.ops);
	EXPECT_EQ(mem.live, 0);
}

} // namespace

TEST_F(Pl011Test, TellsTheHostOnceTheGuestWaitsForInput)
{
	Enable();
	for (int i = 1; i < AXDEVICE_UART_IDLE_READS; i++)
		Read(i % 2 ? FR : DR);
	EXPECT_EQ(rec.idles, 0) << "not yet: one read short";
	Read(FR);
	EXPECT_EQ(rec.idles, 1);
	for (int i = 0; i < AXDEVICE_UART_IDLE_READS; i++)
		Read(FR);
	EXPECT_EQ(rec.idles, 1) << "once per stretch of empty reads";
	Write(DR, 'x');
	for (int i = 0; i < AXDEVICE_UART_IDLE_READS; i++)
		Read(FR);
	EXPECT_EQ(rec.idles, 2) << "a transmitted byte starts a new stretch";
}
