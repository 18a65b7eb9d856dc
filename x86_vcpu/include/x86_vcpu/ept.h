/* The value that points an Intel CPU at an EPT built by //axaddrspace (pt_format_ept4). Pure
 * computation: the privileged layer writes it into the VMCS. */
#ifndef X86_VCPU_EPT_H
#define X86_VCPU_EPT_H

#include <axaddrspace/addr.h>
#include <stdint.h>

/* The EPT pointer (VMCS field EPTP) for a root table: write-back paging structures (bits 2:0 =
 * 6), a 4-level walk (bits 5:3 = walk length minus one = 3), no accessed/dirty flags; the root's
 * address bits below 4 KiB are dropped. */
uint64_t x86_eptp(hpa_t root);

#endif
