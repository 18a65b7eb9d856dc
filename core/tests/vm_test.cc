/* Core end to end on the host: VMs built from a configuration, vCPUs run through the sim
 * backend, MMIO dispatched to real device models, stage-2 faults to the address space,
 * interrupts queued and delivered, and every bad guest access stopping only its own VM. */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "core/tests/test_hal.h"

extern "C" {
#include <axdevice/uart.h>
#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <axvm/vcpu.h>
#include <axvm/vm.h>
#include <libfdt.h>
#include <sim_vcpu/sim_vcpu.h>
}

namespace
{

constexpr uint64_t kRam = 0x80000000, kUart = 0x10000000;

/* A guest program: a list of steps, each producing one exit and checking the state left by the
 * previous one. */
using Step = std::function<void(sim_vcpu *, axvm_exit *)>;

int RunProgram(void *ctx, sim_vcpu *v, axvm_exit *exit)
{
	auto *steps = static_cast<std::vector<Step> *>(ctx);
	std::memset(exit, 0, sizeof(*exit));
	if (v->step >= steps->size()) {
		exit->kind = AXVM_EXIT_HALT;
		return 0;
	}
	(*steps)[v->step++](v, exit);
	return 0;
}

/* A guest access exit and, for a read, where the sim puts the value core completes it with. */
struct Access {
	axvm_exit exit;
	sim_dest dest;
};

Access MmioRead(uint64_t addr, uint8_t width, uint8_t reg, bool sign = false, uint8_t reg_width = 8)
{
	Access a{};
	a.exit.kind = AXVM_EXIT_MMIO_READ;
	a.exit.mmio_read = {addr, width};
	a.dest = {reg, reg_width, sign};
	return a;
}

/* The guest program's next exit is the access a. */
void Return(sim_vcpu *s, axvm_exit *e, const Access &a)
{
	*e = a.exit;
	s->dest = a.dest;
}

/* The backend decodes the next stage-2 fault into the access a. */
void Decode(sim_vcpu *s, const Access &a)
{
	s->decoded_mmio = a.exit;
	s->dest = a.dest;
}

Access IoRead(uint16_t port, uint8_t width, uint8_t reg)
{
	Access a{};
	a.exit.kind = AXVM_EXIT_IO_READ;
	a.exit.io_read = {port, width};
	a.dest = {reg, 8, false};
	return a;
}

axvm_exit IoWrite(uint16_t port, uint8_t width, uint64_t data)
{
	axvm_exit e{};
	e.kind = AXVM_EXIT_IO_WRITE;
	e.io_write = {port, width, data};
	return e;
}

axvm_exit MmioWrite(uint64_t addr, uint8_t width, uint64_t data)
{
	axvm_exit e{};
	e.kind = AXVM_EXIT_MMIO_WRITE;
	e.mmio_write = {addr, width, data};
	return e;
}

axvm_exit Fault(uint64_t addr, uint32_t access)
{
	axvm_exit e{};
	e.kind = AXVM_EXIT_NESTED_PAGE_FAULT;
	e.nested_page_fault = {addr, access};
	return e;
}

/* cfg's devices: the PLIC at plic_path and the NS16550A at uart_path of blob (plic_devices). */
void PlicAndUart(axvm_config &cfg, const std::vector<char> &blob, const char *plic_path,
		 uint64_t plic, uint64_t plic_size, const char *uart_path, uint64_t uart)
{
	cfg.fdt = blob.data();
	cfg.device_count = 2;
	cfg.devices[0].node = fdt_path_offset(blob.data(), plic_path);
	std::strcpy(cfg.devices[0].compatible, "sifive,plic-1.0.0");
	cfg.devices[0].gpa = plic;
	cfg.devices[0].size = plic_size;
	cfg.devices[1].node = fdt_path_offset(blob.data(), uart_path);
	std::strcpy(cfg.devices[1].compatible, "ns16550a");
	cfg.devices[1].gpa = uart;
	cfg.devices[1].size = 0x100;
}

class VmTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		std::ifstream in("core/tests/vm/devices.dtb", std::ios::binary);
		ASSERT_TRUE(in.good());
		blob_.assign(std::istreambuf_iterator<char>(in), {});
		sim_set_guest(RunProgram, &steps_);
		base_pages_ = hal_.mm.live();
	}
	void TearDown() override
	{
		for (axvm *vm : vms_)
			axvm_destroy(vm);
		sim_set_guest(nullptr, nullptr);
		sim_set_direct_mmio(false);
		EXPECT_EQ(hal_.heap.live, 0) << "objects leaked";
		EXPECT_EQ(hal_.mm.live(), base_pages_) << "pages leaked";
	}
	/* One VM: vcpus vCPUs, 4 MiB of RAM (alloc, or lazy), and the UART when asked. */
	axvm_config Config(uint32_t id, uint32_t vcpus = 1, bool uart = true, bool lazy = false)
	{
		axvm_config cfg{};
		cfg.id = id;
		std::snprintf(cfg.name, sizeof(cfg.name), "vm%u", id);
		cfg.vcpu_count = vcpus;
		for (uint32_t i = 0; i < AXVM_MAX_VCPUS; i++)
			cfg.vcpu_affinity[i] = -1;
		for (uint32_t i = 0; i < AXVM_MAX_VCPUS; i++)
			cfg.vcpu_guest_id[i] = i;
		cfg.entry = kRam;
		cfg.memory_count = 1;
		cfg.memory[0] = {kRam,	    4 << 20,
				 AXMAP_RWX, lazy ? AXVM_MEM_ALLOC_LAZY : AXVM_MEM_ALLOC,
				 0,	    0x1000};
		if (uart) {
			cfg.device_count = 1;
			cfg.devices[0].node = fdt_path_offset(blob_.data(), "/uart@10000000");
			std::strcpy(cfg.devices[0].compatible, "ns16550a");
			cfg.devices[0].gpa = kUart;
			cfg.devices[0].size = 0x100;
		}
		cfg.fdt = blob_.data();
		return cfg;
	}
	axvm *Create(const axvm_config &cfg, const axvm_images *images = nullptr)
	{
		axvm *vm = nullptr;
		ax_diag diag{};
		EXPECT_EQ(axvm_create(&cfg, images, &vm, &diag), AX_OK) << diag.msg;
		if (vm)
			vms_.push_back(vm);
		return vm;
	}
	/* Boots vm and binds vCPU idx on the current CPU. */
	axvm_vcpu *BootAndBind(axvm *vm, uint32_t idx = 0)
	{
		EXPECT_EQ(axvm_boot(vm), AX_OK);
		axvm_vcpu *v = axvm_vcpu_at(vm, idx);
		EXPECT_EQ(axvm_vcpu_bind(v), AX_OK);
		return v;
	}
	void Destroy(axvm *vm)
	{
		vms_.erase(std::find(vms_.begin(), vms_.end(), vm));
		axvm_destroy(vm);
	}

	TestHal hal_;
	std::vector<char> blob_;
	std::vector<Step> steps_;
	std::vector<axvm *> vms_;
	size_t base_pages_ = 0;
};

TEST_F(VmTest, LifecycleFromCreateToDestroy)
{
	axvm *vm = Create(Config(1));
	ASSERT_NE(vm, nullptr);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_CREATED);
	EXPECT_EQ(axvm_find(1), vm);
	EXPECT_STREQ(axvm_name(vm), "vm1");
	axvm_vcpu *v = axvm_vcpu_at(vm, 0);
	EXPECT_EQ(axvm_vcpu_state(v), AXVM_VCPU_FREE);
	EXPECT_EQ(axvm_vcpu_at(vm, 1), nullptr);
	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_BAD_STATE) << "not booted";
	v = BootAndBind(vm);
	EXPECT_EQ(axvm_vcpu_state(v), AXVM_VCPU_READY);
	EXPECT_EQ(axvm_vcpu_bound_cpu(v), 0);
	sim_vcpu *s = sim_vcpu_find(1, 0);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->entry, kRam);
	EXPECT_TRUE(s->bound);
	EXPECT_NE(s->stage2_root.v, 0u);
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_HALT), 1u);
	EXPECT_EQ(axvm_vcpu_state(v), AXVM_VCPU_READY);
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
	EXPECT_FALSE(s->bound);
	EXPECT_EQ(axvm_boot(vm), AXERR_BAD_STATE) << "booted twice";
	Destroy(vm);
	EXPECT_EQ(axvm_find(1), nullptr);
}

