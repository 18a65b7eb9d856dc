/* Checks of guest register writes (x86_vcpu/guest_regs.h). */
#include <x86_vcpu/guest_regs.h>

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREGS (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */

bool x86_cr0_valid(uint64_t value)
{
	if (value >> 32)
		return false;
	if ((value & X86_CR0_PG) && !(value & X86_CR0_PE))
		return false;
	return !((value & X86_CR0_NW) && !(value & X86_CR0_CD));
}

enum x86_paging_switch x86_cr0_paging_switch(uint64_t old_cr0, uint64_t new_cr0, uint64_t efer,
					     uint64_t cr4)
{
	bool was = old_cr0 & X86_CR0_PG, is = new_cr0 & X86_CR0_PG;

	if (is && !was && (efer & X86_EFER_LME)) {
		if (!(cr4 & X86_CR4_PAE) || (cr4 & X86_CR4_PCIDE))
			return X86_PAGING_GP;
		return X86_PAGING_ENTER_LM;
	}
	if (was && !is && (efer & X86_EFER_LMA))
		return X86_PAGING_LEAVE_LM;
	return X86_PAGING_SAME;
}

bool x86_cr4_valid(uint64_t value, uint64_t allowed, bool efer_lma)
{
	if (value & ~allowed)
		return false;
	if ((value & X86_CR4_PCIDE) && !efer_lma)
		return false;
	return !(efer_lma && !(value & X86_CR4_PAE));
}

bool x86_efer_valid(uint64_t value, uint64_t old, bool nx, bool cr0_pg)
{
	uint64_t allowed = X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA | (nx ? X86_EFER_NXE : 0);

	if (value & ~allowed)
		return false;
	return !(cr0_pg && ((value ^ old) & X86_EFER_LME));
}

bool x86_pat_valid(uint64_t value)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t type = (uint8_t)(value >> (8 * i));

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

bool x86_mtrr_def_type_valid(uint64_t value)
{
	uint8_t type = (uint8_t)value;

	if (value & ~(X86_MTRR_DEF_TYPE_E | X86_MTRR_DEF_TYPE_FE | 0xffu))
		return false;
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

bool x86_xcr0_valid(uint64_t value, uint64_t supported)
{
	if (!(value & XCR0_X87) || (value & ~supported))
		return false;
	if ((value & XCR0_AVX) && !(value & XCR0_SSE))
		return false;
	if ((value & XCR0_AVX512) && ((value & XCR0_AVX512) != XCR0_AVX512 || !(value & XCR0_AVX)))
		return false;
	return !(value & XCR0_BNDREGS) == !(value & XCR0_BNDCSR);
}
