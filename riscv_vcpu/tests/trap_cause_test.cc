#include <gtest/gtest.h>

extern "C" {
#include <riscv_vcpu/trap_cause.h>
}

TEST(TrapCause, NamesExceptions)
{
	EXPECT_STREQ(riscv_trap_cause_name(5), "load access fault");
	EXPECT_STREQ(riscv_trap_cause_name(10), "environment call from VS-mode");
	EXPECT_STREQ(riscv_trap_cause_name(23), "store/AMO guest-page fault");
}

TEST(TrapCause, NamesInterrupts)
{
	EXPECT_STREQ(riscv_trap_cause_name(SCAUSE_INTERRUPT | 5), "supervisor timer interrupt");
	EXPECT_STREQ(riscv_trap_cause_name(SCAUSE_INTERRUPT | 12),
		     "supervisor guest external interrupt");
}

TEST(TrapCause, UnknownCodesAreNamedAsSuch)
{
	EXPECT_STREQ(riscv_trap_cause_name(14), "unknown exception");
	EXPECT_STREQ(riscv_trap_cause_name(64), "unknown exception");
	EXPECT_STREQ(riscv_trap_cause_name(SCAUSE_INTERRUPT | 3), "unknown interrupt");
	EXPECT_STREQ(riscv_trap_cause_name(SCAUSE_INTERRUPT | 1000), "unknown interrupt");
}