TEST_F(VmTest, StateMachineRejectsBadTransitions)
{
	axvm_config cfg = Config(2, 2);
	cfg.vcpu_affinity[1] = 1;
	axvm *vm = Create(cfg);
	axvm_vcpu *v0 = BootAndBind(vm);
	axvm_vcpu *v1 = axvm_vcpu_at(vm, 1);
	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_bind(v0), AXERR_BAD_STATE) << "bound twice";
	EXPECT_EQ(axvm_vcpu_affinity(v1), 1);
	EXPECT_EQ(axvm_vcpu_affinity(v0), -1);
	EXPECT_EQ(axvm_vcpu_bind(v1), AXERR_INVALID) << "affinity says CPU 1";
	hal_.cpu = 1;
	EXPECT_EQ(axvm_vcpu_unbind(v0), AXERR_BAD_STATE) << "unbind from another CPU";
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	EXPECT_EQ(axvm_vcpu_run(v1, &exit), AXERR_BAD_STATE) << "secondary not powered on";
	EXPECT_EQ(axvm_vcpu_run(v0, &exit), AXERR_BAD_STATE) << "v0 is bound to CPU 0";
	EXPECT_EQ(axvm_vcpu_start(v1, kRam + 0x100, 7), AXERR_BAD_STATE) << "bound: not OFF";
	EXPECT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal_.cpu = 0;
	hal_.notified.clear();
	ASSERT_EQ(axvm_vcpu_start(v1, kRam + 0x100, 7), AX_OK);
	EXPECT_EQ(hal_.notified, std::vector<axvm_vcpu *>{v1}) << "the host learns of it";
	EXPECT_EQ(axvm_vcpu_power(v1), AXVM_VCPU_START_PENDING);
	EXPECT_EQ(axvm_vcpu_start(v1, kRam, 0), AXERR_BAD_STATE) << "started twice";
	EXPECT_EQ(sim_vcpu_find(2, 1)->entry_arg, 7u);
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	EXPECT_EQ(axvm_vcpu_power(v1), AXVM_VCPU_ON) << "it entered the guest";
	EXPECT_STREQ(axvm_vcpu_power_name(AXVM_VCPU_SUSPENDED), "suspended");
	EXPECT_STREQ(axvm_vcpu_state_name(AXVM_VCPU_RUNNING), "running");
	EXPECT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal_.cpu = 0;
	EXPECT_EQ(axvm_vcpu_unbind(v0), AX_OK);
}

TEST_F(VmTest, MmioGoesToTheDeviceAndResultsToTheRegister)
{
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) {
		    Return(s, e, MmioRead(kUart + 5, 1, 10)); /* LSR */
	    },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kUart, 1, 'h'); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kUart, 1, 'i'); },
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = MmioWrite(kUart + 7, 1, 0x80); /* SCR */
	    },
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 7, 1, 11, true)); },
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 7, 1, 12, true, 4)); },
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 7, 1, 13, false)); },
	};
	axvm *vm = Create(Config(3));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT) << "every MMIO exit was handled inside the loop";
	sim_vcpu *s = sim_vcpu_find(3, 0);
	EXPECT_EQ(s->gpr[10] & 0x60, 0x60u) << "LSR: THRE and TEMT";
	EXPECT_EQ(hal_.console[3], "hi");
	EXPECT_EQ(s->gpr[11], 0xffffffffffffff80ull) << "sign-extended byte";
	EXPECT_EQ(s->gpr[12], 0xffffff80ull) << "sign-extended into a 32-bit register";
	EXPECT_EQ(s->gpr[13], 0x80u) << "zero-extended";
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_WRITE), 3u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_READ), 4u);
}

/* A configured device on an ISA bus is in the port space: port I/O exits reach it, an MMIO access
 * at the same number does not. */
TEST_F(VmTest, PortIoGoesToTheIsaDevice)
{
	constexpr uint16_t kCom1 = 0x3f8;
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) {
		    Return(s, e, IoRead(kCom1 + 5, 1, 10)); /* LSR */
	    },
	    [](sim_vcpu *, axvm_exit *e) { *e = IoWrite(kCom1, 1, 'o'); },
	    [](sim_vcpu *, axvm_exit *e) { *e = IoWrite(kCom1, 1, 'k'); },
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kCom1, 1, 11)); },
	};
	axvm_config cfg = Config(32, 1, false);
	cfg.device_count = 1;
	cfg.devices[0].node = fdt_path_offset(blob_.data(), "/isa/serial@i3f8");
	std::strcpy(cfg.devices[0].compatible, "ns16550a");
	axvm *vm = Create(cfg);
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_NOT_FOUND) << "nothing at MMIO 0x3f8";
	EXPECT_NE(std::string(axvm_stop_reason(vm)).find("MMIO read of 1 bytes at 0x3f8"),
		  std::string::npos)
	    << axvm_stop_reason(vm);
	sim_vcpu *s = sim_vcpu_find(32, 0);
	EXPECT_EQ(s->gpr[10], 0x60u) << "LSR: THRE and TEMT";
	EXPECT_EQ(hal_.console[32], "ok");
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_IO_READ), 1u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_IO_WRITE), 2u);
}

/* The same accesses made as a backend that decodes them makes them, straight through
 * vm_ops.mmio_read/mmio_write: the device answers, the backend completes, each is counted
 * once. */
TEST_F(VmTest, DirectAccessesReachTheDeviceAndAreCountedOnce)
{
	sim_set_direct_mmio(true);
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 5, 1, 10)); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kUart, 1, 'h'); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kUart, 1, 'i'); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kUart + 7, 1, 0x80); },
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 7, 1, 11, true)); },
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 7, 1, 13, false)); },
	};
	axvm *vm = Create(Config(30));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	sim_vcpu *s = sim_vcpu_find(30, 0);
	EXPECT_EQ(s->direct_accesses, 6u) << "none went through handle_exit";
	EXPECT_EQ(s->pc_advances, 6u);
	EXPECT_EQ(s->gpr[10] & 0x60, 0x60u) << "LSR: THRE and TEMT";
	EXPECT_EQ(hal_.console[30], "hi");
	EXPECT_EQ(s->gpr[11], 0xffffffffffffff80ull) << "sign-extended byte";
	EXPECT_EQ(s->gpr[13], 0x80u) << "zero-extended";
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_WRITE), 3u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_READ), 3u);
}

/* A direct access that fails stops the VM, which leaves on the access, not completed. */
TEST_F(VmTest, ADirectAccessThatFailsStopsTheVmOnTheAccess)
{
	sim_set_direct_mmio(true);
	steps_ = {[](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(0x20000000, 4, 1)); }};
	axvm *vm = Create(Config(31));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_NOT_FOUND);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_STOPPED);
	EXPECT_NE(std::string(axvm_stop_reason(vm)).find("MMIO read of 4 bytes at 0x20000000"),
		  std::string::npos)
	    << axvm_stop_reason(vm);
	EXPECT_EQ(exit.kind, AXVM_EXIT_MMIO_READ);
	EXPECT_EQ(exit.mmio_read.addr, 0x20000000u);
	EXPECT_EQ(exit.mmio_read.width, 4u);
	EXPECT_EQ(sim_vcpu_find(31, 0)->pc_advances, 0u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_READ), 1u);
}

/* An access the device completed is completed by the backend even when the VM was paused
 * meanwhile; the vCPU then leaves, and goes on after the resume. Both ways of handing core an
 * access. */
TEST_F(VmTest, AnAccessCompletesWhenTheVmPausesMeanwhileAndTheVcpuThenLeaves)
{
	for (bool direct : {false, true}) {
		uint32_t id = direct ? 33 : 32;
		axvm *vm = nullptr;

		sim_set_direct_mmio(direct);
		steps_ = {
		    [&vm](sim_vcpu *s, axvm_exit *e) {
			    EXPECT_EQ(axvm_pause(vm), AX_OK);
			    Return(s, e, MmioRead(kUart + 5, 1, 4));
		    },
		    [](sim_vcpu *, axvm_exit *e) { e->kind = AXVM_EXIT_HYPERCALL; },
		};
		vm = Create(Config(id));
		axvm_vcpu *v = BootAndBind(vm);
		axvm_exit exit;
		ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
		sim_vcpu *s = sim_vcpu_find(id, 0);
		EXPECT_EQ(exit.kind, AXVM_EXIT_NOTHING) << "direct " << direct;
		EXPECT_EQ(s->pc_advances, 1u) << "completed before it left; direct " << direct;
		EXPECT_EQ(s->gpr[4] & 0x60, 0x60u);
		EXPECT_EQ(s->direct_accesses, direct ? 1u : 0u);
		EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_BAD_STATE) << "paused";
		ASSERT_EQ(axvm_resume(vm), AX_OK);
		ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
		EXPECT_EQ(exit.kind, AXVM_EXIT_HYPERCALL) << "the next exit; direct " << direct;
		EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
	}
}

TEST_F(VmTest, ConsoleInputReachesTheGuest)
{
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 5, 1, 1)); },
	    [](sim_vcpu *s, axvm_exit *e) {
		    Return(s, e, MmioRead(kUart, 1, 2)); /* RBR */
	    },
	};
	axvm *vm = Create(Config(4));
	axvm_vcpu *v = BootAndBind(vm);
	const uint8_t in[] = {'x'};
	EXPECT_EQ(axvm_console_input(vm, in, 1), 1u);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	sim_vcpu *s = sim_vcpu_find(4, 0);
	EXPECT_EQ(s->gpr[1] & 1, 1u) << "LSR.DR";
	EXPECT_EQ(s->gpr[2], uint64_t('x'));
}

TEST_F(VmTest, AGuestWaitingForInputIsReportedToTheHostOnce)
{
	steps_.clear();
	for (int i = 0; i < AXDEVICE_UART_IDLE_READS; i++)
		steps_.push_back(
		    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 5, 1, 1)); });
	steps_.push_back([this](sim_vcpu *s, axvm_exit *e) {
		EXPECT_EQ(hal_.idle[7], 1u) << "the guest keeps finding the receiver empty";
		Return(s, e, MmioRead(kUart + 5, 1, 1));
	});
	axvm *vm = Create(Config(7));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(hal_.idle[7], 1u) << "once per stretch";
}

