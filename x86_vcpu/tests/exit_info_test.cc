// Exit qualifications and interruption information, against the SDM's tables (Vol. 3, 28.2.1
// and 26.6), malformed values included.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

extern "C" {
#include <x86_vcpu/exit_info.h>
}

namespace
{

TEST(VmxExitReasonName, NamesEveryReasonTheBackendMeets)
{
	EXPECT_STREQ(vmx_exit_reason_name(VMX_EXIT_EPT_VIOLATION), "EPT violation");
	EXPECT_STREQ(vmx_exit_reason_name(VMX_EXIT_TRIPLE_FAULT), "triple fault");
	EXPECT_STREQ(vmx_exit_reason_name(VMX_EXIT_XSETBV), "XSETBV");
	EXPECT_STREQ(vmx_exit_reason_name(VMX_EXIT_INVALID_GUEST_STATE),
		     "VM-entry failure: invalid guest state");
	EXPECT_STREQ(vmx_exit_reason_name(35), "unknown exit reason") << "a hole in the table";
	EXPECT_STREQ(vmx_exit_reason_name(76), "unknown exit reason");
	EXPECT_STREQ(vmx_exit_reason_name(0xffff), "unknown exit reason");
	for (uint32_t r = 0; r < 0x10000; r++)
		ASSERT_NE(vmx_exit_reason_name(r), nullptr);
	EXPECT_EQ(VMX_EXIT_REASON_BASIC(0x80000021u), 33u);
}

TEST(VmxIoExit, DecodesTheQualification)
{
	vmx_io_exit io{};

	// OUT DX, AL to 0x3f8.
	ASSERT_TRUE(vmx_decode_io_exit(0x03f80000ull, &io));
	EXPECT_EQ(io.port, 0x3f8);
	EXPECT_EQ(io.size, 1);
	EXPECT_FALSE(io.in);
	EXPECT_FALSE(io.string);
	EXPECT_FALSE(io.rep);
	// IN EAX, imm8 0x71.
	ASSERT_TRUE(vmx_decode_io_exit(0x00710000ull | 0x40 | 0x8 | 3, &io));
	EXPECT_EQ(io.port, 0x71);
	EXPECT_EQ(io.size, 4);
	EXPECT_TRUE(io.in);
	// REP OUTSW to 0xffff.
	ASSERT_TRUE(vmx_decode_io_exit(0xffff0000ull | 0x20 | 0x10 | 1, &io));
	EXPECT_EQ(io.port, 0xffff);
	EXPECT_EQ(io.size, 2);
	EXPECT_TRUE(io.string);
	EXPECT_TRUE(io.rep);
	EXPECT_FALSE(io.in);
	for (uint64_t bad : {2ull, 4ull, 5ull, 6ull, 7ull})
		EXPECT_FALSE(vmx_decode_io_exit(0x03f80000ull | bad, &io)) << bad;
}

TEST(VmxCrExit, DecodesTheQualification)
{
	// MOV CR4, R13
	vmx_cr_exit c = vmx_decode_cr_exit(0x0d04);
	EXPECT_EQ(c.cr, 4);
	EXPECT_EQ(c.type, VMX_CR_MOV_TO);
	EXPECT_EQ(c.gpr, 13);
	// MOV RAX, CR3
	c = vmx_decode_cr_exit(0x0013);
	EXPECT_EQ(c.cr, 3);
	EXPECT_EQ(c.type, VMX_CR_MOV_FROM);
	EXPECT_EQ(c.gpr, 0);
	// CLTS
	EXPECT_EQ(vmx_decode_cr_exit(0x0020).type, VMX_CR_CLTS);
	// LMSW from memory, operand 0x0011
	c = vmx_decode_cr_exit(0x00110070ull);
	EXPECT_EQ(c.type, VMX_CR_LMSW);
	EXPECT_TRUE(c.lmsw_memory);
	EXPECT_EQ(c.lmsw_source, 0x0011);
}

TEST(VmxEptViolation, DecodesTheQualification)
{
	// A write to a page mapped read-only, from a translated linear address.
	vmx_ept_violation e = vmx_decode_ept_violation(0x18a);
	EXPECT_FALSE(e.read);
	EXPECT_TRUE(e.write);
	EXPECT_FALSE(e.fetch);
	EXPECT_TRUE(e.readable);
	EXPECT_FALSE(e.writable);
	EXPECT_FALSE(e.executable);
	EXPECT_TRUE(e.linear_valid);
	EXPECT_TRUE(e.final_translation);
	// A read of the guest's own page table (bit 8 clear): no MMIO access to emulate.
	e = vmx_decode_ept_violation(0x081);
	EXPECT_TRUE(e.read);
	EXPECT_TRUE(e.linear_valid);
	EXPECT_FALSE(e.final_translation);
	// A fetch from nothing mapped.
	e = vmx_decode_ept_violation(0x184);
	EXPECT_TRUE(e.fetch);
	EXPECT_FALSE(e.readable || e.writable || e.executable);
	// No linear address: bit 8 means nothing.
	EXPECT_TRUE(vmx_decode_ept_violation(0x001).final_translation);
}

TEST(VmxEvent, ExternalInterrupts)
{
	EXPECT_EQ(vmx_event_external_interrupt(32), 0x80000020u);
	EXPECT_EQ(vmx_event_external_interrupt(0xef), 0x800000efu);
	EXPECT_EQ(vmx_event_external_interrupt(255), 0x800000ffu);
	EXPECT_EQ(vmx_event_external_interrupt(31), 0u);
	EXPECT_EQ(vmx_event_external_interrupt(0), 0u);
	EXPECT_EQ(vmx_event_external_interrupt(256), 0u);
}

TEST(VmxEvent, ExceptionsWithAndWithoutErrorCodes)
{
	EXPECT_EQ(vmx_event_exception(13), 0x80000b0du) << "#GP: hardware, error code";
	EXPECT_EQ(vmx_event_exception(14), 0x80000b0eu) << "#PF";
	EXPECT_EQ(vmx_event_exception(6), 0x80000306u) << "#UD: no error code";
	EXPECT_EQ(vmx_event_exception(0), 0x80000300u) << "#DE";
	EXPECT_EQ(vmx_event_exception(2), 0x80000202u) << "NMI";
	EXPECT_EQ(vmx_event_exception(3), 0x80000603u) << "#BP: software exception";
	EXPECT_EQ(vmx_event_exception(32), 0u);
	const uint32_t with_code[] = {8, 10, 11, 12, 13, 14, 17, 21};
	for (uint32_t v = 0; v < 32; v++) {
		bool expected =
		    std::find(std::begin(with_code), std::end(with_code), v) != std::end(with_code);
		EXPECT_EQ((vmx_event_exception(v) & VMX_EVENT_ERROR_CODE) != 0, expected) << v;
		EXPECT_TRUE(vmx_event_exception(v) & VMX_EVENT_VALID) << v;
	}
}

TEST(VmxEvent, ReinjectionAfterAnInterruptedDelivery)
{
	bool needs_len = true;

	EXPECT_EQ(vmx_event_reinjection(0, &needs_len), 0u);
	EXPECT_FALSE(needs_len);
	EXPECT_EQ(vmx_event_reinjection(0x000000ef, &needs_len), 0u) << "not valid";
	// An external interrupt whose delivery hit an EPT violation (its IDT or stack).
	EXPECT_EQ(vmx_event_reinjection(0x800000ef, &needs_len), 0x800000efu);
	EXPECT_FALSE(needs_len);
	// A #PF with its error code, NMI unblocking (bit 12) dropped.
	EXPECT_EQ(vmx_event_reinjection(0x80001b0e, &needs_len), 0x80000b0eu);
	EXPECT_FALSE(needs_len);
	// INT 0x80: the entry needs the instruction's length again.
	EXPECT_EQ(vmx_event_reinjection(0x80000480, &needs_len), 0x80000480u);
	EXPECT_TRUE(needs_len);
	// INT3.
	EXPECT_EQ(vmx_event_reinjection(0x80000603, &needs_len), 0x80000603u);
	EXPECT_TRUE(needs_len);
	// Reserved bits 30:13 never reach the entry field.
	EXPECT_EQ(vmx_event_reinjection(0xfffff0ef, &needs_len), 0x800000efu);
}

} // namespace
