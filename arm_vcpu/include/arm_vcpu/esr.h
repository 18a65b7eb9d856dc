/* Decoding of the AArch64 exception syndrome (ESR_ELx): exception class and abort fields. Pure
 * computation for the AArch64 backend and the EL2 hosts that report exceptions. */
#ifndef ARM_VCPU_ESR_H
#define ARM_VCPU_ESR_H

#include <stdbool.h>
#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fu
#define ESR_IL (1u << 25)
#define ESR_ISS_MASK 0x1ffffffu

/* Exception classes the hypervisor treats specially. */
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_IABT_LOWER 0x20
#define ESR_EC_IABT_CURRENT 0x21
#define ESR_EC_DABT_LOWER 0x24
#define ESR_EC_DABT_CURRENT 0x25
#define ESR_EC_SERROR 0x2f

/* The fields of an instruction or data abort's ISS (Arm ARM, register ESR_ELx). */
struct esr_abort {
	bool data;	  /* data abort (else instruction abort) */
	bool isv;	  /* the syndrome fields below (size..acquire_release) are valid */
	unsigned size;	  /* access size in bytes (SAS) */
	bool sign_extend; /* SSE */
	unsigned srt;	  /* the transfer register (SRT) */
	bool sixty_four;  /* SF: a 64-bit register */
	bool acq_rel;	  /* AR: acquire/release semantics */
	bool far_invalid; /* FnV: FAR_ELx does not hold the faulting address */
	bool external;	  /* EA: external abort type (implementation defined) */
	bool cache_maint; /* CM: a cache maintenance or address translation instruction */
	bool s1ptw;	  /* a stage-2 fault on a stage-1 translation table walk */
	bool write;	  /* WnR: the access was a write (data aborts only) */
	unsigned fsc;	  /* DFSC or IFSC: the fault status code */
};

/* The exception class, ESR bits [31:26]. */
static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

/* The instruction-specific syndrome, ESR bits [24:0]. */
static inline uint32_t esr_iss(uint64_t esr)
{
	return (uint32_t)esr & ESR_ISS_MASK;
}

/* A readable name for an exception class ("data abort from the current EL"). */
const char *esr_ec_name(unsigned ec);

/* True for the four instruction and data abort classes. */
bool esr_is_abort(unsigned ec);

/* Splits an abort's ISS into its fields. Only meaningful when esr_is_abort(esr_ec(esr)). */
struct esr_abort esr_decode_abort(uint64_t esr);

/* A readable name for a DFSC/IFSC fault status code, with its translation level
 * ("translation fault, level 3", "synchronous external abort"). */
const char *esr_fault_status_name(unsigned fsc);

#endif
