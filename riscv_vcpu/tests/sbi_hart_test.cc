/* The SBI extensions that act on harts: HSM, IPI and RFENCE, with the hart-list convention. */
#include "riscv_vcpu/tests/sbi_fake_env.h"

namespace
{

constexpr uint64_t kAll = ~0ull; /* hart_mask_base -1: every hart */
constexpr uint64_t kEntry = FakeSbiEnv::kMemBase + 0x1000;

/* --- HSM --- */

TEST(SbiHsm, StartingAStoppedHartGoesToTheHost)
{
	FakeSbiEnv f;
	sbi_result r = f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {2, kEntry, 0xfeedface});

	ExpectResume(r, SBI_SUCCESS);
	ASSERT_EQ(f.starts.size(), 1u);
	EXPECT_EQ(f.starts[0].hart, 2u);
	EXPECT_EQ(f.starts[0].addr, kEntry);
	EXPECT_EQ(f.starts[0].opaque, 0xfeedfaceu);
	EXPECT_EQ(f.states[2], SBI_HSM_START_PENDING);
	/* A second start of the same hart. */
	ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {2, kEntry, 0}),
		     SBI_ERR_ALREADY_AVAILABLE);
}

TEST(SbiHsm, StartingAHartThatIsNotStoppedIsAlreadyAvailable)
{
	FakeSbiEnv f;

	for (sbi_hsm_state s :
	     {SBI_HSM_STARTED, SBI_HSM_START_PENDING, SBI_HSM_STOP_PENDING, SBI_HSM_SUSPENDED,
	      SBI_HSM_SUSPEND_PENDING, SBI_HSM_RESUME_PENDING}) {
		f.states[1] = s;
		ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {1, kEntry, 0}),
			     SBI_ERR_ALREADY_AVAILABLE);
	}
	/* The caller itself is running. */
	ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {0, kEntry, 0}),
		     SBI_ERR_ALREADY_AVAILABLE);
	EXPECT_TRUE(f.starts.empty());
}

TEST(SbiHsm, StartingAHartOutsideTheVmIsInvalid)
{
	FakeSbiEnv f;

	for (uint64_t hart : {4ull, 63ull, 64ull, 1ull << 32, ~0ull})
		ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {hart, kEntry, 0}),
			     SBI_ERR_INVALID_PARAM);
	EXPECT_TRUE(f.starts.empty());
}

TEST(SbiHsm, StartAddressMustBeAlignedGuestMemory)
{
	FakeSbiEnv f;
	const uint64_t end = FakeSbiEnv::kMemBase + FakeSbiEnv::kMemSize;

	for (uint64_t addr : std::initializer_list<uint64_t>{
		 kEntry + 1, end, end - 1, FakeSbiEnv::kMemBase - 2, 0, ~0ull - 1})
		ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {1, addr, 0}),
			     SBI_ERR_INVALID_ADDRESS);
	EXPECT_TRUE(f.starts.empty());
	/* A compressed first instruction at the very end of memory is fine. */
	ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {1, end - 2, 0}), SBI_SUCCESS);
	ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_START, {3, FakeSbiEnv::kMemBase + 2, 0}),
		     SBI_SUCCESS);
	EXPECT_EQ(f.starts.size(), 2u);
}

TEST(SbiHsm, StopIsACpuDownExit)
{
	FakeSbiEnv f;

	f.hartid = 2;
	ExpectExit(f.Call(SBI_EXT_HSM, SBI_HSM_HART_STOP), AXVM_EXIT_CPU_DOWN);
}

