/*
 * One conformance scenario on the sim backend: the VMs of its bundle created from their
 * configurations, driven by a host loop in the role of the board's VM host (one host CPU,
 * every vCPU taking turns for at most a time slice, halted vCPUs woken by their interrupts or
 * their timer, due timers firing), and the host's console checked against the same patterns
 * as on every other architecture.
 */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/tests/test_hal.h"
#include "tests/conformance/sim/machine.h"
#include "tests/conformance/sim/scenario_data.h"

extern "C" {
#include <axvm/config.h>
#include <axvm/error.h>
#include <axvm/vcpu.h>
#include <axvm/vm.h>
}

namespace
{

constexpr int kMaxSteps = 200000;
constexpr uint64_t kSliceNs = 1000000; /* a vCPU's turn before the host's tick preempts it */

class Host
{
      public:
	Host()
	{
		machine_.clock_ns = &hal_.now_ns;
		hal_.now_ns = 1000000;
		SimMachineStart(&machine_);
		sim_set_guest(SimMachineRun, nullptr);
	}
	~Host()
	{
		SimMachineStop();
		for (axvm *vm : vms_)
			axvm_destroy(vm);
		sim_set_guest(nullptr, nullptr);
	}

	void Create(const SimScenarioVm &d)
	{
		std::ifstream in(d.config, std::ios::binary);
		ASSERT_TRUE(in.good()) << d.config;
		blobs_.emplace_back(std::istreambuf_iterator<char>(in),
				    std::istreambuf_iterator<char>());
		axvm_config_limits limits{};
		limits.max_vcpus = 8;
		limits.host_cpus = 1;
		limits.gpa_bits = 41;
		axvm_config cfg;
		ax_diag diag{};
		ASSERT_EQ(axvm_config_parse(blobs_.back().data(), &limits, &cfg, &diag), AX_OK)
		    << diag.msg;
		axvm_images images{};
		images.data[AXVM_IMAGE_KERNEL] = kKernel;
		images.size[AXVM_IMAGE_KERNEL] = sizeof(kKernel);
		axvm *vm = nullptr;
		ASSERT_EQ(axvm_create(&cfg, &images, &vm, &diag), AX_OK) << diag.msg;
		vms_.push_back(vm);
		machine_.mains[cfg.id] = d.main;
		ASSERT_EQ(axvm_boot(vm), AX_OK);
	}

	/* Runs every VM until all have stopped; the console and the host's reports end up in
	 * log. */
	void Run()
	{
		for (int step = 0; step < kMaxSteps && !AllStopped(); step++) {
			bool ran = false;

			FireTimers(false);
			for (axvm *vm : vms_) {
				for (uint32_t i = 0; i < axvm_vcpu_count(vm); i++)
					ran |= RunOnce(vm, i);
			}
			Report();
			if (!ran && !FireTimers(true))
				break;
		}
		Report();
		int errors = 0;
		for (axvm *vm : vms_)
			errors += axvm_stopped_by_error(vm);
		if (AllStopped())
			log.push_back("all VMs stopped (" + std::to_string(errors) +
				      " by an error)");
	}

	std::vector<std::string> log;

      private:
	static constexpr uint8_t kKernel[4] = {};

	bool AllStopped() const
	{
		return std::all_of(vms_.begin(), vms_.end(),
				   [](axvm *vm) { return axvm_state(vm) == AXVM_STATE_STOPPED; });
	}

	SimCpu &Cpu(axvm *vm, uint32_t i)
	{
		return machine_.cpus[{axvm_id(vm), i}];
	}

	/* A halted vCPU is woken by an interrupt it has not taken yet. */
	bool Wakes(axvm *vm, uint32_t i)
	{
		sim_vcpu *s = sim_vcpu_find(axvm_id(vm), i);

		return axvm_vcpu_has_queued_interrupts(axvm_vcpu_at(vm, i)) ||
		       s->injected_count > 0 || s->line[AXVM_IRQ_LINE_EXTERNAL];
	}

	bool RunOnce(axvm *vm, uint32_t i)
	{
		axvm_vcpu *v = axvm_vcpu_at(vm, i);
		axvm_exit exit{};

		if (!axvm_vcpu_runnable(v) || (halted_.count(v) && !Wakes(vm, i)))
			return false;
		halted_.erase(v);
		Cpu(vm, i).slice_end = hal_.now_ns + kSliceNs;
		EXPECT_EQ(axvm_vcpu_bind(v), AX_OK);
		if (axvm_vcpu_run(v, &exit) == AX_OK)
			Handle(vm, v, exit);
		EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
		return true;
	}

	void Handle(axvm *vm, axvm_vcpu *v, const axvm_exit &exit)
	{
		switch (exit.kind) {
		case AXVM_EXIT_HYPERCALL:
			axvm_vcpu_set_return_value(v, exit.hypercall.nr == kSimHypercallVersion
							  ? kSimFirmwareVersion
							  : UINT64_MAX);
			break;
		case AXVM_EXIT_CPU_UP: {
			axvm_vcpu *target =
			    axvm_vcpu_at(vm, static_cast<uint32_t>(exit.cpu_up.target));
			int err = target
				      ? axvm_vcpu_start(target, exit.cpu_up.entry, exit.cpu_up.arg)
				      : AXERR_INVALID;
			axvm_vcpu_set_return_value(v, err ? static_cast<uint64_t>(-6) : 0);
			break;
		}
		case AXVM_EXIT_HALT:
			halted_.insert(v);
			break;
		default:
			break;
		}
	}