TEST_F(VmTest, WithoutAConsoleUartInputGoesToTheFirmwareConsole)
{
	steps_ = {[](sim_vcpu *, axvm_exit *e) { e->kind = AXVM_EXIT_HALT; }};
	axvm *vm = Create(Config(8, 1, false));
	BootAndBind(vm);
	std::vector<uint8_t> in(100, 'z');
	in[0] = 'a';
	EXPECT_EQ(axvm_console_input(vm, in.data(), in.size()), 64u) << "64 bytes wait at most";
	sim_vcpu *s = sim_vcpu_find(8, 0);
	EXPECT_EQ(sim_vcpu_console_getc(s), 'a');
	for (int i = 1; i < 64; i++)
		EXPECT_EQ(sim_vcpu_console_getc(s), 'z');
	EXPECT_EQ(sim_vcpu_console_getc(s), -1) << "nothing more";
	EXPECT_EQ(axvm_console_input(vm, in.data(), 1), 1u) << "room again";
	EXPECT_EQ(sim_vcpu_console_getc(s), 'a');
}

TEST_F(VmTest, BadGuestAccessesStopOnlyTheirOwnVm)
{
	struct Case {
		const char *what;
		Access access;
		int err;
		const char *reason;
	} cases[] = {
	    {"no device", MmioRead(0x20000000, 4, 1), AXERR_NOT_FOUND,
	     "vcpu 0 at pc 0x80000444: MMIO read of 4 bytes at 0x20000000: not found"},
	    {"write to no device",
	     {MmioWrite(0x30000000, 8, 1), {}},
	     AXERR_NOT_FOUND,
	     "MMIO write of 8 bytes at 0x30000000"},
	    {"bad width", MmioRead(kUart, 3, 1), AXERR_INVALID, "MMIO read of 3 bytes"},
	    {"no such register", MmioRead(kUart + 5, 1, 99), AXERR_INVALID, "at 0x10000005"},
	    {"undecodable access outside memory",
	     {Fault(0x1000, AXVM_ACCESS_READ), {}},
	     AXERR_INVALID,
	     "read at guest-physical 0x1000 outside memory by an instruction that cannot be "
	     "emulated"},
	    {"fetch outside memory",
	     {Fault(0x40000000, AXVM_ACCESS_EXEC), {}},
	     AXERR_NOT_MAPPED,
	     "instruction fetch at guest-physical 0x40000000"},
	};
	/* A neighbour VM that must keep running after each bad one stops. */
	std::vector<Step> quiet;
	sim_set_guest(RunProgram, &quiet);
	axvm *good = Create(Config(100, 1, false));
	axvm_vcpu *gv = BootAndBind(good);
	uint32_t id = 10;
	for (const Case &c : cases) {
		steps_ = {[&c](sim_vcpu *s, axvm_exit *e) {
			s->pc = kRam + 0x444;
			Return(s, e, c.access);
		}};
		sim_set_guest(RunProgram, &steps_);
		axvm *vm = Create(Config(id));
		axvm_vcpu *v = BootAndBind(vm);
		axvm_exit exit;
		EXPECT_EQ(axvm_vcpu_run(v, &exit), c.err) << c.what;
		EXPECT_EQ(axvm_state(vm), AXVM_STATE_STOPPED) << c.what;
		EXPECT_TRUE(axvm_stopped_by_error(vm)) << c.what;
		EXPECT_NE(std::string(axvm_stop_reason(vm)).find(c.reason), std::string::npos)
		    << c.what << ": " << axvm_stop_reason(vm);
		EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_BAD_STATE) << "a stopped VM stays stopped";
		EXPECT_EQ(axvm_vcpu_state(v), AXVM_VCPU_READY);
		EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
		EXPECT_EQ(axvm_state(good), AXVM_STATE_RUNNING) << c.what;
		ASSERT_EQ(axvm_vcpu_run(gv, &exit), AX_OK) << c.what;
		EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
		id++;
	}
}

TEST_F(VmTest, FaultsOutsideMemoryAreDecodedIntoMmio)
{
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) {
		    Decode(s, MmioRead(kUart + 5, 1, 9));
		    *e = Fault(kUart + 5, AXVM_ACCESS_READ);
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    s->decoded_mmio = MmioWrite(kUart, 1, '!');
		    *e = Fault(kUart, AXVM_ACCESS_WRITE);
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    Decode(s, MmioRead(0x20000000, 8, 9));
		    *e = Fault(0x20000000, AXVM_ACCESS_READ);
	    },
	};
	axvm *vm = Create(Config(15));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_NOT_FOUND) << "the third access has no device";
	sim_vcpu *s = sim_vcpu_find(15, 0);
	EXPECT_EQ(s->gpr[9] & 0x60, 0x60u) << "LSR arrived in x9";
	EXPECT_EQ(hal_.console[15], "!");
	EXPECT_EQ(s->pc_advances, 2u) << "the access that failed stays on its instruction";
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_NESTED_PAGE_FAULT), 0u)
	    << "each access counted once, as what it turned out to be";
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_READ), 2u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_WRITE), 1u);
	EXPECT_NE(std::string(axvm_stop_reason(vm)).find("MMIO read of 8 bytes at 0x20000000"),
		  std::string::npos)
	    << axvm_stop_reason(vm);
}

TEST_F(VmTest, FaultsTheBackendReflectsResumeTheGuest)
{
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) {
		    s->decode_reflects = true;
		    *e = Fault(kUart, AXVM_ACCESS_READ);
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    s->decode_reflects = true;
		    *e = Fault(kUart + 0x1000, AXVM_ACCESS_EXEC);
	    },
	};
	axvm *vm = Create(Config(17));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT) << "the guest ran on to its next exit";
	sim_vcpu *s = sim_vcpu_find(17, 0);
	EXPECT_EQ(s->reflected, 2u) << "a load's walk and a fetch's";
	EXPECT_EQ(s->pc_advances, 0u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_READ), 0u);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_RUNNING);
}

TEST_F(VmTest, WritesToReadOnlyMemoryStopTheVm)
{
	steps_ = {[](sim_vcpu *, axvm_exit *e) { *e = Fault(kRam + 0x10, AXVM_ACCESS_WRITE); }};
	axvm_config cfg = Config(16, 1, false);
	cfg.memory[0].flags = AXMAP_READ | AXMAP_EXEC;
	axvm *vm = Create(cfg);
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_PERMISSION);
	EXPECT_NE(std::string(axvm_stop_reason(vm))
		      .find("stage-2 fault: write at guest-physical 0x80000010: permission denied"),
		  std::string::npos)
	    << axvm_stop_reason(vm);
	EXPECT_EQ(sim_vcpu_find(16, 0)->pc_advances, 0u) << "a memory fault never skips";
}

TEST_F(VmTest, LazyMemoryIsPopulatedInsideTheLoop)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) { *e = Fault(kRam + 0x3000, AXVM_ACCESS_WRITE); },
	    [](sim_vcpu *, axvm_exit *e) { *e = Fault(kRam + 0x5000, AXVM_ACCESS_EXEC); },
	};
	axvm *vm = Create(Config(5, 1, false, true));
	EXPECT_EQ(axvm_allocated_bytes(vm), 0u) << "lazy RAM starts empty";
	axvm_vcpu *v = BootAndBind(vm);
	uint32_t word = 0x12345678, back = 0;
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_NESTED_PAGE_FAULT), 2u);
	EXPECT_EQ(axvm_allocated_bytes(vm), 2 * 4096u) << "one page per fault";
	ASSERT_EQ(axvm_write_guest(vm, kRam + 0x3000, &word, 4), AX_OK);
	ASSERT_EQ(axvm_read_guest(vm, kRam + 0x3000, &back, 4), AX_OK);
	EXPECT_EQ(back, word);
}

TEST_F(VmTest, DecodedAccessesToLazyMemoryArePageFaultsTheGuestRetries)
{
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kRam + 0x9004, 4, 3)); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kRam + 0xa000, 8, 7); },
	};
	axvm *vm = Create(Config(6, 1, false, true));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	EXPECT_EQ(axvm_allocated_bytes(vm), 2 * 4096u) << "both pages populated";
	EXPECT_EQ(sim_vcpu_find(6, 0)->pc_advances, 0u) << "never completed: the guest retries";
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_NESTED_PAGE_FAULT), 2u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_READ), 0u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_WRITE), 0u);
}

TEST_F(VmTest, DirectAccessesToLazyMemoryArePageFaultsTheGuestRetries)
{
	sim_set_direct_mmio(true);
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kRam + 0x9004, 4, 3)); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kRam + 0xa000, 8, 7); },
	};
	axvm *vm = Create(Config(34, 1, false, true));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	EXPECT_EQ(axvm_allocated_bytes(vm), 2 * 4096u) << "both pages populated";
	sim_vcpu *s = sim_vcpu_find(34, 0);
	EXPECT_EQ(s->direct_accesses, 2u);
	EXPECT_EQ(s->pc_advances, 0u) << "never completed: the guest retries";
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_NESTED_PAGE_FAULT), 2u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_READ), 0u);
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_MMIO_WRITE), 0u);
}