TEST(SbiHsm, GetStatusReportsTheHostsState)
{
	FakeSbiEnv f;

	for (sbi_hsm_state s :
	     {SBI_HSM_STARTED, SBI_HSM_STOPPED, SBI_HSM_START_PENDING, SBI_HSM_STOP_PENDING,
	      SBI_HSM_SUSPENDED, SBI_HSM_SUSPEND_PENDING, SBI_HSM_RESUME_PENDING}) {
		f.states[3] = s;
		ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, {3}), SBI_SUCCESS, s);
	}
	ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, {0}), SBI_SUCCESS,
		     SBI_HSM_STARTED);
	for (uint64_t hart : {4ull, 64ull, ~0ull})
		ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, {hart}),
			     SBI_ERR_INVALID_PARAM);
}

void ExpectSuspend(const sbi_result &r)
{
	ExpectExit(r, AXVM_EXIT_HALT);
	EXPECT_TRUE(r.exit.halt.suspend);
}

TEST(SbiHsm, RetentiveSuspendIsASuspendHalt)
{
	FakeSbiEnv f;

	/* resume_addr and opaque are ignored by a retentive suspend. */
	ExpectSuspend(f.Call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, {SBI_HSM_SUSPEND_RETENTIVE, 1, 2}));
	EXPECT_TRUE(f.resumes.empty());
}

TEST(SbiHsm, SuspendTypeIsThirtyTwoBitsWide)
{
	FakeSbiEnv f;

	/* The upper half of a0 is not part of suspend_type. */
	ExpectSuspend(f.Call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, {0xffffffff00000000ull, 1, 2}));
	ExpectSuspend(
	    f.Call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, {0x1234567880000000ull, kEntry, 3}));
	ASSERT_EQ(f.resumes.size(), 1u) << "a non-retentive suspend";
}

TEST(SbiHsm, NonRetentiveSuspendResumesAtTheGivenAddress)
{
	FakeSbiEnv f;

	f.hartid = 1;
	ExpectSuspend(f.Call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
			     {SBI_HSM_SUSPEND_NON_RETENTIVE, kEntry + 2, 0x77}));
	ASSERT_EQ(f.resumes.size(), 1u);
	EXPECT_EQ(f.resumes[0].hart, 1u);
	EXPECT_EQ(f.resumes[0].addr, kEntry + 2);
	EXPECT_EQ(f.resumes[0].opaque, 0x77u);
	for (uint64_t addr : std::initializer_list<uint64_t>{kEntry + 1, 0, ~0ull - 1})
		ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
				    {SBI_HSM_SUSPEND_NON_RETENTIVE, addr, 0}),
			     SBI_ERR_INVALID_ADDRESS);
	EXPECT_EQ(f.resumes.size(), 1u) << "a refused suspend does not resume anywhere";
}

TEST(SbiHsm, ReservedAndPlatformSuspendTypesAreInvalid)
{
	FakeSbiEnv f;

	for (uint64_t type : {0x1ull, 0x0fffffffull, 0x10000000ull, 0x7fffffffull, 0x80000001ull,
			      0x8fffffffull, 0x90000000ull, 0xffffffffull, 0x1000000001ull, ~0ull})
		ExpectResume(f.Call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, {type, kEntry, 0}),
			     SBI_ERR_INVALID_PARAM);
}

/* --- IPI --- */

sbi_result SendIpi(FakeSbiEnv &f, uint64_t mask, uint64_t base)
{
	return f.Call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, {mask, base});
}

void ExpectIpi(const sbi_result &r, uint64_t targets)
{
	ExpectExit(r, AXVM_EXIT_SEND_IPI);
	EXPECT_EQ(r.exit.send_ipi.target_mask, targets);
	EXPECT_EQ(r.exit.send_ipi.vector, 1u) << "supervisor software interrupt";
}

TEST(SbiIpi, MaskFromBase)
{
	FakeSbiEnv f;

	ExpectIpi(SendIpi(f, 0b1010, 0), 0b1010);
	ExpectIpi(SendIpi(f, 0b101, 1), 0b1010);
	ExpectIpi(SendIpi(f, 0b1, 3), 0b1000);
	/* The caller's own hart included. */
	ExpectIpi(SendIpi(f, 0b1111, 0), 0b1111);
}

