/* The SBI dispatcher, the Base, Timer and System Reset extensions. */
#include "riscv_vcpu/tests/sbi_fake_env.h"

namespace
{

const uint64_t kImplemented[] = {
    SBI_EXT_LEGACY_PUTCHAR,
    SBI_EXT_LEGACY_GETCHAR,
    SBI_EXT_BASE,
    SBI_EXT_TIME,
    SBI_EXT_IPI,
    SBI_EXT_RFENCE,
    SBI_EXT_HSM,
    SBI_EXT_SRST,
    SBI_EXT_DBCN,
    SBI_EXT_AXVM,
};

/* Extensions of SBI v2.0 and earlier that axvm-c does not offer, legacy ones included. */
const uint64_t kNotImplemented[] = {
    0x00,	      /* legacy set_timer */
    0x03,	      /* legacy clear_ipi */
    0x04,	      /* legacy send_ipi */
    0x05,	      /* legacy remote_fence_i */
    0x06,	      /* legacy remote_sfence_vma */
    0x07,	      /* legacy remote_sfence_vma_asid */
    0x08,	      /* legacy shutdown */
    0x09,	0x0f, /* the rest of the legacy range */
    0x504d55,	      /* PMU */
    0x53555350,	      /* SUSP */
    0x43505043,	      /* CPPC */
    0x4e41434c,	      /* NACL */
    0x535441,	      /* STA */
    0x08000000,	      /* experimental */
    0x09000000,	      /* vendor */
    0x0a000000,	      /* another firmware's */
    0x0b000000,	      /* reserved */
    0x11,	0xffffffff, 0xffffffffffffffffull,
};

TEST(SbiBase, SpecVersionIs2_0)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION), SBI_SUCCESS, 0x02000000);
}

TEST(SbiBase, ImplementationIdAndVersion)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID), SBI_SUCCESS, 0x4158564d);
	ExpectResume(f.Call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION), SBI_SUCCESS, 0x00000001);
}

TEST(SbiBase, MachineIdsAreZero)
{
	FakeSbiEnv f;

	for (uint64_t fid : {SBI_BASE_GET_MVENDORID, SBI_BASE_GET_MARCHID, SBI_BASE_GET_MIMPID})
		ExpectResume(f.Call(SBI_EXT_BASE, fid, {7, 7}), SBI_SUCCESS, 0);
}

TEST(SbiBase, ProbeAnswersExactlyTheImplementedExtensions)
{
	FakeSbiEnv f;

	for (uint64_t eid : kImplemented)
		ExpectResume(f.Call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, {eid}), SBI_SUCCESS, 1);
	for (uint64_t eid : kNotImplemented)
		ExpectResume(f.Call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, {eid}), SBI_SUCCESS, 0);
	/* An id with the right low 32 bits and garbage above is another id. */
	ExpectResume(f.Call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, {0x100000000ull | SBI_EXT_HSM}),
		     SBI_SUCCESS, 0);
}

TEST(SbiDispatch, UnknownExtensionsAreNotSupported)
{
	FakeSbiEnv f;

	for (uint64_t eid : kNotImplemented) {
		sbi_result r = f.Call(eid, 0, {1, 2, 3});

		EXPECT_EQ(r.action, SBI_ACTION_RESUME) << std::hex << eid;
		EXPECT_EQ(r.error, SBI_ERR_NOT_SUPPORTED) << std::hex << eid;
	}
	EXPECT_TRUE(f.timers.empty());
	EXPECT_TRUE(f.out.empty());
}

TEST(SbiDispatch, UnknownLegacyCallsKeepA1)
{
	FakeSbiEnv f;

	/* SBI v0.1 calls return in a0 only; an unknown one must not clobber a1 either. */
	ExpectResume(f.Call(0x08, 0, {0, 0x1234}), SBI_ERR_NOT_SUPPORTED, 0x1234);
	ExpectResume(f.Call(0x00, 0, {100, 0x5678}), SBI_ERR_NOT_SUPPORTED, 0x5678);
	EXPECT_TRUE(f.timers.empty());
	/* Outside the legacy range the value is 0. */
	ExpectResume(f.Call(0x504d55, 0, {0, 0x1234}), SBI_ERR_NOT_SUPPORTED, 0);
}

TEST(SbiDispatch, UnknownFunctionsAreNotSupported)
{
	FakeSbiEnv f;
	const struct {
		uint64_t eid;
		uint64_t first_unknown;
	} exts[] = {
	    {SBI_EXT_BASE, 7}, {SBI_EXT_TIME, 1}, {SBI_EXT_IPI, 1},  {SBI_EXT_RFENCE, 3},
	    {SBI_EXT_HSM, 4},  {SBI_EXT_SRST, 1}, {SBI_EXT_DBCN, 3}, {SBI_EXT_AXVM, 1},
	};

	for (const auto &e : exts) {
		for (uint64_t fid : std::initializer_list<uint64_t>{
			 e.first_unknown, e.first_unknown + 1, 0x80000000ull, ~0ull, 1ull << 32}) {
			sbi_result r = f.Call(e.eid, fid, {0, 0, 0, 0, 0, 0});

			EXPECT_EQ(r.action, SBI_ACTION_RESUME) << std::hex << e.eid << " " << fid;
			EXPECT_EQ(r.error, SBI_ERR_NOT_SUPPORTED)
			    << std::hex << e.eid << " " << fid;
			EXPECT_EQ(r.value, 0u);
		}
	}
	EXPECT_TRUE(f.fences.empty());
	EXPECT_TRUE(f.timers.empty());
}

