#include <arm_vcpu/el2_features.h>

#include <axvm/format.h>

#define PFR0_EL2_SHIFT 8
#define MMFR0_PARANGE_SHIFT 0
#define MMFR0_TGRAN16_SHIFT 20
#define MMFR0_TGRAN64_SHIFT 24
#define MMFR0_TGRAN4_SHIFT 28
#define MMFR0_TGRAN16_2_SHIFT 32
#define MMFR0_TGRAN64_2_SHIFT 36
#define MMFR0_TGRAN4_2_SHIFT 40
#define MMFR1_VMIDBITS_SHIFT 4
#define MMFR1_VH_SHIFT 8

/* TGranX_2 values: 0 = as the stage-1 field says, 1 = not supported, 2 and 3 = supported. */
#define TGRAN_2_AS_STAGE1 0
#define TGRAN_2_NONE 1

static unsigned field(uint64_t reg, unsigned shift)
{
	return (unsigned)(reg >> shift) & 0xf;
}

/* Stage-2 granule support from TGranX_2, falling back to the stage-1 field TGranX, where
 * stage1_yes says which stage-1 values mean "supported". */
static bool s2_granule(uint64_t mmfr0, unsigned shift2, unsigned shift1,
		       bool (*stage1_yes)(unsigned))
{
	unsigned v = field(mmfr0, shift2);

	if (v == TGRAN_2_AS_STAGE1)
		return stage1_yes(field(mmfr0, shift1));
	return v != TGRAN_2_NONE;
}

/* TGran4: 0 supported, 1 also with 52-bit addresses; TGran64: 0 supported; 0xf: not supported. */
static bool tgran4_64_yes(unsigned v)
{
	return v == 0 || v == 1;
}

/* TGran16: 0 not supported, 1 supported, 2 supported with 52-bit addresses. */
static bool tgran16_yes(unsigned v)
{
	return v == 1 || v == 2;
}

struct el2_features el2_features_decode(uint64_t pfr0, uint64_t mmfr0, uint64_t mmfr1)
{
	static const unsigned pa_bits[] = {32, 36, 40, 42, 44, 48, 52};
	unsigned el2 = field(pfr0, PFR0_EL2_SHIFT);
	unsigned parange = field(mmfr0, MMFR0_PARANGE_SHIFT);
	unsigned vmid = field(mmfr1, MMFR1_VMIDBITS_SHIFT);

	return (struct el2_features){
	    .el2_aarch64 = el2 != 0,
	    .el2_aarch32 = el2 == 2,
	    .pa_bits = parange < sizeof(pa_bits) / sizeof(pa_bits[0]) ? pa_bits[parange] : 0,
	    .vmid_bits = vmid == 0   ? 8
			 : vmid == 2 ? 16
				     : 0,
	    .vhe = field(mmfr1, MMFR1_VH_SHIFT) != 0,
	    .s2_4k = s2_granule(mmfr0, MMFR0_TGRAN4_2_SHIFT, MMFR0_TGRAN4_SHIFT, tgran4_64_yes),
	    .s2_16k = s2_granule(mmfr0, MMFR0_TGRAN16_2_SHIFT, MMFR0_TGRAN16_SHIFT, tgran16_yes),
	    .s2_64k = s2_granule(mmfr0, MMFR0_TGRAN64_2_SHIFT, MMFR0_TGRAN64_SHIFT, tgran4_64_yes),
	};
}

size_t el2_features_describe(const struct el2_features *f, char *buf, size_t len)
{
	bool any = f->s2_4k || f->s2_16k || f->s2_64k;

	return ax_snprintf(buf, len, "PA %u bits, VMID %u bits%s%s, stage-2 granules%s%s%s%s",
			   f->pa_bits, f->vmid_bits, f->vhe ? ", VHE" : "",
			   f->el2_aarch32 ? ", AArch32 EL2" : "", f->s2_4k ? " 4K" : "",
			   f->s2_16k ? " 16K" : "", f->s2_64k ? " 64K" : "", any ? "" : " none");
}
