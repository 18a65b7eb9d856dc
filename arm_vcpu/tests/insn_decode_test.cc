#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>

extern "C" {
#include <arm_vcpu/esr.h>
#include <arm_vcpu/insn_decode.h>
#include <axvm/error.h>
}

namespace
{

constexpr bool LD = false, ST = true; /* store */
constexpr bool ZX = false, SX = true; /* sign_extend */
constexpr bool W = false, X = true;   /* reg64 */

/* One encoding and what it must decode to. The words were assembled with
 * llvm-mc -triple=aarch64 -show-encoding; the unallocated ones were built by hand and
 * llvm-mc --disassemble calls them invalid. */
struct Case {
	uint32_t insn;
	const char *text;
	bool store;
	uint8_t width;
	uint8_t reg;
	bool sign_extend;
	bool reg64;
	uint8_t base = 0; /* with writeback */
	int16_t offset = 0;
};

void ExpectDecodes(const Case &c, bool writeback)
{
	arm_mem_access a = {};

	ASSERT_EQ(arm_decode_mem_insn(c.insn, &a), AX_OK) << c.text;
	EXPECT_EQ(a.store, c.store) << c.text;
	EXPECT_EQ(a.width, c.width) << c.text;
	EXPECT_EQ(a.reg, c.reg) << c.text;
	EXPECT_EQ(a.sign_extend, c.sign_extend) << c.text;
	EXPECT_EQ(a.reg64, c.reg64) << c.text;
	EXPECT_EQ(a.writeback, writeback) << c.text;
	EXPECT_EQ(a.base, c.base) << c.text;
	EXPECT_EQ(a.offset, c.offset) << c.text;
}

void ExpectError(uint32_t insn, int err, const char *text)
{
	arm_mem_access a = {};

	a.reg = 0x5a;
	EXPECT_EQ(arm_decode_mem_insn(insn, &a), err) << text << " " << std::hex << insn;
	EXPECT_EQ(a.reg, 0x5a) << text << ": *out written on failure";
}

const Case kUnsignedImmediate[] = {
    {0xb9400020, "ldr w0, [x1]", LD, 4, 0, ZX, W},
    {0xf9400462, "ldr x2, [x3, #8]", LD, 8, 2, ZX, X},
    {0xf97ffffe, "ldr x30, [sp, #32760]", LD, 8, 30, ZX, X},
    {0x397ffcc5, "ldrb w5, [x6, #4095]", LD, 1, 5, ZX, W},
    {0x797ffd07, "ldrh w7, [x8, #8190]", LD, 2, 7, ZX, W},
    {0xb97ffd49, "ldr w9, [x10, #16380]", LD, 4, 9, ZX, W},
    {0x39800549, "ldrsb x9, [x10, #1]", LD, 1, 9, SX, X},
    {0x39c0018b, "ldrsb w11, [x12]", LD, 1, 11, SX, W},
    {0x798005cd, "ldrsh x13, [x14, #2]", LD, 2, 13, SX, X},
    {0x79c0020f, "ldrsh w15, [x16]", LD, 2, 15, SX, W},
    {0xb9bffe51, "ldrsw x17, [x18, #16380]", LD, 4, 17, SX, X},
    {0xb9000693, "str w19, [x20, #4]", ST, 4, 19, ZX, W},
    {0xf90002d5, "str x21, [x22]", ST, 8, 21, ZX, X},
    {0x39000317, "strb w23, [x24]", ST, 1, 23, ZX, W},
    {0x79000759, "strh w25, [x26, #2]", ST, 2, 25, ZX, W},
    {0xf900001f, "str xzr, [x0]", ST, 8, 31, ZX, X},
    {0xb940003f, "ldr wzr, [x1]", LD, 4, 31, ZX, W},
    {0x390003ff, "strb wzr, [sp]", ST, 1, 31, ZX, W},
    {0xf9400000, "ldr x0, [x0]", LD, 8, 0, ZX, X}, /* Rn == Rt is fine without writeback */
};

const Case kUnscaled[] = {
    {0xb85ff020, "ldur w0, [x1, #-1]", LD, 4, 0, ZX, W},
    {0xf84ff062, "ldur x2, [x3, #255]", LD, 8, 2, ZX, X},
    {0x385000a4, "ldurb w4, [x5, #-256]", LD, 1, 4, ZX, W},
    {0x784010e6, "ldurh w6, [x7, #1]", LD, 2, 6, ZX, W},
    {0x389fd128, "ldursb x8, [x9, #-3]", LD, 1, 8, SX, X},
    {0x38c0016a, "ldursb w10, [x11]", LD, 1, 10, SX, W},
    {0x788031ac, "ldursh x12, [x13, #3]", LD, 2, 12, SX, X},
    {0x78dfe1ee, "ldursh w14, [x15, #-2]", LD, 2, 14, SX, W},
    {0xb89fc230, "ldursw x16, [x17, #-4]", LD, 4, 16, SX, X},
    {0xb81f8272, "stur w18, [x19, #-8]", ST, 4, 18, ZX, W},
    {0xf80013f4, "stur x20, [sp, #1]", ST, 8, 20, ZX, X},
    {0x380052d5, "sturb w21, [x22, #5]", ST, 1, 21, ZX, W},
    {0x781ff317, "sturh w23, [x24, #-1]", ST, 2, 23, ZX, W},
    {0xf81ff03f, "stur xzr, [x1, #-1]", ST, 8, 31, ZX, X},
};

const Case kUnprivileged[] = {
    {0xb8400820, "ldtr w0, [x1]", LD, 4, 0, ZX, W},
    {0xf8408862, "ldtr x2, [x3, #8]", LD, 8, 2, ZX, X},
    {0x385ff8a4, "ldtrb w4, [x5, #-1]", LD, 1, 4, ZX, W},
    {0x784008e6, "ldtrh w6, [x7]", LD, 2, 6, ZX, W},
    {0x38800928, "ldtrsb x8, [x9]", LD, 1, 8, SX, X},
    {0x38c0096a, "ldtrsb w10, [x11]", LD, 1, 10, SX, W},
    {0x788009ac, "ldtrsh x12, [x13]", LD, 2, 12, SX, X},
    {0x78c009ee, "ldtrsh w14, [x15]", LD, 2, 14, SX, W},
    {0xb8804a30, "ldtrsw x16, [x17, #4]", LD, 4, 16, SX, X},
    {0xb8000a72, "sttr w18, [x19]", ST, 4, 18, ZX, W},
    {0xf81f8ab4, "sttr x20, [x21, #-8]", ST, 8, 20, ZX, X},
    {0x38000af6, "sttrb w22, [x23]", ST, 1, 22, ZX, W},
    {0x78000b38, "sttrh w24, [x25]", ST, 2, 24, ZX, W},
};

/* Every allowed extend (UXTW, LSL/UXTX, SXTW, SXTX), shifted or not. */
const Case kRegisterOffset[] = {
    {0xb8626820, "ldr w0, [x1, x2]", LD, 4, 0, ZX, W},
    {0xb8627820, "ldr w0, [x1, x2, lsl #2]", LD, 4, 0, ZX, W},
    {0xf8654883, "ldr x3, [x4, w5, uxtw]", LD, 8, 3, ZX, X},
    {0xf8655883, "ldr x3, [x4, w5, uxtw #3]", LD, 8, 3, ZX, X},
    {0x386868e6, "ldrb w6, [x7, x8]", LD, 1, 6, ZX, W},
    {0x386878e6, "ldrb w6, [x7, x8, lsl #0]", LD, 1, 6, ZX, W},
    {0x786bd949, "ldrh w9, [x10, w11, sxtw #1]", LD, 2, 9, ZX, W},
    {0x38aee9ac, "ldrsb x12, [x13, x14, sxtx]", LD, 1, 12, SX, X},
    {0x38eec9ac, "ldrsb w12, [x13, w14, sxtw]", LD, 1, 12, SX, W},
    {0x78b17a0f, "ldrsh x15, [x16, x17, lsl #1]", LD, 2, 15, SX, X},
    {0x78f14a0f, "ldrsh w15, [x16, w17, uxtw]", LD, 2, 15, SX, W},
    {0xb8b47a72, "ldrsw x18, [x19, x20, lsl #2]", LD, 4, 18, SX, X},
    {0xb8b4ca72, "ldrsw x18, [x19, w20, sxtw]", LD, 4, 18, SX, X},
    {0xb8376ad5, "str w21, [x22, x23]", ST, 4, 21, ZX, W},
    {0xf8397bf8, "str x24, [sp, x25, lsl #3]", ST, 8, 24, ZX, X},
    {0x383c4b7a, "strb w26, [x27, w28, uxtw]", ST, 1, 26, ZX, W},
    {0x7820fbdd, "strh w29, [x30, x0, sxtx #1]", ST, 2, 29, ZX, W},
    {0xf83f683f, "str xzr, [x1, xzr]", ST, 8, 31, ZX, X},
};

const Case kPostIndexed[] = {
    {0xb8404420, "ldr w0, [x1], #4", LD, 4, 0, ZX, W, 1, 4},
    {0xf85f8462, "ldr x2, [x3], #-8", LD, 8, 2, ZX, X, 3, -8},
    {0xf84ff7e4, "ldr x4, [sp], #255", LD, 8, 4, ZX, X, 31, 255},
    {0x384014c5, "ldrb w5, [x6], #1", LD, 1, 5, ZX, W, 6, 1},
    {0x78500507, "ldrh w7, [x8], #-256", LD, 2, 7, ZX, W, 8, -256},
    {0x389ff549, "ldrsb x9, [x10], #-1", LD, 1, 9, SX, X, 10, -1},
    {0x38c0258b, "ldrsb w11, [x12], #2", LD, 1, 11, SX, W, 12, 2},
    {0x788025cd, "ldrsh x13, [x14], #2", LD, 2, 13, SX, X, 14, 2},
    {0x78dfe60f, "ldrsh w15, [x16], #-2", LD, 2, 15, SX, W, 16, -2},
    {0xb8804651, "ldrsw x17, [x18], #4", LD, 4, 17, SX, X, 18, 4},
    {0xb8004693, "str w19, [x20], #4", ST, 4, 19, ZX, W, 20, 4},
    {0xf80107f5, "str x21, [sp], #16", ST, 8, 21, ZX, X, 31, 16},
    {0x380016f6, "strb w22, [x23], #1", ST, 1, 22, ZX, W, 23, 1},
    {0x781fe738, "strh w24, [x25], #-2", ST, 2, 24, ZX, W, 25, -2},
    {0xf84087ff, "ldr xzr, [sp], #8", LD, 8, 31, ZX, X, 31, 8}, /* 31 is XZR and SP */
};

const Case kPreIndexed[] = {
    {0xb8404c20, "ldr w0, [x1, #4]!", LD, 4, 0, ZX, W, 1, 4},
    {0xf85f8c62, "ldr x2, [x3, #-8]!", LD, 8, 2, ZX, X, 3, -8},
    {0x38500ca4, "ldrb w4, [x5, #-256]!", LD, 1, 4, ZX, W, 5, -256},
    {0x784ffce6, "ldrh w6, [x7, #255]!", LD, 2, 6, ZX, W, 7, 255},
    {0x38801d28, "ldrsb x8, [x9, #1]!", LD, 1, 8, SX, X, 9, 1},
    {0x38dffd6a, "ldrsb w10, [x11, #-1]!", LD, 1, 10, SX, W, 11, -1},
    {0x78802dac, "ldrsh x12, [x13, #2]!", LD, 2, 12, SX, X, 13, 2},
    {0x78dfedee, "ldrsh w14, [x15, #-2]!", LD, 2, 14, SX, W, 15, -2},
    {0xb89fcff0, "ldrsw x16, [sp, #-4]!", LD, 4, 16, SX, X, 31, -4},
    {0xb8004e51, "str w17, [x18, #4]!", ST, 4, 17, ZX, W, 18, 4},
    {0xf81f0ff3, "str x19, [sp, #-16]!", ST, 8, 19, ZX, X, 31, -16},
    {0x38001eb4, "strb w20, [x21, #1]!", ST, 1, 20, ZX, W, 21, 1},
    {0x78002ef6, "strh w22, [x23, #2]!", ST, 2, 22, ZX, W, 23, 2},
    {0xf81f8fff, "str xzr, [sp, #-8]!", ST, 8, 31, ZX, X, 31, -8},
    /* What LLVM makes of repeated volatile reads at one offset. */
    {0x78404c01, "ldrh w1, [x0, #4]!", LD, 2, 1, ZX, W, 0, 4},
};

TEST(DecodeMemInsn, UnsignedImmediate)
{
	for (const Case &c : kUnsignedImmediate)
		ExpectDecodes(c, false);
}

TEST(DecodeMemInsn, UnscaledImmediate)
{
	for (const Case &c : kUnscaled)
		ExpectDecodes(c, false);
}

TEST(DecodeMemInsn, Unprivileged)
{
	for (const Case &c : kUnprivileged)
		ExpectDecodes(c, false);
}

TEST(DecodeMemInsn, RegisterOffset)
{
	for (const Case &c : kRegisterOffset)
		ExpectDecodes(c, false);
}

TEST(DecodeMemInsn, PostIndexed)
{
	for (const Case &c : kPostIndexed)
		ExpectDecodes(c, true);
}

TEST(DecodeMemInsn, PreIndexed)
{
	for (const Case &c : kPreIndexed)
		ExpectDecodes(c, true);
}

/* Every size and opc in each class (Rt = x0, Rn = x1): the same table for all five, with the
 * PRFM/PRFUM cell and the unallocated ones refused. */
TEST(DecodeMemInsn, EverySizeAndOpc)
{
	struct Cell {
		int err;
		bool store = false, sign_extend = false, reg64 = false;
	};
	const Cell cells[4][4] = {
	    /* opc 00, 01, 10, 11 */
	    {{0, ST, ZX, W}, {0, LD, ZX, W}, {0, LD, SX, X}, {0, LD, SX, W}},	/* size 00 */
	    {{0, ST, ZX, W}, {0, LD, ZX, W}, {0, LD, SX, X}, {0, LD, SX, W}},	/* size 01 */
	    {{0, ST, ZX, W}, {0, LD, ZX, W}, {0, LD, SX, X}, {AXERR_INVALID}},	/* size 10 */
	    {{0, ST, ZX, X}, {0, LD, ZX, X}, {AXERR_INVALID}, {AXERR_INVALID}}, /* size 11 */
	};
	const uint32_t classes[] = {
	    0x39000020, /* strb w0, [x1] */
	    0x38000020, /* sturb w0, [x1] */
	    0x38000820, /* sttrb w0, [x1] */
	    0x38226820, /* strb w0, [x1, x2] */
	    0x38000420, /* strb w0, [x1], #0 */
	    0x38000c20, /* strb w0, [x1, #0]! */
	};

	for (uint32_t base : classes) {
		for (uint32_t size = 0; size < 4; size++) {
			for (uint32_t opc = 0; opc < 4; opc++) {
				const Cell &cell = cells[size][opc];
				uint32_t insn = base | size << 30 | opc << 22;
				arm_mem_access a = {};

				ASSERT_EQ(arm_decode_mem_insn(insn, &a), cell.err)
				    << std::hex << insn;
				if (cell.err)
					continue;
				EXPECT_EQ(a.store, cell.store) << std::hex << insn;
				EXPECT_EQ(a.width, 1u << size) << std::hex << insn;
				EXPECT_EQ(a.sign_extend, cell.sign_extend) << std::hex << insn;
				EXPECT_EQ(a.reg64, cell.reg64) << std::hex << insn;
			}
		}
	}
}

TEST(DecodeMemInsn, EveryTransferRegisterIncludingZr)
{
	for (uint32_t rt = 0; rt < 32; rt++) {
		arm_mem_access a = {};

		ASSERT_EQ(arm_decode_mem_insn(0xf9400020 | rt, &a), AX_OK); /* ldr xN, [x1] */
		EXPECT_EQ(a.reg, rt);
		ASSERT_EQ(arm_decode_mem_insn(0xb8226800 | rt, &a), AX_OK); /* str wN, [x0, x2] */
		EXPECT_EQ(a.reg, rt);
	}
}

TEST(DecodeMemInsn, EveryWritebackBase)
{
	/* str x0, [xN], #8 */
	for (uint32_t rn = 1; rn < 32; rn++) {
		arm_mem_access a = {};

		ASSERT_EQ(arm_decode_mem_insn(0xf8008400 | rn << 5, &a), AX_OK) << rn;
		EXPECT_TRUE(a.writeback);
		EXPECT_EQ(a.base, rn);
		EXPECT_EQ(a.reg, 0);
	}
}

TEST(DecodeMemInsn, EveryImm9)
{
	for (int imm = -256; imm < 256; imm++) {
		uint32_t bits = (uint32_t)(imm & 0x1ff) << 12;
		arm_mem_access a = {};

		/* ldr x0, [x1], #imm and ldr x0, [x1, #imm]! */
		ASSERT_EQ(arm_decode_mem_insn(0xf8400420 | bits, &a), AX_OK) << imm;
		EXPECT_EQ(a.offset, imm);
		ASSERT_EQ(arm_decode_mem_insn(0xf8400c20 | bits, &a), AX_OK) << imm;
		EXPECT_EQ(a.offset, imm);
	}
}

TEST(DecodeMemInsn, WritebackOntoTheDataRegisterIsInvalid)
{
	ExpectError(0xf8408400, AXERR_INVALID, "ldr x0, [x0], #8");
	ExpectError(0xf8008c21, AXERR_INVALID, "str x1, [x1, #8]!");
	ExpectError(0x38dffc42, AXERR_INVALID, "ldrsb w2, [x2, #-1]!");
	ExpectError(0xb8404fde, AXERR_INVALID, "ldr w30, [x30, #4]!");
}

TEST(DecodeMemInsn, UnallocatedEncodingsAreInvalid)
{
	ExpectError(0xb9c00020, AXERR_INVALID, "unsigned imm, size 10 opc 11");
	ExpectError(0xf9c00020, AXERR_INVALID, "unsigned imm, size 11 opc 11");
	ExpectError(0xf8c00020, AXERR_INVALID, "unscaled, size 11 opc 11");
	ExpectError(0xb8c04420, AXERR_INVALID, "post-indexed, size 10 opc 11");
	ExpectError(0xf8804420, AXERR_INVALID, "post-indexed, size 11 opc 10");
	ExpectError(0xf8804c20, AXERR_INVALID, "pre-indexed, size 11 opc 10");
	ExpectError(0xf8800820, AXERR_INVALID, "unprivileged, size 11 opc 10");
	ExpectError(0xf8c00820, AXERR_INVALID, "unprivileged, size 11 opc 11");
	ExpectError(0xb8c00820, AXERR_INVALID, "unprivileged, size 10 opc 11");
	ExpectError(0xf8e26820, AXERR_INVALID, "register offset, size 11 opc 11");
	/* Register offset with option UXTB, UXTH, SXTB, SXTH. */
	ExpectError(0xb8620820, AXERR_INVALID, "ldr w0, [x1, x2] option 000");
	ExpectError(0xb8622820, AXERR_INVALID, "ldr w0, [x1, x2] option 001");
	ExpectError(0xb8628820, AXERR_INVALID, "ldr w0, [x1, x2] option 100");
	ExpectError(0xb862a820, AXERR_INVALID, "ldr w0, [x1, x2] option 101");
	/* Bit 21 set, bit 10 set: LDRAA/LDRAB only with size 11. */
	ExpectError(0xb8620420, AXERR_INVALID, "size 10, bits 11:10 = 01");
	ExpectError(0xb8620c20, AXERR_INVALID, "size 10, bits 11:10 = 11");
}

TEST(DecodeMemInsn, PrefetchesAreInvalid)
{
	ExpectError(0xf9800000, AXERR_INVALID, "prfm pldl1keep, [x0]");
	ExpectError(0xf9800433, AXERR_INVALID, "prfm pstl2strm, [x1, #8]");
	ExpectError(0xf8a16800, AXERR_INVALID, "prfm pldl1keep, [x0, x1]");
	ExpectError(0xf89ff000, AXERR_INVALID, "prfum pldl1keep, [x0, #-1]");
}

TEST(DecodeMemInsn, NonMemoryInstructionsAreInvalid)
{
	ExpectError(0x8b020020, AXERR_INVALID, "add x0, x1, x2");
	ExpectError(0xd503201f, AXERR_INVALID, "nop");
	ExpectError(0x14000000, AXERR_INVALID, "b #0");
	ExpectError(0xd4000001, AXERR_INVALID, "svc #0");
	ExpectError(0xd4000002, AXERR_INVALID, "hvc #0");
	ExpectError(0xd50b7e20, AXERR_INVALID, "dc civac, x0");
	ExpectError(0xd5380000, AXERR_INVALID, "mrs x0, midr_el1");
	ExpectError(0xd2800020, AXERR_INVALID, "mov x0, #1");
	ExpectError(0x00000000, AXERR_INVALID, "udf #0");
	ExpectError(0xffffffff, AXERR_INVALID, "all ones");
	ExpectError(0xbb400020, AXERR_INVALID, "ldr w0, [x1] with bit 25 set");
	ExpectError(0xb1400020, AXERR_INVALID, "ldr w0, [x1] with bit 27 clear");
}

TEST(DecodeMemInsn, OtherLoadsAndStoresAreUnsupported)
{
	/* Pairs */
	ExpectError(0xa9400440, AXERR_UNSUPPORTED, "ldp x0, x1, [x2]");
	ExpectError(0x29be07e0, AXERR_UNSUPPORTED, "stp w0, w1, [sp, #-16]!");
	ExpectError(0xa8810440, AXERR_UNSUPPORTED, "stp x0, x1, [x2], #16");
	ExpectError(0x69400440, AXERR_UNSUPPORTED, "ldpsw x0, x1, [x2]");
	ExpectError(0xa8400440, AXERR_UNSUPPORTED, "ldnp x0, x1, [x2]");
	/* SIMD&FP registers */
	ExpectError(0x3dc00020, AXERR_UNSUPPORTED, "ldr q0, [x1]");
	ExpectError(0xfc408420, AXERR_UNSUPPORTED, "ldr d0, [x1], #8");
	ExpectError(0xbc226820, AXERR_UNSUPPORTED, "str s0, [x1, x2]");
	ExpectError(0x3c400020, AXERR_UNSUPPORTED, "ldur b0, [x1]");
	ExpectError(0x4c407000, AXERR_UNSUPPORTED, "ld1 {v0.16b}, [x0]");
	/* Exclusive and acquire/release */
	ExpectError(0xc85f7c20, AXERR_UNSUPPORTED, "ldxr x0, [x1]");
	ExpectError(0xc8027c20, AXERR_UNSUPPORTED, "stxr w2, x0, [x1]");
	ExpectError(0x885ffc20, AXERR_UNSUPPORTED, "ldaxr w0, [x1]");
	ExpectError(0xc87f0440, AXERR_UNSUPPORTED, "ldxp x0, x1, [x2]");
	ExpectError(0x88dffc20, AXERR_UNSUPPORTED, "ldar w0, [x1]");
	ExpectError(0xc89ffc20, AXERR_UNSUPPORTED, "stlr x0, [x1]");
	ExpectError(0xb8bfc020, AXERR_UNSUPPORTED, "ldapr w0, [x1]");
	ExpectError(0x99404020, AXERR_UNSUPPORTED, "ldapur w0, [x1, #4]");
	/* Atomics */
	ExpectError(0xc8e0fc41, AXERR_UNSUPPORTED, "casal x0, x1, [x2]");
	ExpectError(0xb8208041, AXERR_UNSUPPORTED, "swp w0, w1, [x2]");
	ExpectError(0xf8200041, AXERR_UNSUPPORTED, "ldadd x0, x1, [x2]");
	ExpectError(0xb820003f, AXERR_UNSUPPORTED, "stadd w0, [x1]");
	ExpectError(0xf83fd020, AXERR_UNSUPPORTED, "ld64b x0, [x1]");
	/* Pointer authentication */
	ExpectError(0xf8200420, AXERR_UNSUPPORTED, "ldraa x0, [x1]");
	ExpectError(0xf8a01c20, AXERR_UNSUPPORTED, "ldrab x0, [x1, #8]!");
	/* Literal, memory tagging, memory copy */
	ExpectError(0x58000040, AXERR_UNSUPPORTED, "ldr x0, #8");
	ExpectError(0x98000040, AXERR_UNSUPPORTED, "ldrsw x0, #8");
	ExpectError(0xd8000040, AXERR_UNSUPPORTED, "prfm pldl1keep, #8");
	ExpectError(0xd9200820, AXERR_UNSUPPORTED, "stg x0, [x1]");
	ExpectError(0x19010440, AXERR_UNSUPPORTED, "cpyfp [x0]!, [x1]!, x2!");
}

uint64_t DataAbort(uint32_t iss, unsigned ec = ESR_EC_DABT_LOWER)
{
	return (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss;
}

/* The ISS fields of a data abort (ESR_EL2, "ISS encoding for an exception from a Data
 * Abort"): ISV, SAS, SSE, SRT, SF, AR, CM, S1PTW, WnR, and DFSC 0x06 (translation, level 2). */
uint32_t Iss(unsigned sas, bool sse, unsigned srt, bool sf, bool wnr)
{
	return 1u << 24 | sas << 22 | (uint32_t)sse << 21 | srt << 16 | (uint32_t)sf << 15 |
	       (uint32_t)wnr << 6 | 0x06;
}

TEST(DecodeIss, AgreesWithTheInstructionWhereTheSyndromeIsValid)
{
	const Case *tables[] = {kUnsignedImmediate, kUnscaled, kRegisterOffset};
	const size_t sizes[] = {std::size(kUnsignedImmediate), std::size(kUnscaled),
				std::size(kRegisterOffset)};

	for (size_t t = 0; t < 3; t++) {
		for (size_t i = 0; i < sizes[t]; i++) {
			const Case &c = tables[t][i];
			unsigned sas = (unsigned)__builtin_ctz(c.width);
			arm_mem_access from_insn = {}, from_iss = {};

			ASSERT_EQ(arm_decode_mem_insn(c.insn, &from_insn), AX_OK);
			ASSERT_EQ(arm_decode_iss(
				      DataAbort(Iss(sas, c.sign_extend, c.reg, c.reg64, c.store)),
				      &from_iss),
				  AX_OK)
			    << c.text;
			EXPECT_EQ(from_iss.store, from_insn.store) << c.text;
			EXPECT_EQ(from_iss.width, from_insn.width) << c.text;
			EXPECT_EQ(from_iss.reg, from_insn.reg) << c.text;
			EXPECT_EQ(from_iss.sign_extend, from_insn.sign_extend) << c.text;
			EXPECT_EQ(from_iss.reg64, from_insn.reg64) << c.text;
			EXPECT_FALSE(from_iss.writeback) << c.text;
		}
	}
}

TEST(DecodeIss, Fields)
{
	arm_mem_access a = {};

	/* ldrsh x7, [x1]: SAS 01, SSE, SRT 7, SF */
	ASSERT_EQ(arm_decode_iss(DataAbort(Iss(1, true, 7, true, false)), &a), AX_OK);
	EXPECT_FALSE(a.store);
	EXPECT_EQ(a.width, 2);
	EXPECT_EQ(a.reg, 7);
	EXPECT_TRUE(a.sign_extend);
	EXPECT_TRUE(a.reg64);
	EXPECT_FALSE(a.writeback);
	/* str xzr, [x1] from the current EL, with acquire/release (STLR): AR changes nothing */
	ASSERT_EQ(arm_decode_iss(
		      DataAbort(Iss(3, false, 31, true, true) | 1u << 14, ESR_EC_DABT_CURRENT), &a),
		  AX_OK);
	EXPECT_TRUE(a.store);
	EXPECT_EQ(a.width, 8);
	EXPECT_EQ(a.reg, 31);
	EXPECT_FALSE(a.sign_extend);
	for (unsigned sas = 0; sas < 4; sas++) {
		ASSERT_EQ(arm_decode_iss(DataAbort(Iss(sas, false, 0, false, false)), &a), AX_OK);
		EXPECT_EQ(a.width, 1u << sas);
	}
}

TEST(DecodeIss, Refusals)
{
	const uint32_t isv = 1u << 24, cm = 1u << 8, s1ptw = 1u << 7;
	const uint32_t ldr_w0 = Iss(2, false, 0, false, false);
	arm_mem_access a = {};

	a.reg = 0x5a;
	EXPECT_EQ(arm_decode_iss(DataAbort(ldr_w0 & ~isv), &a), AXERR_NOT_FOUND);
	EXPECT_EQ(arm_decode_iss(DataAbort(0x46), &a), AXERR_NOT_FOUND); /* ISV 0, write */
	EXPECT_EQ(arm_decode_iss(DataAbort(cm | 1u << 6 | 0x06), &a), AXERR_UNSUPPORTED);
	EXPECT_EQ(arm_decode_iss(DataAbort(ldr_w0 | cm), &a), AXERR_UNSUPPORTED);
	EXPECT_EQ(arm_decode_iss(DataAbort(s1ptw | 0x06), &a), AXERR_UNSUPPORTED);
	EXPECT_EQ(arm_decode_iss(DataAbort(ldr_w0 | s1ptw), &a), AXERR_UNSUPPORTED);
	EXPECT_EQ(arm_decode_iss(DataAbort(ldr_w0, ESR_EC_IABT_LOWER), &a), AXERR_INVALID);
	EXPECT_EQ(arm_decode_iss(DataAbort(ldr_w0, ESR_EC_HVC64), &a), AXERR_INVALID);
	EXPECT_EQ(a.reg, 0x5a);
}

TEST(LoadValue, ExtendsToTheDestination)
{
	struct {
		uint8_t width;
		bool sign_extend, reg64;
		uint64_t value, expected;
	} const cases[] = {
	    {1, SX, X, 0x80, 0xffffffffffffff80},	/* ldrsb x */
	    {1, SX, W, 0x80, 0x00000000ffffff80},	/* ldrsb w */
	    {1, SX, W, 0x7f, 0x7f},			/* positive */
	    {1, SX, X, 0x1234567f, 0x7f},		/* bits above the width ignored */
	    {2, SX, X, 0x8001, 0xffffffffffff8001},	/* ldrsh x */
	    {2, SX, W, 0xffff8001, 0xffff8001},		/* ldrsh w */
	    {4, SX, X, 0x80000000, 0xffffffff80000000}, /* ldrsw */
	    {4, SX, X, 0x7fffffff, 0x7fffffff},
	    {1, ZX, W, 0xdeadbeefcafef00d, 0x0d},		/* ldrb */
	    {2, ZX, W, 0xdeadbeefcafef00d, 0xf00d},		/* ldrh */
	    {4, ZX, W, 0xdeadbeefcafef00d, 0xcafef00d},		/* ldr w */
	    {8, ZX, X, 0xdeadbeefcafef00d, 0xdeadbeefcafef00d}, /* ldr x */
	    {8, ZX, W, 0xdeadbeefcafef00d, 0xcafef00d}, /* a W destination never keeps 63:32 */
	};

	for (const auto &c : cases) {
		arm_mem_access a = {};

		a.width = c.width;
		a.sign_extend = c.sign_extend;
		a.reg64 = c.reg64;
		EXPECT_EQ(arm_load_value(&a, c.value), c.expected) << std::hex << c.value;
	}
}

TEST(LoadValue, FromADecodedInstruction)
{
	arm_mem_access a = {};

	ASSERT_EQ(arm_decode_mem_insn(0x38dffd6a, &a), AX_OK); /* ldrsb w10, [x11, #-1]! */
	EXPECT_EQ(arm_load_value(&a, 0xfe), 0xfffffffeu);
	ASSERT_EQ(arm_decode_mem_insn(0x389ff549, &a), AX_OK); /* ldrsb x9, [x10], #-1 */
	EXPECT_EQ(arm_load_value(&a, 0xfe), 0xfffffffffffffffeu);
}

TEST(StoreValue, KeepsTheLowWidthBytes)
{
	arm_mem_access a = {};
	const uint64_t x = 0x0123456789abcdef;

	a.width = 1;
	EXPECT_EQ(arm_store_value(&a, x), 0xefu);
	a.width = 2;
	EXPECT_EQ(arm_store_value(&a, x), 0xcdefu);
	a.width = 4;
	EXPECT_EQ(arm_store_value(&a, x), 0x89abcdefu);
	a.width = 8;
	EXPECT_EQ(arm_store_value(&a, x), x);
}

TEST(WritebackBase, AddsTheSignedOffset)
{
	arm_mem_access a = {};

	ASSERT_EQ(arm_decode_mem_insn(0xf81f0ff3, &a), AX_OK); /* str x19, [sp, #-16]! */
	EXPECT_EQ(arm_writeback_base(&a, 0x80010000), 0x8000fff0u);
	ASSERT_EQ(arm_decode_mem_insn(0xf84ff7e4, &a), AX_OK); /* ldr x4, [sp], #255 */
	EXPECT_EQ(arm_writeback_base(&a, 0x1000), 0x10ffu);
	ASSERT_EQ(arm_decode_mem_insn(0x389ff549, &a), AX_OK); /* ldrsb x9, [x10], #-1 */
	EXPECT_EQ(arm_writeback_base(&a, 0), ~0ull);
}

} // namespace