TEST(SbiIpi, BaseMinusOneIsEveryHart)
{
	FakeSbiEnv f;

	ExpectIpi(SendIpi(f, 0, kAll), 0b1111);
	/* The mask is ignored. */
	ExpectIpi(SendIpi(f, 0xdead, kAll), 0b1111);
	f.hart_count = 1;
	ExpectIpi(SendIpi(f, 0, kAll), 0b1);
	f.hart_count = 64;
	ExpectIpi(SendIpi(f, 0, kAll), ~0ull);
}

TEST(SbiIpi, SixtyFourHarts)
{
	FakeSbiEnv f;

	f.hart_count = 64;
	f.hartid = 63;
	ExpectIpi(SendIpi(f, ~0ull, 0), ~0ull);
	ExpectIpi(SendIpi(f, 1, 63), 1ull << 63);
	ExpectIpi(SendIpi(f, 0b11, 62), 0b11ull << 62);
	ExpectResume(SendIpi(f, 0b111, 62), SBI_ERR_INVALID_PARAM);
	ExpectResume(SendIpi(f, 1, 64), SBI_ERR_INVALID_PARAM);
}

TEST(SbiIpi, AnEmptyListJustResumes)
{
	FakeSbiEnv f;

	ExpectResume(SendIpi(f, 0, 0), SBI_SUCCESS);
	ExpectResume(SendIpi(f, 0, 3), SBI_SUCCESS);
}

TEST(SbiIpi, HartsOutsideTheVmAreInvalid)
{
	FakeSbiEnv f;

	ExpectResume(SendIpi(f, 0b10000, 0), SBI_ERR_INVALID_PARAM);
	ExpectResume(SendIpi(f, 0b11, 3), SBI_ERR_INVALID_PARAM);
	ExpectResume(SendIpi(f, 1ull << 63, 0), SBI_ERR_INVALID_PARAM);
	ExpectResume(SendIpi(f, 1, 4), SBI_ERR_INVALID_PARAM);
	/* An invalid base is invalid even with an empty mask. */
	ExpectResume(SendIpi(f, 0, 4), SBI_ERR_INVALID_PARAM);
	ExpectResume(SendIpi(f, 1, 1ull << 40), SBI_ERR_INVALID_PARAM);
	ExpectResume(SendIpi(f, 1, ~0ull - 1), SBI_ERR_INVALID_PARAM);
}

/* --- RFENCE --- */

TEST(SbiRfence, FenceIOnEveryHartIsLocalPlusRemote)
{
	FakeSbiEnv f;

	f.hartid = 1;
	ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, {0, kAll}), SBI_SUCCESS);
	ASSERT_EQ(f.fences.size(), 2u);
	EXPECT_FALSE(f.fences[0].remote);
	EXPECT_EQ(f.fences[0].fence.kind, SBI_FENCE_I);
	EXPECT_TRUE(f.fences[1].remote);
	EXPECT_EQ(f.fences[1].fence.kind, SBI_FENCE_I);
	EXPECT_EQ(f.fences[1].mask, 0b1101u) << "never the caller's own hart";
}

TEST(SbiRfence, OnlyTheCallerIsLocalOnly)
{
	FakeSbiEnv f;

	f.hartid = 2;
	ExpectResume(
	    f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, {0b100, 0, 0x1000, 0x2000}),
	    SBI_SUCCESS);
	ASSERT_EQ(f.fences.size(), 1u);
	EXPECT_FALSE(f.fences[0].remote);
	EXPECT_EQ(f.fences[0].fence.kind, SBI_FENCE_VMA);
	EXPECT_EQ(f.fences[0].fence.start, 0x1000u);
	EXPECT_EQ(f.fences[0].fence.size, 0x2000u);
}

