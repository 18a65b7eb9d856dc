#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axdevice/irqchip.h>
#include <axdevice/plic.h>
#include <axdevice/uart.h>
#include <axvm/error.h>
}

#include "axdevice/tests/plic_host_recorder.h"
#include "core/base/tests/malloc_allocator.h"

namespace
{

constexpr uint64_t kPlicBase = 0x0c000000;
constexpr uint64_t kUartBase = 0x10000000;
constexpr uint32_t kUartSource = 10; /* QEMU virt's UART0 */
constexpr uint32_t kHarts = 2;

constexpr uint64_t kThr = 0, kRbr = 0, kIer = 1, kIir = 2, kFcr = 2;
constexpr uint8_t kIerRdi = 0x01, kIerThri = 0x02;
constexpr uint8_t kIirNone = 0x01, kIirThri = 0x02, kIirRdi = 0x04;

/* A host that has its own context for the UART (a console) and forwards the UART's line to
 * the PLIC from its own set_irq. */
struct ConsoleHost {
	axdevice *plic = nullptr;
	std::string tx;

	static void Tx(void *ctx, uint8_t byte)
	{
		static_cast<ConsoleHost *>(ctx)->tx.push_back(static_cast<char>(byte));
	}

	static void SetIrq(void *ctx, uint32_t line, bool level)
	{
		axdevice_irqchip_input(static_cast<ConsoleHost *>(ctx)->plic, line, level);
	}
};

/* A PLIC for 2 harts in QEMU virt's M/S layout and an NS16550 on its source 10; the guest's
 * Linux runs in S-mode on hart 1. */
class PlicUartTest : public ::testing::TestWithParam<bool>
{
      protected:
	void SetUp() override
	{
		bool via_console = GetParam();
		uint32_t contexts = axdevice_plic_layout_contexts(AXDEVICE_PLIC_LAYOUT_M_S, kHarts);
		axdevice_uart_host uart_host = {nullptr, axdevice_irqchip_input, nullptr, nullptr,
						nullptr};

		ASSERT_EQ(axdevice_plic_layout_context(AXDEVICE_PLIC_LAYOUT_M_S, 1,
						       AXDEVICE_PLIC_S_MODE, &context),
			  AX_OK);
		ASSERT_EQ(context, 3u);
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
		ASSERT_EQ(axdevice_plic_create(&mem.ops, &rec.host, 95, contexts, &plic), AX_OK);
		ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, kPlicBase,
					   axdevice_plic_size(contexts), plic),
			  AX_OK);
		if (via_console) {
			console.plic = plic;
			uart_host = {ConsoleHost::Tx, ConsoleHost::SetIrq, &console, nullptr,
				     nullptr};
		} else {
			uart_host.ctx = plic; /* the adapter is the UART's set_irq itself */
		}
		ASSERT_EQ(axdevice_ns16550_create(&mem.ops, &uart_host, kUartSource, 0, &uart),
			  AX_OK);
		ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, kUartBase, 8, uart), AX_OK);
	}

	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0);
	}

	uint32_t PlicRead(uint64_t offset)
	{
		uint64_t value = 0;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kPlicBase + offset, 4, &value),
			  AX_OK);
		return static_cast<uint32_t>(value);
	}

	void PlicWrite(uint64_t offset, uint32_t value)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kPlicBase + offset, 4, value),
			  AX_OK);
	}

	uint8_t UartRead(uint64_t reg)
	{
		uint64_t value = 0;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, kUartBase + reg, 1, &value),
			  AX_OK);
		return static_cast<uint8_t>(value);
	}

	void UartWrite(uint64_t reg, uint8_t value)
	{
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, kUartBase + reg, 1, value),
			  AX_OK);
	}

	/* What Linux's PLIC driver does for the UART's interrupt on this context. */
	void GuestSetsUpThePlic()
	{
		PlicWrite(4 * kUartSource, 1);
		PlicWrite(0x2000 + 0x80 * context, 1u << kUartSource);
		PlicWrite(0x200000 + 0x1000 * context, 0);
	}

	uint32_t Claim()
	{
		return PlicRead(0x200004 + 0x1000 * context);
	}

	void Complete(uint32_t source)
	{
		PlicWrite(0x200004 + 0x1000 * context, source);
	}

	MallocAllocator mem;
	PlicHostRecorder rec;
	ConsoleHost console;
	axdevice_set set;
	axdevice *plic = nullptr;
	axdevice *uart = nullptr;
	uint32_t context = 0;
};

