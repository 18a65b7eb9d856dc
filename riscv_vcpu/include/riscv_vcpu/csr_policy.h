/*
 * The values the RISC-V backend writes into the hypervisor's CSRs, computed once here so each
 * bit is chosen, cited and tested in one place (privileged spec, "H" extension). Pure
 * computation: the privileged layer does the CSR writes. Bit numbers are exception codes
 * (scause) for hedeleg and interrupt codes for hideleg/hvip.
 */
#ifndef RISCV_VCPU_CSR_POLICY_H
#define RISCV_VCPU_CSR_POLICY_H

#include <axaddrspace/pt_format.h>
#include <stdbool.h>
#include <stdint.h>

/* hedeleg: the guest's own exceptions, taken straight to its VS-mode handler (a guest kernel
 * handles them for itself and its user programs, as on a machine without H):
 *   bit 0 instruction address misaligned, bit 1 instruction access fault, bit 2 illegal
 *   instruction, bit 3 breakpoint, bit 4 load address misaligned, bit 5 load access fault,
 *   bit 6 store/AMO address misaligned, bit 7 store/AMO access fault, bit 8 ecall from
 *   U/VU-mode (the guest's system calls), bit 12 instruction page fault, bit 13 load page
 *   fault, bit 15 store/AMO page fault.
 * Kept in HS-mode: bit 10 ecall from VS-mode (the SBI), bits 20, 21, 23 guest-page faults
 * (stage 2: lazy memory and MMIO), bit 22 virtual instruction (wfi; anything else is handed to
 * the guest as an illegal instruction, riscv_vsstatus_on_trap). */
uint64_t riscv_hedeleg(void);

/* vsstatus after the hypervisor makes the guest take a trap in VS-mode (as the hardware does
 * for a delegated one): SPP (bit 8) = the mode the guest was in (from_vs: VS, else VU), SPIE
 * (bit 5) = SIE (bit 1), SIE = 0; the rest of vsstatus kept. */
uint64_t riscv_vsstatus_on_trap(uint64_t vsstatus, bool from_vs);

/* hideleg: the VS-level interrupts, bit 2 VSSIP (software), bit 6 VSTIP (timer), bit 10 VSEIP
 * (external); the guest sees them as its supervisor interrupts 1, 5 and 9. */
uint64_t riscv_hideleg(void);

/* hcounteren: the counters VS/VU-mode reads directly: bit 0 CY (cycle), bit 1 TM (time,
 * offset by htimedelta), bit 2 IR (instret). The hpmcounters (bits 3..31) trap as virtual
 * instructions: no SBI PMU extension is offered, so guests do not use them. */
uint64_t riscv_hcounteren(void);

/* hstatus for entering a vCPU: SPV (bit 7) = 1, so sret enters V = 1; SPVP (bit 8) = 1, the
 * guest's privilege S for HLV/HSV; VTW (bit 21) = 1, so a guest wfi traps as a virtual
 * instruction (stval = 0x10500073) that the backend returns as AXVM_EXIT_HALT instead of
 * stalling the physical hart other vCPUs may share; VSXL (bits 33:32) = 2, a 64-bit guest.
 * VTSR, VTVM, HU, VGEIN (bits 22, 20, 9, 17:12) are 0. */
uint64_t riscv_hstatus_initial(void);

/* The HS-level sstatus sret uses to enter a vCPU: SPP (bit 8) = 1, VS-mode rather than VU;
 * SPIE (bit 5) = 0; UXL (bits 33:32) = 2. FS (bits 14:13) is Initial (1) when guest_fp, so
 * the guest may turn its floating point on (the backend must then switch the f registers and
 * fcsr between vCPUs, with FS = Dirty (3) telling it they changed), else Off (0): any guest
 * floating-point instruction is an illegal-instruction trap. VS (bits 10:9) is Off. */
uint64_t riscv_guest_sstatus_initial(bool guest_fp);

/* vsstatus at a vCPU's reset, as the SBI boot protocol has it: SIE (bit 1) = 0, SPIE, SPP, FS
 * and VS 0 (the guest turns floating point on itself), UXL (bits 33:32) = 2. */
uint64_t riscv_vsstatus_initial(void);

/* hgatp for a G-stage root table of format f (//axaddrspace's Sv39x4 or Sv48x4) and a VMID:
 * MODE (bits 63:60) 8 for Sv39x4 (3 levels), 9 for Sv48x4 (4 levels); VMID (bits 57:44, up to
 * 14 bits, higher bits dropped); PPN (bits 43:0) the root's address shifted right by 12. */
uint64_t riscv_hgatp(const struct pt_format *f, hpa_t root, uint16_t vmid);

/* The value to write to hgatp to find the VMID width: MODE Bare (0), PPN 0, every VMID bit
 * (57:44) set. (All ones would set MODE to an unsupported value, and such a write leaves
 * hgatp unchanged.) */
uint64_t riscv_hgatp_vmid_probe(void);

/* VMIDLEN, from the hgatp value read back after writing riscv_hgatp_vmid_probe(): the VMID
 * bits are implemented from bit 44 upwards, so the width is the run of ones there (0..14). */
unsigned riscv_hgatp_vmid_bits(uint64_t readback);

/* The hvip bit that makes guest interrupt vector pending: 1 (supervisor software) -> VSSIP
 * (bit 2), 5 (timer) -> VSTIP (bit 6), 9 (external) -> VSEIP (bit 10). Returns 0 and sets
 * *bit, or AXERR_INVALID for any other vector. */
int riscv_hvip_bit(uint32_t vector, uint64_t *bit);

#endif
