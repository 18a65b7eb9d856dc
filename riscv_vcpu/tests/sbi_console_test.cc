/* The SBI consoles: legacy putchar/getchar (EIDs 0x01, 0x02) and DBCN. */
#include "riscv_vcpu/tests/sbi_fake_env.h"

namespace
{

constexpr uint64_t kBase = FakeSbiEnv::kMemBase;
constexpr uint64_t kEnd = FakeSbiEnv::kMemBase + FakeSbiEnv::kMemSize;

void Put(FakeSbiEnv &f, uint64_t gpa, const std::string &s)
{
	std::memcpy(&f.mem[gpa - kBase], s.data(), s.size());
}

std::string Pattern(size_t n)
{
	std::string s;

	for (size_t i = 0; i < n; i++)
		s.push_back((char)('a' + i % 26));
	return s;
}

sbi_result Write(FakeSbiEnv &f, uint64_t n, uint64_t lo, uint64_t hi = 0)
{
	return f.Call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, {n, lo, hi});
}

sbi_result Read(FakeSbiEnv &f, uint64_t n, uint64_t lo, uint64_t hi = 0)
{
	return f.Call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, {n, lo, hi});
}

/* --- legacy --- */

TEST(SbiLegacyConsole, PutcharWritesTheLowByteAndKeepsA1)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_LEGACY_PUTCHAR, 0, {'h', 0x1111}), 0, 0x1111);
	/* a6 is ignored by legacy extensions. */
	ExpectResume(f.Call(SBI_EXT_LEGACY_PUTCHAR, 99, {0x4269, 0x2222}), 0, 0x2222);
	EXPECT_EQ(f.out, "hi");
}

TEST(SbiLegacyConsole, GetcharReturnsTheByteOrMinusOne)
{
	FakeSbiEnv f;

	f.in = {'x', 0xff};
	ExpectResume(f.Call(SBI_EXT_LEGACY_GETCHAR, 0, {0, 0x3333}), 'x', 0x3333);
	ExpectResume(f.Call(SBI_EXT_LEGACY_GETCHAR, 5, {0, 0x4444}), 0xff, 0x4444);
	ExpectResume(f.Call(SBI_EXT_LEGACY_GETCHAR, 0, {0, 0x5555}), -1, 0x5555);
}

/* --- DBCN console_write --- */

TEST(SbiDbcnWrite, WritesTheBuffer)
{
	FakeSbiEnv f;

	Put(f, kBase + 0x100, "hello, guest\n");
	ExpectResume(Write(f, 13, kBase + 0x100), SBI_SUCCESS, 13);
	EXPECT_EQ(f.out, "hello, guest\n");
}

TEST(SbiDbcnWrite, ZeroBytesTouchNothing)
{
	FakeSbiEnv f;

	ExpectResume(Write(f, 0, kBase), SBI_SUCCESS, 0);
	ExpectResume(Write(f, 0, 0x10), SBI_SUCCESS, 0);
	EXPECT_EQ(f.reads, 0);
	EXPECT_TRUE(f.out.empty());
}

TEST(SbiDbcnWrite, LongBuffersAreWrittenInBoundedParts)
{
	FakeSbiEnv f;
	const std::string text = Pattern(1000);
	std::string expect;
	uint64_t done = 0;

	Put(f, kBase, text);
	/* The guest calls again for the rest, as the spec has it. */
	while (done < text.size()) {
		sbi_result r = Write(f, text.size() - done, kBase + done);

		ASSERT_EQ(r.error, SBI_SUCCESS);
		ASSERT_GT(r.value, 0u);
		ASSERT_LE(r.value, (uint64_t)SBI_DBCN_MAX_WRITE);
		done += r.value;
	}
	EXPECT_EQ(f.out, text);
	EXPECT_LE(f.largest_copy, 64u);
}

TEST(SbiDbcnWrite, OneCallWritesAtMostTheLimit)
{
	FakeSbiEnv f;

	Put(f, kBase, Pattern(4096));
	ExpectResume(Write(f, 4096, kBase), SBI_SUCCESS, SBI_DBCN_MAX_WRITE);
	EXPECT_EQ(f.out, Pattern(SBI_DBCN_MAX_WRITE));
}

TEST(SbiDbcnWrite, BufferOutsideMemoryIsAnInvalidAddress)
{
	FakeSbiEnv f;

	for (uint64_t gpa :
	     std::initializer_list<uint64_t>{0, kBase - 1, kEnd, kEnd - 10, ~0ull - 100})
		ExpectResume(Write(f, 16, gpa), SBI_ERR_INVALID_PARAM);
	EXPECT_TRUE(f.out.empty());
}

