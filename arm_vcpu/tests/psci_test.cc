/* SMCCC 1.1 and PSCI 1.1 on a fake host: guest memory as one range, four vCPUs named by MPIDR
 * affinity, and a record of every callback. */
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <optional>
#include <vector>

extern "C" {
#include <arm_vcpu/psci.h>
#include <axvm/error.h>
}

namespace
{

constexpr uint64_t kMemBase = 0x40000000;
constexpr uint64_t kMemSize = 0x10000;
constexpr uint64_t kMemEnd = kMemBase + kMemSize;
constexpr uint64_t kEntry = kMemBase + 0x1000;

/* The caller, and the other vCPUs: Aff0 1, Aff1 1, Aff3 1. */
constexpr uint64_t kSelf = 0x0;
constexpr uint64_t kCpu1 = 0x1;
constexpr uint64_t kCpu100 = 0x100;
constexpr uint64_t kAff3Cpu = 0x100000000;

/* A result's x0 as the guest reads it: the value sign-extended to 64 bits. */
constexpr uint64_t X0(int64_t value)
{
	return (uint64_t)value;
}

struct FakePsciEnv {
	std::map<uint64_t, axvm_vcpu_power> power = {{kSelf, AXVM_VCPU_ON},
						     {kCpu1, AXVM_VCPU_OFF},
						     {kCpu100, AXVM_VCPU_OFF},
						     {kAff3Cpu, AXVM_VCPU_OFF}};
	struct Start {
		uint64_t mpidr, entry, context_id;
	};
	std::vector<Start> starts;  /* vcpu_start calls that succeeded */
	std::vector<Start> resumes; /* resume_at calls (mpidr: the caller) */
	std::vector<std::pair<uint64_t, uint64_t>> releases; /* release_memory calls */
	bool vm_running = true;
	/* Another vCPU's call that changes the target's state just before vcpu_start. */
	std::optional<axvm_vcpu_power> race;
	int forced_start_error = AX_OK; /* what vcpu_start returns instead, when not AX_OK */
	int callbacks = 0;
	int start_calls = 0;
	psci_env env;

	FakePsciEnv()
	{
		env.ctx = this;
		env.read_guest = [](void *ctx, uint64_t gpa, void *buf, size_t len) {
			Self(ctx)->callbacks++;
			EXPECT_EQ(len, 4u) << "an entry point's first instruction";
			if (gpa < kMemBase || len > kMemSize || gpa - kMemBase > kMemSize - len)
				return (int)AXERR_NOT_MAPPED;
			std::memset(buf, 0, len);
			return (int)AX_OK;
		};
		env.vcpu_power = [](void *ctx, uint64_t mpidr, axvm_vcpu_power *out) {
			auto *self = Self(ctx);
			self->callbacks++;
			EXPECT_EQ(mpidr & ~PSCI_MPIDR_AFFINITY_MASK, 0u)
			    << "a CPU id with bits outside the affinity fields";
			auto it = self->power.find(mpidr);
			if (it == self->power.end())
				return (int)AXERR_INVALID;
			*out = it->second;
			return (int)AX_OK;
		};
		env.vcpu_start = [](void *ctx, uint64_t mpidr, uint64_t entry,
				    uint64_t context_id) {
			auto *self = Self(ctx);
			self->callbacks++;
			self->start_calls++;
			auto it = self->power.find(mpidr);
			if (it == self->power.end())
				return (int)AXERR_INVALID;
			if (self->race)
				it->second = *self->race;
			if (self->forced_start_error)
				return self->forced_start_error;
			if (it->second != AXVM_VCPU_OFF || !self->vm_running)
				return (int)AXERR_BAD_STATE;
			it->second = AXVM_VCPU_START_PENDING;
			self->starts.push_back({mpidr, entry, context_id});
			return (int)AX_OK;
		};
		env.resume_at = [](void *ctx, uint64_t entry, uint64_t context_id) {
			auto *self = Self(ctx);
			self->callbacks++;
			self->resumes.push_back({kSelf, entry, context_id});
		};
		env.release_memory = [](void *ctx, uint64_t gpa, uint64_t size) {
			auto *self = Self(ctx);
			self->callbacks++;
			self->releases.push_back({gpa, size});
			if (gpa < kMemBase || size > kMemSize || gpa - kMemBase > kMemSize - size)
				return (int)AXERR_NOT_MAPPED;
			return (int)AX_OK;
		};
	}

	static FakePsciEnv *Self(void *ctx)
	{
		return static_cast<FakePsciEnv *>(ctx);
	}

