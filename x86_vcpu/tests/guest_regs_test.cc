#include <gtest/gtest.h>

extern "C" {
#include <x86_vcpu/guest_regs.h>
}

namespace
{

TEST(GuestRegs, Cr0)
{
	EXPECT_TRUE(x86_cr0_valid(X86_CR0_PE | X86_CR0_ET));
	EXPECT_TRUE(x86_cr0_valid(X86_CR0_PE | X86_CR0_PG | X86_CR0_WP));
	EXPECT_TRUE(x86_cr0_valid(X86_CR0_CD | X86_CR0_NW));
	EXPECT_FALSE(x86_cr0_valid(X86_CR0_PG));		// paging without protection
	EXPECT_FALSE(x86_cr0_valid(X86_CR0_NW));		// NW without CD
	EXPECT_FALSE(x86_cr0_valid(X86_CR0_PE | (1ull << 32))); // bits 63:32
}

TEST(GuestRegs, PagingSwitch)
{
	const uint64_t pe = X86_CR0_PE, pg = X86_CR0_PE | X86_CR0_PG;

	EXPECT_EQ(x86_cr0_paging_switch(pe, pg, X86_EFER_LME, X86_CR4_PAE), X86_PAGING_ENTER_LM);
	EXPECT_EQ(x86_cr0_paging_switch(pe, pg, X86_EFER_LME, 0), X86_PAGING_GP);
	EXPECT_EQ(x86_cr0_paging_switch(pe, pg, X86_EFER_LME, X86_CR4_PAE | X86_CR4_PCIDE),
		  X86_PAGING_GP);
	EXPECT_EQ(x86_cr0_paging_switch(pe, pg, 0, X86_CR4_PAE), X86_PAGING_SAME);
	EXPECT_EQ(x86_cr0_paging_switch(pe, pg, 0, 0), X86_PAGING_SAME);
	EXPECT_EQ(x86_cr0_paging_switch(pg, pe, X86_EFER_LME | X86_EFER_LMA, X86_CR4_PAE),
		  X86_PAGING_LEAVE_LM);
	EXPECT_EQ(x86_cr0_paging_switch(pg, pg, X86_EFER_LME | X86_EFER_LMA, X86_CR4_PAE),
		  X86_PAGING_SAME);
	EXPECT_EQ(x86_cr0_paging_switch(pg, pe, 0, 0), X86_PAGING_SAME);
}

TEST(GuestRegs, Cr4)
{
	const uint64_t allowed = 0x771fff;

	EXPECT_TRUE(x86_cr4_valid(X86_CR4_PAE, allowed, false));
	EXPECT_FALSE(x86_cr4_valid(X86_CR4_VMXE, allowed & ~X86_CR4_VMXE, false));
	EXPECT_FALSE(x86_cr4_valid(X86_CR4_PCIDE | X86_CR4_PAE, allowed, false));
	EXPECT_TRUE(x86_cr4_valid(X86_CR4_PCIDE | X86_CR4_PAE, allowed, true));
	EXPECT_FALSE(x86_cr4_valid(0, allowed, true)); // PAE cleared in IA-32e mode
}

TEST(GuestRegs, Efer)
{
	EXPECT_TRUE(x86_efer_valid(X86_EFER_LME | X86_EFER_SCE, 0, false, false));
	EXPECT_FALSE(x86_efer_valid(X86_EFER_NXE, 0, false, false));
	EXPECT_TRUE(x86_efer_valid(X86_EFER_NXE, 0, true, false));
	EXPECT_FALSE(x86_efer_valid(1ull << 1, 0, true, false));
	// LME may not change while paging is on; LMA written back as read is fine.
	EXPECT_FALSE(x86_efer_valid(X86_EFER_LME, 0, true, true));
	EXPECT_TRUE(x86_efer_valid(X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE,
				   X86_EFER_LME | X86_EFER_LMA, true, true));
}

TEST(GuestRegs, MtrrDefType)
{
	EXPECT_TRUE(x86_mtrr_def_type_valid(0));
	EXPECT_TRUE(x86_mtrr_def_type_valid(X86_MTRR_DEF_TYPE_E | 6));
	EXPECT_TRUE(x86_mtrr_def_type_valid(X86_MTRR_DEF_TYPE_E | X86_MTRR_DEF_TYPE_FE | 0));
	for (uint64_t type : {2, 3, 7, 8, 0xff})
		EXPECT_FALSE(x86_mtrr_def_type_valid(X86_MTRR_DEF_TYPE_E | type)) << type;
	EXPECT_FALSE(x86_mtrr_def_type_valid(1ull << 9)) << "reserved";
	EXPECT_FALSE(x86_mtrr_def_type_valid(1ull << 12)) << "reserved";
	EXPECT_FALSE(x86_mtrr_def_type_valid(1ull << 63)) << "reserved";
}

TEST(GuestRegs, Pat)
{
	EXPECT_TRUE(x86_pat_valid(X86_PAT_RESET));
	EXPECT_TRUE(x86_pat_valid(0x0101010101010101ull));
	EXPECT_FALSE(x86_pat_valid(0x0000000000000002ull));
	EXPECT_FALSE(x86_pat_valid(0x0300000000000000ull));
	EXPECT_FALSE(x86_pat_valid(0x0000000000000800ull));
}

TEST(GuestRegs, Xcr0)
{
	const uint64_t supported = 0x7; // x87, SSE, AVX
	EXPECT_TRUE(x86_xcr0_valid(1, supported));
	EXPECT_TRUE(x86_xcr0_valid(7, supported));
	EXPECT_FALSE(x86_xcr0_valid(0, supported)); // x87 must stay
	EXPECT_FALSE(x86_xcr0_valid(6, supported));
	EXPECT_FALSE(x86_xcr0_valid(5, supported));   // AVX without SSE
	EXPECT_FALSE(x86_xcr0_valid(0xf, supported)); // beyond what the CPU has
	EXPECT_TRUE(x86_xcr0_valid(0xe7, 0xff));
	EXPECT_FALSE(x86_xcr0_valid(0x67, 0xff)); // AVX-512 in part
	EXPECT_FALSE(x86_xcr0_valid(0xe3, 0xff)); // AVX-512 without AVX
	EXPECT_FALSE(x86_xcr0_valid(0x0b, 0xff)); // BNDREGS without BNDCSR
	EXPECT_TRUE(x86_xcr0_valid(0x1b, 0xff));
}

} // namespace
