/* The EPT pointer (Intel SDM Vol. 3C, "Extended-Page-Table Pointer (EPTP)"). */
#include <x86_vcpu/ept.h>

#define EPTP_MEMTYPE_WB 6ull
#define EPTP_WALK_LENGTH_SHIFT 3
#define EPTP_WALK_4_LEVELS 3ull /* walk length minus one */
#define EPTP_ADDR_MASK 0x000ffffffffff000ull

uint64_t x86_eptp(hpa_t root)
{
	return (root.v & EPTP_ADDR_MASK) | EPTP_MEMTYPE_WB |
	       EPTP_WALK_4_LEVELS << EPTP_WALK_LENGTH_SHIFT;
}