	/* Makes the call x0 = fid (all 64 bits of it), x1.. = args. */
	psci_result Call(uint64_t fid, std::initializer_list<uint64_t> args = {})
	{
		uint64_t x[4] = {fid, 0, 0, 0};
		psci_result res;
		size_t i = 1;

		for (uint64_t a : args)
			x[i++] = a;
		std::memset(&res, 0xa5, sizeof(res));
		psci_handle_call(&env, x, &res);
		return res;
	}
};

/* A call that returned value to the guest and resumed it. */
testing::AssertionResult Resumed(const psci_result &r, int64_t value)
{
	if (r.action != PSCI_ACTION_RESUME || r.exit.kind != AXVM_EXIT_NOTHING)
		return testing::AssertionFailure()
		       << "left the guest with exit " << axvm_exit_name(r.exit.kind);
	if (r.x0 != X0(value))
		return testing::AssertionFailure()
		       << std::hex << "x0 0x" << r.x0 << ", expected 0x" << X0(value);
	return testing::AssertionSuccess();
}

/* A call that leaves the guest with an exit of kind, x0 being value. */
testing::AssertionResult Exited(const psci_result &r, axvm_exit_kind kind, int64_t value)
{
	if (r.action != PSCI_ACTION_EXIT || r.exit.kind != kind)
		return testing::AssertionFailure()
		       << "action " << r.action << ", exit " << axvm_exit_name(r.exit.kind)
		       << ", expected " << axvm_exit_name(kind);
	if (r.x0 != X0(value))
		return testing::AssertionFailure()
		       << std::hex << "x0 0x" << r.x0 << ", expected 0x" << X0(value);
	return testing::AssertionSuccess();
}

/* Every id the dispatcher implements; every other one is NOT_SUPPORTED. */
const std::vector<uint32_t> kImplemented = {
    SMCCC_FN_VERSION,	     SMCCC_FN_ARCH_FEATURES,	PSCI_FN_VERSION,
    PSCI_FN_CPU_SUSPEND,     PSCI_FN64_CPU_SUSPEND,	PSCI_FN_CPU_OFF,
    PSCI_FN_CPU_ON,	     PSCI_FN64_CPU_ON,		PSCI_FN_AFFINITY_INFO,
    PSCI_FN64_AFFINITY_INFO, PSCI_FN_MIGRATE_INFO_TYPE, PSCI_FN_SYSTEM_OFF,
    PSCI_FN_SYSTEM_RESET,    PSCI_FN_FEATURES,		PSCI_FN_SYSTEM_RESET2,
    PSCI_FN64_SYSTEM_RESET2,
};

bool Implemented(uint32_t fid)
{
	for (uint32_t f : kImplemented)
		if (f == fid)
			return true;
	return false;
}

/* --- SMCCC --- */

TEST(Smccc, VersionIsOnePointOne)
{
	FakePsciEnv f;

	EXPECT_TRUE(Resumed(f.Call(SMCCC_FN_VERSION), 0x10001));
	EXPECT_EQ(f.callbacks, 0);
}

TEST(Smccc, ArchFeaturesKnowsOnlyTheArchitectureCallsItHas)
{
	FakePsciEnv f;

	EXPECT_TRUE(Resumed(f.Call(SMCCC_FN_ARCH_FEATURES, {SMCCC_FN_VERSION}), SMCCC_RET_SUCCESS));
	EXPECT_TRUE(
	    Resumed(f.Call(SMCCC_FN_ARCH_FEATURES, {SMCCC_FN_ARCH_FEATURES}), SMCCC_RET_SUCCESS));
	for (uint64_t fid :
	     {SMCCC_FN_ARCH_WORKAROUND_1, SMCCC_FN_ARCH_WORKAROUND_2, SMCCC_FN_ARCH_WORKAROUND_3,
	      0x80000002u /* SOC_ID */, 0xc0000000u /* an SMC64 SMCCC_VERSION */, 0x00000000u,
	      /* Other services' functions, implemented or not. */
	      PSCI_FN_VERSION, PSCI_FN_FEATURES, PSCI_FN64_CPU_ON, 0xffffffffu})
		EXPECT_TRUE(Resumed(f.Call(SMCCC_FN_ARCH_FEATURES, {fid}), SMCCC_RET_NOT_SUPPORTED))
		    << std::hex << fid;
	/* arch_func_id is W1. */
	EXPECT_TRUE(
	    Resumed(f.Call(SMCCC_FN_ARCH_FEATURES, {0xffffffff00000000ull | SMCCC_FN_VERSION}),
		    SMCCC_RET_SUCCESS));
	EXPECT_EQ(f.callbacks, 0);
}

TEST(Smccc, UnknownIdsAreNotSupportedAndTouchNothing)
{
	FakePsciEnv f;

	for (uint64_t fid :
	     std::initializer_list<uint64_t>{0x00000000,
					     0x80000002, /* SMCCC_ARCH_SOC_ID */
					     SMCCC_FN_ARCH_WORKAROUND_1,
					     SMCCC_FN_ARCH_WORKAROUND_2,
					     SMCCC_FN_ARCH_WORKAROUND_3,
					     0xc0000000, /* SMC64 SMCCC_VERSION */
					     0x04000000, /* a yielding PSCI_VERSION */
					     0x44000003, /* a yielding SMC64 CPU_ON */
					     0x84010000,
					     0x84ff0003, /* reserved bits 23:16 */
					     0x8400000b, /* CPU_FREEZE */
					     0x8400000e,
					     0xc400000e, /* SYSTEM_SUSPEND */
					     0x84000013, /* MEM_PROTECT */
					     0x84000020, /* past PSCI: SDEI */
					     0x85000000,
					     0x86000000,
					     0xbf000000,
					     0xb0000000, /* other owners */
					     0xffffffff})
		EXPECT_TRUE(Resumed(f.Call(fid, {kCpu1, kEntry, 1}), SMCCC_RET_NOT_SUPPORTED))
		    << std::hex << fid;
	EXPECT_EQ(f.callbacks, 0);
	EXPECT_EQ(f.Call(0x12345678).x0, 0xffffffffffffffffull) << "-1 in all of x0";
}

TEST(Smccc, FunctionIdIsW0)
{
	FakePsciEnv f;

	/* Older Linux kernels pass ids sign-extended; the upper half of x0 is not the id. */
	EXPECT_TRUE(Resumed(f.Call(0xffffffff00000000ull | PSCI_FN_VERSION), 0x10001));
	EXPECT_TRUE(Resumed(f.Call(0x1234567800000000ull | SMCCC_FN_VERSION), 0x10001));
	EXPECT_TRUE(Exited(f.Call(0x100000000ull | PSCI_FN_SYSTEM_OFF), AXVM_EXIT_SYSTEM_DOWN,
			   PSCI_RET_INTERNAL_FAILURE));
	/* ... and does not make an unknown id known. */
	EXPECT_TRUE(Resumed(f.Call(0xffffffff00000000ull | 0x8400000e), SMCCC_RET_NOT_SUPPORTED));
	EXPECT_TRUE(Resumed(f.Call(0x8400000000000000ull), SMCCC_RET_NOT_SUPPORTED));
}

TEST(Smccc, EveryStandardAndArchitectureIdIsImplementedOrNotSupported)
{
	FakePsciEnv f;
	std::vector<uint32_t> ids;

	for (uint32_t number = 0; number < 0x40; number++)
		for (uint32_t base : {0x80000000u, 0xc0000000u, 0x84000000u, 0xc4000000u})
			ids.push_back(base | number);
	for (uint32_t fid : ids) {
		FakePsciEnv env;
		/* Arguments every implemented function answers without NOT_SUPPORTED. */
		bool query = fid == PSCI_FN_FEATURES || fid == SMCCC_FN_ARCH_FEATURES;
		psci_result r = env.Call(fid, {query ? SMCCC_FN_VERSION : 0});

		if (Implemented(fid))
			EXPECT_NE(r.x0, X0(SMCCC_RET_NOT_SUPPORTED)) << std::hex << fid;
		else
			EXPECT_TRUE(Resumed(r, SMCCC_RET_NOT_SUPPORTED)) << std::hex << fid;
		/* PSCI_FEATURES answers for the PSCI functions and SMCCC_VERSION. */
		bool listed =
		    fid == SMCCC_FN_VERSION || (Implemented(fid) && (fid >> 24 & 0x3f) == 4);
		EXPECT_TRUE(Resumed(f.Call(PSCI_FN_FEATURES, {fid}),
				    listed ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED));
	}
}

/* --- PSCI: versions and features --- */

TEST(Psci, VersionIsOnePointOne)
{
	FakePsciEnv f;

	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_VERSION), 0x00010001));
	EXPECT_EQ(f.callbacks, 0);
}

