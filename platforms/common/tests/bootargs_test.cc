#include <gtest/gtest.h>

extern "C" {
#include <board/bootargs.h>
}

TEST(Bootargs, MatchesWholeWords)
{
	EXPECT_TRUE(bootargs_has("fault", "fault"));
	EXPECT_TRUE(bootargs_has("console=ttyS0  fault", "fault"));
	EXPECT_TRUE(bootargs_has("fault=1 quiet", "fault"));
	EXPECT_FALSE(bootargs_has("faults", "fault"));
	EXPECT_FALSE(bootargs_has("nofault", "fault"));
	EXPECT_FALSE(bootargs_has("", "fault"));
}
