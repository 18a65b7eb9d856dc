/* The x86 MMIO instruction decoder (insn_decode.h): prefixes, the opcode, ModRM, SIB,
 * displacement and immediate, as far as the covered MOV forms need them. */
#include <x86_vcpu/insn_decode.h>

#include <axvm/error.h>

#define REX_W 0x8
#define REX_R 0x4

/* The bytes being decoded: what the caller fetched, up to X86_MAX_INSN_LEN. */
struct cursor {
	const uint8_t *insn;
	size_t len;
	size_t pos;
};

/* Makes the next n bytes part of the instruction: AXERR_INVALID past 15 bytes,
 * AXERR_NOT_MAPPED past what was fetched. */
static int take(struct cursor *c, size_t n)
{
	if (c->pos + n > X86_MAX_INSN_LEN)
		return AXERR_INVALID;
	if (c->pos + n > c->len)
		return AXERR_NOT_MAPPED;
	c->pos += n;
	return AX_OK;
}

/* The next byte, taken. */
static int next_byte(struct cursor *c, uint8_t *b)
{
	int err = take(c, 1);

	if (!err)
		*b = c->insn[c->pos - 1];
	return err;
}

/* The n-byte little-endian value just before the cursor. */
static uint64_t last_value(const struct cursor *c, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)c->insn[c->pos - n + i] << (8 * i);
	return v;
}

/* What the prefixes said. */
struct prefixes {
	bool lock;
	bool rep; /* F2 or F3 */
	bool operand_size;
	bool address_size;
	uint8_t rex; /* 0 without one */
};

/* Takes the legacy prefixes and, in 64-bit mode, a REX prefix, which counts only right before
 * the opcode; leaves the opcode in *op. */
static int take_prefixes(struct cursor *c, enum x86_cpu_mode mode, struct prefixes *p, uint8_t *op)
{
	for (;;) {
		int err = next_byte(c, op);

		if (err)
			return err;
		switch (*op) {
		case 0xf0:
			p->lock = true;
			break;
		case 0xf2:
		case 0xf3:
			p->rep = true;
			break;
		case 0x66:
			p->operand_size = true;
			break;
		case 0x67:
			p->address_size = true;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
		case 0x64:
		case 0x65:
			break; /* segment overrides: in the fault address already */
		default:
			if (mode == X86_MODE_64 && (*op & 0xf0) == 0x40) {
				p->rex = *op;
				continue;
			}
			return AX_OK;
		}
		p->rex = 0; /* a REX before a legacy prefix is ignored */
	}
}

static uint8_t operand_bytes(enum x86_cpu_mode mode, const struct prefixes *p)
{
	if (mode == X86_MODE_64 && (p->rex & REX_W))
		return 8;
	if (mode == X86_MODE_16)
		return p->operand_size ? 4 : 2;
	return p->operand_size ? 2 : 4;
}

static uint8_t address_bytes(enum x86_cpu_mode mode, const struct prefixes *p)
{
	switch (mode) {
	case X86_MODE_64:
		return p->address_size ? 4 : 8;
	case X86_MODE_32:
		return p->address_size ? 2 : 4;
	case X86_MODE_16:
		break;
	}
	return p->address_size ? 4 : 2;
}

/* Takes a ModRM byte with its SIB and displacement; the operand must be memory. Leaves the reg
 * field (REX.R included) in *reg. */
static int take_modrm(struct cursor *c, uint8_t address, uint8_t rex, uint8_t *reg)
{
	uint8_t modrm, sib, mod, rm;
	size_t disp;
	int err = next_byte(c, &modrm);

	if (err)
		return err;
	mod = modrm >> 6;
	rm = modrm & 7;
	*reg = (uint8_t)((modrm >> 3 & 7) | (rex & REX_R ? 8 : 0));
	if (mod == 3)
		return AXERR_INVALID; /* a register: no memory access */
	if (address == 2) {
		/* 16-bit addressing: no SIB; [disp16] in place of [bp]. */
		disp = mod == 1 ? 1 : mod == 2 || rm == 6 ? 2 : 0;
		return take(c, disp);
	}
	disp = mod == 1 ? 1 : mod == 2 ? 4 : 0;
	if (rm == 4) {
		err = next_byte(c, &sib);
		if (err)
			return err;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4; /* no base: [index * scale + disp32] */
	} else if (mod == 0 && rm == 5) {
		disp = 4; /* [disp32], RIP-relative in 64-bit mode */
	}
	return take(c, disp);
}

/* A byte register operand: AH, CH, DH, BH for 4..7 without a REX prefix, else the low byte. */
static void byte_register(struct x86_mem_access *a, uint8_t reg, uint8_t rex)
{
	a->high_byte = !rex && reg >= 4 && reg < 8;
	a->reg = a->high_byte ? reg - 4 : reg;
}

/* The immediate of n bytes, taken and sign-extended to width bytes. */
static int take_imm(struct cursor *c, size_t n, uint8_t width, uint64_t *imm)
{
	int err = take(c, n);
	uint64_t v;

	if (err)
		return err;
	v = last_value(c, n);
	if (width > n && (v >> (8 * n - 1) & 1))
		v |= ~0ull << (8 * n);
	*imm = width < 8 ? v & ((1ull << (8 * width)) - 1) : v;
	return AX_OK;
}

