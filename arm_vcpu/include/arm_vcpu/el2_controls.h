/*
 * The EL2 control values of a non-VHE hypervisor (HCR_EL2.E2H = 0) running AArch64 EL1 guests
 * (Arm ARM D19, "AArch64 System Register Descriptions"), and a vCPU's reset state. Pure
 * computation: the privileged layer writes them. Each value is a constant built bit by bit in
 * el2_controls.c, which says why each bit is set or not.
 *
 * What these values leave to the guest, untrapped, for want of system-register emulation (each
 * is for the backend to revisit once it emulates registers):
 *   - the ID registers (HCR_EL2.TID3 = 0): a guest sees the host CPU's features, including the
 *     ones these values trap (SVE, SME, the activity monitors, pointer authentication, whose
 *     instructions trap with HCR_EL2.API = 0, and MTE tag accesses with HCR_EL2.ATA = 0). A
 *     guest that uses them on a CPU that has them takes exits the backend must refuse;
 *   - the debug registers (MDCR_EL2.TDA, TDOSA, TDRA = 0): a guest programs breakpoints and
 *     watchpoints directly. Debug exceptions target EL1 and are never taken at EL2, so the
 *     hypervisor is safe, but the registers are not switched: they stay armed for whatever
 *     runs next at EL1/EL0 on that CPU (another VM's vCPU: interference, not escalation);
 *   - the PMU registers (MDCR_EL2.TPM, TPMCR = 0): the same, for event counters.
 */
#ifndef ARM_VCPU_EL2_CONTROLS_H
#define ARM_VCPU_EL2_CONTROLS_H

#include <stdbool.h>
#include <stdint.h>

/* HCR_EL2 while a guest runs: VM (stage 2 on), SWIO, FMO, IMO, AMO (physical FIQ/IRQ/SError to
 * EL2, virtual ones to the guest), FB (TLB maintenance broadcast, so a vCPU that moves between
 * CPUs leaves no stale entries), BSU = inner shareable, TWI (a WFI exits), TSC (an SMC exits),
 * RW (EL1 is AArch64). Not TID3 (see the top of this file), not E2H, not TGE. */
uint64_t arm_hcr_el2_guest(void);

/* CPTR_EL2 (E2H = 0): its RES1 bits; TFP as trap_fp says (FP/SIMD accesses trap until the
 * vCPU's registers are loaded: they are switched lazily; the hypervisor, built with
 * -mgeneral-regs-only, never uses them); TZ, TSM and TAM set (SVE, SME and activity monitor
 * accesses trap: the hypervisor switches none of their state); TTA set (trace registers trap);
 * TCPAC clear (the guest owns CPACR_EL1). */
uint64_t arm_cptr_el2_guest(bool trap_fp);

/* CNTHCTL_EL2 (E2H = 0): EL1PCTEN set (the guest reads the physical counter), EL1PCEN clear
 * (its physical timer registers trap: guests use the virtual timer); no event stream. */
uint64_t arm_cnthctl_el2_guest(void);

/* MDCR_EL2: HPMN = PMCR_EL0.N of pmcr (every event counter stays the guest's; with no counter,
 * 0), no trap of debug or PMU registers (see the top of this file), TDE clear (debug exceptions
 * go to the guest's EL1), E2PB and E2TB 0 (profiling and trace buffers stay EL2's: their
 * EL1 registers trap). */
uint64_t arm_mdcr_el2_guest(uint64_t pmcr_el0);

/* VMPIDR_EL2 for a vCPU whose MPIDR affinity is aff (Aff3 in bits 39:32, Aff2..Aff0 in 23:0;
 * other bits of aff are dropped): the affinity, bit 31 (RES1), U = 0 (a multiprocessor),
 * MT = 0. */
uint64_t arm_vmpidr_el2(uint64_t aff);

/* SCTLR_EL1 at a vCPU's reset: MMU, caches and alignment checks off, little-endian, and the
 * bits that are RES1 in ARMv8.0 set (11, 20, 22, 23, 28, 29: EOS, TSCXT, EIS, SPAN, nTLSMD,
 * LSMAOE once their features exist, each 1 meaning the ARMv8.0 behaviour). */
uint64_t arm_sctlr_el1_reset(void);

/* The PSTATE a vCPU starts in: EL1h with D, A, I, F masked (0x3c5). */
uint64_t arm_pstate_reset(void);

#endif