using Calls = std::vector<std::pair<uint32_t, bool>>;

TEST_P(PlicUartTest, ThrEmptyRaisesTheContextAndClaimCompleteEndsIt)
{
	GuestSetsUpThePlic();
	EXPECT_TRUE(rec.calls.empty());

	UartWrite(kIer, kIerThri); /* THR is empty: the UART raises source 10 */
	EXPECT_EQ(rec.calls, (Calls{{context, true}})) << "only hart 1's S-mode is interrupted";
	EXPECT_EQ(PlicRead(0x1000), 1u << kUartSource);

	/* The guest's handler: claim, let the 8250 driver read IIR, complete. */
	ASSERT_EQ(Claim(), kUartSource);
	EXPECT_EQ(rec.calls, (Calls{{context, true}, {context, false}}));
	EXPECT_EQ(UartRead(kIir) & 0x0f, kIirThri); /* reading IIR clears THR empty */
	EXPECT_EQ(UartRead(kIir) & 0x0f, kIirNone);
	Complete(kUartSource);
	EXPECT_EQ(PlicRead(0x1000), 0u) << "the UART's line fell before the completion";
	EXPECT_EQ(Claim(), 0u);

	/* Transmitting empties THR again: a new request. */
	UartWrite(kThr, 'a');
	EXPECT_EQ(rec.calls, (Calls{{context, true}, {context, false}, {context, true}}));
	ASSERT_EQ(Claim(), kUartSource);
	if (GetParam())
		EXPECT_EQ(console.tx, "a");
}

TEST_P(PlicUartTest, LineStillHighAtCompletionInterruptsAgain)
{
	GuestSetsUpThePlic();
	UartWrite(kIer, kIerThri);
	ASSERT_EQ(Claim(), kUartSource);
	UartWrite(kThr, 'b'); /* the UART's line stays high */
	Complete(kUartSource);
	EXPECT_EQ(rec.calls, (Calls{{context, true}, {context, false}, {context, true}}));
	ASSERT_EQ(Claim(), kUartSource);
	EXPECT_EQ(UartRead(kIir) & 0x0f, kIirThri);
	Complete(kUartSource);
	EXPECT_EQ(Claim(), 0u);
	EXPECT_EQ(rec.calls.back(), std::make_pair(context, false));
}

TEST_P(PlicUartTest, ReceivedBytesInterruptUntilDrained)
{
	const uint8_t bytes[] = {'h', 'i'};

	GuestSetsUpThePlic();
	UartWrite(kFcr, 0x01); /* FIFOs on, trigger at 1 byte */
	UartWrite(kIer, kIerRdi);
	EXPECT_TRUE(rec.calls.empty());
	ASSERT_EQ(axdevice_uart_receive(uart, bytes, sizeof(bytes)), sizeof(bytes));
	EXPECT_EQ(rec.calls, (Calls{{context, true}}));
	ASSERT_EQ(Claim(), kUartSource);
	EXPECT_EQ(UartRead(kIir) & 0x0f, kIirRdi);
	EXPECT_EQ(UartRead(kRbr), 'h');
	Complete(kUartSource); /* one byte left: the line is still high */
	EXPECT_EQ(rec.calls.back(), std::make_pair(context, true));
	ASSERT_EQ(Claim(), kUartSource);
	EXPECT_EQ(UartRead(kRbr), 'i');
	Complete(kUartSource);
	EXPECT_EQ(Claim(), 0u);
	EXPECT_EQ(rec.calls.back(), std::make_pair(context, false));
}

TEST_P(PlicUartTest, MaskedSourceStaysQuietUntilEnabled)
{
	UartWrite(kIer, kIerThri);
	EXPECT_TRUE(rec.calls.empty()) << "priority 0 and nothing enabled";
	EXPECT_EQ(PlicRead(0x1000), 1u << kUartSource);
	GuestSetsUpThePlic();
	EXPECT_EQ(rec.calls, (Calls{{context, true}}));
}

INSTANTIATE_TEST_SUITE_P(Wiring, PlicUartTest, ::testing::Values(false, true),
			 [](const ::testing::TestParamInfo<bool> &info) {
				 return info.param ? "ThroughTheHostsSetIrq" : "AdapterAsSetIrq";
			 });

} // namespace