TEST(Psci, FeaturesOfEachFunction)
{
	FakePsciEnv f;

	for (uint32_t fid :
	     {PSCI_FN_VERSION, PSCI_FN_CPU_OFF, PSCI_FN_CPU_ON, PSCI_FN64_CPU_ON,
	      PSCI_FN_AFFINITY_INFO, PSCI_FN64_AFFINITY_INFO, PSCI_FN_MIGRATE_INFO_TYPE,
	      PSCI_FN_SYSTEM_OFF, PSCI_FN_SYSTEM_RESET, PSCI_FN_FEATURES, PSCI_FN_SYSTEM_RESET2,
	      PSCI_FN64_SYSTEM_RESET2, SMCCC_FN_VERSION})
		EXPECT_TRUE(Resumed(f.Call(PSCI_FN_FEATURES, {fid}), PSCI_RET_SUCCESS))
		    << std::hex << fid;
	/* CPU_SUSPEND's feature flags: original power_state format, no OS-initiated mode. */
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_FEATURES, {PSCI_FN_CPU_SUSPEND}), 0));
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_FEATURES, {PSCI_FN64_CPU_SUSPEND}), 0));
	for (uint32_t fid : {PSCI_FN_MIGRATE, PSCI_FN64_MIGRATE, PSCI_FN_MIGRATE_INFO_UP_CPU,
			     PSCI_FN64_MIGRATE_INFO_UP_CPU, 0xc4000000u /* SMC64 PSCI_VERSION */,
			     0xc4000002u /* SMC64 CPU_OFF */, 0x8400000eu /* SYSTEM_SUSPEND */,
			     SMCCC_FN_ARCH_FEATURES, SMCCC_FN_ARCH_WORKAROUND_1, 0u, 0xffffffffu})
		EXPECT_TRUE(Resumed(f.Call(PSCI_FN_FEATURES, {fid}), PSCI_RET_NOT_SUPPORTED))
		    << std::hex << fid;
	/* psci_func_id is W1: PSCI_FEATURES is an SMC32 call. */
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_FEATURES, {0xffffffff00000000ull | PSCI_FN_CPU_ON}),
			    PSCI_RET_SUCCESS));
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_FEATURES, {0x100000000ull}), PSCI_RET_NOT_SUPPORTED));
	EXPECT_EQ(f.callbacks, 0);
}