/* The host changes a running VM's memory: every change reaches the CPUs' TLBs (for the VM's
 * stage-2 tag) before the call returns, a 2 MiB block is split break-before-make, and the
 * guest then finds the new mapping. */
TEST_F(VmTest, MemoryChangedWhileTheVmRunsIsForgottenByEveryCpu)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) { *e = Fault(kRam + 0x10, AXVM_ACCESS_WRITE); },
	};
	axvm *vm = Create(Config(19, 1, false));
	axvm_vcpu *v = BootAndBind(vm);
	uint16_t vmid = sim_vcpu_find(19, 0)->vmid;
	const sim_invalidation *inv = nullptr;
	uint64_t before = axvm_allocated_bytes(vm);

	sim_stage2_reset();
	ASSERT_EQ(axvm_unmap_memory(vm, kRam + 0x201000, 0x1000), AX_OK);
	size_t n = sim_stage2_invalidations(&inv);
	ASSERT_GE(n, 2u);
	EXPECT_EQ(inv[0].vmid, vmid);
	EXPECT_EQ(inv[0].gpa, kRam + 0x200000) << "the 2 MiB block, broken before it is split";
	EXPECT_EQ(inv[0].size, 0x200000u);
	EXPECT_EQ(inv[n - 1].vmid, vmid);
	EXPECT_LE(inv[n - 1].gpa, kRam + 0x201000) << "the page taken out";
	EXPECT_GE(inv[n - 1].gpa + inv[n - 1].size, kRam + 0x202000);
	EXPECT_GE(sim_stage2_syncs(), 1u);
	EXPECT_EQ(axvm_allocated_bytes(vm), before - 0x1000) << "the page went back";
	uint8_t byte = 0;
	EXPECT_EQ(axvm_read_guest(vm, kRam + 0x201000, &byte, 1), AXERR_NOT_MAPPED);
	EXPECT_EQ(axvm_read_guest(vm, kRam + 0x202000, &byte, 1), AX_OK) << "the rest stays";

	sim_stage2_reset();
	ASSERT_EQ(axvm_protect_memory(vm, kRam, 0x201000, AXMAP_READ | AXMAP_EXEC), AX_OK);
	n = sim_stage2_invalidations(&inv);
	ASSERT_GE(n, 1u);
	EXPECT_EQ(inv[n - 1].vmid, vmid);
	EXPECT_LE(inv[n - 1].gpa, kRam);
	EXPECT_GE(inv[n - 1].gpa + inv[n - 1].size, kRam + 0x201000);

	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_PERMISSION) << "the guest's write now faults";
	EXPECT_NE(std::string(axvm_stop_reason(vm)).find("write at guest-physical 0x80000010"),
		  std::string::npos)
	    << axvm_stop_reason(vm);
}

/* The guest gives a page back while it runs: the page is freed, every CPU forgets it, and it
 * reads as zeroes when touched again. */
TEST_F(VmTest, MemoryTheGuestReleasesIsFreedAndComesBackZeroed)
{
	axvm *vm = Create(Config(21, 1, false));
	BootAndBind(vm);
	sim_vcpu *s = sim_vcpu_find(21, 0);
	const uint32_t pattern = 0x5a5aa5a5;
	ASSERT_EQ(axvm_write_guest(vm, kRam + 0x203000, &pattern, sizeof(pattern)), AX_OK);
	uint64_t before = axvm_allocated_bytes(vm);
	const sim_invalidation *inv = nullptr;

	sim_stage2_reset();
	ASSERT_EQ(sim_vcpu_release_memory(s, kRam + 0x203000, 0x1000), AX_OK);
	size_t n = sim_stage2_invalidations(&inv);
	ASSERT_GE(n, 1u);
	EXPECT_EQ(inv[n - 1].vmid, s->vmid);
	EXPECT_LE(inv[n - 1].gpa, kRam + 0x203000);
	EXPECT_GE(inv[n - 1].gpa + inv[n - 1].size, kRam + 0x204000);
	EXPECT_EQ(axvm_allocated_bytes(vm), before - 0x1000);
	uint32_t back = 1;
	ASSERT_EQ(axvm_read_guest(vm, kRam + 0x203000, &back, sizeof(back)), AX_OK);
	EXPECT_EQ(back, 0u) << "a fresh page";
	EXPECT_EQ(axvm_allocated_bytes(vm), before) << "populated again";

	EXPECT_EQ(sim_vcpu_release_memory(s, kRam + 0x203004, 0x1000), AXERR_INVALID);
	EXPECT_EQ(sim_vcpu_release_memory(s, 0x1000, 0x1000), AXERR_NOT_MAPPED);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_RUNNING) << "refusals stop nothing";
}

/* The guest's own CPU ids reach the backend and name vCPUs (a CPU-start request, an interrupt
 * controller's target). */
TEST_F(VmTest, GuestCpuIdsMapToVcpus)
{
	axvm_config cfg = Config(20, 2, false);
	cfg.vcpu_guest_id[0] = 0x100;
	cfg.vcpu_guest_id[1] = 0x1;
	axvm *vm = Create(cfg);
	EXPECT_EQ(sim_vcpu_find(20, 0)->guest_id, 0x100u);
	EXPECT_EQ(sim_vcpu_find(20, 1)->guest_id, 0x1u);
	EXPECT_EQ(axvm_vcpu_by_guest_id(vm, 0x1), axvm_vcpu_at(vm, 1));
	EXPECT_EQ(axvm_vcpu_by_guest_id(vm, 0x100), axvm_vcpu_at(vm, 0));
	EXPECT_EQ(axvm_vcpu_by_guest_id(vm, 0), nullptr) << "no CPU 0 in this guest";
}

TEST_F(VmTest, HostExitsComeBackWithTheirData)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) {
		    e->kind = AXVM_EXIT_HYPERCALL;
		    e->hypercall.nr = 0x42;
		    e->hypercall.args[5] = 6;
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    EXPECT_EQ(s->return_value, 99u) << "the host's answer arrived";
		    e->kind = AXVM_EXIT_CPU_UP;
		    e->cpu_up = {1, kRam + 0x40, 0xabc};
	    },
	    [](sim_vcpu *, axvm_exit *e) {
		    e->kind = AXVM_EXIT_TIMER;
		    e->timer.deadline = 1234;
	    },
	    [](sim_vcpu *, axvm_exit *e) {
		    e->kind = AXVM_EXIT_SYSTEM_DOWN;
		    e->system_down.reset = false;
	    },
	};
	axvm *vm = Create(Config(6, 2));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	ASSERT_EQ(exit.kind, AXVM_EXIT_HYPERCALL);
	EXPECT_EQ(exit.hypercall.nr, 0x42u);
	EXPECT_EQ(exit.hypercall.args[5], 6u);
	axvm_vcpu_set_return_value(v, 99);
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	ASSERT_EQ(exit.kind, AXVM_EXIT_CPU_UP);
	axvm_vcpu *v1 = axvm_vcpu_at(vm, (uint32_t)exit.cpu_up.target);
	ASSERT_EQ(axvm_vcpu_start(v1, exit.cpu_up.entry, exit.cpu_up.arg), AX_OK);
	EXPECT_TRUE(axvm_vcpu_runnable(v1));
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	ASSERT_EQ(exit.kind, AXVM_EXIT_TIMER) << "the host re-arms its timer";
	EXPECT_EQ(exit.timer.deadline, 1234u);
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_SYSTEM_DOWN);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_STOPPED);
	EXPECT_STREQ(axvm_stop_reason(vm), "the guest powered off (vcpu 0 at pc 0x80000000)");
	EXPECT_FALSE(axvm_stopped_by_error(vm));
	EXPECT_FALSE(axvm_vcpu_runnable(v1)) << "its VM is stopped";
}

TEST_F(VmTest, InterruptsAreQueuedNotifiedAndDeliveredOnTheOwningCpu)
{
	axvm *vm = Create(Config(7, 2, false));
	axvm_vcpu *v0 = BootAndBind(vm);
	axvm_vcpu *v1 = axvm_vcpu_at(vm, 1);
	ASSERT_EQ(axvm_vcpu_start(v1, kRam, 0), AX_OK);
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	hal_.cpu = 0;
	hal_.notified.clear();
	ASSERT_EQ(axvm_inject_interrupt(vm, 0b11, 33), AX_OK);
	EXPECT_EQ(hal_.notified, (std::vector<axvm_vcpu *>{v0, v1})) << "the host hears of both";
	EXPECT_TRUE(axvm_vcpu_has_queued_interrupts(v1));
	sim_vcpu *s0 = sim_vcpu_find(7, 0), *s1 = sim_vcpu_find(7, 1);
	EXPECT_EQ(s1->injected_count, 0u) << "not injected from a foreign CPU";
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	ASSERT_EQ(s0->injected_count, 1u);
	EXPECT_EQ(s0->injected[0], 33u);
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	ASSERT_EQ(s1->injected_count, 1u);
	EXPECT_EQ(s1->injected[0], 33u);
	EXPECT_FALSE(axvm_vcpu_has_queued_interrupts(v1)) << "delivered";
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	EXPECT_EQ(s1->injected_count, 1u) << "delivered once";
	EXPECT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	EXPECT_EQ(axvm_inject_interrupt(vm, 0b100, 1), AXERR_INVALID) << "no vCPU 2";
	EXPECT_EQ(axvm_inject_interrupt(vm, 0, 1), AXERR_INVALID);
	EXPECT_EQ(axvm_inject_interrupt(vm, 1, 5000), AXERR_INVALID);
	EXPECT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal_.cpu = 0;
}

