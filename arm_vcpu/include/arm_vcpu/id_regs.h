/*
 * The feature ID registers a guest reads when HCR_EL2.TID3 traps them (op0 3, op1 0, CRn 0,
 * CRm 1..7: arm_sysreg_is_id_reg). Pure computation: the privileged layer reads the host CPU's
 * value and answers the guest's MRS with arm_guest_id_reg's. KVM does the same in its
 * read_id_reg (arch/arm64/kvm/sys_regs.c), Xen in create_domain_cpuinfo, Hafnium in
 * feature_id.c.
 *
 * A guest sees the host's value with what the hypervisor does not give guests hidden: each such
 * 4-bit field is lowered to its "not implemented" value (0 for every field named here), or
 * capped at the highest level the guest does get. Field positions follow the Arm ARM (DDI 0487,
 * 2025 releases; Linux's arch/arm64/tools/sysreg agrees). A feature is hidden when:
 *   - it adds EL1 or EL0 state the backend does not switch (arm_vcpu/src/el1_context.c switches
 *     the ARMv8.0 EL1 registers, FP/SIMD and the virtual timer; nothing newer, no HCRX_EL2,
 *     TCR2_EL1, SCTLR2_EL1, PIR/POR, GCS, FPMR, SVE, SME or MTE state);
 *   - EL2 traps it and the backend does not emulate it (arm_vcpu/el2_controls.h);
 *   - it belongs to EL2 itself: a guest has no EL2 (no nested virtualization);
 *   - it is implementation defined: the auxiliary feature registers read as 0.
 * A field this file does not name passes through: a feature newer than this list reaches the
 * guest, which then finds it disabled by EL2 controls left at 0 (HCRX_EL2, fine-grained traps)
 * and takes an exit or an undefined instruction. Revisit the list with each Arm ARM release.
 *
 * AArch64 registers:
 *   ID_AA64PFR0_EL1
 *     CSV2 (59:56) at most 1: CSV2_2 adds SCXTNUM_EL0/EL1, which HCR_EL2.EnSCXT = 0 traps.
 *     RME (55:52) 0: the Realm Management Extension is EL3's.
 *     AMU (47:44) 0: CPTR_EL2.TAM traps the activity monitors.
 *     MPAM (43:40) 0: partition IDs are the host's to allocate; MPAM is not virtualized.
 *     SEL2 (39:36) 0: Secure EL2 (EL2 again).
 *     SVE (35:32) 0: the hypervisor does not switch SVE state; CPTR_EL2.TZ traps it.
 *     RAS (31:28) 0: the error record registers (ERR*, HCR_EL2.TERR clear) would be the
 *       host's, and DISR_EL1 reads VDISR_EL2 (HCR_EL2.AMO set), which the backend neither
 *       clears nor switches. KVM keeps RAS because it traps the records (reporting none) and
 *       switches VDISR_EL2; Xen hides it, as here. (From Armv8.2 RAS 0 is not a permitted
 *       value for real hardware; guests treat it as "no RAS".)
 *     GIC (27:24) at most 1: a GICv3/v4.0 system register interface, the one the guest's
 *       virtual CPU interface has (GICv4.1's 3 describes the host's, not the guest's).
 *     EL2 (11:8) 0: no nested virtualization.
 *     Kept: CSV3, DIT, AdvSIMD, FP, EL3 (whether a guest's SMC reaches firmware is the
 *     backend's business, HCR_EL2.TSC traps it), EL1, EL0.
 *   ID_AA64PFR1_EL1
 *     PFAR (63:60) 0: PFAR_EL1 is not switched.
 *     DF2 (59:56) 0: error exception routing through SCTLR2_EL1 and HCRX_EL2 (and RAS).
 *     MTEX (55:52), MTE_frac (43:40), MTE (11:8) 0: allocation tags are not switched and
 *       HCR_EL2.ATA = 0 traps tag accesses.
 *     THE (51:48) 0: RCWMASK_EL1 and RCWSMASK_EL1 are not switched.
 *     GCS (47:44) 0: the guarded control stack registers are not switched.
 *     NMI (39:36) 0: the guest's interrupts come through the virtual CPU interface, which
 *       delivers no NMIs without HCRX_EL2.VINMI/VFNMI.
 *     CSV2_frac (35:32) at most 1: CSV2_1p2 adds SCXTNUM_ELx (see CSV2).
 *     RNDR_trap (31:28) 0: trapping RNDR to EL3 is EL3's control.
 *     SME (27:24) 0: SME state is not switched; CPTR_EL2.TSM traps it.
 *     MPAM_frac (19:16) 0 and RAS_frac (15:12) 0: with MPAM and RAS.
 *     Kept: SSBS (PSTATE.SSBS travels in SPSR_EL2), BT (PSTATE.BTYPE likewise, and
 *     SCTLR_EL1.BT0/BT1 are switched).
 *   ID_AA64PFR2_EL1, ID_AA64ZFR0_EL1, ID_AA64SMFR0_EL1, ID_AA64FPFR0_EL1: 0. PFR2 describes
 *     FPMR (not switched; HCRX_EL2.EnFPM = 0 disables it), UINJ (a PSTATE bit the backend's
 *     exception injection does not know) and MTE extensions; ZFR0 and SMFR0 describe SVE and
 *     SME; FPFR0 the FP8 formats, which need FPMR.
 *   ID_AA64DFR0_EL1
 *     HPMN0 (63:60) 0: about MDCR_EL2.HPMN, EL2's.
 *     ExtTrcBuff (59:56), TraceBuffer (47:44), TraceFilt (43:40), TraceVer (7:4) 0: trace is
 *       not given to guests (CPTR_EL2.TTA traps the trace registers, MDCR_EL2.E2TB keeps the
 *       trace buffer EL2's; TRFCR_EL1 is not switched).
 *     BRBE (55:52) 0: the branch record buffer registers are not switched.
 *     PMSVer (35:32) 0: MDCR_EL2.E2PB keeps the statistical profiling buffer EL2's.
 *     Kept: the PMU (PMUVer, MTPMU, PMSS, SEBEP: MDCR_EL2.HPMN gives the guest every counter),
 *     self-hosted debug (DebugVer, DoubleLock, BRPs, WRPs, CTX_CMPs), see el2_controls.h for
 *     what leaving those registers untrapped means.
 *   ID_AA64DFR1_EL1: ITE (47:44, instrumentation trace) 0 and SPMU (35:32, the system PMU,
 *     a shared resource) 0; the debug and PMU fields kept.
 *   ID_AA64DFR2_EL1: TRBE_EXC (27:24), SPE_nVM (23:20), SPE_EXC (19:16) 0, with trace and
 *     profiling; BWE and STEP (debug) kept.
 *   ID_AA64AFR0_EL1, ID_AA64AFR1_EL1: 0 (implementation defined).
 *   ID_AA64ISAR0_EL1: TME (27:24) 0: HCR_EL2.TME = 0 makes TSTART and friends undefined.
 *   ID_AA64ISAR1_EL1
 *     LS64 (63:60) 0: HCRX_EL2.EnALS/EnASR/EnAS0 = 0 trap LD64B and ST64B* to EL2.
 *     GPI (31:28), GPA (27:24), API (11:8), APA (7:4) 0: pointer authentication; the
 *       hypervisor does not switch the keys, HCR_EL2.API/APK = 0 trap them.
 *   ID_AA64ISAR2_EL1
 *     SYSINSTR_128 (39:36), SYSREG_128 (35:32) 0: the 128-bit system registers and
 *       instructions (MRRS, MSRR, SYSP) come with D128, whose state is not switched.
 *     PAC_frac (27:24), APA3 (15:12), GPA3 (11:8) 0: pointer authentication, as in ISAR1.
 *     MOPS (19:16) 0: HCRX_EL2.MSCEn = 0 makes CPY* and SET* undefined at EL1 and EL0.
 *     WFxT (3:0) 0: HCR_EL2.TWI traps WFIT like WFI, and the backend's WFI exit waits for an
 *       interrupt, not for WFIT's deadline.
 *   ID_AA64ISAR3_EL1: PACM (15:12) 0 (pointer authentication), TLBIW (11:8) 0 (an EL2 TLBI),
 *     CPA (3:0) at most 1 (CPA2's checks are enabled in SCTLR2_EL1).
 *   ID_AA64MMFR0_EL1: ECV (63:60) at most 1 (CNTPOFF_EL2 is EL2's), FGT (59:56) 0,
 *     TGRAN4_2 (43:40), TGRAN64_2 (39:36), TGRAN16_2 (35:32) 0 ("as stage 1": stage 2 is
 *     EL2's). PARange stays the host's: the guest's IPA space may be smaller, and an access
 *     beyond it is a stage-2 fault like any other hole.
 *   ID_AA64MMFR1_EL1: HCX (43:40) 0 (HCRX_EL2), XNX (31:28) 0 (stage-2 execute-never), LO
 *     (19:16) 0 (the LORegion registers are not switched, HCR_EL2.TLOR clear), VH (11:8) 0
 *     (no VHE: the guest is not at EL2), VMIDBits (7:4) 0; HAFDBS (3:0) at most 2 (HAFT needs
 *     TCR2_EL1, HDBSS is EL2's). Kept: ECBHB, CMOW, TIDCP1, nTLBPA, AFP, ETS, TWED, SpecSEI,
 *     PAN, HPDS.
 *   ID_AA64MMFR2_EL1: EVT (59:56), FWB (43:40), NV (27:24) 0, all EL2's.
 *   ID_AA64MMFR3_EL1: everything but Spec_FPACC 0: ADERR, SDERR, ANERR, SNERR (error
 *     reporting controls in SCTLR2_EL1 and HCRX_EL2), D128_2, D128 (128-bit TTBRs are not
 *     switched), MEC, AIE (MAIR2_EL1), S2POE, S1POE (POR_ELx), S2PIE, S1PIE (PIR_ELx),
 *     SCTLRX (SCTLR2_EL1), TCRX (TCR2_EL1).
 *   ID_AA64MMFR4_EL1: SRMASK (47:44) 0 (the *MASK_EL1 registers are not switched), RMEGDI
 *     (31:28) 0 (RME), NV_frac (23:20) and HACDBS (15:12) 0 (EL2's), ASID2 (11:8) 0 (enabled
 *     in TCR2_EL1). Kept: E3DSE, E2H0, FGWTE3, EIESB, PoPS.
 *
 * AArch32 registers (CRm 1..3: ID_PFR0_EL1 .. ID_MMFR5_EL1, MVFR0..2_EL1). They describe
 * AArch32 state; with HCR_EL2.RW set the guest's EL1 is AArch64, so they tell it what its
 * AArch32 EL0 may use, which runs without EL2's help. They keep the host's values, with the
 * AArch32 views of the features hidden above hidden too: ID_PFR0_EL1.RAS (31:28) and AMU
 * (23:20), ID_PFR2_EL1.RAS_frac (11:8), ID_PFR1_EL1.GIC (31:28) at most 1,
 * ID_PFR1_EL1.Virt_frac (27:24) and Virtualization (15:12), ID_DFR0_EL1.TraceFilt (31:28),
 * MMapTrc (19:16) and CopTrc (15:12), ID_DFR1_EL1.HPMN0 (7:4), ID_MMFR4_EL1.EVT (31:28) and
 * XNX (11:8), all 0; ID_AFR0_EL1 reads 0 (implementation defined). On a host without AArch32
 * (ID_AA64PFR0_EL1.EL0 = 1, which the guest sees) the architecture makes these registers
 * UNKNOWN, and the guest gets whatever the host reads, as it would on that hardware.
 *
 * The reserved encodings among them (CRm 3 op2 3 and 7, CRm 4 op2 3 and 6, CRm 5 op2 3, 6
 * and 7, CRm 6 op2 4..7, CRm 7 op2 5..7) are RAZ, as the architecture defines them.
 */
#ifndef ARM_VCPU_ID_REGS_H
#define ARM_VCPU_ID_REGS_H

#include <stdint.h>

/* The value a guest reads for feature ID register reg (arm_sysreg_is_id_reg; an ARM_SYSREG
 * encoding) when the host CPU's value is host: the host's, with what the hypervisor does not
 * give guests hidden as listed above. Unallocated encodings in the ID space, and anything
 * outside it, read as 0. */
uint64_t arm_guest_id_reg(uint32_t reg, uint64_t host);

#endif