	/* Fires every armed timer that is due; with jump (nothing can run), the clock first jumps
	 * to the earliest deadline. Whether one fired. */
	bool FireTimers(bool jump)
	{
		std::vector<sim_vcpu *> armed = ArmedTimers();
		uint64_t earliest = UINT64_MAX;
		bool fired = false;

		for (sim_vcpu *s : armed)
			earliest = std::min(earliest, s->timer_deadline);
		if (jump && earliest != UINT64_MAX)
			hal_.now_ns = std::max(hal_.now_ns, earliest);
		for (sim_vcpu *s : armed) {
			if (s->timer_deadline > hal_.now_ns)
				continue;
			s->timer_deadline = UINT64_MAX;
			fired |= axvm_inject_interrupt(axvm_find(s->vm_id), 1ull << s->vcpu_id,
						       kSimTimerVector) == AX_OK;
		}
		return fired;
	}

	/* The vCPUs of running VMs whose timer is armed. */
	std::vector<sim_vcpu *> ArmedTimers()
	{
		std::vector<sim_vcpu *> armed;

		for (axvm *vm : vms_) {
			for (uint32_t i = 0;
			     axvm_state(vm) == AXVM_STATE_RUNNING && i < axvm_vcpu_count(vm); i++) {
				sim_vcpu *s = sim_vcpu_find(axvm_id(vm), i);

				if (s->timer_deadline != UINT64_MAX)
					armed.push_back(s);
			}
		}
		return armed;
	}

	/* The host's console, as the board's host shows it: core's log lines, each VM's complete
	 * lines, and each stop once with the memory the VM held. */
	void Report()
	{
		for (const std::string &line : hal_.log)
			log.push_back("axvm: " + line);
		hal_.log.clear();
		for (axvm *vm : vms_) {
			uint32_t id = axvm_id(vm);
			std::string &out = hal_.console[id];
			size_t nl;

			while ((nl = out.find('\n')) != std::string::npos) {
				log.push_back("[vm" + std::to_string(id) + "] " +
					      out.substr(0, nl));
				out.erase(0, nl + 1);
			}
			if (axvm_state(vm) == AXVM_STATE_STOPPED && !reported_.count(id)) {
				reported_.insert(id);
				log.push_back("vm " + std::to_string(id) + " (" + axvm_name(vm) +
					      "): stopped: " + axvm_stop_reason(vm));
				log.push_back(
				    "vm " + std::to_string(id) + " (" + axvm_name(vm) +
				    "): " + std::to_string(axvm_allocated_bytes(vm) >> 10) +
				    " KiB of guest memory allocated");
			}
		}
	}

	TestHal hal_;
	SimMachine machine_;
	std::vector<std::vector<char>> blobs_;
	std::vector<axvm *> vms_;
	std::set<axvm_vcpu *> halted_;
	std::set<uint32_t> reported_;
};

/* Whether patterns match lines in order (each pattern a later line than the previous one). */
void ExpectInOrder(const std::vector<std::string> &lines, const std::vector<std::string> &patterns,
		   const std::string &what)
{
	size_t at = 0;

	for (const std::string &p : patterns) {
		std::regex re(p); /* ECMAScript: grep -E's escapes, \] included */
		while (at < lines.size() && !std::regex_search(lines[at], re))
			at++;
		EXPECT_LT(at, lines.size()) << what << ": no line matches " << p;
		at++;
	}
}

TEST(Conformance, ScenarioOnTheSimBackend)
{
	Host host;
	std::map<uint32_t, std::vector<std::string>> vm_lines;

	for (const SimScenarioVm &vm : kSimScenarioVms)
		host.Create(vm);
	host.Run();
	std::string all;
	for (const std::string &l : host.log)
		all += l + "\n";
	std::printf("%s", all.c_str()); /* the console, as the board's host would show it */
	SCOPED_TRACE("console:\n" + all);
	ExpectInOrder(host.log, kSimScenarioExpect, "host");
	for (const SimScenarioVm &vm : kSimScenarioVms) {
		std::vector<std::string> lines;
		std::string tag = "[vm" + std::to_string(vm.id) + "] ";
		std::string report = "vm " + std::to_string(vm.id) + " ";
		for (const std::string &l : host.log) {
			if (l.rfind(tag, 0) == 0 || l.rfind(report, 0) == 0 ||
			    l.rfind("axvm: " + report, 0) == 0)
				lines.push_back(l);
		}
		ExpectInOrder(lines, vm.expect, "vm " + std::to_string(vm.id));
	}
	for (const auto &[pattern, most] : kSimScenarioAtMost) {
		std::regex re(pattern);
		long n = std::count_if(host.log.begin(), host.log.end(), [&](const std::string &l) {
			return std::regex_search(l, re);
		});
		EXPECT_LE(n, most) << pattern;
	}
}

} // namespace
