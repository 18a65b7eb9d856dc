/* A HAL for host tests: pages from TestMm, objects from malloc, a settable "current CPU", and
 * recorders for vCPU notifications, console output and log lines. */
#ifndef AXVM_CORE_TESTS_TEST_HAL_H
#define AXVM_CORE_TESTS_TEST_HAL_H

#include <map>
#include <string>
#include <vector>

#include "axaddrspace/tests/test_mm.h"
#include "core/base/tests/malloc_allocator.h"

extern "C" {
#include <axvm/hal.h>
}

class TestHal
{
      public:
	explicit TestHal(size_t pages = 32768);
	~TestHal();

	TestMm mm;
	MallocAllocator heap;
	uint32_t cpu = 0;			 /* what current_cpu returns */
	std::vector<axvm_vcpu *> notified;	 /* vcpu_notify calls */
	std::map<uint32_t, std::string> console; /* bytes written, per VM id */
	std::vector<std::string> log;		 /* log lines */
	uint64_t now_ns = 0;			 /* a clock for the tests' machines */
	std::map<uint32_t, uint32_t> idle;	 /* console_idle calls, per VM id */

	/* What VMs may map straight into a guest (the HAL's vm_ram, vm_devices). */
	void AllowHostRanges(std::vector<axvm_host_range> ram,
			     std::vector<axvm_host_range> devices);

	/* The HAL\'s guest_page_budget (0: no limit). */
	void SetGuestPageBudget(uint64_t pages);

      private:
	axvm_hal hal_{};
	std::vector<axvm_host_range> ram_, devices_;
};

#endif