TEST_F(VmTest, ALineWhoseParentIsNoEmulatedControllerGoesNowhere)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = MmioWrite(kUart + 1, 1, 0x02); /* IER.ETBEI */
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    Return(s, e, MmioRead(kUart + 2, 1, 3)); /* IIR */
	    },
	};
	axvm *vm = Create(Config(8));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	sim_vcpu *s = sim_vcpu_find(8, 0);
	EXPECT_EQ(s->gpr[3] & 0xf, 0x2u) << "IIR: THR empty, the UART's own view";
	EXPECT_EQ(s->injected_count, 0u) << "no edge on vCPU 0";
	EXPECT_EQ(s->line_changes, 0u);
}

/* UART line 10 -> PLIC source 10 -> context 1 (hart 0, S-mode) -> vCPU 0's external line,
 * held high while the interrupt is pending and dropped by the claim and the UART's own clear. */
TEST_F(VmTest, DeviceLinesGoThroughThePlicAsLevels)
{
	constexpr uint64_t kPlic = 0xc000000;
	std::ifstream in("core/tests/vm/plic_devices.dtb", std::ios::binary);
	std::vector<char> blob(std::istreambuf_iterator<char>(in), {});
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = MmioWrite(kPlic + 4 * 10, 4, 1); /* priority */
	    },
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = MmioWrite(kPlic + 0x2080, 4, 1 << 10); /* ctx 1 */
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    EXPECT_FALSE(s->line[AXVM_IRQ_LINE_EXTERNAL]);
		    *e = MmioWrite(kUart + 1, 1, 0x02); /* IER.ETBEI: THR empty raises line 10 */
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    EXPECT_TRUE(s->line[AXVM_IRQ_LINE_EXTERNAL]) << "S-mode external line high";
		    Return(s, e, MmioRead(kPlic + 0x201004, 4, 5)); /* claim, context 1 */
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    EXPECT_EQ(s->gpr[5], 10u) << "the UART's source";
		    EXPECT_FALSE(s->line[AXVM_IRQ_LINE_EXTERNAL])
			<< "claimed: nothing else pending";
		    *e = MmioWrite(kUart + 1, 1, 0); /* the guest turns the interrupt off */
	    },
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = MmioWrite(kPlic + 0x201004, 4, 10); /* complete */
	    },
	};
	axvm_config cfg = Config(17);
	PlicAndUart(cfg, blob, "/plic@c000000", kPlic, 0x600000, "/uart@10000000", kUart);
	axvm *vm = Create(cfg);
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	sim_vcpu *s = sim_vcpu_find(17, 0);
	EXPECT_FALSE(s->line[AXVM_IRQ_LINE_EXTERNAL]);
	EXPECT_EQ(s->line_changes, 2u) << "one rise, one fall";
	EXPECT_EQ(s->injected_count, 0u) << "no edge injection when a PLIC routes the line";
	EXPECT_EQ(axvm_set_irq_line(vm, 1, AXVM_IRQ_LINE_EXTERNAL, true), AXERR_INVALID)
	    << "no vCPU 1";
	EXPECT_EQ(axvm_set_irq_line(vm, 0, AXVM_IRQ_LINES, true), AXERR_INVALID);
}

/* A PLIC whose contexts name CPU nodes: context 0 is hart 1's, so vCPU 1's line rises and
 * vCPU 0's does not; the interrupt is raised by vCPU 0's access. */
TEST_F(VmTest, PlicContextsReachTheHartTheirCpuNodeNames)
{
	constexpr uint64_t kPlic = 0xd000000, kUart2 = 0x10001000;
	std::ifstream in("core/tests/vm/plic_devices.dtb", std::ios::binary);
	std::vector<char> blob(std::istreambuf_iterator<char>(in), {});
	/* Both vCPUs run this program; for vCPU 1 it changes nothing. */
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kPlic + 4 * 7, 4, 1); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kPlic + 0x2000, 4, 1 << 7); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kUart2 + 1, 1, 0x02); },
	};
	axvm_config cfg = Config(18, 2, false);
	PlicAndUart(cfg, blob, "/plic@d000000", kPlic, 0x400000, "/uart@10001000", kUart2);
	axvm *vm = Create(cfg);
	axvm_vcpu *v0 = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	EXPECT_FALSE(sim_vcpu_find(18, 0)->line[AXVM_IRQ_LINE_EXTERNAL]);
	ASSERT_EQ(axvm_vcpu_start(axvm_vcpu_at(vm, 1), kRam, 0), AX_OK);
	hal_.cpu = 1;
	axvm_vcpu *v1 = axvm_vcpu_at(vm, 1);
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	EXPECT_EQ(sim_vcpu_find(18, 1)->bound_cpu, 1u) << "the backend learns its CPU from the HAL";
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	EXPECT_TRUE(sim_vcpu_find(18, 1)->line[AXVM_IRQ_LINE_EXTERNAL])
	    << "hart 1's S-mode external line, delivered on its own CPU";
	EXPECT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal_.cpu = 0;
}

/* COM1's line -> I/O APIC pin 4 -> a message to APIC ID 1 -> vector 0x30 queued for vCPU 1
 * (through the cpu host's send_vector) and injected when it next enters the guest; vCPU 0,
 * whose access raised the line, gets nothing. The UART comes first in the configuration: the
 * interrupt controllers are built first. */
TEST_F(VmTest, DeviceLinesGoThroughTheIoapicAsVectors)
{
	constexpr uint64_t kIoapic = 0xfec00000;
	constexpr uint16_t kCom1 = 0x3f8;
	std::ifstream in("core/tests/vm/ioapic_devices.dtb", std::ios::binary);
	std::vector<char> blob(std::istreambuf_iterator<char>(in), {});
	/* Both vCPUs run this program; for vCPU 1 it changes nothing. */
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kIoapic, 4, 0x19); }, /* entry 4 high */
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kIoapic + 0x10, 4, 0x01000000); },
	    [](sim_vcpu *, axvm_exit *e) { *e = MmioWrite(kIoapic, 4, 0x18); }, /* entry 4 low */
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = MmioWrite(kIoapic + 0x10, 4, 0x30); /* vector 0x30, edge, unmasked */
	    },
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = IoWrite(kCom1 + 1, 1, 0x02); /* IER.ETBEI: THR empty raises line 4 */
	    },
	};
	axvm_config cfg = Config(19, 2, false);
	cfg.fdt = blob.data();
	cfg.device_count = 2;
	cfg.devices[0].node = fdt_path_offset(blob.data(), "/isa/serial@i3f8");
	std::strcpy(cfg.devices[0].compatible, "ns16550a");
	cfg.devices[1].node = fdt_path_offset(blob.data(), "/interrupt-controller@fec00000");
	std::strcpy(cfg.devices[1].compatible, "intel,ce4100-ioapic");
	cfg.devices[1].gpa = kIoapic;
	cfg.devices[1].size = 0x1000;
	axvm *vm = Create(cfg);
	axvm_vcpu *v0 = BootAndBind(vm);
	axvm_vcpu *v1 = axvm_vcpu_at(vm, 1);
	ASSERT_EQ(axvm_vcpu_start(v1, kRam, 0), AX_OK); /* before: a start clears its queue */
	axvm_exit exit;
	hal_.notified.clear();
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	EXPECT_EQ(sim_vcpu_find(19, 0)->injected_count, 0u) << "not vCPU 0's";
	EXPECT_TRUE(axvm_vcpu_has_queued_interrupts(v1));
	EXPECT_NE(std::find(hal_.notified.begin(), hal_.notified.end(), v1), hal_.notified.end())
	    << "the host hears of vCPU 1";
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	sim_vcpu *s1 = sim_vcpu_find(19, 1);
	ASSERT_EQ(s1->injected_count, 1u);
	EXPECT_EQ(s1->injected[0], 0x30u);
	EXPECT_EQ(sim_vcpu_find(19, 0)->injected_count, 0u);
	EXPECT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal_.cpu = 0;
}

