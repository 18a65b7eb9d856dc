/* From the documented riscv64 example configuration to a running guest: parse the blob, create
 * the VM, load its images, boot it, start its second vCPU on a second CPU when the guest asks,
 * and stop when the guest powers off. The sim backend plays the guest. */
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/tests/test_hal.h"

extern "C" {
#include <axvm/arch_vcpu.h>
#include <axvm/config.h>
#include <axvm/error.h>
#include <axvm/vcpu.h>
#include <axvm/vm.h>
#include <sim_vcpu/sim_vcpu.h>
}

namespace
{

std::vector<char> Read(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	EXPECT_TRUE(in.good()) << path;
	return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

/* vCPU 0 prints "ok\n" on the UART, starts vCPU 1, then powers off; vCPU 1 halts. */
int Guest(void *, sim_vcpu *v, axvm_exit *e)
{
	static const char msg[] = "ok\n";
	std::memset(e, 0, sizeof(*e));
	if (v->vcpu_id == 1 || v->step > 4) {
		e->kind = AXVM_EXIT_HALT;
		return 0;
	}
	uint64_t step = v->step++;
	if (step < 3) {
		e->kind = AXVM_EXIT_MMIO_WRITE;
		e->mmio_write = {0x10000000, 1, uint64_t(msg[step])};
	} else if (step == 3) {
		e->kind = AXVM_EXIT_CPU_UP;
		e->cpu_up = {1, 0x80200000, 1};
	} else {
		e->kind = AXVM_EXIT_SYSTEM_DOWN;
	}
	return 0;
}

TEST(ConfigToGuest, RiscvExampleBootsUnderTheSimBackend)
{
	TestHal hal(36864); /* the example's 128 MiB of RAM, plus tables */
	hal.AllowHostRanges({}, {{0x20000000, 0x2000000}}); /* the flash it passes through */
	size_t pages = hal.mm.live();
	std::vector<char> blob = Read("core/tests/configs/riscv64.dtb");
	static const char *const known[] = {"ns16550a", "arm,pl011", nullptr};
	axvm_config_limits limits{4, 2, arch_stage2_format()->gpa_bits, nullptr, known};
	axvm_config cfg;
	ax_diag diag{};
	ASSERT_EQ(axvm_config_parse(blob.data(), &limits, &cfg, &diag), AX_OK) << diag.msg;

	const char kernel[] = "kernel image";
	const char initrd[] = "initrd";
	axvm_images images{};
	images.data[AXVM_IMAGE_KERNEL] = kernel;
	images.size[AXVM_IMAGE_KERNEL] = sizeof(kernel);
	images.data[AXVM_IMAGE_INITRD] = initrd;
	images.size[AXVM_IMAGE_INITRD] = sizeof(initrd);
	images.data[AXVM_IMAGE_DTB] = blob.data();
	images.size[AXVM_IMAGE_DTB] = blob.size();

	sim_set_guest(Guest, nullptr);
	axvm *vm = nullptr;
	ASSERT_EQ(axvm_create(&cfg, &images, &vm, &diag), AX_OK) << diag.msg;
	char back[sizeof(kernel)];
	ASSERT_EQ(axvm_read_guest(vm, 0x80200000, back, sizeof(back)), AX_OK);
	EXPECT_STREQ(back, kernel);
	ASSERT_EQ(axvm_boot(vm), AX_OK);
	EXPECT_EQ(sim_vcpu_find(1, 0)->entry_arg, 0x87e00000u) << "a1 = the DTB";

	axvm_vcpu *v0 = axvm_vcpu_at(vm, 0), *v1 = axvm_vcpu_at(vm, 1);
	ASSERT_EQ(axvm_vcpu_bind(v0), AX_OK);
	EXPECT_EQ(axvm_vcpu_bind(v1), AXERR_INVALID) << "cpu-affinity puts vCPU 1 on CPU 1";
	axvm_exit exit;
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	ASSERT_EQ(exit.kind, AXVM_EXIT_CPU_UP);
	ASSERT_EQ(axvm_vcpu_start(v1, exit.cpu_up.entry, exit.cpu_up.arg), AX_OK);
	hal.cpu = 1;
	ASSERT_EQ(axvm_vcpu_bind(v1), AX_OK);
	ASSERT_EQ(axvm_vcpu_run(v1, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_HALT);
	ASSERT_EQ(axvm_vcpu_unbind(v1), AX_OK);
	hal.cpu = 0;
	ASSERT_EQ(axvm_vcpu_run(v0, &exit), AX_OK);
	EXPECT_EQ(exit.kind, AXVM_EXIT_SYSTEM_DOWN);
	EXPECT_EQ(hal.console[1], "ok\n");
	EXPECT_STREQ(axvm_stop_reason(vm), "the guest powered off (vcpu 0 at pc 0x80200000)");
	ASSERT_EQ(axvm_vcpu_unbind(v0), AX_OK);
	axvm_destroy(vm);
	sim_set_guest(nullptr, nullptr);
	EXPECT_EQ(hal.mm.live(), pages);
	EXPECT_EQ(hal.heap.live, 0);
}

} // namespace