TEST(Psci, NoTrustedOsToMigrate)
{
	FakePsciEnv f;

	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_MIGRATE_INFO_TYPE), 2));
	for (uint32_t fid : {PSCI_FN_MIGRATE, PSCI_FN64_MIGRATE})
		EXPECT_TRUE(Resumed(f.Call(fid, {kCpu1}), PSCI_RET_NOT_SUPPORTED));
	for (uint32_t fid : {PSCI_FN_MIGRATE_INFO_UP_CPU, PSCI_FN64_MIGRATE_INFO_UP_CPU})
		EXPECT_TRUE(Resumed(f.Call(fid), PSCI_RET_NOT_SUPPORTED));
	EXPECT_EQ(f.callbacks, 0);
}

/* --- CPU_SUSPEND --- */

void ExpectHalt(const psci_result &r, bool suspend)
{
	EXPECT_TRUE(Exited(r, AXVM_EXIT_HALT, PSCI_RET_SUCCESS));
	EXPECT_EQ(r.exit.halt.suspend, suspend);
}

TEST(PsciCpuSuspend, StandbyIsAWaitForInterrupt)
{
	FakePsciEnv f;

	for (uint32_t fid : {PSCI_FN_CPU_SUSPEND, PSCI_FN64_CPU_SUSPEND}) {
		/* entry_point and context_id mean nothing to a standby. */
		ExpectHalt(f.Call(fid, {0, 1, 2}), false);
		/* Any StateID and PowerLevel. */
		ExpectHalt(f.Call(fid, {0xffff, 0, 0}), false);
		ExpectHalt(f.Call(fid, {3u << 24 | 0x1234, 0, 0}), false);
	}
	EXPECT_TRUE(f.resumes.empty());
	EXPECT_EQ(f.callbacks, 0);
}

