#include <gtest/gtest.h>

#include <cstdint>

extern "C" {
#include <axvm/error.h>
#include <riscv_vcpu/insn_decode.h>
}

namespace
{

/* One encoding and what it must decode to. The words were assembled with
 * llvm-mc --triple=riscv64 -mattr=+c,+f,+d,+a --show-encoding (Zcb, FLQ/FSQ and the vector
 * forms by hand, from the field layouts). */
struct Case {
	uint32_t insn;
	const char *text;
	bool store;
	uint8_t width;
	uint8_t reg;
	bool sign_extend;
};

void ExpectDecodes(const Case &c, uint8_t insn_len)
{
	riscv_mem_access a = {};

	ASSERT_EQ(riscv_decode_mem_insn(c.insn, &a), AX_OK) << c.text;
	EXPECT_EQ(a.store, c.store) << c.text;
	EXPECT_EQ(a.width, c.width) << c.text;
	EXPECT_EQ(a.reg, c.reg) << c.text;
	EXPECT_EQ(a.sign_extend, c.sign_extend) << c.text;
	EXPECT_EQ(a.insn_len, insn_len) << c.text;
}

const Case kLoads32[] = {
    {0x00058503, "lb a0, 0(a1)", false, 1, 10, true},
    {0x00028003, "lb zero, 0(t0)", false, 1, 0, true},
    {0xffc11283, "lh t0, -4(sp)", false, 2, 5, true},
    {0x00001503, "lh a0, 0(zero)", false, 2, 10, true},
    {0x7fffad83, "lw s11, 2047(t6)", false, 4, 27, true},
    {0x8001b083, "ld ra, -2048(gp)", false, 8, 1, false},
    {0x00053003, "ld zero, 0(a0)", false, 8, 0, false},
    {0x0010cf83, "lbu t6, 1(ra)", false, 1, 31, false},
    {0x008fd083, "lhu ra, 8(t6)", false, 2, 1, false},
    {0x01076783, "lwu a5, 16(a4)", false, 4, 15, false},
    {0xffffef83, "lwu t6, -1(t6)", false, 4, 31, false},
};

const Case kStores32[] = {
    {0x00a58023, "sb a0, 0(a1)", true, 1, 10, false},
    {0x00028023, "sb zero, 0(t0)", true, 1, 0, false},
    {0xfff41fa3, "sh t6, -1(s0)", true, 2, 31, false},
    {0x01191123, "sh a7, 2(s2)", true, 2, 17, false},
    {0x7ff12fa3, "sw t6, 2047(sp)", true, 4, 31, false},
    {0x00113423, "sd ra, 8(sp)", true, 8, 1, false},
    {0x00053023, "sd zero, 0(a0)", true, 8, 0, false},
    {0xfff53c23, "sd t6, -8(a0)", true, 8, 31, false},
};

/* Quadrant 0 uses the compressed registers: field value r is x(8 + r). */
const Case kCompressed[] = {
    {0x41c8, "c.lw a0, 4(a1)", false, 4, 10, true},
    {0x5fe0, "c.lw s0, 124(a5)", false, 4, 8, true},
    {0x439c, "c.lw a5, 0(a5)", false, 4, 15, true},
    {0x7c7c, "c.ld a5, 248(s0)", false, 8, 15, false},
    {0x6104, "c.ld s1, 0(a0)", false, 8, 9, false},
    {0x6000, "c.ld s0, 0(s0)", false, 8, 8, false},
    {0xc290, "c.sw a2, 0(a3)", true, 4, 12, false},
    {0xc3a0, "c.sw s0, 64(a5)", true, 4, 8, false},
    {0xc01c, "c.sw a5, 0(s0)", true, 4, 15, false},
    {0xe49c, "c.sd a5, 8(s1)", true, 8, 15, false},
    {0xffe0, "c.sd s0, 248(a5)", true, 8, 8, false},
    {0xe380, "c.sd s0, 0(a5)", true, 8, 8, false},
    {0x4082, "c.lwsp ra, 0(sp)", false, 4, 1, true},
    {0x5ffe, "c.lwsp t6, 252(sp)", false, 4, 31, true},
    {0x757e, "c.ldsp a0, 504(sp)", false, 8, 10, false},
    {0x6fa2, "c.ldsp t6, 8(sp)", false, 8, 31, false},
    {0xc202, "c.swsp zero, 4(sp)", true, 4, 0, false},
    {0xdffe, "c.swsp t6, 252(sp)", true, 4, 31, false},
    {0xe406, "c.sdsp ra, 8(sp)", true, 8, 1, false},
    {0xfffe, "c.sdsp t6, 504(sp)", true, 8, 31, false},
    /* Zcb */
    {0x81c8, "c.lbu a0, 1(a1)", false, 1, 10, false},
    {0x83e0, "c.lbu s0, 3(a5)", false, 1, 8, false},
    {0x843c, "c.lhu a5, 2(s0)", false, 2, 15, false},
    {0x8544, "c.lh s1, 0(a0)", false, 2, 9, true},
    {0x8ad0, "c.sb a2, 1(a3)", true, 1, 12, false},
    {0x8cbc, "c.sh a5, 2(s1)", true, 2, 15, false},
};

TEST(DecodeMemInsn, EveryRv64iLoad)
{
	for (const Case &c : kLoads32)
		ExpectDecodes(c, 4);
}

TEST(DecodeMemInsn, EveryRv64iStore)
{
	for (const Case &c : kStores32)
		ExpectDecodes(c, 4);
}

TEST(DecodeMemInsn, EveryCompressedLoadAndStore)
{
	for (const Case &c : kCompressed)
		ExpectDecodes(c, 2);
}

TEST(DecodeMemInsn, CompressedIgnoresTheUpperHalfword)
{
	ExpectDecodes({0xdead41c8, "c.lw a0, 4(a1) + garbage", false, 4, 10, true}, 2);
	ExpectDecodes({0xffffe406, "c.sdsp ra, 8(sp) + garbage", true, 8, 1, false}, 2);
}

TEST(DecodeMemInsn, CompressedRegisterFieldMapsToX8ThroughX15)
{
	/* c.lw with rd' = 0..7 and rs1' = a1: rd' sits in bits 4:2. */
	for (uint32_t r = 0; r < 8; r++) {
		riscv_mem_access a = {};

		ASSERT_EQ(riscv_decode_mem_insn(0x41c0 | r << 2, &a), AX_OK);
		EXPECT_EQ(a.reg, 8 + r);
	}
	/* c.sd with rs2' = 0..7: also bits 4:2. */
	for (uint32_t r = 0; r < 8; r++) {
		riscv_mem_access a = {};

		ASSERT_EQ(riscv_decode_mem_insn(0xe480 | r << 2, &a), AX_OK);
		EXPECT_TRUE(a.store);
		EXPECT_EQ(a.reg, 8 + r);
	}
	/* c.swsp takes a full register from bits 6:2. */
	for (uint32_t r = 0; r < 32; r++) {
		riscv_mem_access a = {};

		ASSERT_EQ(riscv_decode_mem_insn(0xc002 | r << 2, &a), AX_OK);
		EXPECT_EQ(a.reg, r);
	}
}

TEST(DecodeMemInsn, Rv64iRegisterFields)
{
	/* lw with every rd and sw with every rs2, the other fields fixed. */
	for (uint32_t r = 0; r < 32; r++) {
		riscv_mem_access a = {};

		ASSERT_EQ(riscv_decode_mem_insn(0x00002003 | r << 7, &a), AX_OK);
		EXPECT_EQ(a.reg, r);
		ASSERT_EQ(riscv_decode_mem_insn(0x00002023 | r << 20, &a), AX_OK);
		EXPECT_EQ(a.reg, r);
	}
}

TEST(DecodeMemInsn, ReservedCompressedFormsAreInvalid)
{
	const uint32_t reserved[] = {
	    0x4002,			    /* c.lwsp zero, 0(sp) */
	    0x6022,			    /* c.ldsp zero, 8(sp) */
	    0x8cdc,			    /* c.sh with bit 6 set */
	    0x9000,			    /* quadrant 0, funct3 100, bits 12:10 = 100..111 */
	    0x9400, 0x9800, 0x9c00, 0x0000, /* the defined illegal instruction */
	};
	riscv_mem_access a = {};

	for (uint32_t insn : reserved)
		EXPECT_EQ(riscv_decode_mem_insn(insn, &a), AXERR_INVALID) << std::hex << insn;
}

TEST(DecodeMemInsn, NonMemoryInstructionsAreInvalid)
{
	const uint32_t others[] = {
	    0x00150513, /* addi a0, a0, 1 */
	    0x0505,	/* c.addi a0, 1 */
	    0x0808,	/* c.addi4spn a0, sp, 16 */
	    0x852e,	/* c.mv a0, a1 */
	    0x0ff0000f, /* fence */
	    0x00000073, /* ecall */
	    0x10500073, /* wfi */
	    0x000000ef, /* jal ra, 0 */
	    0x00007503, /* LOAD with funct3 = 7 (reserved) */
	    0x00a5c023, /* STORE with funct3 = 4..7 (not RV64) */
	    0x00a5d023, 0x00a5e023,
	    0x00a5f023, 0x0000001f, /* a 48-bit instruction's first parcel */
	    0x0000250b,		    /* custom-0 */
	};
	riscv_mem_access a = {};

	for (uint32_t insn : others)
		EXPECT_EQ(riscv_decode_mem_insn(insn, &a), AXERR_INVALID) << std::hex << insn;
}

TEST(DecodeMemInsn, FloatingPointVectorAndAtomicAreUnsupported)
{
	const uint32_t refused[] = {
	    0x00052507, /* flw fa0, 0(a0) */
	    0x00813007, /* fld ft0, 8(sp) */
	    0x00051507, /* flh fa0, 0(a0) */
	    0x00054507, /* flq fa0, 0(a0) */
	    0x00b5a227, /* fsw fa1, 4(a1) */
	    0x00853027, /* fsd fs0, 0(a0) */
	    0x00a54027, /* fsq fa0, 0(a0) */
	    0x02056087, /* vle32.v v1, (a0) */
	    0x02058127, /* vse8.v v2, (a1) */
	    0x2588,	/* c.fld fa0, 8(a1) */
	    0xa100,	/* c.fsd fs0, 0(a0) */
	    0x2022,	/* c.fldsp ft0, 8(sp) */
	    0xa83e,	/* c.fsdsp fa5, 16(sp) */
	    0x1005a52f, /* lr.w a0, (a1) */
	    0x18c5b52f, /* sc.d a0, a2, (a1) */
	    0x00b6252f, /* amoadd.w a0, a1, (a2) */
	    0x0e63b2af, /* amoswap.d.aqrl t0, t1, (t2) */
	};
	riscv_mem_access a = {};

	for (uint32_t insn : refused)
		EXPECT_EQ(riscv_decode_mem_insn(insn, &a), AXERR_UNSUPPORTED) << std::hex << insn;
}

TEST(DecodeMemInsn, LeavesTheOutputAloneOnError)
{
	riscv_mem_access a = {true, 3, 7, true, 9};

	EXPECT_EQ(riscv_decode_mem_insn(0x4002, &a), AXERR_INVALID);
	EXPECT_EQ(riscv_decode_mem_insn(0x00052507, &a), AXERR_UNSUPPORTED);
	EXPECT_TRUE(a.store);
	EXPECT_EQ(a.width, 3);
	EXPECT_EQ(a.reg, 7);
	EXPECT_EQ(a.insn_len, 9);
}

/* htinst: transformed instructions have their immediates zeroed, rs1 replaced by the address
 * offset, and bit 1 cleared when the trapping instruction was compressed. */
TEST(DecodeHtinst, TransformedLoadsAndStores)
{
	const struct {
		uint64_t htinst;
		const char *from;
		bool store;
		uint8_t width, reg;
		bool sign_extend;
		uint8_t insn_len;
	} cases[] = {
	    {0x00002503, "lw a0, 8(a1)", false, 4, 10, true, 4},
	    {0x00002501, "c.lw a0, 4(a1)", false, 4, 10, true, 2},
	    {0x0001a503, "lw a0 misaligned by 3 (address offset 3)", false, 4, 10, true, 4},
	    {0x00003f83, "ld t6", false, 8, 31, false, 4},
	    {0x00003781, "c.ld a5 / c.ldsp a5", false, 8, 15, false, 2},
	    {0x00006783, "lwu a5", false, 4, 15, false, 4},
	    {0x00000083, "lb ra", false, 1, 1, true, 4},
	    {0x00005083, "lhu ra", false, 2, 1, false, 4},
	    {0x00004501, "c.lbu a0 (Zcb)", false, 1, 10, false, 2},
	    {0x00f03023, "sd a5, 16(s0)", true, 8, 15, false, 4},
	    {0x00f03021, "c.sd a5, 8(s1)", true, 8, 15, false, 2},
	    {0x01f02021, "c.swsp t6", true, 4, 31, false, 2},
	    {0x00a00023, "sb a0", true, 1, 10, false, 4},
	    {0x01101023, "sh a7", true, 2, 17, false, 4},
	};

	for (const auto &c : cases) {
		riscv_mem_access a = {};

		ASSERT_EQ(riscv_decode_htinst(c.htinst, &a), AX_OK) << c.from;
		EXPECT_EQ(a.store, c.store) << c.from;
		EXPECT_EQ(a.width, c.width) << c.from;
		EXPECT_EQ(a.reg, c.reg) << c.from;
		EXPECT_EQ(a.sign_extend, c.sign_extend) << c.from;
		EXPECT_EQ(a.insn_len, c.insn_len) << c.from;
	}
}

TEST(DecodeHtinst, ZeroMeansFetchTheInstruction)
{
	riscv_mem_access a = {};

	EXPECT_EQ(riscv_decode_htinst(0, &a), AXERR_NOT_FOUND);
}

TEST(DecodeHtinst, PseudoinstructionsAreUnsupported)
{
	riscv_mem_access a = {};

	for (uint64_t v : {0x00002000ull, 0x00002020ull, 0x00003000ull, 0x00003020ull})
		EXPECT_EQ(riscv_decode_htinst(v, &a), AXERR_UNSUPPORTED) << std::hex << v;
}

TEST(DecodeHtinst, UnrecognizedValuesAreTreatedAsZero)
{
	const uint64_t values[] = {
	    0x100002503ull,	   /* a standard lw in bits 31:0, but bits 63:32 not zero */
	    0x8000000000002503ull, /* likewise */
	    0x00002502,		   /* bits 1:0 = 10 */
	    0x00007503,		   /* LOAD funct3 7: not a standard instruction */
	    0x00150513,		   /* addi: no transformation is defined for it */
	    0x0000250b,		   /* custom-0: a custom value */
	    0x68004573,		   /* hlv.w a0 transformed: never a guest trap */
	};
	riscv_mem_access a = {};

	for (uint64_t v : values)
		EXPECT_EQ(riscv_decode_htinst(v, &a), AXERR_NOT_FOUND) << std::hex << v;
}

TEST(DecodeHtinst, FloatingPointAndAtomicAreUnsupported)
{
	const uint64_t values[] = {
	    0x00002507, /* flw fa0 */
	    0x00003505, /* c.fld fa0 (compressed: bit 1 clear) */
	    0x00853027, /* fsd fs0 with its immediate, as software might also see it */
	    0x00b0252f, /* amoadd.w a0, a1 (address offset 0) */
	    0x1000252f, /* lr.w a0 */
	    0x02006087, /* vle32.v v1 */
	};
	riscv_mem_access a = {};

	for (uint64_t v : values)
		EXPECT_EQ(riscv_decode_htinst(v, &a), AXERR_UNSUPPORTED) << std::hex << v;
}

TEST(FaultGpa, CombinesHtvalAndStvalLowBits)
{
	EXPECT_EQ(riscv_fault_gpa(0x10000000 >> 2, 0xffffffc000000000ull), 0x10000000ull);
	EXPECT_EQ(riscv_fault_gpa(0x10000004 >> 2, 0x1007), 0x10000007ull);
	EXPECT_EQ(riscv_fault_gpa(0x3fffffffffull, 0x2), 0xfffffffffeull);
}

TEST(FaultIsExplicit, PseudoinstructionsAreTheWalk)
{
	/* Implicit reads and writes of a VS-stage walk, 32- and 64-bit tables. */
	for (uint64_t p : {0x2000ull, 0x2020ull, 0x3000ull, 0x3020ull})
		EXPECT_FALSE(riscv_fault_is_explicit(p, 0x10000008, 0x10000008)) << std::hex << p;
	/* A transformed load says explicit; so do values the spec says to read as zero. */
	EXPECT_TRUE(riscv_fault_is_explicit(0x00053503, 0x40001008, 0x10000008));
	EXPECT_TRUE(riscv_fault_is_explicit(1ull << 32, 0x40001008, 0x10000008));
}

TEST(FaultIsExplicit, WithoutHtinstThePageOffsetsDecide)
{
	/* A load from guest-virtual 0x40001008 whose walk read the entry at 0x10000000. */
	EXPECT_FALSE(riscv_fault_is_explicit(0, 0x40001008, 0x10000000));
	EXPECT_FALSE(riscv_fault_is_explicit(0, 0xffffffc000000ff8ull, 0x10000ff0));
	/* Explicit accesses: bare translation, and a mapped page of any size. */
	EXPECT_TRUE(riscv_fault_is_explicit(0, 0x10000005, 0x10000005));
	EXPECT_TRUE(riscv_fault_is_explicit(0, 0xffffffc000200abcull, 0x10000abc));
}

TEST(AccessFaultCause, FollowsTheOriginalAccessType)
{
	EXPECT_EQ(riscv_access_fault_cause(20), 1u);
	EXPECT_EQ(riscv_access_fault_cause(21), 5u);
	EXPECT_EQ(riscv_access_fault_cause(23), 7u);
	for (uint64_t c : {0ull, 5ull, 7ull, 22ull, 24ull, (1ull << 63) | 21})
		EXPECT_EQ(riscv_access_fault_cause(c), 0u) << c;
}

TEST(MemAccessExit, LoadBecomesMmioRead)
{
	const riscv_mem_access lw = {false, 4, 10, true, 2};
	axvm_exit e = {};

	riscv_mem_access_exit(&lw, 0x10000004, 0xdeadbeef, &e);
	ASSERT_EQ(e.kind, AXVM_EXIT_MMIO_READ);
	EXPECT_EQ(e.mmio_read.addr, 0x10000004ull);
	EXPECT_EQ(e.mmio_read.width, 4);
}

TEST(LoadValue, ExtendsAsTheLoadDoes)
{
	const struct {
		riscv_mem_access a;
		uint64_t read, reg;
	} cases[] = {
	    {{false, 1, 5, true, 4}, 0x80, 0xffffffffffffff80ull},	 /* lb */
	    {{false, 1, 5, false, 4}, 0x1ff, 0xffull},			 /* lbu: only its byte */
	    {{false, 2, 5, true, 4}, 0x7fff, 0x7fffull},		 /* lh, positive */
	    {{false, 2, 5, true, 2}, 0x12348000, 0xffffffffffff8000ull}, /* c.lh */
	    {{false, 4, 5, true, 4}, 0x80000000, 0xffffffff80000000ull}, /* lw */
	    {{false, 4, 5, false, 4}, 0xffffffff80000000ull, 0x80000000ull},	     /* lwu */
	    {{false, 8, 5, false, 4}, 0x8000000000000001ull, 0x8000000000000001ull}, /* ld */
	};
	for (const auto &c : cases)
		EXPECT_EQ(riscv_load_value(&c.a, c.read), c.reg)
		    << int(c.a.width) << " bytes, sign " << c.a.sign_extend;
}

TEST(MemAccessExit, StoreBecomesMmioWriteOfItsWidth)
{
	const uint64_t value = 0x1122334455667788ull;
	const struct {
		uint8_t width;
		uint64_t data;
	} cases[] = {{1, 0x88}, {2, 0x7788}, {4, 0x55667788}, {8, value}};

	for (const auto &c : cases) {
		const riscv_mem_access s = {true, c.width, 15, false, 4};
		axvm_exit e = {};

		riscv_mem_access_exit(&s, 0x10000000, value, &e);
		ASSERT_EQ(e.kind, AXVM_EXIT_MMIO_WRITE);
		EXPECT_EQ(e.mmio_write.addr, 0x10000000ull);
		EXPECT_EQ(e.mmio_write.width, c.width);
		EXPECT_EQ(e.mmio_write.data, c.data);
	}
}

} // namespace
