#include <gtest/gtest.h>

extern "C" {
#include "platforms/x86_64_pc/exception_info.h"
}

TEST(ExceptionInfo, NamesVectors)
{
	EXPECT_STREQ(x86_exception_name(0), "divide error");
	EXPECT_STREQ(x86_exception_name(13), "general protection");
	EXPECT_STREQ(x86_exception_name(X86_VECTOR_PAGE_FAULT), "page fault");
	EXPECT_STREQ(x86_exception_mnemonic(14), "#PF");
	EXPECT_STREQ(x86_exception_mnemonic(8), "#DF");
	EXPECT_STREQ(x86_exception_mnemonic(9), "");
}

TEST(ExceptionInfo, ReservedAndOutOfRangeVectors)
{
	EXPECT_STREQ(x86_exception_name(15), "reserved");
	EXPECT_STREQ(x86_exception_name(22), "reserved");
	EXPECT_STREQ(x86_exception_name(31), "reserved");
	EXPECT_STREQ(x86_exception_name(32), "not an exception");
	EXPECT_STREQ(x86_exception_mnemonic(31), "");
	EXPECT_STREQ(x86_exception_mnemonic(200), "");
}

TEST(ExceptionInfo, ErrorCodeVectorsMatchTheSdm)
{
	const unsigned with_code[] = {8, 10, 11, 12, 13, 14, 17, 21, 29, 30};
	unsigned count = 0;

	for (unsigned v : with_code)
		EXPECT_TRUE(x86_exception_has_error_code(v)) << "vector " << v;
	for (unsigned v = 0; v < 40; v++)
		count += x86_exception_has_error_code(v);
	EXPECT_EQ(count, sizeof(with_code) / sizeof(with_code[0]));
}

TEST(ExceptionInfo, DescribesPageFaultErrorCodes)
{
	char buf[128];

	x86_page_fault_describe(0x0, buf, sizeof(buf));
	EXPECT_STREQ(buf, "not-present page, read, supervisor");
	x86_page_fault_describe(0x3, buf, sizeof(buf));
	EXPECT_STREQ(buf, "protection violation, write, supervisor");
	x86_page_fault_describe(0x15, buf, sizeof(buf));
	EXPECT_STREQ(buf, "protection violation, read, user, instruction fetch");
	x86_page_fault_describe(0x8069, buf, sizeof(buf));
	EXPECT_STREQ(buf, "protection violation, read, supervisor, reserved bit set, protection "
			  "key, shadow stack, SGX");
}

TEST(ExceptionInfo, PageFaultDescriptionIsTruncatedSafely)
{
	char buf[8];

	x86_page_fault_describe(0x0, buf, sizeof(buf));
	EXPECT_STREQ(buf, "not-pre");
	x86_page_fault_describe(0x0, buf, 1);
	EXPECT_STREQ(buf, "");
}