TEST(PsciCpuSuspend, PowerdownResumesAtTheEntryPoint)
{
	FakePsciEnv f;

	ExpectHalt(f.Call(PSCI_FN64_CPU_SUSPEND,
			  {PSCI_POWER_STATE_POWERDOWN, kEntry, 0xfeedface00c0ffeeull}),
		   true);
	ASSERT_EQ(f.resumes.size(), 1u);
	EXPECT_EQ(f.resumes[0].entry, kEntry);
	EXPECT_EQ(f.resumes[0].context_id, 0xfeedface00c0ffeeull);
	ExpectHalt(f.Call(PSCI_FN_CPU_SUSPEND,
			  {PSCI_POWER_STATE_POWERDOWN | 1u << 24 | 0x42, kMemEnd - 4, 7}),
		   true);
	ASSERT_EQ(f.resumes.size(), 2u);
	EXPECT_EQ(f.resumes[1].entry, kMemEnd - 4);
	EXPECT_EQ(f.resumes[1].context_id, 7u);
}

TEST(PsciCpuSuspend, Smc32ArgumentsAreThirtyTwoBits)
{
	FakePsciEnv f;

	ExpectHalt(
	    f.Call(PSCI_FN_CPU_SUSPEND, {0xffffffff00000000ull | PSCI_POWER_STATE_POWERDOWN,
					 0xffffffff00000000ull | kEntry, 0xdeadbeef12345678ull}),
	    true);
	ASSERT_EQ(f.resumes.size(), 1u);
	EXPECT_EQ(f.resumes[0].entry, kEntry);
	EXPECT_EQ(f.resumes[0].context_id, 0x12345678u);
	/* SMC64 keeps them: an entry point above 4 GiB is outside guest memory. */
	EXPECT_TRUE(Resumed(
	    f.Call(PSCI_FN64_CPU_SUSPEND, {PSCI_POWER_STATE_POWERDOWN, 0x100000000ull | kEntry, 0}),
	    PSCI_RET_INVALID_ADDRESS));
	/* power_state is 32 bits wide in SMC64 too. */
	ExpectHalt(f.Call(PSCI_FN64_CPU_SUSPEND, {0xffffffff00000000ull, 0, 0}), false);
	EXPECT_EQ(f.resumes.size(), 1u);
}

TEST(PsciCpuSuspend, ReservedPowerStateBitsAreInvalid)
{
	FakePsciEnv f;

	for (uint32_t fid : {PSCI_FN_CPU_SUSPEND, PSCI_FN64_CPU_SUSPEND})
		for (uint64_t state : {1ull << 17, 1ull << 23, 1ull << 26, 1ull << 30, 1ull << 31,
				       0x40000000ull | 0x1234 /* an extended-format powerdown */,
				       0xffffffffull, 0xfcfe0000ull | PSCI_POWER_STATE_POWERDOWN})
			EXPECT_TRUE(
			    Resumed(f.Call(fid, {state, kEntry, 0}), PSCI_RET_INVALID_PARAMETERS))
			    << std::hex << state;
	EXPECT_TRUE(f.resumes.empty());
}

TEST(PsciCpuSuspend, PowerdownEntryMustBeAlignedGuestMemory)
{
	FakePsciEnv f;

	for (uint32_t fid : {PSCI_FN_CPU_SUSPEND, PSCI_FN64_CPU_SUSPEND})
		for (uint64_t entry :
		     std::initializer_list<uint64_t>{kEntry + 2, kEntry + 1, kMemEnd, kMemEnd - 2,
						     kMemBase - 4, 0ull, 0xfffffffcull})
			EXPECT_TRUE(Resumed(f.Call(fid, {PSCI_POWER_STATE_POWERDOWN, entry, 0}),
					    PSCI_RET_INVALID_ADDRESS))
			    << std::hex << entry;
	EXPECT_TRUE(f.resumes.empty()) << "a refused suspend does not resume anywhere";
}

/* --- CPU_OFF, CPU_ON --- */

TEST(PsciCpuOff, IsACpuDownExit)
{
	FakePsciEnv f;
	psci_result r = f.Call(PSCI_FN_CPU_OFF, {1, 2, 3});

	EXPECT_TRUE(Exited(r, AXVM_EXIT_CPU_DOWN, PSCI_RET_INTERNAL_FAILURE));
	EXPECT_EQ(r.exit.cpu_down.state, 0u);
	EXPECT_EQ(f.callbacks, 0);
}

