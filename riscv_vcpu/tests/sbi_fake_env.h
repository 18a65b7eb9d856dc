/* A host environment for sbi_handle_ecall in tests: guest memory as one range at kMemBase, a
 * console, per-hart HSM states, and a record of every timer and fence request. */
#ifndef RISCV_VCPU_TESTS_SBI_FAKE_ENV_H
#define RISCV_VCPU_TESTS_SBI_FAKE_ENV_H

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <string>
#include <vector>

extern "C" {
#include <axvm/error.h>
#include <riscv_vcpu/sbi.h>
}

struct FakeSbiEnv {
	static constexpr uint64_t kMemBase = 0x80000000;
	static constexpr uint64_t kMemSize = 0x10000;

	struct Fence {
		sbi_fence fence;
		uint64_t mask; /* remote: the harts; local: 0 */
		bool remote;
	};

	std::vector<uint8_t> mem = std::vector<uint8_t>(kMemSize);
	bool mem_writable = true;
	std::string out;
	std::deque<int> in;
	std::vector<sbi_hsm_state> states;
	struct Start {
		uint64_t hart, addr, opaque;
	};
	std::vector<Start> starts;  /* hart_start calls that succeeded */
	std::vector<Start> resumes; /* resume_at calls (hart: the caller) */
	std::vector<uint64_t> timers;
	std::vector<Fence> fences;
	int64_t remote_result = SBI_SUCCESS;
	struct Release {
		uint64_t gpa, size;
	};
	std::vector<Release> releases; /* release_memory calls */
	int release_result = AX_OK;
	int reads = 0;
	int writes = 0;
	size_t largest_copy = 0;
	uint32_t hartid = 0;
	uint32_t hart_count = 4;
	sbi_env env;

	FakeSbiEnv()
	{
		states.assign(SBI_MAX_HARTS, SBI_HSM_STOPPED);
		states[0] = SBI_HSM_STARTED;
		env.ctx = this;
		env.set_timer = [](void *ctx, uint64_t t) { Self(ctx)->timers.push_back(t); };
		env.console_putc = [](void *ctx, uint8_t b) { Self(ctx)->out.push_back((char)b); };
		env.console_getc = [](void *ctx) {
			auto *self = Self(ctx);
			if (self->in.empty())
				return -1;
			int c = self->in.front();
			self->in.pop_front();
			return c;
		};
		env.read_guest = [](void *ctx, uint64_t gpa, void *buf, size_t len) {
			auto *self = Self(ctx);
			self->reads++;
			self->largest_copy = std::max(self->largest_copy, len);
			if (!self->Inside(gpa, len))
				return (int)AXERR_NOT_MAPPED;
			std::memcpy(buf, &self->mem[gpa - kMemBase], len);
			return (int)AX_OK;
		};
		env.write_guest = [](void *ctx, uint64_t gpa, const void *buf, size_t len) {
			auto *self = Self(ctx);
			self->writes++;
			self->largest_copy = std::max(self->largest_copy, len);
			if (!self->Inside(gpa, len))
				return (int)AXERR_NOT_MAPPED;
			if (!self->mem_writable)
				return (int)AXERR_PERMISSION;
			std::memcpy(&self->mem[gpa - kMemBase], buf, len);
			return (int)AX_OK;
		};
		env.hart_state = [](void *ctx, uint64_t hart) {
			auto *self = Self(ctx);
			EXPECT_LT(hart, self->hart_count)
			    << "hart_state asked about a hart outside the VM";
			return self->states.at(hart);
		};
		env.hart_start = [](void *ctx, uint64_t hart, uint64_t addr, uint64_t opaque) {
			auto *self = Self(ctx);
			EXPECT_LT(hart, self->hart_count) << "hart_start of a hart outside the VM";
			if (self->states.at(hart) != SBI_HSM_STOPPED)
				return (int64_t)SBI_ERR_ALREADY_AVAILABLE;
			self->states[hart] = SBI_HSM_START_PENDING;
			self->starts.push_back({hart, addr, opaque});
			return (int64_t)SBI_SUCCESS;
		};
		env.resume_at = [](void *ctx, uint64_t addr, uint64_t opaque) {
			auto *self = Self(ctx);
			self->resumes.push_back({self->hartid, addr, opaque});
		};
		env.local_fence = [](void *ctx, const sbi_fence *f) {
			Self(ctx)->fences.push_back({*f, 0, false});
		};
		env.remote_fence = [](void *ctx, const sbi_fence *f, uint64_t mask) {
			auto *self = Self(ctx);
			self->fences.push_back({*f, mask, true});
			return self->remote_result;
		};
		env.release_memory = [](void *ctx, uint64_t gpa, uint64_t size) {
			auto *self = Self(ctx);
			self->releases.push_back({gpa, size});
			return self->release_result;
		};
	}

	static FakeSbiEnv *Self(void *ctx)
	{
		return static_cast<FakeSbiEnv *>(ctx);
	}

	bool Inside(uint64_t gpa, size_t len) const
	{
		return gpa >= kMemBase && len <= kMemSize && gpa - kMemBase <= kMemSize - len;
	}

	/* Makes the ecall (eid, fid) with a0, a1, ... = args from hart `hartid`. */
	sbi_result Call(uint64_t eid, uint64_t fid, std::initializer_list<uint64_t> args = {})
	{
		sbi_regs regs = {};
		sbi_result res;
		size_t i = 0;

		for (uint64_t a : args)
			regs.a[i++] = a;
		regs.a[6] = fid;
		regs.a[7] = eid;
		std::memset(&res, 0xa5, sizeof(res));
		sbi_handle_ecall(&env, hartid, hart_count, &regs, &res);
		return res;
	}
};

/* A call that resumed the guest with error and value. */
inline void ExpectResume(const sbi_result &r, int64_t error, uint64_t value = 0)
{
	EXPECT_EQ(r.action, SBI_ACTION_RESUME);
	EXPECT_EQ(r.exit.kind, AXVM_EXIT_NOTHING);
	EXPECT_EQ(r.error, error);
	EXPECT_EQ(r.value, value);
}

/* A call that succeeded and leaves the guest with an exit of kind. */
inline void ExpectExit(const sbi_result &r, axvm_exit_kind kind)
{
	EXPECT_EQ(r.action, SBI_ACTION_EXIT);
	EXPECT_EQ(r.exit.kind, kind);
	EXPECT_EQ(r.error, SBI_SUCCESS);
	EXPECT_EQ(r.value, 0u);
}

#endif
