#include "vmx_detect.h"

#include <axvm/format.h>
#include <board/host.h>
#include <string.h>
#include <x86_vcpu/vmx_caps.h>

#include "x86.h"

#define CPUID1_ECX_VMX (1u << 5)
#define FEATURE_CONTROL_LOCKED (1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)
#define FOUR_GIB (1ull << 32)

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

/* Enters and leaves VMX operation once on the page at pa; returns NULL or why it failed. */
static const char *vmxon_vmxoff(const struct vmx_caps *caps, uint64_t pa)
{
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();
	uint8_t failed;

	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	*(volatile uint32_t *)(uintptr_t)pa = caps->revision;
	write_cr0(
	    vmx_fixed_cr(cr0, rdmsr(MSR_IA32_VMX_CR0_FIXED0), rdmsr(MSR_IA32_VMX_CR0_FIXED1)));
	write_cr4(vmx_fixed_cr(cr4 | CR4_VMXE, rdmsr(MSR_IA32_VMX_CR4_FIXED0),
			       rdmsr(MSR_IA32_VMX_CR4_FIXED1)));
	/* VMfailInvalid sets CF, VMfailValid sets ZF: "not above" catches both. */
	__asm__ volatile("vmxon %1; setna %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
	if (!failed)
		__asm__ volatile("vmxoff" : : : "cc", "memory");
	write_cr4(cr4);
	write_cr0(cr0);
	return failed ? "VMXON failed" : NULL;
}

bool vmx_detect(char *detail, size_t len)
{
	struct vmx_caps caps;
	char caps_text[64];
	const char *error;
	uint64_t fc, pa;

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
	if (caps.region_size > PAGE_SIZE) {
		ax_snprintf(detail, len, "VT-x, %s, VMXON region of %u bytes > 4 KiB", caps_text,
			    caps.region_size);
		return false;
	}
	pa = host_alloc_pages(1, 1);
	if (!pa || (caps.below_4g && pa + PAGE_SIZE > FOUR_GIB)) {
		ax_snprintf(detail, len, "VT-x, %s, no page for the VMXON region", caps_text);
		if (pa)
			host_free_pages(pa, 1);
		return false;
	}
	error = vmxon_vmxoff(&caps, pa);
	host_free_pages(pa, 1);
	ax_snprintf(detail, len, "VT-x, %s, %s", caps_text, error ? error : "VMXON ok");
	return !error;
}