TEST_F(VmTest, ImagesAreLoadedAndTheDtbAddressPassed)
{
	axvm_config cfg = Config(9);
	cfg.image_count = 2;
	cfg.images[0] = {AXVM_IMAGE_KERNEL, kRam, 0};
	cfg.images[1] = {AXVM_IMAGE_DTB, kRam + (2 << 20), 0x10000};
	const char kernel[] = "\x13\x00\x00\x00kernel";
	axvm_images images{};
	images.data[AXVM_IMAGE_KERNEL] = kernel;
	images.size[AXVM_IMAGE_KERNEL] = sizeof(kernel);
	images.data[AXVM_IMAGE_DTB] = blob_.data();
	images.size[AXVM_IMAGE_DTB] = blob_.size();
	axvm *vm = Create(cfg, &images);
	char back[sizeof(kernel)];
	ASSERT_EQ(axvm_read_guest(vm, kRam, back, sizeof(back)), AX_OK);
	EXPECT_EQ(std::memcmp(back, kernel, sizeof(kernel)), 0);
	BootAndBind(vm);
	EXPECT_EQ(sim_vcpu_find(9, 0)->entry_arg, kRam + (2 << 20));
}

TEST_F(VmTest, CreateFailuresAreCleanAndExplained)
{
	ASSERT_NE(Create(Config(11)), nullptr);
	axvm *vm = nullptr;
	ax_diag diag{};
	axvm_config dup = Config(11);
	EXPECT_EQ(axvm_create(&dup, nullptr, &vm, &diag), AXERR_EXISTS);
	EXPECT_NE(std::string(diag.msg).find("id already in use"), std::string::npos) << diag.msg;

	axvm_config missing = Config(12);
	missing.image_count = 1;
	missing.images[0] = {AXVM_IMAGE_KERNEL, kRam, 0};
	EXPECT_EQ(axvm_create(&missing, nullptr, &vm, &diag), AXERR_BAD_CONFIG);
	EXPECT_NE(
	    std::string(diag.msg).find("/images/kernel is configured but no kernel was supplied"),
	    std::string::npos)
	    << diag.msg;

	axvm_config unwanted = Config(12);
	axvm_images initrd{};
	initrd.data[AXVM_IMAGE_INITRD] = "cpio";
	initrd.size[AXVM_IMAGE_INITRD] = 4;
	EXPECT_EQ(axvm_create(&unwanted, &initrd, &vm, &diag), AXERR_BAD_CONFIG);
	EXPECT_NE(
	    std::string(diag.msg).find("initrd supplied, but /images/initrd is not configured"),
	    std::string::npos)
	    << diag.msg;

	axvm_config outside = missing;
	axvm_images images{};
	char big[64] = {};
	images.data[AXVM_IMAGE_KERNEL] = big;
	images.size[AXVM_IMAGE_KERNEL] = sizeof(big);
	outside.images[0].load_gpa = kRam + (4 << 20) - 32;
	EXPECT_EQ(axvm_create(&outside, &images, &vm, &diag), AXERR_NOT_MAPPED);
	EXPECT_NE(std::string(diag.msg).find("loading the kernel at 0x803fffe0"), std::string::npos)
	    << diag.msg;

	/* No sizes in the config: the supplied kernel runs 16 bytes into the DTB's place, and
	 * the other way round; nothing of either is loaded. */
	for (bool dtb_first : {false, true}) {
		axvm_config overlapping = Config(12);
		overlapping.image_count = 2;
		overlapping.images[dtb_first ? 1 : 0] = {AXVM_IMAGE_KERNEL, kRam, 0};
		overlapping.images[dtb_first ? 0 : 1] = {AXVM_IMAGE_DTB, kRam + sizeof(big) - 16,
							 0};
		images.data[AXVM_IMAGE_DTB] = blob_.data();
		images.size[AXVM_IMAGE_DTB] = blob_.size();
		EXPECT_EQ(axvm_create(&overlapping, &images, &vm, &diag), AXERR_BAD_CONFIG);
		EXPECT_NE(std::string(diag.msg).find("overlaps the"), std::string::npos)
		    << diag.msg;
		EXPECT_NE(std::string(diag.msg).find("[0x80000000, +0x40)"), std::string::npos)
		    << diag.msg;
	}
	images.data[AXVM_IMAGE_DTB] = nullptr;
	images.size[AXVM_IMAGE_DTB] = 0;

	/* Every allocation failing in turn, pages and objects: clean failure, nothing leaked. */
	size_t pages = hal_.mm.live();
	long objects = hal_.heap.live;
	int successes = 0;
	for (long budget = 0; budget < 40 && !successes; budget++) {
		for (int which = 0; which < 2; which++) {
			(which ? hal_.heap.fail_after : hal_.mm.fail_after) = budget;
			axvm_config cfg = Config(13);
			int err = axvm_create(&cfg, nullptr, &vm, &diag);
			hal_.heap.fail_after = hal_.mm.fail_after = -1;
			if (err == AX_OK) {
				axvm_destroy(vm);
				successes++;
			} else {
				EXPECT_EQ(err, AXERR_NO_MEMORY) << diag.msg;
			}
			EXPECT_EQ(hal_.mm.live(), pages) << "budget " << budget;
			EXPECT_EQ(hal_.heap.live, objects) << "budget " << budget;
			EXPECT_EQ(axvm_find(13), nullptr);
		}
	}
	EXPECT_GT(successes, 0);
}

TEST_F(VmTest, PauseKeepsVcpusOutOfTheGuest)
{
	axvm *vm = Create(Config(14));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_pause(vm), AX_OK);
	EXPECT_EQ(axvm_pause(vm), AXERR_BAD_STATE);
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_BAD_STATE);
	ASSERT_EQ(axvm_resume(vm), AX_OK);
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	axvm_shutdown(vm, "host says so");
	axvm_shutdown(vm, "second reason is ignored");
	EXPECT_STREQ(axvm_stop_reason(vm), "host says so");
	EXPECT_EQ(axvm_resume(vm), AXERR_BAD_STATE);
}

TEST_F(VmTest, AHaltEndsAtOnceWhenAnInterruptIsPending)
{
	steps_ = {
	    [](sim_vcpu *s, axvm_exit *e) {
		    s->irq_pending = true;
		    e->kind = AXVM_EXIT_HALT;
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    s->irq_pending = false;
		    e->kind = AXVM_EXIT_HYPERCALL;
	    },
	};
	axvm *vm = Create(Config(20, 1, false));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HYPERCALL) << "the wait ended inside the loop";
	EXPECT_EQ(axvm_vcpu_exit_count(v, AXVM_EXIT_HALT), 1u);
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
}

TEST_F(VmTest, ASuspendedVcpuIsReportedSoUntilItRunsAgain)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) {
		    e->kind = AXVM_EXIT_HALT;
		    e->halt.suspend = true;
	    },
	    [](sim_vcpu *, axvm_exit *e) { e->kind = AXVM_EXIT_HALT; },
	};
	axvm *vm = Create(Config(21, 1, false));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	EXPECT_EQ(axvm_vcpu_power(v), AXVM_VCPU_SUSPENDED);
	EXPECT_TRUE(axvm_vcpu_runnable(v)) << "it waits for an interrupt, it is not off";
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(axvm_vcpu_power(v), AXVM_VCPU_ON) << "a plain wfi is not a suspend";
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
}

TEST_F(VmTest, AVcpuThatStopsItselfIsStopPendingUntilItLeavesItsCpu)
{
	steps_ = {[](sim_vcpu *, axvm_exit *e) { e->kind = AXVM_EXIT_CPU_DOWN; }};
	axvm *vm = Create(Config(22, 2, false));
	axvm_vcpu *v0 = BootAndBind(vm);
	axvm_vcpu *v1 = axvm_vcpu_at(vm, 1);
	ASSERT_EQ(axvm_vcpu_start(v1, kRam + 0x80, 5), AX_OK);
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_CPU_DOWN);
	EXPECT_EQ(axvm_vcpu_power(v1), AXVM_VCPU_STOP_PENDING);
	EXPECT_FALSE(axvm_vcpu_runnable(v1));
	hal_.cpu = 0;
	EXPECT_EQ(axvm_vcpu_start(v1, kRam, 0), AXERR_BAD_STATE) << "still on CPU 1";
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	EXPECT_EQ(axvm_vcpu_power(v1), AXVM_VCPU_OFF);
	hal_.cpu = 0;
	sim_vcpu *s1 = sim_vcpu_find(22, 1);
	s1->irq_pending = true;
	ASSERT_EQ(axvm_inject_interrupt(vm, 0b10, 1), AX_OK);
	ASSERT_EQ(axvm_vcpu_start(v1, kRam + 0x100, 6), AX_OK);
	EXPECT_EQ(s1->entry, kRam + 0x100);
	EXPECT_EQ(s1->entry_arg, 6u);
	EXPECT_FALSE(s1->irq_pending) << "the backend reset it to its boot state";
	EXPECT_EQ(s1->entry_resets, 2u);
	hal_.cpu = 1;
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	steps_.clear();
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	EXPECT_EQ(s1->injected_count, 0u) << "the IPI sent to the stopped vCPU was dropped";
	EXPECT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal_.cpu = 0;
	EXPECT_EQ(axvm_vcpu_unbind(v0), AX_OK);
}