TEST(SbiDbcnWrite, ReadingAcrossAFaultStopsAtTheLastWholeChunk)
{
	FakeSbiEnv f;
	/* 100 valid bytes then the end of guest memory: the first chunk (64) is read, the second
	 * (64 more) is not. */
	const uint64_t gpa = kEnd - 100;
	const std::string text = Pattern(100);

	Put(f, gpa, text);
	ExpectResume(Write(f, 200, gpa), SBI_SUCCESS, 64);
	EXPECT_EQ(f.out, text.substr(0, 64));
	/* Continuing where it stopped reaches the fault first: an error, nothing printed. */
	ExpectResume(Write(f, 136, gpa + 64), SBI_ERR_INVALID_PARAM);
	EXPECT_EQ(f.out, text.substr(0, 64));
	/* The valid part alone is fine. */
	ExpectResume(Write(f, 36, gpa + 64), SBI_SUCCESS, 36);
	EXPECT_EQ(f.out, text);
}

TEST(SbiDbcnWrite, HighAddressHalfMustBeZero)
{
	FakeSbiEnv f;

	Put(f, kBase, "x");
	ExpectResume(Write(f, 1, kBase, 1), SBI_ERR_INVALID_PARAM);
	ExpectResume(Write(f, 1, kBase, ~0ull), SBI_ERR_INVALID_PARAM);
	EXPECT_EQ(f.reads, 0);
}

TEST(SbiDbcnWrite, WrappingRangeIsAnInvalidAddress)
{
	FakeSbiEnv f;

	ExpectResume(Write(f, 2, ~0ull), SBI_ERR_INVALID_PARAM);
	ExpectResume(Write(f, ~0ull, kBase), SBI_ERR_INVALID_PARAM);
	EXPECT_EQ(f.reads, 0);
	/* A range ending exactly at 2^64 does not wrap (and is simply not guest memory here). */
	ExpectResume(Write(f, 1, ~0ull), SBI_ERR_INVALID_PARAM);
	EXPECT_EQ(f.reads, 1);
}

/* --- DBCN console_read --- */

TEST(SbiDbcnRead, MovesTheInputThereIs)
{
	FakeSbiEnv f;

	f.in = {'a', 'b', 'c'};
	ExpectResume(Read(f, 16, kBase + 0x20), SBI_SUCCESS, 3);
	EXPECT_EQ(std::string((char *)&f.mem[0x20], 3), "abc");
	EXPECT_TRUE(f.in.empty());
	ExpectResume(Read(f, 16, kBase + 0x20), SBI_SUCCESS, 0);
}

TEST(SbiDbcnRead, NeverMoreThanAsked)
{
	FakeSbiEnv f;

	f.in = {'1', '2', '3', '4'};
	ExpectResume(Read(f, 2, kBase), SBI_SUCCESS, 2);
	EXPECT_EQ(f.mem[0], '1');
	EXPECT_EQ(f.mem[1], '2');
	EXPECT_EQ(f.mem[2], 0);
	EXPECT_EQ(f.in.size(), 2u);
}

TEST(SbiDbcnRead, AtMostTheLimitPerCall)
{
	FakeSbiEnv f;

	for (int i = 0; i < 100; i++)
		f.in.push_back('0' + i % 10);
	ExpectResume(Read(f, 1000, kBase), SBI_SUCCESS, SBI_DBCN_MAX_READ);
	EXPECT_EQ(f.in.size(), 100u - SBI_DBCN_MAX_READ);
	EXPECT_LE(f.largest_copy, 64u);
}

TEST(SbiDbcnRead, BadBufferLosesNoInput)
{
	FakeSbiEnv f;

	f.in = {'k'};
	ExpectResume(Read(f, 8, kEnd - 4), SBI_ERR_INVALID_PARAM);
	ExpectResume(Read(f, 8, 0x1000), SBI_ERR_INVALID_PARAM);
	ExpectResume(Read(f, 8, kBase, 1), SBI_ERR_INVALID_PARAM);
	ExpectResume(Read(f, 2, ~0ull), SBI_ERR_INVALID_PARAM);
	EXPECT_EQ(f.in.size(), 1u);
	EXPECT_EQ(f.writes, 0);
}

TEST(SbiDbcnRead, UnwritableBufferIsInvalidWithOrWithoutInput)
{
	FakeSbiEnv f;

	f.mem_writable = false;
	ExpectResume(Read(f, 8, kBase), SBI_ERR_INVALID_PARAM);
	f.in = {'z'};
	ExpectResume(Read(f, 8, kBase), SBI_ERR_INVALID_PARAM);
	EXPECT_EQ(f.in.size(), 1u);
}

TEST(SbiDbcnRead, ZeroBytesTouchNothing)
{
	FakeSbiEnv f;

	f.in = {'q'};
	ExpectResume(Read(f, 0, 0x1000), SBI_SUCCESS, 0);
	EXPECT_EQ(f.in.size(), 1u);
	EXPECT_EQ(f.reads + f.writes, 0);
}

/* --- DBCN console_write_byte --- */

TEST(SbiDbcnWriteByte, WritesTheLowByte)
{
	FakeSbiEnv f;

	ExpectResume(f.Call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, {'o'}), SBI_SUCCESS, 0);
	ExpectResume(f.Call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, {0xabcd00 | 'k'}),
		     SBI_SUCCESS, 0);
	EXPECT_EQ(f.out, "ok");
}

} // namespace
