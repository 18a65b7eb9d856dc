/* The sim backend's conformance machine (machine.cc) and what the host loop that drives it
 * (run_scenario.cc) shares with it. */
#ifndef TESTS_CONFORMANCE_SIM_MACHINE_H
#define TESTS_CONFORMANCE_SIM_MACHINE_H

#include <cstdint>
#include <map>
#include <thread>
#include <utility>

extern "C" {
#include <axvm/exit.h>
#include <sim_vcpu/sim_vcpu.h>

#include "tests/conformance/conf.h"
}

struct axvm;

/* The sim's interrupt vectors and its one hypercall. */
constexpr uint32_t kSimIpiVector = 1;
constexpr uint32_t kSimTimerVector = 5;
constexpr uint64_t kSimHypercallVersion = 1;
constexpr uint64_t kSimFirmwareVersion = 2ull << 24;

/* One vCPU's scenario thread and what it posted. */
struct SimCpu {
	std::thread thread;
	bool started = false;
	bool has_exit = false; /* an exit waits for arch_vcpu_run */
	bool resume = false;   /* the vCPU runs again */
	axvm_exit exit{};
	sim_dest dest{};
	sim_vcpu *s = nullptr;
	axvm *vm = nullptr;
	unsigned irqs[CONF_IRQ_KINDS] = {};
	bool in_handler = false;
	uint64_t slice_end = UINT64_MAX; /* the host's tick preempts the vCPU from this time on */
};

struct SimMachine {
	std::map<uint32_t, void (*)(void)> mains; /* VM id -> its scenario's conf_main */
	std::map<std::pair<uint32_t, uint32_t>, SimCpu> cpus; /* (VM id, vCPU) */
	uint64_t *clock_ns = nullptr;			      /* conf_now(); guest time passes */
	bool stopping = false;
};

/* Makes m the machine SimMachineRun serves (set it with sim_set_guest before creating VMs). */
void SimMachineStart(SimMachine *m);

/* Ends every scenario thread (each is parked in a conf.h call) and joins them. */
void SimMachineStop();

/* The sim guest program: runs the vCPU's scenario thread to its next exit. */
int SimMachineRun(void *ctx, sim_vcpu *s, axvm_exit *exit);

#endif
