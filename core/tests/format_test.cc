#include <gtest/gtest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <string>

extern "C" {
#include <axvm/format.h>
}

namespace
{

/* Formats through the va_list entry point, so even deliberately odd formats compile. */
std::string Fmt(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	size_t n = ax_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	EXPECT_EQ(n, std::string(buf).size());
	return buf;
}

TEST(Format, Integers)
{
	EXPECT_EQ(Fmt("%d %i %u", -42, 7, 3000000000u), "-42 7 3000000000");
	EXPECT_EQ(Fmt("%d", INT_MIN), "-2147483648");
	EXPECT_EQ(Fmt("%lld", (long long)INT64_MIN), "-9223372036854775808");
	EXPECT_EQ(Fmt("%llu", (unsigned long long)UINT64_MAX), "18446744073709551615");
	EXPECT_EQ(Fmt("%zu %lx", (size_t)12, 0xdeadbeefcafeUL), "12 deadbeefcafe");
	EXPECT_EQ(Fmt("%hhx %hx", 0x1ff, 0x1ffff), "ff ffff");
	EXPECT_EQ(Fmt("%X %o", 0xabcu, 8u), "ABC 10");
}

TEST(Format, WidthFlagsAndPointers)
{
	EXPECT_EQ(Fmt("[%5d][%-5d][%05d]", 42, 42, -42), "[   42][42   ][-0042]");
	EXPECT_EQ(Fmt("%016llx", 0x1234ull), "0000000000001234");
	EXPECT_EQ(Fmt("[%*d]", 4, 1), "[   1]");
	EXPECT_EQ(Fmt("%p", (void *)0x1000), "0x1000");
}

TEST(Format, StringsAndChars)
{
	EXPECT_EQ(Fmt("%s|%-4s|%4s|%.2s", "abc", "x", "y", "hello"), "abc|x   |   y|he");
	EXPECT_EQ(Fmt("%s", (const char *)nullptr), "(null)");
	EXPECT_EQ(Fmt("%c%c 100%%", 'o', 'k'), "ok 100%");
	EXPECT_EQ(Fmt("%q"), "%q");
}

TEST(Format, TruncatesButReportsFullLength)
{
	char buf[6];
	EXPECT_EQ(ax_snprintf(buf, sizeof(buf), "%s", "hello world"), 11u);
	EXPECT_STREQ(buf, "hello");
	EXPECT_EQ(ax_snprintf(buf, 0, "abc"), 3u);
}

} // namespace
