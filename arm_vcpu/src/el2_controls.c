/* The EL2 control values for AArch64 EL1 guests under a non-VHE hypervisor, bit by bit (Arm ARM
 * D19: registers HCR_EL2, CPTR_EL2, CNTHCTL_EL2, MDCR_EL2, VMPIDR_EL2, SCTLR_EL1, SPSR_EL2). */
#include <arm_vcpu/el2_controls.h>

/* HCR_EL2. TID3: the feature ID registers trap, so that a guest sees only what the hypervisor
 * gives it (id_regs.h). Left clear: TWE (a WFE spins in the guest), the other ID groups, TSW, TACR,
 * TIDCP, TLOR (KVM traps these: set/way cache maintenance, ACTLR_EL1, implementation defined and
 * LORegion registers; each trap needs an exit handler, and EL1 DC ISW is already upgraded to DC
 * CISW with VM set), PTW, TVM, TRVM, DC, E2H, TGE, API and APK (pointer authentication traps;
 * setting them asks the backend to switch the keys). */
#define HCR_EL2_VM (1ull << 0)	    /* stage 2 translation for EL1&0 */
#define HCR_EL2_SWIO (1ull << 1)    /* EL1 DC ISW cleans too */
#define HCR_EL2_FMO (1ull << 3)	    /* physical FIQs to EL2, virtual FIQs on */
#define HCR_EL2_IMO (1ull << 4)	    /* physical IRQs to EL2, virtual IRQs on */
#define HCR_EL2_AMO (1ull << 5)	    /* physical SErrors to EL2, virtual SErrors on */
#define HCR_EL2_FB (1ull << 9)	    /* EL1 TLB and I-cache maintenance broadcast */
#define HCR_EL2_BSU_IS (1ull << 10) /* BSU = 0b01: barriers upgraded to inner shareable */
#define HCR_EL2_TWI (1ull << 13)    /* WFI traps */
#define HCR_EL2_TID3 (1ull << 18)   /* feature ID registers trap */
#define HCR_EL2_TSC (1ull << 19)    /* SMC traps */
#define HCR_EL2_RW (1ull << 31)	    /* EL1 is AArch64 */

/* CPTR_EL2 with HCR_EL2.E2H = 0. RES1: bits 13, 9, 7:0, and bit 12 when FEAT_SME is not
 * implemented (it is TSM then, which is set anyway). Left clear: TFP (FP/SIMD is the guest's)
 * and TCPAC (CPACR_EL1 is the guest's). */
#define CPTR_EL2_RES1 ((1ull << 13) | (1ull << 9) | 0xffull)
#define CPTR_EL2_TZ (1ull << 8)	  /* SVE traps */
#define CPTR_EL2_TFP (1ull << 10) /* FP/SIMD traps */
#define CPTR_EL2_TSM (1ull << 12) /* SME traps */
#define CPTR_EL2_TTA (1ull << 20) /* trace register accesses trap */
/* Activity monitor accesses trap. RES0 without FEAT_AMUv1: set anyway, as KVM does. */
#define CPTR_EL2_TAM (1ull << 30)

/* CNTHCTL_EL2 with HCR_EL2.E2H = 0. Left clear: EL1PCEN (CNTP_* trap), EVNTEN (no event
 * stream), and the FEAT_ECV controls. */
#define CNTHCTL_EL2_EL1PCTEN (1ull << 0) /* CNTPCT_EL0 readable at EL1 and EL0 */

/* MDCR_EL2. Left clear: TPMCR, TPM (PMU registers), TDE (debug exceptions to EL2), TDA,
 * TDOSA, TDRA (debug registers), HPME (no counter is EL2's), E2PB, E2TB (profiling and trace
 * buffers owned by EL2). */
#define MDCR_EL2_HPMN_SHIFT 0 /* HPMN, bits 4:0: counters 0..HPMN-1 are EL1's */
#define PMCR_EL0_N_SHIFT 11   /* PMCR_EL0.N, bits 15:11: the number of event counters */
#define PMCR_EL0_N_MASK 0x1full

/* VMPIDR_EL2. Left clear: U (bit 30; 0: part of a multiprocessor system) and MT (bit 24; 0:
 * Aff0 is not a thread of a multithreaded core). */
#define VMPIDR_EL2_AFF_MASK 0xff00ffffffull /* Aff3 (39:32), Aff2 (23:16), Aff1, Aff0 */
#define VMPIDR_EL2_RES1 (1ull << 31)

/* SCTLR_EL1: the bits that are RES1 in ARMv8.0; later features give them names, and 1 keeps
 * the ARMv8.0 behaviour. */
#define SCTLR_EL1_EOS (1ull << 11)    /* exception return is context synchronizing */
#define SCTLR_EL1_TSCXT (1ull << 20)  /* EL0 access to SCXTNUM_EL0 traps */
#define SCTLR_EL1_EIS (1ull << 22)    /* exception entry is context synchronizing */
#define SCTLR_EL1_SPAN (1ull << 23)   /* PSTATE.PAN is unchanged on exception entry */
#define SCTLR_EL1_nTLSMD (1ull << 28) /* A32/T32 load/store multiple to Device do not trap */
#define SCTLR_EL1_LSMAOE (1ull << 29) /* load/store multiple ordering preserved */

/* SPSR_EL2, as the PSTATE a vCPU enters. */
#define SPSR_EL2_M_EL1h 0x5ull
#define SPSR_EL2_F (1ull << 6)
#define SPSR_EL2_I (1ull << 7)
#define SPSR_EL2_A (1ull << 8)
#define SPSR_EL2_D (1ull << 9)

uint64_t arm_hcr_el2_guest(void)
{
	return HCR_EL2_VM | HCR_EL2_SWIO | HCR_EL2_FMO | HCR_EL2_IMO | HCR_EL2_AMO | HCR_EL2_FB |
	       HCR_EL2_BSU_IS | HCR_EL2_TWI | HCR_EL2_TID3 | HCR_EL2_TSC | HCR_EL2_RW;
}

uint64_t arm_cptr_el2_guest(bool trap_fp)
{
	return CPTR_EL2_RES1 | CPTR_EL2_TZ | CPTR_EL2_TSM | CPTR_EL2_TTA | CPTR_EL2_TAM |
	       (trap_fp ? CPTR_EL2_TFP : 0);
}

uint64_t arm_cnthctl_el2_guest(void)
{
	return CNTHCTL_EL2_EL1PCTEN;
}

uint64_t arm_mdcr_el2_guest(uint64_t pmcr_el0)
{
	return ((pmcr_el0 >> PMCR_EL0_N_SHIFT) & PMCR_EL0_N_MASK) << MDCR_EL2_HPMN_SHIFT;
}

uint64_t arm_vmpidr_el2(uint64_t aff)
{
	return (aff & VMPIDR_EL2_AFF_MASK) | VMPIDR_EL2_RES1;
}

uint64_t arm_sctlr_el1_reset(void)
{
	return SCTLR_EL1_EOS | SCTLR_EL1_TSCXT | SCTLR_EL1_EIS | SCTLR_EL1_SPAN | SCTLR_EL1_nTLSMD |
	       SCTLR_EL1_LSMAOE;
}

uint64_t arm_pstate_reset(void)
{
	return SPSR_EL2_D | SPSR_EL2_A | SPSR_EL2_I | SPSR_EL2_F | SPSR_EL2_M_EL1h;
}
