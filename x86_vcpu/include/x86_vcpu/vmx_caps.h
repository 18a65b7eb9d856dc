/* What the VMX capability MSRs say, and the control-register values VMX operation needs. Pure
 * computation on MSR values the privileged code reads. */
#ifndef X86_VCPU_VMX_CAPS_H
#define X86_VCPU_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bits of IA32_VMX_PROCBASED_CTLS2's allowed-1 half (the MSR's high dword) that make
 * IA32_VMX_EPT_VPID_CAP readable. */
#define VMX_PROCBASED2_ALLOWED_EPT (1ull << (32 + 1))
#define VMX_PROCBASED2_ALLOWED_VPID (1ull << (32 + 5))
/* IA32_VMX_PROCBASED_CTLS allows "activate secondary controls" (so PROCBASED_CTLS2 exists). */
#define VMX_PROCBASED_ALLOWED_SECONDARY (1ull << 63)

struct vmx_caps {
	uint32_t revision;    /* VMCS revision identifier, written to VMXON region and VMCS */
	uint32_t region_size; /* bytes of the VMXON region and of a VMCS */
	bool below_4g;	      /* VMX structures must lie below 4 GiB */
	bool ept;	      /* "enable EPT" may be set */
	bool ept_4level;      /* EPT page-walk length 4 */
	bool ept_5level;      /* EPT page-walk length 5 */
	bool ept_2m;	      /* EPT 2 MiB pages */
	bool ept_1g;	      /* EPT 1 GiB pages */
};

/* Decodes IA32_VMX_BASIC, IA32_VMX_PROCBASED_CTLS, IA32_VMX_PROCBASED_CTLS2 (0 when the
 * secondary controls are not allowed) and IA32_VMX_EPT_VPID_CAP (0 when neither EPT nor VPID
 * is allowed). */
struct vmx_caps vmx_caps_decode(uint64_t basic, uint64_t procbased, uint64_t procbased2,
				uint64_t ept_vpid_cap);

/* The value of a control register in VMX operation: the 1-bits of fixed0 set, the 0-bits of
 * fixed1 cleared (IA32_VMX_CR0_FIXED0/1, IA32_VMX_CR4_FIXED0/1). */
uint64_t vmx_fixed_cr(uint64_t value, uint64_t fixed0, uint64_t fixed1);

/* Describes the capabilities ("VMCS revision 0x2b, EPT 4-level (2M,1G pages)") into buf as a
 * NUL-terminated string truncated to len bytes; returns the untruncated length. */
size_t vmx_caps_describe(const struct vmx_caps *caps, char *buf, size_t len);

#endif
