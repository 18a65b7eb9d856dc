/* List-register delivery for a VM with an emulated GICv3 (arch_vcpu_create_config.
 * list_registers): the backend's side of axdevice/irqchip.h's cpu_flush/cpu_sync. */
#ifndef ARM_VCPU_SRC_GIC_LRS_H
#define ARM_VCPU_SRC_GIC_LRS_H

#include "vcpu_state.h"

#define ARM_MAX_LRS 16

/* The list registers every CPU enabled so far has (ICH_VTR_EL2.ListRegs + 1). */
extern unsigned arm_nr_lrs;

/* Reads this CPU's ICH_VTR_EL2 (arch_hardware_enable). */
void arm_gic_probe(void);

/* Before an entry: the virtual timer's level to the controller, then what the controller
 * gives into the list registers (the rest cleared), the maintenance interrupt on underflow. */
void arm_gic_enter(struct arch_vcpu *v);

/* After an exit: the list registers back to the controller, and the timer's level. */
void arm_gic_exit(struct arch_vcpu *v);

/* At an IRQ exit: when the physical interrupt pending is the guest's, takes it and returns
 * true: the guest is entered again at once (through the list registers' round trip). The
 * virtual timer's PPI 27 (the guest's timer is due) is acknowledged, its priority dropped and
 * left active, for the next entry to deliver; the maintenance interrupt (PPI 25: the list
 * registers ran low while more interrupts waited, ICH_HCR_EL2.UIE) is ended, the entry
 * refills them. False when the interrupt is the host's (left pending for the host, or ended
 * here when it overtook the guest's between the two reads). For any vCPU, with list registers
 * or not: without them the timer is not connected, and stays taken until the vCPU leaves. */
bool arm_gic_take_guest_interrupt(struct arch_vcpu *v);

/* At unbind, once the virtual timer is saved and disarmed: deactivates the physical timer
 * interrupt if the vCPU holds it, so that the next vCPU's timer can fire on this CPU. */
void arm_gic_release_vtimer(struct arch_vcpu *v);

/* At bind and unbind: the virtual CPU interface's state (ICH_VMCR_EL2, ICH_AP1R0_EL2) in and
 * out, the interface on while the vCPU is loaded. */
void arm_gic_load(struct arch_vcpu *v);
void arm_gic_put(struct arch_vcpu *v);

#endif
