/* libFuzzer target: one device model (FUZZ_MODEL: 0 NS16550A, 1 PL011, 2 PLIC, 3 I/O APIC,
 * 4 CMOS clock, 5 ACPI sleep registers, 6 8042, 7 PCI host bridge (mechanism #1), whose reset and
 * power-off requests must come only from the documented writes) on a device set as a VM has it,
 * driven by a random sequence of guest accesses (any address near the window, any width, any value)
 * and host events (received bytes, interrupt levels). Checked on every step: reads come back within
 * their width, errors are the documented ones, interrupt lines are reported only when they change,
 * and the I/O APIC's messages carry a legal vector to existing vCPUs. The UART models are wired to
 * a PLIC, as on riscv64, so that their interrupts travel. */
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "core/base/tests/malloc_allocator.h"

#include "tools/fuzz/require.h"

extern "C" {
#include <axdevice/acpi_sleep.h>
#include <axdevice/device_set.h>
#include <axdevice/i8042.h>
#include <axdevice/ioapic.h>
#include <axdevice/irqchip.h>
#include <axdevice/pci_host_cf8.h>
#include <axdevice/plic.h>
#include <axdevice/rtc_cmos.h>
#include <axdevice/uart.h>
#include <axvm/error.h>
}

namespace
{

constexpr uint64_t kBase = 0x10000000, kPlicBase = 0x0c000000;
constexpr uint32_t kLine = 10, kSources = 32, kContexts = 4, kVcpus = 3;

struct Lines {
	bool uart = false;
	bool context[kContexts] = {};
	struct axdevice *plic = nullptr;
};

void UartIrq(void *ctx, uint32_t line, bool level)
{
	Lines *l = static_cast<Lines *>(ctx);
	FuzzRequire(line == kLine, "the UART's own line");
	FuzzRequire(level != l->uart, "a UART line reported only on a change");
	l->uart = level;
	axdevice_irqchip_input(l->plic, line, level);
}

void ContextIrq(void *ctx, uint32_t context, bool level)
{
	Lines *l = static_cast<Lines *>(ctx);
	FuzzRequire(context < kContexts, "an existing context");
	FuzzRequire(level != l->context[context], "a context line reported only on a change");
	l->context[context] = level;
}

void SendVector(void *, uint64_t mask, uint32_t vector)
{
	FuzzRequire(mask != 0 && mask >> kVcpus == 0, "a message to existing vCPUs");
	FuzzRequire(vector >= 16 && vector <= 0xff, "a legal vector");
}

/* The last write the system devices saw: a request must follow from it. */
uint64_t last_offset, last_value;

void SystemRequest(void *, uint32_t vcpu, axdevice_system_request req)
{
	FuzzRequire(vcpu == 0, "the accessing vCPU");
	if (FUZZ_MODEL == 5)
		FuzzRequire(req == AXDEVICE_SYSTEM_OFF && last_offset == 0 &&
				(last_value & 0x3c) == (AXDEVICE_ACPI_SLEEP_EN | 5 << 2),
			    "a power-off only for S5 with SLP_EN");
	else
		FuzzRequire(req == AXDEVICE_SYSTEM_RESET && last_offset == 4 &&
				(last_value & 0xff) == AXDEVICE_I8042_CMD_RESET,
			    "a reset only for 0xfe to the command port");
}

unsigned Width(FuzzedDataProvider &in)
{
	static const unsigned widths[] = {1, 2, 4, 8, 3, 0, 16};
	return widths[in.ConsumeIntegralInRange<size_t>(0, in.ConsumeBool() ? 3 : 6)];
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzedDataProvider in(data, size);
	MallocAllocator mem;
	axdevice_set set;
	Lines lines;
	axdevice *dev = nullptr, *plic = nullptr;
	const axdevice_plic_host plic_host = {ContextIrq, &lines};
	const axdevice_uart_host uart_host = {nullptr, UartIrq, &lines, nullptr, nullptr};
	const axdevice_cpu_host cpu_host = {nullptr, nullptr, nullptr, SendVector, kVcpus};
	const axdevice_system_host system_host = {SystemRequest, nullptr};
	uint64_t window;

	FuzzRequire(axdevice_set_init(&set, &mem.ops) == AX_OK, "set");
	FuzzRequire(axdevice_plic_create(&mem.ops, &plic_host, kSources, kContexts, &plic) == AX_OK,
		    "plic");
	FuzzRequire(axdevice_set_add(&set, AXDEVICE_MMIO, kPlicBase, axdevice_plic_size(kContexts),
				     plic) == AX_OK,
		    "plic added");
	lines.plic = plic;
	if (FUZZ_MODEL == 0) {
		unsigned shift = in.ConsumeBool() ? 2 : 0;
		FuzzRequire(axdevice_ns16550_create(&mem.ops, &uart_host, kLine, shift, &dev) ==
				AX_OK,
			    "ns16550");
		window = axdevice_ns16550_size(shift);
	} else if (FUZZ_MODEL == 1) {
		FuzzRequire(axdevice_pl011_create(&mem.ops, &uart_host, kLine, &dev) == AX_OK,
			    "pl011");
		window = AXDEVICE_PL011_SIZE;
	} else if (FUZZ_MODEL == 3) {
		FuzzRequire(axdevice_ioapic_create(&mem.ops, &cpu_host, &dev) == AX_OK, "ioapic");
		window = AXDEVICE_IOAPIC_SIZE;
	} else if (FUZZ_MODEL == 4) {
		FuzzRequire(axdevice_rtc_cmos_create(&mem.ops, &dev) == AX_OK, "rtc");
		window = AXDEVICE_RTC_CMOS_SIZE;
	} else if (FUZZ_MODEL == 5) {
		FuzzRequire(axdevice_acpi_sleep_create(&mem.ops, &system_host, &dev) == AX_OK,
			    "acpi sleep");
		window = AXDEVICE_ACPI_SLEEP_SIZE;
	} else if (FUZZ_MODEL == 6) {
		FuzzRequire(axdevice_i8042_create(&mem.ops, &system_host, &dev) == AX_OK, "i8042");
		window = 5; /* data at +0, command at +4, as ports 0x60 and 0x64 */
	} else if (FUZZ_MODEL == 7) {
		FuzzRequire(axdevice_pci_host_cf8_create(&mem.ops, &dev) == AX_OK, "pci host");
		window = AXDEVICE_PCI_HOST_CF8_SIZE;
	}
	uint64_t base = FUZZ_MODEL == 2 ? kPlicBase : kBase;
	if (FUZZ_MODEL == 2)
		window = axdevice_plic_size(kContexts);
	else if (FUZZ_MODEL == 6)
		FuzzRequire(axdevice_set_add(&set, AXDEVICE_MMIO, kBase, 1, dev) == AX_OK &&
				axdevice_set_add_window(&set, AXDEVICE_MMIO, kBase + 4, 1, dev,
							axdevice_window_offset(1)) == AX_OK,
			    "added");
	else
		FuzzRequire(axdevice_set_add(&set, AXDEVICE_MMIO, kBase, window, dev) == AX_OK,
			    "added");

	while (in.remaining_bytes()) {
		uint64_t addr = base + in.ConsumeIntegralInRange<uint64_t>(0, window + 8) - 4;
		if (FUZZ_MODEL == 2 && in.ConsumeBool()) /* mostly the interesting registers */
			addr = base + (in.ConsumeBool()
					   ? 0x200000 + 0x1000 * in.ConsumeIntegralInRange(0, 4) +
						 4 * in.ConsumeIntegralInRange(0, 1)
					   : 0x2000 + 0x80 * in.ConsumeIntegralInRange(0, 4) +
						 4 * in.ConsumeIntegralInRange(0, 1));
		if (FUZZ_MODEL == 3 && in.ConsumeBool()) /* mostly IOREGSEL, IOWIN and EOI */
			addr = base + 0x10 * in.PickValueInArray({0, 1, 4});
		unsigned width = Width(in);
		uint64_t value = 0x5a5a5a5a5a5a5a5aull;
		int err;

		switch (in.ConsumeIntegralInRange(0, 3)) {
		case 0:
			err = axdevice_set_read(&set, AXDEVICE_MMIO, 0, addr, width, &value);
			FuzzRequire(!err || value == 0, "a failed read returns 0");
			FuzzRequire(width >= 8 || width == 0 || value >> (8 * width) == 0,
				    "a read within its width");
			break;
		case 1:
			last_offset = addr - base;
			last_value = in.ConsumeIntegral<uint64_t>();
			err = axdevice_set_write(&set, AXDEVICE_MMIO, 0, addr, width, last_value);
			break;
		case 2: {
			std::vector<uint8_t> bytes =
			    in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange(0, 20));
			err = AX_OK;
			if (FUZZ_MODEL < 2)
				FuzzRequire(axdevice_uart_receive(dev, bytes.data(),
								  bytes.size()) <= bytes.size(),
					    "takes no more than offered");
			break;
		}
		default: {
			if (FUZZ_MODEL == 3) {
				uint32_t pin = in.ConsumeIntegralInRange<uint32_t>(0, 25);
				err = axdevice_irqchip_set_line(dev, pin, in.ConsumeBool());
				FuzzRequire(err == AX_OK || pin >= AXDEVICE_IOAPIC_PINS,
					    "existing pins take levels");
				err = AX_OK;
				break;
			}
			uint32_t source = in.ConsumeIntegralInRange<uint32_t>(0, kSources + 1);
			err = axdevice_plic_set_level(plic, source, in.ConsumeBool());
			FuzzRequire(err == AX_OK || source == 0 || source > kSources,
				    "existing sources take levels");
			err = AX_OK;
			break;
		}
		}
		FuzzRequire(err == AX_OK || err == AXERR_INVALID || err == AXERR_UNSUPPORTED ||
				err == AXERR_NOT_FOUND,
			    "a documented error");
		for (uint32_t c = 0; c < kContexts; c++) {
			bool level;
			FuzzRequire(axdevice_plic_context_irq(plic, c, &level) == AX_OK &&
					level == lines.context[c],
				    "reported context levels are the PLIC's");
		}
	}
	axdevice_set_destroy(&set);
	FuzzRequire(mem.live == 0, "every allocation freed");
	return 0;
}