TEST(PsciCpuOn, StartsAnOffVcpu)
{
	FakePsciEnv f;

	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu100, kEntry, 0xabcd}), PSCI_RET_SUCCESS));
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN64_CPU_ON, {kAff3Cpu, kEntry + 4, 0xfeedface00c0ffeeull}),
			    PSCI_RET_SUCCESS));
	ASSERT_EQ(f.starts.size(), 2u);
	EXPECT_EQ(f.starts[0].mpidr, kCpu100);
	EXPECT_EQ(f.starts[0].entry, kEntry);
	EXPECT_EQ(f.starts[0].context_id, 0xabcdu);
	EXPECT_EQ(f.starts[1].mpidr, kAff3Cpu);
	EXPECT_EQ(f.starts[1].entry, kEntry + 4);
	EXPECT_EQ(f.starts[1].context_id, 0xfeedface00c0ffeeull);
	EXPECT_EQ(f.power[kCpu100], AXVM_VCPU_START_PENDING);
	EXPECT_EQ(f.power[kCpu1], AXVM_VCPU_OFF);
}

TEST(PsciCpuOn, Smc32ArgumentsAreThirtyTwoBits)
{
	FakePsciEnv f;

	/* Aff3 is out of an SMC32 call's reach: 0x1_0000_0100 is CPU 0x100. */
	EXPECT_TRUE(
	    Resumed(f.Call(PSCI_FN_CPU_ON, {kAff3Cpu | kCpu100, 0xffffffff00000000ull | kEntry,
					    0xdeadbeef12345678ull}),
		    PSCI_RET_SUCCESS));
	ASSERT_EQ(f.starts.size(), 1u);
	EXPECT_EQ(f.starts[0].mpidr, kCpu100);
	EXPECT_EQ(f.starts[0].entry, kEntry);
	EXPECT_EQ(f.starts[0].context_id, 0x12345678u);
	/* 0x1_0000_0000 is CPU 0: the caller. */
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kAff3Cpu, kEntry, 0}), PSCI_RET_ALREADY_ON));
	EXPECT_EQ(f.power[kAff3Cpu], AXVM_VCPU_OFF);
}

TEST(PsciCpuOn, AVcpuThatIsNotOffIsAlreadyOnOrPending)
{
	FakePsciEnv f;

	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu1, kEntry, 0}), PSCI_RET_SUCCESS));
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu1, kEntry, 0}), PSCI_RET_ON_PENDING));
	for (axvm_vcpu_power p : {AXVM_VCPU_ON, AXVM_VCPU_SUSPENDED, AXVM_VCPU_STOP_PENDING}) {
		f.power[kCpu1] = p;
		EXPECT_TRUE(
		    Resumed(f.Call(PSCI_FN64_CPU_ON, {kCpu1, kEntry, 0}), PSCI_RET_ALREADY_ON))
		    << p;
	}
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kSelf, kEntry, 0}), PSCI_RET_ALREADY_ON));
	EXPECT_EQ(f.starts.size(), 1u);
}

TEST(PsciCpuOn, UnknownCpuIsInvalid)
{
	FakePsciEnv f;

	for (uint64_t target : {0x2ull, 0x200ull, 0x10000ull, 0x200000000ull, 0xff00ffffffull,
				/* bits outside the affinity fields: MT, U, RES1, beyond Aff3 */
				1ull << 24, 1ull << 30, 1ull << 31, 1ull << 40, ~0ull})
		EXPECT_TRUE(Resumed(f.Call(PSCI_FN64_CPU_ON, {target, kEntry, 0}),
				    PSCI_RET_INVALID_PARAMETERS))
		    << std::hex << target;
	/* The id is checked before the address. */
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {0x2, 0, 0}), PSCI_RET_INVALID_PARAMETERS));
	EXPECT_EQ(f.start_calls, 0);
}

TEST(PsciCpuOn, EntryMustBeAlignedGuestMemory)
{
	FakePsciEnv f;

	for (uint32_t fid : {PSCI_FN_CPU_ON, PSCI_FN64_CPU_ON})
		for (uint64_t entry :
		     std::initializer_list<uint64_t>{kEntry + 2, kEntry + 3, kMemEnd, kMemEnd - 2,
						     kMemBase - 4, 0ull, 0xfffffffcull})
			EXPECT_TRUE(
			    Resumed(f.Call(fid, {kCpu1, entry, 0}), PSCI_RET_INVALID_ADDRESS))
			    << std::hex << entry;
	EXPECT_TRUE(
	    Resumed(f.Call(PSCI_FN64_CPU_ON, {kCpu1, ~0ull - 3, 0}), PSCI_RET_INVALID_ADDRESS));
	EXPECT_EQ(f.start_calls, 0);
	/* The last word of memory is fine. */
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu1, kMemEnd - 4, 0}), PSCI_RET_SUCCESS));
}