TEST_F(VmTest, IpisAmongTheVmsVcpusNeverReachTheHost)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) {
		    e->kind = AXVM_EXIT_SEND_IPI;
		    e->send_ipi = {0b11, 1};
	    },
	    [](sim_vcpu *s, axvm_exit *e) {
		    if (s->vcpu_id == 0)
			    EXPECT_EQ(s->injected_count, 1u) << "its own IPI, before re-entry";
		    e->kind = AXVM_EXIT_HYPERCALL;
	    },
	};
	axvm *vm = Create(Config(23, 2, false));
	axvm_vcpu *v0 = BootAndBind(vm);
	axvm_vcpu *v1 = axvm_vcpu_at(vm, 1);
	ASSERT_EQ(axvm_vcpu_start(v1, kRam, 0), AX_OK);
	hal_.notified.clear();
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HYPERCALL);
	EXPECT_EQ(hal_.notified, (std::vector<axvm_vcpu *>{v0, v1}));
	EXPECT_TRUE(axvm_vcpu_has_queued_interrupts(v1));
	EXPECT_EQ(axvm_vcpu_exit_count(v0, AXVM_EXIT_SEND_IPI), 1u);
	EXPECT_EQ(axvm_vcpu_unbind(v0), AX_OK);
}

TEST_F(VmTest, TheTimerDeadlineComesFromTheBackend)
{
	axvm *vm = Create(Config(24, 1, false));
	axvm_vcpu *v = BootAndBind(vm);
	sim_vcpu *s = sim_vcpu_find(24, 0);
	bool soft = false;
	EXPECT_EQ(axvm_vcpu_timer_deadline(v, &soft), UINT64_MAX);
	s->timer_deadline = 5000;
	s->timer_soft = true;
	EXPECT_EQ(axvm_vcpu_timer_deadline(v, &soft), 5000u);
	EXPECT_TRUE(soft);
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
}

TEST_F(VmTest, GuestTrapsStopTheVmWithTheirNameAndPc)
{
	steps_ = {[](sim_vcpu *s, axvm_exit *e) {
		s->pc = 0x80001234;
		e->kind = AXVM_EXIT_GUEST_TRAP;
		e->guest_trap = {"illegal instruction", 2, 0xdead};
	}};
	axvm *vm = Create(Config(25, 1, false));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	EXPECT_EQ(axvm_vcpu_run(v, &exit), AXERR_UNSUPPORTED);
	EXPECT_STREQ(axvm_stop_reason(vm),
		     "vcpu 0 at pc 0x80001234: unhandled guest trap: illegal instruction (cause "
		     "0x2, value 0xdead): not supported");
	EXPECT_TRUE(axvm_stopped_by_error(vm));
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
}

TEST_F(VmTest, ShutdownNotifiesEveryVcpu)
{
	axvm *vm = Create(Config(26, 3, false));
	ASSERT_EQ(axvm_boot(vm), AX_OK);
	hal_.notified.clear();
	axvm_shutdown(vm, "host");
	EXPECT_EQ(hal_.notified.size(), 3u);
	axvm_shutdown(vm, "again");
	EXPECT_EQ(hal_.notified.size(), 3u) << "only the first stop";
	EXPECT_FALSE(axvm_stopped_by_error(vm));
}

TEST_F(VmTest, AResetScrubsMemoryReloadsImagesAndStartsVcpuZeroAgain)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) {
		    *e = MmioWrite(kUart + 7, 1, 0x5a); /* SCR: device state to lose */
	    },
	    [](sim_vcpu *, axvm_exit *e) {
		    e->kind = AXVM_EXIT_SYSTEM_DOWN;
		    e->system_down.reset = true;
	    },
	};
	axvm_config cfg = Config(27, 2);
	cfg.memory_count = 2;
	cfg.memory[1] = {kRam + (4 << 20),    4 << 20, AXMAP_RWX,
			 AXVM_MEM_ALLOC_LAZY, 0,       AXVM_LAZY_UNIT_DEFAULT};
	cfg.image_count = 1;
	cfg.images[0] = {AXVM_IMAGE_KERNEL, kRam, 0};
	const char kernel[] = "kernel image";
	axvm_images images{};
	images.data[AXVM_IMAGE_KERNEL] = kernel;
	images.size[AXVM_IMAGE_KERNEL] = sizeof(kernel);
	axvm *vm = Create(cfg, &images);
	const uint64_t junk = 0x1122334455667788;
	ASSERT_EQ(axvm_write_guest(vm, kRam, &junk, 8), AX_OK);
	ASSERT_EQ(axvm_write_guest(vm, kRam + 0x1000, &junk, 8), AX_OK);
	ASSERT_EQ(axvm_write_guest(vm, kRam + (4 << 20) + 0x3000, &junk, 8), AX_OK);
	axvm_vcpu *v0 = BootAndBind(vm);
	axvm_vcpu *v1 = axvm_vcpu_at(vm, 1);
	ASSERT_EQ(axvm_vcpu_start(v1, kRam, 0), AX_OK);
	axvm_exit exit;
	hal_.notified.clear();
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_SYSTEM_DOWN);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_RESETTING);
	EXPECT_EQ(hal_.notified.size(), 2u) << "both vCPUs must leave their CPUs";
	EXPECT_EQ(axvm_reset(vm), AXERR_BUSY) << "vCPU 0 is still bound";
	hal_.cpu = 1;
	EXPECT_EQ(axvm_vcpu_bind(v1), AXERR_BAD_STATE) << "no binding while resetting";
	EXPECT_EQ(axvm_vcpu_bound_cpu(v1), -1);
	hal_.cpu = 0;
	ASSERT_EQ(axvm_vcpu_unbind(v0), AX_OK);
	hal_.notified.clear();
	ASSERT_EQ(axvm_reset(vm), AX_OK);
	EXPECT_EQ(axvm_reset(vm), AXERR_BAD_STATE) << "done already";
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_RUNNING);
	EXPECT_EQ(axvm_reset_count(vm), 1u);
	EXPECT_EQ(hal_.notified, std::vector<axvm_vcpu *>{v0});
	EXPECT_EQ(axvm_vcpu_power(v0), AXVM_VCPU_START_PENDING);
	EXPECT_EQ(axvm_vcpu_power(v1), AXVM_VCPU_OFF);
	char back[sizeof(kernel)];
	uint64_t word = 1;
	ASSERT_EQ(axvm_read_guest(vm, kRam, back, sizeof(back)), AX_OK);
	EXPECT_STREQ(back, kernel) << "the image is back";
	ASSERT_EQ(axvm_read_guest(vm, kRam + 0x1000, &word, 8), AX_OK);
	EXPECT_EQ(word, 0u) << "eager memory scrubbed";
	word = 1;
	ASSERT_EQ(axvm_read_guest(vm, kRam + (4 << 20) + 0x3000, &word, 8), AX_OK);
	EXPECT_EQ(word, 0u) << "lazy memory scrubbed";
	steps_ = {[](sim_vcpu *s, axvm_exit *e) { Return(s, e, MmioRead(kUart + 7, 1, 4)); }};
	sim_vcpu_find(27, 0)->step = 0;
	ASSERT_EQ(axvm_vcpu_bind(v0), AX_OK);
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	EXPECT_EQ(sim_vcpu_find(27, 0)->gpr[4], 0u) << "the UART is new";
	EXPECT_EQ(axvm_vcpu_unbind(v0), AX_OK);
}

TEST_F(VmTest, BootTablesReachVcpu0AtBootAndResetButNoFirmwareStart)
{
	steps_ = {[](sim_vcpu *, axvm_exit *e) {
		e->kind = AXVM_EXIT_SYSTEM_DOWN;
		e->system_down.reset = true;
	}};
	axvm_config cfg = Config(43, 2, false);
	cfg.boot_tables = kRam + 0x3000;
	axvm *vm = Create(cfg);
	axvm_vcpu *v0 = BootAndBind(vm);
	sim_vcpu *s0 = sim_vcpu_find(43, 0);
	EXPECT_EQ(s0->entry, kRam);
	EXPECT_EQ(s0->entry_tables, kRam + 0x3000);
	ASSERT_EQ(axvm_vcpu_start(axvm_vcpu_at(vm, 1), kRam + 0x40, 1), AX_OK);
	EXPECT_EQ(sim_vcpu_find(43, 1)->entry_tables, 0u) << "a secondary starts as firmware says";
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	ASSERT_EQ(axvm_vcpu_unbind(v0), AX_OK);
	s0->entry_tables = 0;
	ASSERT_EQ(axvm_reset(vm), AX_OK);
	EXPECT_EQ(s0->entry_tables, kRam + 0x3000) << "and again after a reset";
}

TEST_F(VmTest, BootTablesTheBackendRefusesStopTheVmAtBoot)
{
	axvm_config cfg = Config(44, 1, false);
	cfg.boot_tables = kRam + 0x3008; // the sim needs them 4 KiB aligned
	axvm *vm = Create(cfg);
	EXPECT_EQ(axvm_boot(vm), AXERR_INVALID);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_STOPPED);
	EXPECT_STREQ(axvm_stop_reason(vm), "vcpu 0 could not be started");
}

TEST_F(VmTest, AResetCanBeConfiguredToStopTheVm)
{
	steps_ = {[](sim_vcpu *, axvm_exit *e) {
		e->kind = AXVM_EXIT_SYSTEM_DOWN;
		e->system_down.reset = true;
	}};
	axvm_config cfg = Config(28, 1, false);
	cfg.on_reset = AXVM_RESET_STOP;
	axvm *vm = Create(cfg);
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	EXPECT_EQ(axvm_state(vm), AXVM_STATE_STOPPED);
	EXPECT_STREQ(axvm_stop_reason(vm), "the guest asked for a reset (vcpu 0 at pc 0x80000000)");
	EXPECT_EQ(axvm_reset(vm), AXERR_BAD_STATE);
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
}

