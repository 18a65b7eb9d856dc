/* The VT-x probe each CPU runs on itself: whether it may use VMX, and its capabilities. VMX
 * operation itself is the backend's (x86_vcpu, arch_hardware_enable). */
#ifndef X86_64_PC_VMX_DETECT_H
#define X86_64_PC_VMX_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* board_ops.virt_detect: checks CPUID.1:ECX.VMX and IA32_FEATURE_CONTROL (enabling VMX
 * outside SMX only if the firmware left the MSR unlocked) and decodes the capability MSRs.
 * Describes the outcome in detail. */
bool vmx_detect(char *detail, size_t len);

#endif