TEST(PsciCpuOn, LosingARaceReportsTheWinner)
{
	FakePsciEnv f;

	/* Another vCPU's CPU_ON of the same target got there first. */
	f.race = AXVM_VCPU_START_PENDING;
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu1, kEntry, 0}), PSCI_RET_ON_PENDING));
	f.race = AXVM_VCPU_ON;
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu100, kEntry, 0}), PSCI_RET_ALREADY_ON));
	EXPECT_TRUE(f.starts.empty());
}

TEST(PsciCpuOn, HostRefusalsAreInternalFailures)
{
	FakePsciEnv f;

	/* The VM is stopping: the target stays OFF. */
	f.vm_running = false;
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu1, kEntry, 0}), PSCI_RET_INTERNAL_FAILURE));
	f.vm_running = true;
	f.forced_start_error = AXERR_NO_MEMORY;
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu1, kEntry, 0}), PSCI_RET_INTERNAL_FAILURE));
	f.forced_start_error = AXERR_INVALID;
	EXPECT_TRUE(
	    Resumed(f.Call(PSCI_FN_CPU_ON, {kCpu1, kEntry, 0}), PSCI_RET_INVALID_PARAMETERS));
	EXPECT_TRUE(f.starts.empty());
	EXPECT_EQ(f.start_calls, 3);
}

/* --- AFFINITY_INFO --- */

TEST(PsciAffinityInfo, ReportsEachPowerState)
{
	FakePsciEnv f;
	const std::pair<axvm_vcpu_power, int64_t> expected[] = {
	    {AXVM_VCPU_OFF, PSCI_AFFINITY_OFF},
	    {AXVM_VCPU_START_PENDING, PSCI_AFFINITY_ON_PENDING},
	    {AXVM_VCPU_ON, PSCI_AFFINITY_ON},
	    {AXVM_VCPU_SUSPENDED, PSCI_AFFINITY_ON},
	    {AXVM_VCPU_STOP_PENDING, PSCI_AFFINITY_ON},
	};

	for (auto [power, answer] : expected) {
		f.power[kCpu100] = power;
		f.power[kAff3Cpu] = power;
		EXPECT_TRUE(Resumed(f.Call(PSCI_FN_AFFINITY_INFO, {kCpu100, 0}), answer)) << power;
		EXPECT_TRUE(Resumed(f.Call(PSCI_FN64_AFFINITY_INFO, {kAff3Cpu, 0}), answer))
		    << power;
	}
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_AFFINITY_INFO, {kSelf, 0}), PSCI_AFFINITY_ON));
	EXPECT_EQ(PSCI_AFFINITY_ON, 0);
	EXPECT_EQ(PSCI_AFFINITY_OFF, 1);
	EXPECT_EQ(PSCI_AFFINITY_ON_PENDING, 2);
}

TEST(PsciAffinityInfo, OnlyLevelZero)
{
	FakePsciEnv f;

	for (uint32_t fid : {PSCI_FN_AFFINITY_INFO, PSCI_FN64_AFFINITY_INFO})
		for (uint64_t level : {1ull, 2ull, 3ull, 4ull, 0xffffffffull})
			EXPECT_TRUE(
			    Resumed(f.Call(fid, {kCpu1, level}), PSCI_RET_INVALID_PARAMETERS))
			    << level;
	/* lowest_affinity_level is 32 bits wide in both conventions. */
	EXPECT_TRUE(
	    Resumed(f.Call(PSCI_FN64_AFFINITY_INFO, {kCpu1, 1ull << 32}), PSCI_AFFINITY_OFF));
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_AFFINITY_INFO, {kCpu1, 1ull << 32}), PSCI_AFFINITY_OFF));
}

TEST(PsciAffinityInfo, UnknownCpuIsInvalid)
{
	FakePsciEnv f;

	for (uint64_t target :
	     {0x2ull, 0x101ull, 0x200000000ull, 1ull << 24, 1ull << 31, 1ull << 40, ~0ull})
		EXPECT_TRUE(Resumed(f.Call(PSCI_FN64_AFFINITY_INFO, {target, 0}),
				    PSCI_RET_INVALID_PARAMETERS))
		    << std::hex << target;
	/* SMC32: target_affinity is W1 (Aff3 out of reach). */
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_AFFINITY_INFO, {0xffffffff00000000ull | kCpu100, 0}),
			    PSCI_AFFINITY_OFF));
	EXPECT_TRUE(Resumed(f.Call(PSCI_FN_AFFINITY_INFO, {kAff3Cpu, 0}), PSCI_AFFINITY_ON))
	    << "CPU 0, the caller";
}

