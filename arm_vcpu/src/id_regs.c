/* The feature ID registers as guests see them: the host's values with the features the
 * hypervisor does not give lowered, field by field (id_regs.h says why for each). Field
 * positions: Arm ARM DDI 0487, the ID_* and ID_AA64* register descriptions. */
#include <arm_vcpu/id_regs.h>

#include <arm_vcpu/sysreg_trap.h>

#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ID_REG(crm, op2) ARM_SYSREG(3, 0, 0, crm, op2)

#define ID_PFR0_EL1 ID_REG(1, 0)
#define ID_PFR1_EL1 ID_REG(1, 1)
#define ID_DFR0_EL1 ID_REG(1, 2)
#define ID_AFR0_EL1 ID_REG(1, 3)
#define ID_MMFR4_EL1 ID_REG(2, 6)
#define ID_PFR2_EL1 ID_REG(3, 4)
#define ID_DFR1_EL1 ID_REG(3, 5)
#define ID_AA64PFR0_EL1 ID_REG(4, 0)
#define ID_AA64PFR1_EL1 ID_REG(4, 1)
#define ID_AA64PFR2_EL1 ID_REG(4, 2)
#define ID_AA64ZFR0_EL1 ID_REG(4, 4)
#define ID_AA64SMFR0_EL1 ID_REG(4, 5)
#define ID_AA64FPFR0_EL1 ID_REG(4, 7)
#define ID_AA64DFR0_EL1 ID_REG(5, 0)
#define ID_AA64DFR1_EL1 ID_REG(5, 1)
#define ID_AA64DFR2_EL1 ID_REG(5, 2)
#define ID_AA64AFR0_EL1 ID_REG(5, 4)
#define ID_AA64AFR1_EL1 ID_REG(5, 5)
#define ID_AA64ISAR0_EL1 ID_REG(6, 0)
#define ID_AA64ISAR1_EL1 ID_REG(6, 1)
#define ID_AA64ISAR2_EL1 ID_REG(6, 2)
#define ID_AA64ISAR3_EL1 ID_REG(6, 3)
#define ID_AA64MMFR0_EL1 ID_REG(7, 0)
#define ID_AA64MMFR1_EL1 ID_REG(7, 1)
#define ID_AA64MMFR2_EL1 ID_REG(7, 2)
#define ID_AA64MMFR3_EL1 ID_REG(7, 3)
#define ID_AA64MMFR4_EL1 ID_REG(7, 4)

/* The allocated encodings of the ID space: one bit per op2, by CRm. */
static const uint8_t allocated_op2[8] = {
    [1] = 0xff, /* ID_PFR0, ID_PFR1, ID_DFR0, ID_AFR0, ID_MMFR0..3 */
    [2] = 0xff, /* ID_ISAR0..5, ID_MMFR4, ID_ISAR6 */
    [3] = 0x77, /* MVFR0..2, ID_PFR2, ID_DFR1, ID_MMFR5 */
    [4] = 0xb7, /* ID_AA64PFR0..2, ID_AA64ZFR0, ID_AA64SMFR0, ID_AA64FPFR0 */
    [5] = 0x37, /* ID_AA64DFR0..2, ID_AA64AFR0..1 */
    [6] = 0x0f, /* ID_AA64ISAR0..3 */
    [7] = 0x1f, /* ID_AA64MMFR0..4 */
};

/* A 4-bit field (bits shift + 3 .. shift) of reg that a guest sees at most at max. */
struct field_cap {
	uint32_t reg;
	uint8_t shift;
	uint8_t max; /* 0: the feature is hidden */
};

