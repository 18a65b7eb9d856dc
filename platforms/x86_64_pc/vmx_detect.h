/* The VT-x probe each CPU runs on itself: capabilities, then one real VMXON and VMXOFF. */
#ifndef X86_64_PC_VMX_DETECT_H
#define X86_64_PC_VMX_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* board_ops.virt_detect: checks CPUID.1:ECX.VMX and IA32_FEATURE_CONTROL (enabling VMX
 * outside SMX only if the firmware left the MSR unlocked), decodes the capability MSRs, then
 * enters VMX operation on a VMXON region from the page allocator and leaves it again,
 * restoring CR0 and CR4. Describes the outcome in detail. */
bool vmx_detect(char *detail, size_t len);

#endif
