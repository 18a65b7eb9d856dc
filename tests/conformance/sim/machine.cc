/*
 * The sim "architecture" of the conformance suite: conf.h on the host's sim backend. Each vCPU's
 * scenario code runs on a thread of its own; every conf.h call that a real CPU would trap on
 * becomes one sim exit, handed to the sim backend's arch_vcpu_run, and the thread waits until
 * core and the host loop (run_scenario.cc) let that vCPU run again. Only one thread runs at a
 * time. The firmware interface is the host's: hypercalls, CPU_UP, SYSTEM_DOWN; interrupts are
 * the vectors core injects (1: IPI, 5: timer) and the external line the VM's PLIC drives.
 * Guest time passes as the vCPUs work (each exit and each clock read takes a microsecond) and
 * jumps while they all wait (run_scenario.cc); a vCPU whose time slice is over is preempted by
 * the host's tick, an external-interrupt exit, as on hardware: a CPU that never exits (it only
 * reads the clock) does not keep the others from running.
 */
#include "tests/conformance/sim/machine.h"

#include <pthread.h>

#include <condition_variable>
#include <mutex>

extern "C" {
#include <axvm/vm.h>
#include <sim_vcpu/sim_vcpu.h>

#include "tests/conformance/conf.h"
}

namespace
{

constexpr uint64_t kUart = 0x10000000, kPlic = 0x0c000000;
constexpr uint32_t kUartIrq = 10;
constexpr uint8_t kScratchReg = 1;
constexpr uint64_t kStepNs = 1000; /* the guest time an exit or a clock read takes */

std::mutex lock;
std::condition_variable changed;
SimMachine *machine;
thread_local SimCpu *self;

/* The PLIC context of the calling CPU's S-mode, as the VM template lays them out. */
uint64_t PlicContext()
{
	return 2 * self->s->vcpu_id + 1;
}

/* Hands e to arch_vcpu_run and waits until the vCPU runs again. On teardown the thread ends
 * here. */
void Exchange(const axvm_exit &e, sim_dest dest)
{
	std::unique_lock<std::mutex> l(lock);

	self->exit = e;
	self->dest = dest;
	self->resume = false;
	self->has_exit = true;
	changed.notify_all();
	changed.wait(l, [] { return self->resume || machine->stopping; });
	if (machine->stopping) {
		l.unlock();
		pthread_exit(nullptr);
	}
}

/* Guest time passes; once the vCPU's time slice is over, the host's tick takes the CPU. */
void Spend()
{
	*machine->clock_ns += kStepNs;
	if (*machine->clock_ns >= self->slice_end) {
		axvm_exit tick{};

		tick.kind = AXVM_EXIT_EXTERNAL_INTERRUPT;
		Exchange(tick, {});
	}
}

/* One exit of the guest's own, e. */
void Post(const axvm_exit &e, sim_dest dest = {})
{
	Spend();
	Exchange(e, dest);
}

/* One access exit; true if core completed it (a device), false if it was guest memory that
 * core made present (the guest then performs the access itself). */
bool Access(axvm_exit_kind kind, uint64_t addr, uint8_t width, uint64_t data)
{
	axvm_exit e{};
	uint64_t before = self->s->pc_advances;

	e.kind = kind;
	if (kind == AXVM_EXIT_MMIO_READ)
		e.mmio_read = {addr, width};
	else
		e.mmio_write = {addr, width, data};
	Post(e, {kScratchReg, 8, false});
	return self->s->pc_advances != before;
}

uint64_t Read(uint64_t addr, uint8_t width)
{
	uint64_t value = 0;

	if (Access(AXVM_EXIT_MMIO_READ, addr, width, 0))
		return self->s->gpr[kScratchReg];
	axvm_read_guest(self->vm, addr, &value, width);
	return value;
}

void Write(uint64_t addr, uint8_t width, uint64_t value)
{
	if (!Access(AXVM_EXIT_MMIO_WRITE, addr, width, value))
		axvm_write_guest(self->vm, addr, &value, width);
}

/* Takes the interrupts core delivered since the last look, as a trap handler would. */
void TakeInterrupts()
{
	sim_vcpu *s = self->s;

	if (self->in_handler)
		return;
	self->in_handler = true;
	for (size_t i = 0; i < s->injected_count; i++) {
		if (s->injected[i] == kSimIpiVector)
			self->irqs[CONF_IRQ_IPI]++;
		if (s->injected[i] == kSimTimerVector)
			self->irqs[CONF_IRQ_TIMER]++;
	}
	s->injected_count = 0; /* taken: the sim's record has room for the next ones */
	while (s->line[AXVM_IRQ_LINE_EXTERNAL]) {
		uint64_t claim = kPlic + 0x200004 + 0x1000 * PlicContext();
		uint32_t source = static_cast<uint32_t>(Read(claim, 4));

		if (source == kUartIrq)
			Write(kUart + 1, 1, 0); /* IER: the UART's interrupt off */
		if (source)
			Write(claim, 4, source);
		self->irqs[CONF_IRQ_DEVICE]++;
		if (!source)
			break;
	}
	self->in_handler = false;
}

[[noreturn]] void Park(axvm_exit_kind kind)
{
	axvm_exit e{};

	e.kind = kind;
	for (;;)
		Post(e);
}

/* A power-off or reset request; the vCPU never runs again. */
[[noreturn]] void SystemDown(bool reset)
{
	axvm_exit e{};

	e.kind = AXVM_EXIT_SYSTEM_DOWN;
	e.system_down.reset = reset;
	Post(e);
	Park(AXVM_EXIT_HALT);
}

} // namespace

