/* String I/O steps (x86_vcpu/string_io.h). */
#include <x86_vcpu/string_io.h>

unsigned x86_string_io_addr_size(uint32_t insn_info)
{
	switch ((insn_info >> 7) & 7) {
	case 0:
		return 2;
	case 1:
		return 4;
	case 2:
		return 8;
	default:
		return 0;
	}
}

static uint64_t mask_of(unsigned addr_size)
{
	return addr_size >= 8 ? ~0ull : (1ull << (8 * addr_size)) - 1;
}

uint64_t x86_string_io_count(uint64_t rcx, unsigned addr_size)
{
	return rcx & mask_of(addr_size);
}

/* reg + delta within the address size: a 16-bit update keeps bits 63:16, a 32-bit one
 * zero-extends. */
static uint64_t update(uint64_t reg, uint64_t delta, unsigned addr_size)
{
	uint64_t mask = mask_of(addr_size);
	uint64_t value = (reg + delta) & mask;

	return addr_size == 2 ? (reg & ~mask) | value : value;
}

bool x86_string_io_step(struct x86_string_regs *r, bool in, bool rep, bool df, unsigned size,
			unsigned addr_size)
{
	uint64_t delta = df ? (uint64_t)0 - size : size;

	if (in)
		r->rdi = update(r->rdi, delta, addr_size);
	else
		r->rsi = update(r->rsi, delta, addr_size);
	if (!rep)
		return true;
	r->rcx = update(r->rcx, ~0ull, addr_size);
	return x86_string_io_count(r->rcx, addr_size) == 0;
}