TEST(SbiDispatch, HostInvariantsAreAsserted)
{
	FakeSbiEnv f;

	f.hart_count = 0;
	EXPECT_DEATH(f.Call(SBI_EXT_BASE, 0), "hart_count");
	f.hart_count = SBI_MAX_HARTS + 1;
	EXPECT_DEATH(f.Call(SBI_EXT_BASE, 0), "hart_count");
	f.hart_count = 4;
	f.hartid = 4;
	EXPECT_DEATH(f.Call(SBI_EXT_BASE, 0), "hartid");
}

TEST(SbiTime, SetTimerReachesTheCallback)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, {123456789}), SBI_SUCCESS);
	ExpectResume(f.Call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, {~0ull}), SBI_SUCCESS);
	ExpectResume(f.Call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, {0}), SBI_SUCCESS);
	EXPECT_EQ(f.timers, (std::vector<uint64_t>{123456789, ~0ull, 0}));
}

TEST(SbiSrst, ShutdownAndReboots)
{
	FakeSbiEnv f;
	const struct {
		uint64_t type;
		bool reset;
	} types[] = {{SBI_SRST_TYPE_SHUTDOWN, false},
		     {SBI_SRST_TYPE_COLD_REBOOT, true},
		     {SBI_SRST_TYPE_WARM_REBOOT, true}};

	for (const auto &t : types) {
		for (uint64_t reason : {SBI_SRST_REASON_NONE, SBI_SRST_REASON_SYSTEM_FAILURE}) {
			sbi_result r =
			    f.Call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, {t.type, reason});

			ExpectExit(r, AXVM_EXIT_SYSTEM_DOWN);
			EXPECT_EQ(r.exit.system_down.reset, t.reset) << t.type;
		}
	}
}

TEST(SbiSrst, ReservedAndVendorTypesAndReasonsAreInvalid)
{
	FakeSbiEnv f;

	for (uint64_t type : {3ull, 0xefffffffull, 0xf0000000ull, 0xffffffffull, ~0ull}) {
		ExpectResume(f.Call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, {type, 0}),
			     SBI_ERR_INVALID_PARAM);
	}
	for (uint64_t reason :
	     {2ull, 0xdfffffffull, 0xe0000000ull, 0xf0000000ull, 0xffffffffull, ~0ull}) {
		ExpectResume(f.Call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, {0, reason}),
			     SBI_ERR_INVALID_PARAM);
	}
}

TEST(SbiSrst, TypeAndReasonAre32Bits)
{
	FakeSbiEnv f;
	sbi_result r = f.Call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
			      {0xabcd00000000ull | SBI_SRST_TYPE_COLD_REBOOT,
			       0x100000000ull | SBI_SRST_REASON_SYSTEM_FAILURE});

	ExpectExit(r, AXVM_EXIT_SYSTEM_DOWN);
	EXPECT_TRUE(r.exit.system_down.reset);
}

} // namespace

TEST(SbiAxvm, TheExtensionIdCarriesTheImplementationId)
{
	EXPECT_EQ(SBI_EXT_AXVM >> 24, 0x0au) << "the firmware-specific space";
	EXPECT_EQ(SBI_EXT_AXVM & 0xffffff, SBI_IMPL_ID_AXVM & 0xffffff);
}

TEST(SbiAxvm, MemoryReleaseReachesTheHost)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_AXVM, SBI_AXVM_MEMORY_RELEASE, {0x80002000, 0x3000}),
		     SBI_SUCCESS, 0);
	ASSERT_EQ(f.releases.size(), 1u);
	EXPECT_EQ(f.releases[0].gpa, 0x80002000u);
	EXPECT_EQ(f.releases[0].size, 0x3000u);
}

TEST(SbiAxvm, MemoryReleaseErrors)
{
	FakeSbiEnv f;

	/* Checked before the host hears of it: empty, unaligned base or size. */
	ExpectResume(f.Call(SBI_EXT_AXVM, SBI_AXVM_MEMORY_RELEASE, {0x80002000, 0}),
		     SBI_ERR_INVALID_PARAM, 0);
	ExpectResume(f.Call(SBI_EXT_AXVM, SBI_AXVM_MEMORY_RELEASE, {0x80002008, 0x1000}),
		     SBI_ERR_INVALID_PARAM, 0);
	ExpectResume(f.Call(SBI_EXT_AXVM, SBI_AXVM_MEMORY_RELEASE, {0x80002000, 0x1001}),
		     SBI_ERR_INVALID_PARAM, 0);
	EXPECT_TRUE(f.releases.empty());
	/* The host's answers. */
	const struct {
		int err;
		int64_t sbi;
	} answers[] = {
	    {AXERR_INVALID, SBI_ERR_INVALID_PARAM},
	    {AXERR_NOT_MAPPED, SBI_ERR_INVALID_ADDRESS},
	    {AXERR_UNSUPPORTED, SBI_ERR_INVALID_ADDRESS},
	    {AXERR_NO_MEMORY, SBI_ERR_FAILED},
	};
	for (const auto &a : answers) {
		f.release_result = a.err;
		ExpectResume(f.Call(SBI_EXT_AXVM, SBI_AXVM_MEMORY_RELEASE, {0x1000, 0x1000}), a.sbi,
			     0);
	}
}
