/* A UART host for tests: records transmitted bytes and every interrupt-level callback. */
#ifndef AXDEVICE_TESTS_UART_HOST_RECORDER_H
#define AXDEVICE_TESTS_UART_HOST_RECORDER_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/uart.h>
}

struct UartHostRecorder {
	UartHostRecorder() : host{Tx, SetIrq, this, RxIdle, nullptr}
	{
	}

	/* Pass &host to the model under test. */
	axdevice_uart_host host;
	/* Every byte the guest transmitted. */
	std::string tx;
	/* How often rx_idle was called. */
	int idles = 0;
	/* Every set_irq call: (line, level). */
	std::vector<std::pair<uint32_t, bool>> irq_calls;

	/* The level of the last set_irq call, false before any. */
	bool level() const
	{
		return !irq_calls.empty() && irq_calls.back().second;
	}

      private:
	static void Tx(void *ctx, uint8_t byte)
	{
		static_cast<UartHostRecorder *>(ctx)->tx.push_back(static_cast<char>(byte));
	}

	static void RxIdle(void *ctx)
	{
		static_cast<UartHostRecorder *>(ctx)->idles++;
	}

	static void SetIrq(void *ctx, uint32_t line, bool level)
	{
		static_cast<UartHostRecorder *>(ctx)->irq_calls.emplace_back(line, level);
	}
};

#endif