static const struct field_cap caps[] = {
    {ID_PFR0_EL1, 28, 0},      /* RAS */
    {ID_PFR0_EL1, 20, 0},      /* AMU */
    {ID_PFR1_EL1, 28, 1},      /* GIC */
    {ID_PFR1_EL1, 24, 0},      /* Virt_frac */
    {ID_PFR1_EL1, 12, 0},      /* Virtualization */
    {ID_DFR0_EL1, 28, 0},      /* TraceFilt */
    {ID_DFR0_EL1, 16, 0},      /* MMapTrc */
    {ID_DFR0_EL1, 12, 0},      /* CopTrc */
    {ID_MMFR4_EL1, 28, 0},     /* EVT */
    {ID_MMFR4_EL1, 8, 0},      /* XNX */
    {ID_PFR2_EL1, 8, 0},       /* RAS_frac */
    {ID_DFR1_EL1, 4, 0},       /* HPMN0 */
    {ID_AA64PFR0_EL1, 56, 1},  /* CSV2 */
    {ID_AA64PFR0_EL1, 52, 0},  /* RME */
    {ID_AA64PFR0_EL1, 44, 0},  /* AMU */
    {ID_AA64PFR0_EL1, 40, 0},  /* MPAM */
    {ID_AA64PFR0_EL1, 36, 0},  /* SEL2 */
    {ID_AA64PFR0_EL1, 32, 0},  /* SVE */
    {ID_AA64PFR0_EL1, 28, 0},  /* RAS */
    {ID_AA64PFR0_EL1, 24, 1},  /* GIC */
    {ID_AA64PFR0_EL1, 8, 0},   /* EL2 */
    {ID_AA64PFR1_EL1, 60, 0},  /* PFAR */
    {ID_AA64PFR1_EL1, 56, 0},  /* DF2 */
    {ID_AA64PFR1_EL1, 52, 0},  /* MTEX */
    {ID_AA64PFR1_EL1, 48, 0},  /* THE */
    {ID_AA64PFR1_EL1, 44, 0},  /* GCS */
    {ID_AA64PFR1_EL1, 40, 0},  /* MTE_frac */
    {ID_AA64PFR1_EL1, 36, 0},  /* NMI */
    {ID_AA64PFR1_EL1, 32, 1},  /* CSV2_frac */
    {ID_AA64PFR1_EL1, 28, 0},  /* RNDR_trap */
    {ID_AA64PFR1_EL1, 24, 0},  /* SME */
    {ID_AA64PFR1_EL1, 16, 0},  /* MPAM_frac */
    {ID_AA64PFR1_EL1, 12, 0},  /* RAS_frac */
    {ID_AA64PFR1_EL1, 8, 0},   /* MTE */
    {ID_AA64DFR0_EL1, 60, 0},  /* HPMN0 */
    {ID_AA64DFR0_EL1, 56, 0},  /* ExtTrcBuff */
    {ID_AA64DFR0_EL1, 52, 0},  /* BRBE */
    {ID_AA64DFR0_EL1, 44, 0},  /* TraceBuffer */
    {ID_AA64DFR0_EL1, 40, 0},  /* TraceFilt */
    {ID_AA64DFR0_EL1, 32, 0},  /* PMSVer */
    {ID_AA64DFR0_EL1, 4, 0},   /* TraceVer */
    {ID_AA64DFR1_EL1, 44, 0},  /* ITE */
    {ID_AA64DFR1_EL1, 32, 0},  /* SPMU */
    {ID_AA64DFR2_EL1, 24, 0},  /* TRBE_EXC */
    {ID_AA64DFR2_EL1, 20, 0},  /* SPE_nVM */
    {ID_AA64DFR2_EL1, 16, 0},  /* SPE_EXC */
    {ID_AA64ISAR0_EL1, 24, 0}, /* TME */
    {ID_AA64ISAR1_EL1, 60, 0}, /* LS64 */
    {ID_AA64ISAR1_EL1, 28, 0}, /* GPI */
    {ID_AA64ISAR1_EL1, 24, 0}, /* GPA */
    {ID_AA64ISAR1_EL1, 8, 0},  /* API */
    {ID_AA64ISAR1_EL1, 4, 0},  /* APA */
    {ID_AA64ISAR2_EL1, 36, 0}, /* SYSINSTR_128 */
    {ID_AA64ISAR2_EL1, 32, 0}, /* SYSREG_128 */
    {ID_AA64ISAR2_EL1, 24, 0}, /* PAC_frac */
    {ID_AA64ISAR2_EL1, 16, 0}, /* MOPS */
    {ID_AA64ISAR2_EL1, 12, 0}, /* APA3 */
    {ID_AA64ISAR2_EL1, 8, 0},  /* GPA3 */
    {ID_AA64ISAR2_EL1, 0, 0},  /* WFxT */
    {ID_AA64ISAR3_EL1, 12, 0}, /* PACM */
    {ID_AA64ISAR3_EL1, 8, 0},  /* TLBIW */
    {ID_AA64ISAR3_EL1, 0, 1},  /* CPA */
    {ID_AA64MMFR0_EL1, 60, 1}, /* ECV */
    {ID_AA64MMFR0_EL1, 56, 0}, /* FGT */
    {ID_AA64MMFR0_EL1, 40, 0}, /* TGRAN4_2 */
    {ID_AA64MMFR0_EL1, 36, 0}, /* TGRAN64_2 */
    {ID_AA64MMFR0_EL1, 32, 0}, /* TGRAN16_2 */
    {ID_AA64MMFR1_EL1, 40, 0}, /* HCX */
    {ID_AA64MMFR1_EL1, 28, 0}, /* XNX */
    {ID_AA64MMFR1_EL1, 16, 0}, /* LO */
    {ID_AA64MMFR1_EL1, 8, 0},  /* VH */
    {ID_AA64MMFR1_EL1, 4, 0},  /* VMIDBits */
    {ID_AA64MMFR1_EL1, 0, 2},  /* HAFDBS */
    {ID_AA64MMFR2_EL1, 56, 0}, /* EVT */
    {ID_AA64MMFR2_EL1, 40, 0}, /* FWB */
    {ID_AA64MMFR2_EL1, 24, 0}, /* NV */
    {ID_AA64MMFR3_EL1, 56, 0}, /* ADERR */
    {ID_AA64MMFR3_EL1, 52, 0}, /* SDERR */
    {ID_AA64MMFR3_EL1, 44, 0}, /* ANERR */
    {ID_AA64MMFR3_EL1, 40, 0}, /* SNERR */
    {ID_AA64MMFR3_EL1, 36, 0}, /* D128_2 */
    {ID_AA64MMFR3_EL1, 32, 0}, /* D128 */
    {ID_AA64MMFR3_EL1, 28, 0}, /* MEC */
    {ID_AA64MMFR3_EL1, 24, 0}, /* AIE */
    {ID_AA64MMFR3_EL1, 20, 0}, /* S2POE */
    {ID_AA64MMFR3_EL1, 16, 0}, /* S1POE */
    {ID_AA64MMFR3_EL1, 12, 0}, /* S2PIE */
    {ID_AA64MMFR3_EL1, 8, 0},  /* S1PIE */
    {ID_AA64MMFR3_EL1, 4, 0},  /* SCTLRX */
    {ID_AA64MMFR3_EL1, 0, 0},  /* TCRX */
    {ID_AA64MMFR4_EL1, 44, 0}, /* SRMASK */
    {ID_AA64MMFR4_EL1, 28, 0}, /* RMEGDI */
    {ID_AA64MMFR4_EL1, 20, 0}, /* NV_frac */
    {ID_AA64MMFR4_EL1, 12, 0}, /* HACDBS */
    {ID_AA64MMFR4_EL1, 8, 0},  /* ASID2 */
};

/* True for an encoding the Arm ARM allocates in the ID space. */
static bool allocated(uint32_t reg)
{
	return arm_sysreg_is_id_reg(reg) && (allocated_op2[(reg >> 3) & 0xf] >> (reg & 7)) & 1;
}

/* Registers a guest reads as 0 whatever the host's value. */
static bool hidden_whole(uint32_t reg)
{
	switch (reg) {
	case ID_AFR0_EL1:
	case ID_AA64PFR2_EL1:
	case ID_AA64ZFR0_EL1:
	case ID_AA64SMFR0_EL1:
	case ID_AA64FPFR0_EL1:
	case ID_AA64AFR0_EL1:
	case ID_AA64AFR1_EL1:
		return true;
	default:
		return false;
	}
}

uint64_t arm_guest_id_reg(uint32_t reg, uint64_t host)
{
	uint64_t v = host;

	if (!allocated(reg) || hidden_whole(reg))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		const struct field_cap *c = &caps[i];

		if (c->reg == reg && ((v >> c->shift) & 0xf) > c->max)
			v = (v & ~(0xfull << c->shift)) | (uint64_t)c->max << c->shift;
	}
	return v;
}
