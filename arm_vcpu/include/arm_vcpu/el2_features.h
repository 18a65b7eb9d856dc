/* What an EL2 hypervisor needs to know about a CPU's virtualization support, decoded from its
 * ID registers (read by the privileged code that calls this). */
#ifndef ARM_VCPU_EL2_FEATURES_H
#define ARM_VCPU_EL2_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct el2_features {
	bool el2_aarch64;   /* ID_AA64PFR0_EL1.EL2: EL2 is implemented (in AArch64) */
	bool el2_aarch32;   /* ... and can also run AArch32 */
	unsigned pa_bits;   /* ID_AA64MMFR0_EL1.PARange; 0 when reserved */
	unsigned vmid_bits; /* ID_AA64MMFR1_EL1.VMIDBits: 8 or 16; 0 when reserved */
	bool vhe;	    /* ID_AA64MMFR1_EL1.VH: HCR_EL2.E2H is available */
	bool s2_4k;	    /* stage 2 supports the 4K granule (TGran4_2) */
	bool s2_16k;	    /* ... the 16K granule (TGran16_2) */
	bool s2_64k;	    /* ... the 64K granule (TGran64_2) */
};

/* Decodes ID_AA64PFR0_EL1, ID_AA64MMFR0_EL1 and ID_AA64MMFR1_EL1. */
struct el2_features el2_features_decode(uint64_t pfr0, uint64_t mmfr0, uint64_t mmfr1);

/* Writes a one-line summary ("PA 48 bits, VMID 16 bits, VHE, stage-2 granules 4K 16K 64K");
 * returns its full length like snprintf. */
size_t el2_features_describe(const struct el2_features *f, char *buf, size_t len);

#endif
