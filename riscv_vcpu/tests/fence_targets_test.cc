/* Remote guest-virtual fences reach the harts whose last vCPU is a target, and fall back to
 * every hart when a target's hart id cannot be named. */
#include <gtest/gtest.h>

extern "C" {
#include <riscv_vcpu/fence_targets.h>
}

namespace
{

TEST(FenceTargets, TheHartsWhoseLastVcpuIsATarget)
{
	const riscv_hart_use harts[] = {
	    {true, 7, 0, true, 0},  /* vm 7 vcpu 0 on hart 0 */
	    {true, 7, 1, true, 1},  /* vm 7 vcpu 1 on hart 1 */
	    {true, 9, 1, true, 2},  /* another VM's vcpu 1 */
	    {false, 7, 1, true, 3}, /* never used */
	    {true, 7, 1, true, 5},  /* vcpu 1 of vm 7 also last here */
	};
	uint64_t mask = ~0ull;

	ASSERT_TRUE(riscv_fence_targets(harts, 5, 7, 0b10, &mask));
	EXPECT_EQ(mask, (1ull << 1) | (1ull << 5));
	ASSERT_TRUE(riscv_fence_targets(harts, 5, 7, 0b01, &mask));
	EXPECT_EQ(mask, 1ull << 0);
	ASSERT_TRUE(riscv_fence_targets(harts, 5, 8, 0b11, &mask));
	EXPECT_EQ(mask, 0u) << "a VM that ran nowhere";
	ASSERT_TRUE(riscv_fence_targets(harts, 5, 7, 0b100, &mask));
	EXPECT_EQ(mask, 0u) << "vcpu 2 is last nowhere";
}

TEST(FenceTargets, EveryHartWhenATargetCannotBeNamed)
{
	const riscv_hart_use unknown[] = {{true, 7, 0, false, 0}};
	const riscv_hart_use wide[] = {{true, 7, 0, true, 64}};
	const riscv_hart_use other[] = {{true, 7, 3, false, 0}}; /* not a target: no matter */
	uint64_t mask;

	EXPECT_FALSE(riscv_fence_targets(unknown, 1, 7, 1, &mask));
	EXPECT_FALSE(riscv_fence_targets(wide, 1, 7, 1, &mask));
	EXPECT_TRUE(riscv_fence_targets(other, 1, 7, 1, &mask));
	EXPECT_EQ(mask, 0u);
}

} // namespace
