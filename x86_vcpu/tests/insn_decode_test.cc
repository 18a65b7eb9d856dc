// The x86 MMIO instruction decoder against encodings from the Intel SDM's MOV, MOVZX, MOVSX
// and MOVSXD pages (checked with llvm-mc), the completion of loads and stores, and malformed,
// truncated and unrelated instructions.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

extern "C" {
#include <axvm/error.h>
#include <x86_vcpu/insn_decode.h>
}

namespace
{

struct Case {
	const char *what;
	x86_cpu_mode mode;
	std::vector<uint8_t> bytes;
	bool store;
	uint8_t width;
	uint8_t reg;
	bool high_byte;
	x86_store_source source;
	uint64_t imm;
	uint8_t reg_width;
	x86_extend extend;
};

constexpr x86_store_source R = X86_SOURCE_REG;
constexpr x86_store_source I = X86_SOURCE_IMM;
constexpr x86_extend NONE = X86_EXTEND_NONE;
constexpr x86_extend ZERO = X86_EXTEND_ZERO;
constexpr x86_extend SIGN = X86_EXTEND_SIGN;
constexpr x86_cpu_mode M16 = X86_MODE_16;
constexpr x86_cpu_mode M32 = X86_MODE_32;
constexpr x86_cpu_mode M64 = X86_MODE_64;

// {what, mode, bytes, store, width, reg, high_byte, source, imm, reg_width, extend}
const Case kCases[] = {
    {"mov (%rdi),%eax", M64, {0x8b, 0x07}, false, 4, 0, false, R, 0, 4, NONE},
    {"mov (%rdi),%rax", M64, {0x48, 0x8b, 0x07}, false, 8, 0, false, R, 0, 8, NONE},
    {"mov (%rdi),%ax", M64, {0x66, 0x8b, 0x07}, false, 2, 0, false, R, 0, 2, NONE},
    {"mov (%rdi),%al", M64, {0x8a, 0x07}, false, 1, 0, false, R, 0, 1, NONE},
    {"mov (%rdi),%ah", M64, {0x8a, 0x27}, false, 1, 0, true, R, 0, 1, NONE},
    {"mov (%rdi),%bh", M64, {0x8a, 0x3f}, false, 1, 3, true, R, 0, 1, NONE},
    {"mov (%rdi),%sil", M64, {0x40, 0x8a, 0x37}, false, 1, 6, false, R, 0, 1, NONE},
    {"mov (%rdi),%r9d", M64, {0x44, 0x8b, 0x0f}, false, 4, 9, false, R, 0, 4, NONE},
    {"mov (%r13),%r15", M64, {0x4d, 0x8b, 0x7d, 0x00}, false, 8, 15, false, R, 0, 8, NONE},
    {"mov 0x10(%rdi),%ecx", M64, {0x8b, 0x4f, 0x10}, false, 4, 1, false, R, 0, 4, NONE},
    {"mov 0x12345678(%rdi,%rsi,4),%edx",
     M64,
     {0x8b, 0x94, 0xb7, 0x78, 0x56, 0x34, 0x12},
     false,
     4,
     2,
     false,
     R,
     0,
     4,
     NONE},
    {"mov 0x20(%rsp),%ebx", M64, {0x8b, 0x5c, 0x24, 0x20}, false, 4, 3, false, R, 0, 4, NONE},
    {"mov 0x1000(%rip),%eax",
     M64,
     {0x8b, 0x05, 0x00, 0x10, 0x00, 0x00},
     false,
     4,
     0,
     false,
     R,
     0,
     4,
     NONE},
    {"mov 0(,%rax,8),%esi",
     M64,
     {0x8b, 0x34, 0xc5, 0x00, 0x00, 0x00, 0x00},
     false,
     4,
     6,
     false,
     R,
     0,
     4,
     NONE},
    {"movabs moffs64,%eax",
     M64,
     {0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
     false,
     4,
     0,
     false,
     R,
     0,
     4,
     NONE},
    {"movabs moffs64,%al",
     M64,
     {0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
     false,
     1,
     0,
     false,
     R,
     0,
     1,
     NONE},
    {"movabs %rax,moffs64",
     M64,
     {0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
     true,
     8,
     0,
     false,
     R,
     0,
     8,
     NONE},
    {"movabs %ax,moffs64",
     M64,
     {0x66, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
     true,
     2,
     0,
     false,
     R,
     0,
     2,
     NONE},
    {"mov moffs32,%eax (addr32)",
     M64,
     {0x67, 0xa1, 0x78, 0x56, 0x34, 0x12},
     false,
     4,
     0,
     false,
     R,
     0,
     4,
     NONE},
    {"mov %eax,(%rdi)", M64, {0x89, 0x07}, true, 4, 0, false, R, 0, 4, NONE},
    {"mov %rax,(%rdi)", M64, {0x48, 0x89, 0x07}, true, 8, 0, false, R, 0, 8, NONE},
    {"mov %r8w,(%rdi)", M64, {0x66, 0x44, 0x89, 0x07}, true, 2, 8, false, R, 0, 2, NONE},
    {"mov %ch,(%rdi)", M64, {0x88, 0x2f}, true, 1, 1, true, R, 0, 1, NONE},
    {"mov %dil,(%rdi)", M64, {0x40, 0x88, 0x3f}, true, 1, 7, false, R, 0, 1, NONE},
    {"mov %r10b,8(%rbp)", M64, {0x44, 0x88, 0x55, 0x08}, true, 1, 10, false, R, 0, 1, NONE},
    {"movb $0x81,(%rdi)", M64, {0xc6, 0x07, 0x81}, true, 1, 0, false, I, 0x81, 1, NONE},
    {"movw $0x8001,(%rdi)",
     M64,
     {0x66, 0xc7, 0x07, 0x01, 0x80},
     true,
     2,
     0,
     false,
     I,
     0x8001,
     2,
     NONE},
    {"movl $0x80000001,(%rdi)",
     M64,
     {0xc7, 0x07, 0x01, 0x00, 0x00, 0x80},
     true,
     4,
     0,
     false,
     I,
     0x80000001,
     4,
     NONE},
    {"movq $-2,(%rdi)",
     M64,
     {0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff},
     true,
     8,
     0,
     false,
     I,
     0xfffffffffffffffeull,
     8,
     NONE},
    {"movq $0x7fffffff,0x100(%rdi)",
     M64,
     {0x48, 0xc7, 0x87, 0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f},
     true,
     8,
     0,
     false,
     I,
     0x7fffffff,
     8,
     NONE},
    {"movzbl (%rdi),%eax", M64, {0x0f, 0xb6, 0x07}, false, 1, 0, false, R, 0, 4, ZERO},
    {"movzwl (%rdi),%eax", M64, {0x0f, 0xb7, 0x07}, false, 2, 0, false, R, 0, 4, ZERO},
    {"movzbq (%rdi),%r11", M64, {0x4c, 0x0f, 0xb6, 0x1f}, false, 1, 11, false, R, 0, 8, ZERO},
    {"movzbw (%rdi),%ax", M64, {0x66, 0x0f, 0xb6, 0x07}, false, 1, 0, false, R, 0, 2, ZERO},
    {"movzww (%rdi),%ax", M64, {0x66, 0x0f, 0xb7, 0x07}, false, 2, 0, false, R, 0, 2, NONE},
    {"movsbl (%rdi),%eax", M64, {0x0f, 0xbe, 0x07}, false, 1, 0, false, R, 0, 4, SIGN},
    {"movswl (%rdi),%ecx", M64, {0x0f, 0xbf, 0x0f}, false, 2, 1, false, R, 0, 4, SIGN},
    {"movsbq (%rdi),%rdx", M64, {0x48, 0x0f, 0xbe, 0x17}, false, 1, 2, false, R, 0, 8, SIGN},
    {"movswq (%rdi),%r12", M64, {0x4c, 0x0f, 0xbf, 0x27}, false, 2, 12, false, R, 0, 8, SIGN},
    {"movslq (%rdi),%rax", M64, {0x48, 0x63, 0x07}, false, 4, 0, false, R, 0, 8, SIGN},
    {"movsxd (%rdi),%eax", M64, {0x63, 0x07}, false, 4, 0, false, R, 0, 4, NONE},
    {"mov %fs:(%rdi),%eax", M64, {0x64, 0x8b, 0x07}, false, 4, 0, false, R, 0, 4, NONE},
    {"mov (%edi),%eax", M64, {0x67, 0x8b, 0x07}, false, 4, 0, false, R, 0, 4, NONE},
    {"xrelease mov %eax,(%rdi)", M64, {0xf3, 0x89, 0x07}, true, 4, 0, false, R, 0, 4, NONE},
    {"REX before 66 is ignored", M64, {0x48, 0x66, 0x8b, 0x07}, false, 2, 0, false, R, 0, 2, NONE},
    {"REX.W over 66", M64, {0x66, 0x48, 0x8b, 0x07}, false, 8, 0, false, R, 0, 8, NONE},
    {"the last REX counts", M64, {0x44, 0x40, 0x8b, 0x07}, false, 4, 0, false, R, 0, 4, NONE},
    {"mov (%edi),%eax", M32, {0x8b, 0x07}, false, 4, 0, false, R, 0, 4, NONE},
    {"mov (%edi),%ax", M32, {0x66, 0x8b, 0x07}, false, 2, 0, false, R, 0, 2, NONE},
    {"mov (%edi),%dh", M32, {0x8a, 0x37}, false, 1, 2, true, R, 0, 1, NONE},
    {"mov moffs32,%eax", M32, {0xa1, 0x78, 0x56, 0x34, 0x12}, false, 4, 0, false, R, 0, 4, NONE},
    {"mov %eax,moffs32", M32, {0xa3, 0x78, 0x56, 0x34, 0x12}, true, 4, 0, false, R, 0, 4, NONE},
    {"mov moffs32,%ax",
     M32,
     {0x66, 0xa1, 0x34, 0x12, 0x00, 0x00},
     false,
     2,
     0,
     false,
     R,
     0,
     2,
     NONE},
    {"mov 0x12345678(%eax,%ebx,2),%edx",
     M32,
     {0x8b, 0x94, 0x58, 0x78, 0x56, 0x34, 0x12},
     false,
     4,
     2,
     false,
     R,
     0,
     4,
     NONE},
    {"movl $0x11223344,(%edi)",
     M32,
     {0xc7, 0x07, 0x44, 0x33, 0x22, 0x11},
     true,
     4,
     0,
     false,
     I,
     0x11223344,
     4,
     NONE},
    {"mov (%bx,%si),%eax (addr16)", M32, {0x67, 0x8b, 0x00}, false, 4, 0, false, R, 0, 4, NONE},
    {"movzbl (%edi),%eax", M32, {0x0f, 0xb6, 0x07}, false, 1, 0, false, R, 0, 4, ZERO},
    {"mov (%bx),%ax", M16, {0x8b, 0x07}, false, 2, 0, false, R, 0, 2, NONE},
    {"mov 0x10(%bp),%cx", M16, {0x8b, 0x4e, 0x10}, false, 2, 1, false, R, 0, 2, NONE},
    {"mov 0x1234(%bx,%si),%dx", M16, {0x8b, 0x90, 0x34, 0x12}, false, 2, 2, false, R, 0, 2, NONE},
    {"mov moffs16,%ax", M16, {0xa1, 0x34, 0x12}, false, 2, 0, false, R, 0, 2, NONE},
    {"mov moffs16,%al", M16, {0xa0, 0x34, 0x12}, false, 1, 0, false, R, 0, 1, NONE},
    {"mov %ax,moffs16", M16, {0xa3, 0x34, 0x12}, true, 2, 0, false, R, 0, 2, NONE},
    {"movb $0x12,(%di)", M16, {0xc6, 0x05, 0x12}, true, 1, 0, false, I, 0x12, 1, NONE},
    {"movw $0x1234,0x1234",
     M16,
     {0xc7, 0x06, 0x34, 0x12, 0x34, 0x12},
     true,
     2,
     0,
     false,
     I,
     0x1234,
     2,
     NONE},
    {"mov (%eax),%eax", M16, {0x67, 0x66, 0x8b, 0x00}, false, 4, 0, false, R, 0, 4, NONE},
    {"movzbw (%si),%ax", M16, {0x0f, 0xb6, 0x04}, false, 1, 0, false, R, 0, 2, ZERO},
};

void ExpectCase(const Case &c, const x86_mem_access &a)
{
	EXPECT_EQ(a.len, c.bytes.size());
	EXPECT_EQ(a.store, c.store);
	EXPECT_EQ(a.width, c.width);
	EXPECT_EQ(a.reg, c.reg);
	EXPECT_EQ(a.high_byte, c.high_byte);
	if (c.store) {
		EXPECT_EQ(a.source, c.source);
		if (c.source == X86_SOURCE_IMM)
			EXPECT_EQ(a.imm, c.imm);
	} else {
		EXPECT_EQ(a.reg_width, c.reg_width);
		EXPECT_EQ(a.extend, c.extend);
	}
}

TEST(X86DecodeMemInsn, DecodesEachCoveredForm)
{
	for (const Case &c : kCases) {
		SCOPED_TRACE(c.what);
		x86_mem_access a;

		ASSERT_EQ(x86_decode_mem_insn(c.bytes.data(), c.bytes.size(), c.mode, &a), AX_OK);
		ExpectCase(c, a);
	}
}

TEST(X86DecodeMemInsn, IgnoresWhatFollowsTheInstruction)
{
	for (const Case &c : kCases) {
		SCOPED_TRACE(c.what);
		std::vector<uint8_t> fetched = c.bytes;
		x86_mem_access a;

		fetched.resize(X86_MAX_INSN_LEN, 0x8b);
		ASSERT_EQ(x86_decode_mem_insn(fetched.data(), fetched.size(), c.mode, &a), AX_OK);
		ExpectCase(c, a);
	}
}

TEST(X86DecodeMemInsn, TruncatedFetchAsksForTheRest)
{
	for (const Case &c : kCases) {
		SCOPED_TRACE(c.what);
		for (size_t n = 0; n < c.bytes.size(); n++) {
			x86_mem_access a{};

			a.len = 77;
			EXPECT_EQ(x86_decode_mem_insn(c.bytes.data(), n, c.mode, &a),
				  AXERR_NOT_MAPPED)
			    << n << " bytes";
			EXPECT_EQ(a.len, 77) << "untouched";
		}
	}
}

TEST(X86DecodeMemInsn, FifteenBytesAtMost)
{
	std::vector<uint8_t> insn(13, 0x3e); // DS overrides
	x86_mem_access a;

	insn.insert(insn.end(), {0x8b, 0x07});
	ASSERT_EQ(x86_decode_mem_insn(insn.data(), insn.size(), X86_MODE_64, &a), AX_OK);
	EXPECT_EQ(a.len, 15);
	insn.insert(insn.begin(), 0x3e);
	EXPECT_EQ(x86_decode_mem_insn(insn.data(), insn.size(), X86_MODE_64, &a), AXERR_INVALID);
	// Fewer bytes fetched than the limit and the instruction goes past 15: still #GP.
	std::vector<uint8_t> prefixes(20, 0x66);
	EXPECT_EQ(x86_decode_mem_insn(prefixes.data(), prefixes.size(), X86_MODE_64, &a),
		  AXERR_INVALID);
	EXPECT_EQ(x86_decode_mem_insn(prefixes.data(), 14, X86_MODE_64, &a), AXERR_NOT_MAPPED);
	// A long displacement running past 15 bytes.
	std::vector<uint8_t> disp(10, 0x2e);
	disp.insert(disp.end(), {0x8b, 0x84, 0x24, 0x11, 0x22, 0x33, 0x44});
	EXPECT_EQ(x86_decode_mem_insn(disp.data(), disp.size(), X86_MODE_64, &a), AXERR_INVALID);
}

TEST(X86DecodeMemInsn, RejectsWhatTheCpuRejects)
{
	const struct {
		const char *what;
		std::vector<uint8_t> bytes;
	} invalid[] = {
	    {"lock mov %eax,(%rdi)", {0xf0, 0x89, 0x07}},
	    {"lock mov (%rdi),%eax", {0xf0, 0x8b, 0x07}},
	    {"lock movzbl", {0xf0, 0x0f, 0xb6, 0x07}},
	    {"C6 /1", {0xc6, 0x0f, 0x81}},
	    {"C7 /7", {0xc7, 0x3f, 0x01, 0x00, 0x00, 0x00}},
	    {"mov %eax,%eax (a register)", {0x8b, 0xc0}},
	    {"mov %al,%ah (a register)", {0x88, 0xc4}},
	    {"movzbl %al,%eax (a register)", {0x0f, 0xb6, 0xc0}},
	    {"xabort", {0xc6, 0xf8, 0x00}},
	};
	for (const auto &c : invalid) {
		x86_mem_access a;

		EXPECT_EQ(x86_decode_mem_insn(c.bytes.data(), c.bytes.size(), X86_MODE_64, &a),
			  AXERR_INVALID)
		    << c.what;
	}
}

TEST(X86DecodeMemInsn, RefusesOtherInstructions)
{
	const struct {
		const char *what;
		x86_cpu_mode mode;
		std::vector<uint8_t> bytes;
	} refused[] = {
	    {"add %eax,(%rdi)", M64, {0x01, 0x07}},
	    {"or (%rdi),%eax", M64, {0x0b, 0x07}},
	    {"test %eax,(%rdi)", M64, {0x85, 0x07}},
	    {"xchg %eax,(%rdi)", M64, {0x87, 0x07}},
	    {"movsb", M64, {0xa4}},
	    {"rep movsl", M64, {0xf3, 0xa5}},
	    {"stosl", M64, {0xab}},
	    {"push (%rdi)", M64, {0xff, 0x37}},
	    {"movups (%rdi),%xmm0", M64, {0x0f, 0x10, 0x07}},
	    {"vmovups (%rdi),%xmm0", M64, {0xc5, 0xf8, 0x10, 0x07}},
	    {"cmpxchg %eax,(%rdi)", M64, {0x0f, 0xb1, 0x07}},
	    {"movnti %eax,(%rdi)", M64, {0x0f, 0xc3, 0x07}},
	    {"F3 0F B6", M64, {0xf3, 0x0f, 0xb6, 0x07}},
	    {"ud2", M64, {0x0f, 0x0b}},
	    {"arpl in 32-bit mode", M32, {0x63, 0x07}},
	    {"inc %eax in 32-bit mode, not a REX", M32, {0x40, 0x8b, 0x07}},
	    {"hlt", M16, {0xf4}},
	};
	for (const auto &c : refused) {
		x86_mem_access a;

		EXPECT_EQ(x86_decode_mem_insn(c.bytes.data(), c.bytes.size(), c.mode, &a),
			  AXERR_UNSUPPORTED)
		    << c.what;
	}
}

struct ModrmLength {
	uint8_t modrm;
	int sib; // -1: none
	size_t len;
};

// MOV ecx/cx from every memory form of ModRM (and SIB base), with the instruction lengths
// llvm-mc gives: 64-bit mode (the same in 32-bit mode), and 16-bit addressing.
const ModrmLength kModrm64[] = {
    {0x08, -1, 2},  {0x09, -1, 2},  {0x0a, -1, 2},  {0x0b, -1, 2},  {0x0c, 152, 3}, {0x0c, 153, 3},
    {0x0c, 154, 3}, {0x0c, 155, 3}, {0x0c, 156, 3}, {0x0c, 157, 7}, {0x0c, 158, 3}, {0x0c, 159, 3},
    {0x0d, -1, 6},  {0x0e, -1, 2},  {0x0f, -1, 2},  {0x48, -1, 3},  {0x49, -1, 3},  {0x4a, -1, 3},
    {0x4b, -1, 3},  {0x4c, 152, 4}, {0x4c, 153, 4}, {0x4c, 154, 4}, {0x4c, 155, 4}, {0x4c, 156, 4},
    {0x4c, 157, 4}, {0x4c, 158, 4}, {0x4c, 159, 4}, {0x4d, -1, 3},  {0x4e, -1, 3},  {0x4f, -1, 3},
    {0x88, -1, 6},  {0x89, -1, 6},  {0x8a, -1, 6},  {0x8b, -1, 6},  {0x8c, 152, 7}, {0x8c, 153, 7},
    {0x8c, 154, 7}, {0x8c, 155, 7}, {0x8c, 156, 7}, {0x8c, 157, 7}, {0x8c, 158, 7}, {0x8c, 159, 7},
    {0x8d, -1, 6},  {0x8e, -1, 6},  {0x8f, -1, 6}};
const ModrmLength kModrm16[] = {
    {0x08, -1, 2}, {0x09, -1, 2}, {0x0a, -1, 2}, {0x0b, -1, 2}, {0x0c, -1, 2}, {0x0d, -1, 2},
    {0x0e, -1, 4}, {0x0f, -1, 2}, {0x48, -1, 3}, {0x49, -1, 3}, {0x4a, -1, 3}, {0x4b, -1, 3},
    {0x4c, -1, 3}, {0x4d, -1, 3}, {0x4e, -1, 3}, {0x4f, -1, 3}, {0x88, -1, 4}, {0x89, -1, 4},
    {0x8a, -1, 4}, {0x8b, -1, 4}, {0x8c, -1, 4}, {0x8d, -1, 4}, {0x8e, -1, 4}, {0x8f, -1, 4}};

void ExpectModrmLengths(const ModrmLength *table, size_t n, x86_cpu_mode mode)
{
	for (size_t i = 0; i < n; i++) {
		std::vector<uint8_t> insn = {0x8b, table[i].modrm};
		x86_mem_access a;

		if (table[i].sib >= 0)
			insn.push_back((uint8_t)table[i].sib);
		insn.resize(X86_MAX_INSN_LEN, 0x11);
		ASSERT_EQ(x86_decode_mem_insn(insn.data(), insn.size(), mode, &a), AX_OK)
		    << std::hex << int(table[i].modrm);
		EXPECT_EQ(a.len, table[i].len)
		    << std::hex << int(table[i].modrm) << " " << table[i].sib;
		EXPECT_EQ(a.reg, 1);
	}
}

TEST(X86DecodeMemInsn, ModrmSibAndDisplacementLengths)
{
	ExpectModrmLengths(kModrm64, sizeof(kModrm64) / sizeof(kModrm64[0]), X86_MODE_64);
	ExpectModrmLengths(kModrm64, sizeof(kModrm64) / sizeof(kModrm64[0]), X86_MODE_32);
	ExpectModrmLengths(kModrm16, sizeof(kModrm16) / sizeof(kModrm16[0]), X86_MODE_16);
}

// The register after the load bytes decode to reads value into it.
uint64_t Load(x86_cpu_mode mode, std::vector<uint8_t> bytes, uint64_t old, uint64_t value)
{
	x86_mem_access a{};

	EXPECT_EQ(x86_decode_mem_insn(bytes.data(), bytes.size(), mode, &a), AX_OK);
	EXPECT_FALSE(a.store);
	return x86_load_result(&a, old, value);
}

// What the store bytes decode to writes from a register holding reg_value.
uint64_t Store(x86_cpu_mode mode, std::vector<uint8_t> bytes, uint64_t reg_value)
{
	x86_mem_access a{};

	EXPECT_EQ(x86_decode_mem_insn(bytes.data(), bytes.size(), mode, &a), AX_OK);
	EXPECT_TRUE(a.store);
	return x86_store_value(&a, reg_value);
}

TEST(X86LoadResult, MergesAsTheCpuDoes)
{
	const uint64_t old = 0x1122334455667788ull;

	EXPECT_EQ(Load(M64, {0x8a, 0x07}, old, 0xab), 0x11223344556677abull);
	EXPECT_EQ(Load(M64, {0x8a, 0x27}, old, 0xab), 0x112233445566ab88ull);
	EXPECT_EQ(Load(M64, {0x66, 0x8b, 0x07}, old, 0xffffabcd), 0x112233445566abcdull);
	EXPECT_EQ(Load(M64, {0x8b, 0x07}, ~0ull, 0xdeadbeef), 0x00000000deadbeefull);
	EXPECT_EQ(Load(M64, {0x48, 0x8b, 0x07}, old, ~0ull), ~0ull);
	EXPECT_EQ(Load(M64, {0x0f, 0xbe, 0x07}, old, 0x80), 0x00000000ffffff80ull);
	EXPECT_EQ(Load(M64, {0x48, 0x0f, 0xbe, 0x17}, old, 0x80), 0xffffffffffffff80ull);
	EXPECT_EQ(Load(M64, {0x4c, 0x0f, 0xbf, 0x27}, old, 0x8000), 0xffffffffffff8000ull);
	EXPECT_EQ(Load(M64, {0x48, 0x63, 0x07}, old, 0x80000000), 0xffffffff80000000ull);
	EXPECT_EQ(Load(M64, {0x48, 0x63, 0x07}, old, 0x7fffffff), 0x000000007fffffffull);
	EXPECT_EQ(Load(M64, {0x66, 0x0f, 0xb6, 0x07}, ~0ull, 0x80), 0xffffffffffff0080ull);
	EXPECT_EQ(Load(M64, {0x66, 0x0f, 0xbe, 0x07}, 0, 0x80), 0x000000000000ff80ull);
	EXPECT_EQ(Load(M64, {0x0f, 0xb7, 0x07}, ~0ull, 0x12348765), 0x0000000000008765ull);
	EXPECT_EQ(Load(M16, {0x8b, 0x07}, old, 0x1234), 0x1122334455661234ull);
}

TEST(X86StoreValue, TakesTheRightBytes)
{
	EXPECT_EQ(Store(M64, {0x88, 0x2f}, 0x12345678), 0x56u);
	EXPECT_EQ(Store(M64, {0x40, 0x88, 0x3f}, 0x12345678), 0x78u);
	EXPECT_EQ(Store(M64, {0x66, 0x44, 0x89, 0x07}, ~0ull), 0xffffu);
	EXPECT_EQ(Store(M64, {0x89, 0x07}, 0x1122334455667788ull), 0x55667788u);
	EXPECT_EQ(Store(M64, {0x48, 0x89, 0x07}, 0x1122334455667788ull), 0x1122334455667788ull);
	EXPECT_EQ(Store(M64, {0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff}, 0), 0xfffffffffffffffeull);
	EXPECT_EQ(Store(M64, {0xc6, 0x07, 0x81}, ~0ull), 0x81u);
	EXPECT_EQ(Store(M16, {0xc7, 0x06, 0x34, 0x12, 0x78, 0x56}, 0), 0x5678u);
}

TEST(X86CpuMode, FromTheControlsAndTheCodeSegment)
{
	EXPECT_EQ(x86_cpu_mode_of(false, false, false, false, false), X86_MODE_16); // real mode
	EXPECT_EQ(x86_cpu_mode_of(false, false, false, false, true), X86_MODE_16);
	EXPECT_EQ(x86_cpu_mode_of(true, true, false, false, true), X86_MODE_16); // virtual-8086
	EXPECT_EQ(x86_cpu_mode_of(true, false, false, false, true), X86_MODE_32);
	EXPECT_EQ(x86_cpu_mode_of(true, false, false, false, false), X86_MODE_16);
	EXPECT_EQ(x86_cpu_mode_of(true, false, true, true, false), X86_MODE_64);
	EXPECT_EQ(x86_cpu_mode_of(true, false, true, false, true), X86_MODE_32); // compatibility
	EXPECT_EQ(x86_cpu_mode_of(true, false, false, true, true), X86_MODE_32); // L without LMA
}

// Any bytes, any mode: a clean answer, and a decoded access that is self-consistent.
TEST(X86DecodeMemInsn, RandomBytesNeverMisbehave)
{
	std::mt19937_64 rng(12345);
	const uint8_t interesting[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x64, 0x40,
				       0x48, 0x4c, 0x0f, 0x88, 0x89, 0x8a, 0x8b, 0xa0, 0xa3,
				       0xc6, 0xc7, 0x63, 0xb6, 0xbf, 0x04, 0x05, 0x24, 0x44};
	int decoded = 0;

	for (int i = 0; i < 200000; i++) {
		uint8_t insn[X86_MAX_INSN_LEN];
		size_t len = rng() % (X86_MAX_INSN_LEN + 1);
		x86_cpu_mode mode = (x86_cpu_mode)(rng() % 3);
		x86_mem_access a;

		for (uint8_t &b : insn)
			b = rng() % 2 ? interesting[rng() % sizeof(interesting)] : (uint8_t)rng();
		int err = x86_decode_mem_insn(insn, len, mode, &a);
		if (err) {
			ASSERT_TRUE(err == AXERR_INVALID || err == AXERR_UNSUPPORTED ||
				    err == AXERR_NOT_MAPPED)
			    << err;
			continue;
		}
		decoded++;
		ASSERT_GE(a.len, 1);
		ASSERT_LE(a.len, len);
		ASSERT_TRUE(a.width == 1 || a.width == 2 || a.width == 4 || a.width == 8);
		ASSERT_LT(a.reg, 16);
		ASSERT_TRUE(!a.high_byte || (a.reg < 4 && a.width == 1));
		if (!a.store) {
			ASSERT_GE(a.reg_width, a.width);
			ASSERT_EQ(a.extend == X86_EXTEND_NONE, a.reg_width == a.width);
		}
		if (mode != X86_MODE_64)
			ASSERT_LT(a.reg, 8);
	}
	EXPECT_GT(decoded, 1000);
}

} // namespace
