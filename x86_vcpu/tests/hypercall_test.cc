#include <gtest/gtest.h>

#include <string>

extern "C" {
#include <axvm/error.h>
#include <x86_vcpu/hypercall.h>
}

namespace
{

struct Vm {
	std::string console;
	int input = -1;
	int release_result = AX_OK;
	uint64_t released_base = 0, released_size = 0;
};

void putc_fn(void *ctx, uint8_t byte)
{
	static_cast<Vm *>(ctx)->console += char(byte);
}
int getc_fn(void *ctx)
{
	return static_cast<Vm *>(ctx)->input;
}
int release_fn(void *ctx, uint64_t base, uint64_t size)
{
	Vm *vm = static_cast<Vm *>(ctx);
	vm->released_base = base;
	vm->released_size = size;
	return vm->release_result;
}

struct Call {
	Vm vm;
	x86_hc_env env{&vm, putc_fn, getc_fn, release_fn};
	int64_t result = 12345;

	x86_hc_action run(uint64_t nr, uint64_t a1 = 0, uint64_t a2 = 0, unsigned cpl = 0)
	{
		const uint64_t args[5] = {nr, a1, a2, 0, 0};
		return x86_hypercall(&env, args, cpl, &result);
	}
};

TEST(Hypercall, VersionIsPositive)
{
	Call c;
	EXPECT_EQ(c.run(X86_HC_VERSION), X86_HC_RETURN);
	EXPECT_EQ(c.result, X86_HC_ABI_VERSION);
	EXPECT_GT(c.result, 0);
}

TEST(Hypercall, ConsolePutcWritesTheLowByte)
{
	Call c;
	EXPECT_EQ(c.run(X86_HC_CONSOLE_PUTC, 0x1200 + 'A'), X86_HC_RETURN);
	EXPECT_EQ(c.result, 0);
	EXPECT_EQ(c.vm.console, "A");
}

TEST(Hypercall, ConsoleGetc)
{
	Call c;
	c.run(X86_HC_CONSOLE_GETC);
	EXPECT_EQ(c.result, X86_HC_EAGAIN);
	c.vm.input = 'x';
	c.run(X86_HC_CONSOLE_GETC);
	EXPECT_EQ(c.result, 'x');
}

TEST(Hypercall, PowerOffResetAndCpuOff)
{
	Call c;
	EXPECT_EQ(c.run(X86_HC_SYSTEM_OFF), X86_HC_POWER_OFF);
	EXPECT_EQ(c.run(X86_HC_SYSTEM_RESET), X86_HC_RESET);
	EXPECT_EQ(c.run(X86_HC_CPU_OFF), X86_HC_OFF);
}

TEST(Hypercall, UserModeMayCallNothing)
{
	for (uint64_t nr : {X86_HC_VERSION, X86_HC_CONSOLE_PUTC, X86_HC_SYSTEM_OFF,
			    X86_HC_SYSTEM_RESET, X86_HC_MEMORY_RELEASE, X86_HC_CPU_OFF}) {
		Call c;
		EXPECT_EQ(c.run(nr, 'a', 0x1000, 3), X86_HC_RETURN) << nr;
		EXPECT_EQ(c.result, X86_HC_EPERM) << nr;
		EXPECT_EQ(c.vm.console, "") << nr;
		EXPECT_EQ(c.vm.released_size, 0u) << nr;
	}
}

TEST(Hypercall, UnknownNumber)
{
	Call c;
	EXPECT_EQ(c.run(7), X86_HC_RETURN);
	EXPECT_EQ(c.result, X86_HC_ENOSYS);
	EXPECT_EQ(c.run(~0ull), X86_HC_RETURN);
	EXPECT_EQ(c.result, X86_HC_ENOSYS);
}

TEST(Hypercall, MemoryRelease)
{
	Call c;
	c.run(X86_HC_MEMORY_RELEASE, 0x200000, 0x3000);
	EXPECT_EQ(c.result, 0);
	EXPECT_EQ(c.vm.released_base, 0x200000u);
	EXPECT_EQ(c.vm.released_size, 0x3000u);
}

TEST(Hypercall, MemoryReleaseChecksItsArguments)
{
	Call c;
	c.run(X86_HC_MEMORY_RELEASE, 0x200001, 0x1000);
	EXPECT_EQ(c.result, X86_HC_EINVAL);
	c.run(X86_HC_MEMORY_RELEASE, 0x200000, 0x10);
	EXPECT_EQ(c.result, X86_HC_EINVAL);
	c.run(X86_HC_MEMORY_RELEASE, 0x200000, 0);
	EXPECT_EQ(c.result, X86_HC_EINVAL);
	EXPECT_EQ(c.vm.released_size, 0u);
}

TEST(Hypercall, MemoryReleaseErrorsFromTheVm)
{
	const std::pair<int, int64_t> cases[] = {{AXERR_INVALID, X86_HC_EINVAL},
						 {AXERR_NOT_MAPPED, X86_HC_EFAULT},
						 {AXERR_UNSUPPORTED, X86_HC_EFAULT},
						 {AXERR_NO_MEMORY, X86_HC_ENOMEM}};
	for (auto [err, expected] : cases) {
		Call c;
		c.vm.release_result = err;
		c.run(X86_HC_MEMORY_RELEASE, 0x1000, 0x1000);
		EXPECT_EQ(c.result, expected) << err;
	}
}

} // namespace