/* MOV r/m <-> register (88..8B) and MOV r/m, imm (C6, C7). */
static int decode_mov_modrm(struct cursor *c, uint8_t op, uint8_t operand, uint8_t address,
			    uint8_t rex, struct x86_mem_access *a)
{
	uint8_t reg;
	int err = take_modrm(c, address, rex, &reg);

	if (err)
		return err;
	a->width = op & 1 ? operand : 1;
	a->reg_width = a->width;
	switch (op) {
	case 0x88:
	case 0x8a:
		byte_register(a, reg, rex);
		break;
	case 0x89:
	case 0x8b:
		a->reg = reg;
		break;
	default: /* C6 /0, C7 /0 */
		if (reg & 7)
			return AXERR_INVALID;
		a->store = true;
		a->source = X86_SOURCE_IMM;
		return take_imm(c, a->width < 4 ? a->width : 4, a->width, &a->imm);
	}
	a->store = op == 0x88 || op == 0x89;
	return AX_OK;
}

/* MOVZX, MOVSX (0F B6, B7, BE, BF) and MOVSXD (63): a load of width bytes, extended. */
static int decode_extending_load(struct cursor *c, uint8_t width, enum x86_extend extend,
				 uint8_t operand, uint8_t address, uint8_t rex,
				 struct x86_mem_access *a)
{
	int err = take_modrm(c, address, rex, &a->reg);

	if (err)
		return err;
	a->width = width < operand ? width : operand;
	a->reg_width = operand;
	a->extend = a->width < operand ? extend : X86_EXTEND_NONE;
	return AX_OK;
}

/* MOV between the accumulator and a memory offset (A0..A3). */
static int decode_mov_moffs(struct cursor *c, uint8_t op, uint8_t operand, uint8_t address,
			    struct x86_mem_access *a)
{
	a->width = op & 1 ? operand : 1;
	a->reg_width = a->width;
	a->store = op >= 0xa2;
	return take(c, address);
}

/* The opcode op (after its prefixes p) and its operands. */
static int decode_opcode(struct cursor *c, uint8_t op, enum x86_cpu_mode mode,
			 const struct prefixes *p, struct x86_mem_access *a)
{
	uint8_t operand = operand_bytes(mode, p), address = address_bytes(mode, p);
	int err;

	switch (op) {
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
	case 0xc6:
	case 0xc7:
		return decode_mov_modrm(c, op, operand, address, p->rex, a);
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		return decode_mov_moffs(c, op, operand, address, a);
	case 0x63:
		if (mode != X86_MODE_64)
			return AXERR_UNSUPPORTED; /* ARPL */
		return decode_extending_load(c, 4, X86_EXTEND_SIGN, operand, address, p->rex, a);
	case 0x0f:
		break;
	default:
		return AXERR_UNSUPPORTED;
	}
	err = next_byte(c, &op);
	if (err)
		return err;
	if (p->rep)
		return AXERR_UNSUPPORTED; /* F2/F3 select other instructions in this map */
	switch (op) {
	case 0xb6:
	case 0xb7:
		return decode_extending_load(c, op & 1 ? 2 : 1, X86_EXTEND_ZERO, operand, address,
					     p->rex, a);
	case 0xbe:
	case 0xbf:
		return decode_extending_load(c, op & 1 ? 2 : 1, X86_EXTEND_SIGN, operand, address,
					     p->rex, a);
	default:
		return AXERR_UNSUPPORTED;
	}
}

int x86_decode_mem_insn(const uint8_t *insn, size_t len, enum x86_cpu_mode mode,
			struct x86_mem_access *out)
{
	struct cursor c = {insn, len, 0};
	struct prefixes p = {0};
	struct x86_mem_access a = {0};
	uint8_t op;
	int err = take_prefixes(&c, mode, &p, &op);

	if (err)
		return err;
	err = decode_opcode(&c, op, mode, &p, &a);
	if (err)
		return err;
	if (p.lock)
		return AXERR_INVALID; /* LOCK MOV: #UD */
	a.len = (uint8_t)c.pos;
	*out = a;
	return AX_OK;
}

enum x86_cpu_mode x86_cpu_mode_of(bool cr0_pe, bool rflags_vm, bool efer_lma, bool cs_l, bool cs_d)
{
	if (!cr0_pe || rflags_vm)
		return X86_MODE_16;
	if (efer_lma && cs_l)
		return X86_MODE_64;
	return cs_d ? X86_MODE_32 : X86_MODE_16;
}

/* The low n bytes of v. */
static uint64_t low_bytes(uint64_t v, unsigned n)
{
	return n < 8 ? v & ((1ull << (8 * n)) - 1) : v;
}

uint64_t x86_store_value(const struct x86_mem_access *a, uint64_t reg_value)
{
	if (a->source == X86_SOURCE_IMM)
		return low_bytes(a->imm, a->width);
	return low_bytes(a->high_byte ? reg_value >> 8 : reg_value, a->width);
}

uint64_t x86_load_result(const struct x86_mem_access *a, uint64_t old, uint64_t value)
{
	uint64_t v = low_bytes(value, a->width);

	if (a->extend == X86_EXTEND_SIGN && a->width < 8 && (v >> (8 * a->width - 1) & 1))
		v |= ~0ull << (8 * a->width);
	switch (a->reg_width) {
	case 1:
		if (a->high_byte)
			return (old & ~0xff00ull) | (v & 0xff) << 8;
		return (old & ~0xffull) | (v & 0xff);
	case 2:
		return (old & ~0xffffull) | (v & 0xffff);
	case 4:
		return v & 0xffffffffull; /* a 32-bit destination zeroes bits 63:32 */
	default:
		return v;
	}
}