void SimMachineStart(SimMachine *m)
{
	machine = m;
}

void SimMachineStop()
{
	{
		std::lock_guard<std::mutex> l(lock);
		machine->stopping = true;
		changed.notify_all();
	}
	for (auto &entry : machine->cpus) {
		if (entry.second.thread.joinable())
			entry.second.thread.join();
	}
}

int SimMachineRun(void *ctx, sim_vcpu *s, axvm_exit *exit)
{
	SimCpu &c = machine->cpus[{s->vm_id, s->vcpu_id}];
	std::unique_lock<std::mutex> l(lock);

	(void)ctx;
	c.s = s;
	c.has_exit = false;
	if (!c.started) {
		c.started = true;
		c.vm = axvm_find(s->vm_id);
		c.thread = std::thread([&c] {
			self = &c;
			if (c.s->vcpu_id == 0)
				machine->mains.at(c.s->vm_id)();
			else
				reinterpret_cast<void (*)(unsigned)>(c.s->entry)(c.s->vcpu_id);
			conf_stop_cpu();
		});
	} else {
		c.resume = true;
		changed.notify_all();
	}
	changed.wait(l, [&c] { return c.has_exit; });
	*exit = c.exit;
	s->dest = c.dest;
	return 0;
}

extern "C" {

void conf_puts(const char *s)
{
	for (; *s; s++)
		Write(kUart, 1, static_cast<uint8_t>(*s));
	TakeInterrupts();
}

void conf_poweroff(void)
{
	SystemDown(false);
}

void conf_reset(void)
{
	SystemDown(true);
}

long conf_firmware_version(void)
{
	axvm_exit e{};

	e.kind = AXVM_EXIT_HYPERCALL;
	e.hypercall.nr = kSimHypercallVersion;
	Post(e);
	return static_cast<long>(self->s->return_value);
}

/* The backend's call for it, made from the guest's side as a trap handler would. */
int conf_release_memory(uint64_t addr, uint64_t size)
{
	Spend();
	return sim_vcpu_release_memory(self->s, addr, size);
}

uint64_t conf_read(uint64_t addr, unsigned width)
{
	return Read(addr, static_cast<uint8_t>(width));
}

void conf_write(uint64_t addr, unsigned width, uint64_t value)
{
	Write(addr, static_cast<uint8_t>(width), value);
}

/* A fetch from addr: a nested page fault of an instruction fetch, as the sim reports one. */
void conf_jump(uint64_t addr)
{
	axvm_exit e{};

	e.kind = AXVM_EXIT_NESTED_PAGE_FAULT;
	e.nested_page_fault = {addr, AXVM_ACCESS_EXEC};
	for (;;)
		Post(e);
}

uint64_t conf_now(void)
{
	Spend();
	return *machine->clock_ns;
}

uint64_t conf_ticks_per_ms(void)
{
	return 1000000;
}

void conf_timer_at(uint64_t deadline)
{
	axvm_exit e{};

	self->s->timer_deadline = deadline;
	self->s->timer_soft = true;
	e.kind = AXVM_EXIT_TIMER;
	e.timer.deadline = deadline;
	Post(e);
}

unsigned conf_irqs(enum conf_irq kind)
{
	TakeInterrupts();
	return self->irqs[kind];
}

void conf_wait_irqs(enum conf_irq kind, unsigned count)
{
	axvm_exit e{};

	e.kind = AXVM_EXIT_HALT;
	while (conf_irqs(kind) < count)
		Post(e);
}

int conf_start_cpu(unsigned cpu, void (*fn)(unsigned cpu))
{
	axvm_exit e{};

	e.kind = AXVM_EXIT_CPU_UP;
	e.cpu_up = {cpu, reinterpret_cast<uint64_t>(fn), cpu};
	Post(e);
	return static_cast<int>(self->s->return_value);
}

void conf_send_ipi(unsigned cpu)
{
	axvm_exit e{};

	e.kind = AXVM_EXIT_SEND_IPI;
	e.send_ipi = {1ull << cpu, kSimIpiVector};
	Post(e);
	TakeInterrupts();
}

void conf_stop_cpu(void)
{
	axvm_exit e{};

	e.kind = AXVM_EXIT_CPU_DOWN;
	Post(e);
	Park(AXVM_EXIT_HALT);
}

void conf_uart_irq_once(void)
{
	Write(kPlic + 4 * kUartIrq, 4, 1);				 /* priority */
	Write(kPlic + 0x200000 + 0x1000 * PlicContext(), 4, 0);		 /* threshold */
	Write(kPlic + 0x2000 + 0x80 * PlicContext(), 4, 1u << kUartIrq); /* enable */
	conf_uart_irq(true);
	TakeInterrupts();
}

void conf_uart_irq(bool on)
{
	Write(kUart + 1, 1, on ? 0x02 : 0); /* IER.THRI: THR is empty, the line rises */
}

} // extern "C"