TEST(SbiRfence, OthersOnlyIsRemoteOnly)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID,
			    {0b11, 2, 0x40000000, 0x1000, 7}),
		     SBI_SUCCESS);
	ASSERT_EQ(f.fences.size(), 1u);
	EXPECT_TRUE(f.fences[0].remote);
	EXPECT_EQ(f.fences[0].mask, 0b1100u);
	EXPECT_EQ(f.fences[0].fence.kind, SBI_FENCE_VMA_ASID);
	EXPECT_EQ(f.fences[0].fence.start, 0x40000000u);
	EXPECT_EQ(f.fences[0].fence.size, 0x1000u);
	EXPECT_EQ(f.fences[0].fence.asid, 7u);
}

TEST(SbiRfence, WholeAddressSpaceForms)
{
	const struct {
		uint64_t start, size;
	} forms[] = {{0, 0}, {0, ~0ull}, {0x1000, ~0ull}, {~0ull, ~0ull}};

	for (const auto &form : forms) {
		FakeSbiEnv f;

		ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA,
				    {1, 0, form.start, form.size}),
			     SBI_SUCCESS);
		ASSERT_EQ(f.fences.size(), 1u);
		EXPECT_EQ(f.fences[0].fence.start, 0u);
		EXPECT_EQ(f.fences[0].fence.size, SBI_FENCE_ALL);
	}
}

TEST(SbiRfence, RangeEndingAtTheTopIsFine)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA,
			    {1, 0, 0xfffffffffffff000ull, 0x1000}),
		     SBI_SUCCESS);
	ASSERT_EQ(f.fences.size(), 1u);
	EXPECT_EQ(f.fences[0].fence.size, 0x1000u);
}

TEST(SbiRfence, WrappingRangeIsAnInvalidAddress)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA,
			    {0, kAll, 0xfffffffffffff000ull, 0x1001}),
		     SBI_ERR_INVALID_ADDRESS);
	ExpectResume(
	    f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, {0, kAll, 3, ~0ull - 1, 1}),
	    SBI_ERR_INVALID_ADDRESS);
	EXPECT_TRUE(f.fences.empty());
}

TEST(SbiRfence, EmptyRangeOrEmptyListFencesNothing)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, {0, kAll, 0x1000, 0}),
		     SBI_SUCCESS);
	ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, {0, 1}), SBI_SUCCESS);
	EXPECT_TRUE(f.fences.empty());
}

TEST(SbiRfence, InvalidHartListFencesNothing)
{
	FakeSbiEnv f;

	for (uint64_t fid : {SBI_RFENCE_REMOTE_FENCE_I, SBI_RFENCE_REMOTE_SFENCE_VMA,
			     SBI_RFENCE_REMOTE_SFENCE_VMA_ASID}) {
		ExpectResume(f.Call(SBI_EXT_RFENCE, fid, {0b11111, 0, 0, 0, 0}),
			     SBI_ERR_INVALID_PARAM);
		ExpectResume(f.Call(SBI_EXT_RFENCE, fid, {1, 4, 0, 0, 0}), SBI_ERR_INVALID_PARAM);
	}
	EXPECT_TRUE(f.fences.empty());
}

TEST(SbiRfence, ARemoteFailureReachesTheGuest)
{
	FakeSbiEnv f;

	f.remote_result = SBI_ERR_FAILED;
	ExpectResume(f.Call(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, {0, kAll}), SBI_ERR_FAILED);
	ASSERT_EQ(f.fences.size(), 2u) << "the local fence is still done";
}

TEST(SbiRfence, HypervisorFencesAreNotSupported)
{
	FakeSbiEnv f;

	for (uint64_t fid : {SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID, SBI_RFENCE_REMOTE_HFENCE_GVMA,
			     SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID, SBI_RFENCE_REMOTE_HFENCE_VVMA})
		ExpectResume(f.Call(SBI_EXT_RFENCE, fid, {0, kAll, 0, 0, 0}),
			     SBI_ERR_NOT_SUPPORTED);
	EXPECT_TRUE(f.fences.empty());
}

} // namespace
