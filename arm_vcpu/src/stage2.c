/* VTCR_EL2 and VTTBR_EL2 for a 4 KiB granule (Arm ARM, registers VTCR_EL2 and VTTBR_EL2):
 * TG0 (bits 15:14) stays 0, the 4 KiB granule. */
#include <arm_vcpu/stage2.h>

#define VTCR_SL0_SHIFT 6
#define VTCR_IRGN0_WBWA (1ull << 8)
#define VTCR_ORGN0_WBWA (1ull << 10)
#define VTCR_SH0_INNER (3ull << 12)
#define VTCR_PS_SHIFT 16
#define VTCR_VS (1ull << 19)
#define VTCR_RES1 (1ull << 31)

#define VTTBR_BADDR_MASK 0x0000fffffffff000ull
#define VTTBR_VMID_SHIFT 48

uint64_t arm_vtcr(const struct pt_format *f, unsigned pa_range, bool vmid16)
{
	/* SL0 for a 4 KiB granule: 1 = start at level 1, 2 = start at level 0. */
	uint64_t sl0 = f->levels == 4 ? 2 : 1;

	return (64ull - f->gpa_bits) | sl0 << VTCR_SL0_SHIFT | VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA |
	       VTCR_SH0_INNER | ((uint64_t)pa_range & 7) << VTCR_PS_SHIFT | (vmid16 ? VTCR_VS : 0) |
	       VTCR_RES1;
}

uint64_t arm_vttbr(hpa_t root, uint16_t vmid)
{
	return (root.v & VTTBR_BADDR_MASK) | (uint64_t)vmid << VTTBR_VMID_SHIFT;
}