/* --- SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2 --- */

void ExpectSystemDown(const psci_result &r, bool reset)
{
	EXPECT_TRUE(Exited(r, AXVM_EXIT_SYSTEM_DOWN, PSCI_RET_INTERNAL_FAILURE));
	EXPECT_EQ(r.exit.system_down.reset, reset);
}

TEST(PsciSystem, OffAndReset)
{
	FakePsciEnv f;

	ExpectSystemDown(f.Call(PSCI_FN_SYSTEM_OFF), false);
	ExpectSystemDown(f.Call(PSCI_FN_SYSTEM_RESET), true);
	EXPECT_EQ(f.callbacks, 0);
}

TEST(PsciSystem, Reset2WarmResetIsAReset)
{
	FakePsciEnv f;

	for (uint32_t fid : {PSCI_FN_SYSTEM_RESET2, PSCI_FN64_SYSTEM_RESET2}) {
		ExpectSystemDown(f.Call(fid, {PSCI_RESET2_SYSTEM_WARM_RESET, 0}), true);
		/* The cookie does not matter; reset_type is 32 bits wide in SMC64 too. */
		ExpectSystemDown(f.Call(fid, {0xffffffff00000000ull, ~0ull}), true);
	}
}

TEST(PsciSystem, Reset2OtherTypesAreRefused)
{
	FakePsciEnv f;

	for (uint32_t fid : {PSCI_FN_SYSTEM_RESET2, PSCI_FN64_SYSTEM_RESET2}) {
		for (uint64_t type : {1ull, 2ull, 0x7fffffffull})
			EXPECT_TRUE(Resumed(f.Call(fid, {type, 0}), PSCI_RET_INVALID_PARAMETERS))
			    << type;
		for (uint64_t type : {0x80000000ull, 0x80000001ull, 0xffffffffull})
			EXPECT_TRUE(Resumed(f.Call(fid, {type, 0}), PSCI_RET_NOT_SUPPORTED))
			    << type;
	}
}

TEST(PsciResult, ErrorsAreSignExtended)
{
	FakePsciEnv f;

	EXPECT_EQ(f.Call(PSCI_FN_AFFINITY_INFO, {kCpu1, 1}).x0, 0xfffffffffffffffeull);
	EXPECT_EQ(f.Call(PSCI_FN_CPU_ON, {kCpu1, 1, 0}).x0, 0xfffffffffffffff7ull);
}

} // namespace

namespace
{

TEST(AxvmCall, MemoryReleaseGoesToTheHostWhenWellFormed)
{
	FakePsciEnv f;

	EXPECT_EQ(f.Call(AXVM_FN64_MEMORY_RELEASE, {kMemBase, 0x2000}).x0, 0u);
	ASSERT_EQ(f.releases.size(), 1u);
	EXPECT_EQ(f.releases[0], std::make_pair(uint64_t{kMemBase}, uint64_t{0x2000}));
	EXPECT_EQ(f.Call(AXVM_FN64_MEMORY_RELEASE, {kMemBase + 8, 0x1000}).x0,
		  (uint64_t)PSCI_RET_INVALID_PARAMETERS)
	    << "unaligned";
	EXPECT_EQ(f.Call(AXVM_FN64_MEMORY_RELEASE, {kMemBase, 0}).x0,
		  (uint64_t)PSCI_RET_INVALID_PARAMETERS)
	    << "empty";
	EXPECT_EQ(f.Call(AXVM_FN64_MEMORY_RELEASE, {0xfffffffffffff000ull, 0x2000}).x0,
		  (uint64_t)PSCI_RET_INVALID_PARAMETERS)
	    << "wrapping";
	EXPECT_EQ(f.releases.size(), 1u) << "malformed calls never reach the host";
	EXPECT_EQ(f.Call(AXVM_FN64_MEMORY_RELEASE, {0x1000, 0x1000}).x0,
		  (uint64_t)PSCI_RET_INVALID_PARAMETERS)
	    << "not the VM's memory: the host refuses";
	EXPECT_EQ(
	    f.Call(AXVM_FN64_MEMORY_RELEASE & ~(1u << 30), {(1ull << 32) | kMemBase, 0x1000}).x0,
	    0u)
	    << "SMC32: 32-bit arguments";
	EXPECT_EQ(f.releases.back(), std::make_pair(uint64_t{kMemBase}, uint64_t{0x1000}));
}

} // namespace
