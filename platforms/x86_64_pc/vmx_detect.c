#include "vmx_detect.h"

#include <axvm/format.h>
#include <x86_vcpu/vmx_caps.h>

#include "x86.h"

#define CPUID1_ECX_VMX (1u << 5)
#define FEATURE_CONTROL_LOCKED (1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)

/* Makes sure the firmware lets VMXON run outside SMX; locks the MSR if it was left open. */
static bool feature_control_allows_vmx(uint64_t *value)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		fc |= FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	}
	*value = fc;
	return fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX;
}

static struct vmx_caps read_caps(void)
{
	uint64_t procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	uint64_t procbased2 = 0, ept_vpid = 0;

	if (procbased & VMX_PROCBASED_ALLOWED_SECONDARY)
		procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (procbased2 & (VMX_PROCBASED2_ALLOWED_EPT | VMX_PROCBASED2_ALLOWED_VPID))
		ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	return vmx_caps_decode(rdmsr(MSR_IA32_VMX_BASIC), procbased, procbased2, ept_vpid);
}

bool vmx_detect(char *detail, size_t len)
{
	struct vmx_caps caps;
	char caps_text[64];
	uint64_t fc;

	if (!(cpuid(1, 0).ecx & CPUID1_ECX_VMX)) {
		ax_snprintf(detail, len, "no VMX (CPUID.1:ECX.VMX = 0)");
		return false;
	}
	if (!feature_control_allows_vmx(&fc)) {
		ax_snprintf(detail, len, "VT-x disabled by firmware (IA32_FEATURE_CONTROL=0x%llx)",
			    (unsigned long long)fc);
		return false;
	}
	caps = read_caps();
	vmx_caps_describe(&caps, caps_text, sizeof(caps_text));
	ax_snprintf(detail, len, "VT-x, %s", caps_text);
	return true;
}