TEST_F(VmTest, LazyPagesRacedByAnotherCpuAreSpuriousFaults)
{
	steps_ = {
	    [](sim_vcpu *, axvm_exit *e) { *e = Fault(kRam + 0x7000, AXVM_ACCESS_WRITE); },
	};
	axvm *vm = Create(Config(29, 1, false, true));
	uint32_t word = 7;
	/* Another CPU got there first (a guest copy populates the page too). */
	ASSERT_EQ(axvm_write_guest(vm, kRam + 0x7000, &word, 4), AX_OK);
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK) << axvm_stop_reason(vm);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT) << "the fault was resumed";
	EXPECT_EQ(axvm_allocated_bytes(vm), 4096u);
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
}

TEST_F(VmTest, EveryLiveVmHasItsOwnStageTwoTagRecycledAfterAFlush)
{
	/* VM ids that would alias in 16 bits, and 0. */
	axvm *a = Create(Config(1, 1, false));
	axvm *b = Create(Config(65537, 1, false));
	axvm *c = Create(Config(0, 1, false));
	uint16_t ta = sim_vcpu_find(1, 0)->vmid, tb = sim_vcpu_find(65537, 0)->vmid,
		 tc = sim_vcpu_find(0, 0)->vmid;
	EXPECT_NE(ta, 0) << "0 is never given (VPID 0 is the host's on VT-x)";
	EXPECT_NE(tb, 0);
	EXPECT_NE(tc, 0);
	EXPECT_NE(ta, tb);
	EXPECT_NE(ta, tc);
	EXPECT_NE(tb, tc);
	uint32_t before = sim_vmid_flushes(tb);
	Destroy(b);
	EXPECT_EQ(sim_vmid_flushes(tb), before + 1) << "flushed when given back";
	axvm *d = Create(Config(7, 1, false));
	EXPECT_EQ(sim_vcpu_find(7, 0)->vmid, tb) << "and given again";
	/* Only tags 1..3 exist: a fourth live VM cannot have one. */
	sim_set_vmid_count(4);
	axvm *e = nullptr;
	ax_diag diag{};
	axvm_config cfg = Config(8, 1, false);
	EXPECT_EQ(axvm_create(&cfg, nullptr, &e, &diag), AXERR_FULL);
	EXPECT_NE(std::string(diag.msg).find("every stage-2 tag (VMID) is in use"),
		  std::string::npos)
	    << diag.msg;
	/* CPUs without tags: every VM shares 0 (the backend flushes when switching VMs). */
	sim_set_vmid_count(1);
	axvm *f = Create(Config(9, 1, false));
	EXPECT_EQ(sim_vcpu_find(9, 0)->vmid, 0);
	sim_set_vmid_count(64);
	(void)a;
	(void)c;
	(void)d;
	(void)f;
}

TEST_F(VmTest, HostRangesAreAdmittedOnlyWhereTheHostAllowsAndOnce)
{
	/* Host memory the test owns: one page set aside for VMs, one not (the "hypervisor"). */
	hpa_t ram, hypervisor;
	ASSERT_EQ(hal_.mm.mm()->alloc_pages(hal_.mm.mm()->ctx, 1, 1, &ram), AX_OK);
	ASSERT_EQ(hal_.mm.mm()->alloc_pages(hal_.mm.mm()->ctx, 1, 1, &hypervisor), AX_OK);
	std::memset(hal_.mm.ptr(hypervisor.v), 0x5a, 4096);
	hal_.AllowHostRanges({{ram.v, 4096}}, {{0x20000000, 0x10000}});
	auto linear = [&](uint32_t id, uint64_t hpa) {
		axvm_config cfg = Config(id, 1, false);
		cfg.memory_count = 2;
		cfg.memory[1] = {0x90000000,	  4096, AXMAP_READ | AXMAP_WRITE,
				 AXVM_MEM_LINEAR, hpa,	0};
		cfg.image_count = 1;
		cfg.images[0] = {AXVM_IMAGE_KERNEL, 0x90000000, 0};
		return cfg;
	};
	axvm_images images{};
	images.data[AXVM_IMAGE_KERNEL] = "overwrite";
	images.size[AXVM_IMAGE_KERNEL] = 9;
	axvm *vm = nullptr;
	ax_diag diag{};
	axvm_config bad = linear(30, hypervisor.v);
	EXPECT_EQ(axvm_create(&bad, &images, &vm, &diag), AXERR_PERMISSION);
	EXPECT_NE(
	    std::string(diag.msg).find("vm 30: linear memory at guest 0x90000000: host range"),
	    std::string::npos)
	    << diag.msg;
	EXPECT_NE(std::string(diag.msg).find("is not memory the host gives VMs"), std::string::npos)
	    << diag.msg;
	EXPECT_EQ(hal_.mm.ptr(hypervisor.v)[0], 0x5a) << "nothing was loaded there";
	axvm_config good = linear(31, ram.v);
	axvm *first = Create(good, &images);
	ASSERT_NE(first, nullptr);
	axvm_config twice = linear(32, ram.v);
	EXPECT_EQ(axvm_create(&twice, &images, &vm, &diag), AXERR_PERMISSION);
	EXPECT_NE(std::string(diag.msg).find("overlaps vm 31's linear memory"), std::string::npos)
	    << diag.msg;
	/* Pass-through: only the device window, and only once. */
	axvm_config pt = Config(33, 1, false);
	pt.passthrough_count = 1;
	pt.passthrough[0] = {0x40000000, 0x20000000, 0x1000};
	axvm *dev = Create(pt);
	ASSERT_NE(dev, nullptr);
	axvm_config pt2 = Config(34, 1, false);
	pt2.passthrough_count = 1;
	pt2.passthrough[0] = {0x40000000, 0x20000000, 0x1000};
	EXPECT_EQ(axvm_create(&pt2, nullptr, &vm, &diag), AXERR_PERMISSION);
	EXPECT_NE(std::string(diag.msg).find("overlaps vm 33's pass-through"), std::string::npos)
	    << diag.msg;
	pt2.passthrough[0].hpa = 0x10000000;
	EXPECT_EQ(axvm_create(&pt2, nullptr, &vm, &diag), AXERR_PERMISSION);
	EXPECT_NE(std::string(diag.msg).find("is not a device window the host gives VMs"),
		  std::string::npos)
	    << diag.msg;
	Destroy(dev);
	pt2.passthrough[0].hpa = 0x20000000;
	EXPECT_NE(Create(pt2), nullptr) << "free again once its VM is gone";
	Destroy(first);
	hal_.mm.mm()->free_pages(hal_.mm.mm()->ctx, ram, 1);
	hal_.mm.mm()->free_pages(hal_.mm.mm()->ctx, hypervisor, 1);
}

TEST_F(VmTest, ARefusedInterruptIsLoggedOnceHoweverOftenTheGuestRaisesIt)
{
	axvm *vm = Create(Config(35, 1, false));
	axvm_vcpu *v = BootAndBind(vm);
	axvm_exit exit;
	size_t before = hal_.log.size();
	for (int i = 0; i < 50; i++) {
		ASSERT_EQ(axvm_inject_interrupt(vm, 1, SIM_MAX_VECTOR + 1), AX_OK);
		ASSERT_EQ(axvm_vcpu_run(v, &exit), AX_OK);
	}
	EXPECT_EQ(hal_.log.size(), before + 1);
	EXPECT_EQ(axvm_vcpu_unbind(v), AX_OK);
}

TEST_F(VmTest, VmsAreAdmittedAgainstTheGuestPageBudgetLazyMemoryInFull)
{
	/* A 4 MiB VM (lazy or not) is charged its 1024 pages and its tables. */
	hal_.SetGuestPageBudget(2 * 1024 + 40);
	axvm *a = Create(Config(40, 1, false, true));
	axvm *b = Create(Config(41, 1, false));
	ASSERT_NE(a, nullptr);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(axvm_allocated_bytes(a), 0u) << "lazy: nothing allocated yet, all of it promised";
	axvm *c = nullptr;
	ax_diag diag{};
	axvm_config cfg = Config(42, 1, false, true);
	EXPECT_EQ(axvm_create(&cfg, nullptr, &c, &diag), AXERR_NO_MEMORY);
	EXPECT_NE(std::string(diag.msg).find("vm 42: its memory and tables need"),
		  std::string::npos)
	    << diag.msg;
	Destroy(a);
	EXPECT_NE(Create(cfg), nullptr) << "its pages are given back with it";
	hal_.SetGuestPageBudget(0);
}

TEST(ExitNames, EveryKindIsNamed)
{
	for (int k = 0; k < AXVM_EXIT_KINDS; k++)
		EXPECT_STRNE(axvm_exit_name(static_cast<axvm_exit_kind>(k)), "unknown") << k;
	EXPECT_STREQ(axvm_exit_name(AXVM_EXIT_KINDS), "unknown");
}

} // namespace
