// The VMCS controls from capability MSRs: what the CPU requires, what the backend requires and
// would like, the TRUE MSRs, and CPUs that lack something.
#include <gtest/gtest.h>

extern "C" {
#include <axvm/error.h>
#include <x86_vcpu/vmx_controls.h>
}

namespace
{

// A Haswell's capability MSRs (the allowed-0 halves are the SDM's default1 classes; the TRUE
// ones clear CR3-load/store exiting and the debug-control load/save from them). Procbased and
// procbased2 are also what Bochs 2.7's corei7_haswell_4770 reports.
vmx_control_msrs Haswell()
{
	vmx_control_msrs m{};

	m.basic = 0x00d810000000002bull; // bit 55: TRUE MSRs
	m.pinbased = 0x0000007f00000016ull;
	m.procbased = 0xfff9fffe0401e172ull;
	m.exit = 0x01ffffff00036dffull;
	m.entry = 0x0003ffff000011ffull;
	m.procbased2 = 0x00047fff00000000ull;
	m.true_pinbased = 0x0000007f00000016ull;
	m.true_procbased = 0xfff9fffe04006172ull;
	m.true_exit = 0x01ffffff00036dfbull;
	m.true_entry = 0x0003ffff000011fbull;
	return m;
}

vmx_controls Compute(const vmx_control_msrs &m)
{
	vmx_controls c{};
	vmx_control_field field = VMX_FIELD_PIN;
	uint32_t missing = 0;

	EXPECT_EQ(vmx_controls_compute(&m, &c, &field, &missing), AX_OK)
	    << "field " << field << " missing 0x" << std::hex << missing;
	return c;
}

TEST(VmxControlValue, RequiredWantedAndTheCpusOwn)
{
	uint32_t v = 0;

	// must 0x16, may 0x7f
	EXPECT_EQ(vmx_control_value(0x0000007f00000016ull, 0x1, 0x20 | 0x80, &v), AX_OK);
	EXPECT_EQ(v, 0x16u | 0x1u | 0x20u) << "0x80 is not allowed: dropped";
	EXPECT_EQ(vmx_control_value(0x0000007f00000016ull, 0x81, 0, &v), AXERR_UNSUPPORTED);
	EXPECT_EQ(v, 0x80u) << "the required bits the CPU lacks";
	// A bit the CPU requires and forbids at once: unusable.
	EXPECT_EQ(vmx_control_value(0x0000000f00000010ull, 0x1, 0, &v), AXERR_UNSUPPORTED);
	EXPECT_EQ(v, 0x10u);
}

TEST(VmxControls, HaswellWithTrueMsrs)
{
	vmx_controls c = Compute(Haswell());

	EXPECT_EQ(c.pin, 0x16u | VMX_PIN_EXTERNAL_INTERRUPT_EXITING | VMX_PIN_NMI_EXITING |
			     VMX_PIN_VIRTUAL_NMIS | VMX_PIN_PREEMPTION_TIMER);
	EXPECT_EQ(c.proc, 0x04006172u | VMX_PROC_HLT_EXITING | VMX_PROC_MWAIT_EXITING |
			      VMX_PROC_MONITOR_EXITING | VMX_PROC_RDPMC_EXITING |
			      VMX_PROC_MOV_DR_EXITING | VMX_PROC_USE_IO_BITMAPS |
			      VMX_PROC_USE_MSR_BITMAPS | VMX_PROC_ACTIVATE_SECONDARY |
			      VMX_PROC_USE_TSC_OFFSETTING | VMX_PROC_CR8_LOAD_EXITING |
			      VMX_PROC_CR8_STORE_EXITING);
	EXPECT_FALSE(c.proc & (VMX_PROC_CR3_LOAD_EXITING | VMX_PROC_CR3_STORE_EXITING));
	EXPECT_FALSE(c.proc & (VMX_PROC_INTERRUPT_WINDOW_EXITING | VMX_PROC_NMI_WINDOW_EXITING))
	    << "switched on when needed";
	EXPECT_EQ(c.proc2, VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID |
			       VMX_PROC2_UNRESTRICTED_GUEST | VMX_PROC2_ENABLE_RDTSCP |
			       VMX_PROC2_ENABLE_INVPCID)
	    << "no XSAVES on this CPU";
	EXPECT_EQ(c.exit, 0x00036dfbu | VMX_EXIT_SAVE_DEBUG_CONTROLS |
			      VMX_EXIT_HOST_ADDRESS_SPACE_SIZE | VMX_EXIT_ACK_INTERRUPT_ON_EXIT |
			      VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_EFER |
			      VMX_EXIT_LOAD_EFER);
	EXPECT_EQ(c.entry, 0x000011fbu | VMX_ENTRY_LOAD_DEBUG_CONTROLS | VMX_ENTRY_LOAD_PAT |
			       VMX_ENTRY_LOAD_EFER);
	EXPECT_FALSE(c.entry & VMX_ENTRY_IA32E_MODE_GUEST) << "set by the guest's EFER.LMA";
}

TEST(VmxControls, WithoutTrueMsrsTheDefaultOnesStay)
{
	vmx_control_msrs m = Haswell();

	m.basic &= ~(1ull << 55);
	m.true_procbased = 0; // not to be read
	vmx_controls c = Compute(m);

	EXPECT_TRUE(c.proc & VMX_PROC_CR3_LOAD_EXITING);
	EXPECT_TRUE(c.proc & VMX_PROC_CR3_STORE_EXITING);
	EXPECT_EQ(c.proc & 0x0401e172u, 0x0401e172u);
}

void ExpectMissing(const vmx_control_msrs &m, vmx_control_field field, uint32_t bits)
{
	vmx_controls c{};
	vmx_control_field f = VMX_FIELD_ENTRY;
	uint32_t missing = 0;

	c.pin = 0x1234;
	EXPECT_EQ(vmx_controls_compute(&m, &c, &f, &missing), AXERR_UNSUPPORTED);
	EXPECT_EQ(f, field);
	EXPECT_EQ(missing, bits);
	EXPECT_EQ(c.pin, 0x1234u) << "out untouched";
}

TEST(VmxControls, ACpuWithoutWhatTheBackendNeedsIsRefused)
{
	vmx_control_msrs m = Haswell();

	m.procbased2 = 0x0000004900000000ull; // Bochs' bx_generic: no EPT
	ExpectMissing(m, VMX_FIELD_PROC2, VMX_PROC2_ENABLE_EPT);

	m = Haswell();
	m.true_procbased &= ~((uint64_t)VMX_PROC_ACTIVATE_SECONDARY << 32);
	ExpectMissing(m, VMX_FIELD_PROC, VMX_PROC_ACTIVATE_SECONDARY);

	m = Haswell();
	m.true_procbased &= ~((uint64_t)VMX_PROC_INTERRUPT_WINDOW_EXITING << 32);
	ExpectMissing(m, VMX_FIELD_PROC, VMX_PROC_INTERRUPT_WINDOW_EXITING);

	m = Haswell();
	m.true_procbased &= ~((uint64_t)VMX_PROC_NMI_WINDOW_EXITING << 32);
	ExpectMissing(m, VMX_FIELD_PROC, VMX_PROC_NMI_WINDOW_EXITING);

	m = Haswell();
	m.true_pinbased &= ~((uint64_t)VMX_PIN_VIRTUAL_NMIS << 32);
	ExpectMissing(m, VMX_FIELD_PIN, VMX_PIN_VIRTUAL_NMIS);

	m = Haswell();
	m.true_entry &= ~((uint64_t)VMX_ENTRY_IA32E_MODE_GUEST << 32);
	ExpectMissing(m, VMX_FIELD_ENTRY, VMX_ENTRY_IA32E_MODE_GUEST);

	m = Haswell();
	m.true_exit &= ~((uint64_t)(VMX_EXIT_LOAD_EFER | VMX_EXIT_SAVE_EFER) << 32);
	ExpectMissing(m, VMX_FIELD_EXIT, VMX_EXIT_LOAD_EFER | VMX_EXIT_SAVE_EFER);

	ExpectMissing(vmx_control_msrs{}, VMX_FIELD_PIN,
		      VMX_PIN_EXTERNAL_INTERRUPT_EXITING | VMX_PIN_NMI_EXITING |
			  VMX_PIN_VIRTUAL_NMIS);
}

TEST(VmxControls, WantedOnlyWhereAllowed)
{
	vmx_control_msrs m = Haswell();

	m.procbased2 = (uint64_t)(VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_XSAVES) << 32;
	m.true_pinbased &= ~((uint64_t)VMX_PIN_PREEMPTION_TIMER << 32);
	vmx_controls c = Compute(m);

	EXPECT_EQ(c.proc2, VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_XSAVES);
	EXPECT_FALSE(c.pin & VMX_PIN_PREEMPTION_TIMER);
}

TEST(VmxControls, GuestCr0)
{
	const uint64_t fixed0 = 0x80000021ull; // PG, NE, PE

	EXPECT_EQ(vmx_guest_cr0_fixed0(fixed0, VMX_PROC2_UNRESTRICTED_GUEST | VMX_PROC2_ENABLE_EPT),
		  0x20ull);
	EXPECT_EQ(vmx_guest_cr0_fixed0(fixed0, VMX_PROC2_ENABLE_EPT), fixed0);
}

} // namespace
