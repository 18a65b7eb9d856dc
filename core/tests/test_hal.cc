#include "core/tests/test_hal.h"

#include <gtest/gtest.h>

#include <algorithm>

extern "C" {
#include <axvm/vm.h>
}

namespace
{

TestHal *current;

void ConsoleIdle(uint32_t vm_id)
{
	current->idle[vm_id]++;
}

uint32_t CurrentCpu()
{
	return current->cpu;
}

void VcpuNotify(axvm_vcpu *vcpu)
{
	current->notified.push_back(vcpu);
}

void ConsoleTx(uint32_t vm_id, uint8_t byte)
{
	current->console[vm_id].push_back(static_cast<char>(byte));
}

void Log(const char *line)
{
	current->log.push_back(line);
}

} // namespace

TestHal::TestHal(size_t pages) : mm(pages)
{
	current = this;
	hal_.mm = *mm.mm();
	hal_.heap = heap.ops;
	hal_.current_cpu = CurrentCpu;
	hal_.vcpu_notify = VcpuNotify;
	hal_.console_tx = ConsoleTx;
	hal_.console_idle = ConsoleIdle;
	hal_.log = Log;
	EXPECT_EQ(axvm_init(&hal_), 0);
}

void TestHal::AllowHostRanges(std::vector<axvm_host_range> ram,
			      std::vector<axvm_host_range> devices)
{
	ram_ = std::move(ram);
	devices_ = std::move(devices);
	hal_.vm_ram = ram_.data();
	hal_.vm_ram_count = ram_.size();
	hal_.vm_devices = devices_.data();
	hal_.vm_device_count = devices_.size();
}

void TestHal::SetGuestPageBudget(uint64_t pages)
{
	hal_.guest_page_budget = pages;
}

TestHal::~TestHal()
{
	current = nullptr;
}
