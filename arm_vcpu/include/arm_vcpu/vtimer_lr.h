/* The guest's virtual timer as a hardware-mapped interrupt: its PPI (27) fires at the physical
 * GIC while the guest runs, the backend takes it (the priority dropped, the interrupt left
 * active: the host's CPU interface runs with EOImode 1) and the list register that delivers the
 * virtual PPI 27 names the physical one (ICH_LR<n>_EL2.HW = 1, pINTID = 27), so the guest's
 * deactivation of its copy also deactivates the physical interrupt, which can then fire again.
 * A guest timer is so taken at its deadline even while the guest never exits otherwise.
 * Pure logic on ICH_LR<n>_EL2 values (GICv3 architecture, IHI 0069); host-tested. */
#ifndef ARM_VCPU_VTIMER_LR_H
#define ARM_VCPU_VTIMER_LR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The virtual timer's PPI, the same INTID physically and for the guest. */
#define ARM_VTIMER_PPI 27u

/* What an entry does about a physical timer interrupt the backend took and left active. */
enum arm_vtimer_entry {
	ARM_VTIMER_KEEP,       /* keep it active: mapped into a list register, or still asserted */
	ARM_VTIMER_DEACTIVATE, /* no list register holds it and its level is down: deactivate */
};

/* Before an entry with the physical timer interrupt active (taken by the backend): maps the
 * list register among lrs[0..n) that holds the virtual PPI 27 to the physical one (HW = 1,
 * pINTID 27; pending-and-active becomes active: the physical level speaks for the pending
 * part once the guest deactivates it). When none holds it, a timer still asserted (level)
 * keeps it active, so that it does not fire again before the guest can take it; otherwise it is
 * to be deactivated. */
enum arm_vtimer_entry arm_vtimer_map_lrs(uint64_t *lrs, size_t n, bool level);

/* After an exit: whether the guest deactivated the hardware-mapped virtual timer interrupt
 * (its list register among lrs[0..n), HW = 1, now invalid), which deactivated the physical one
 * too. */
bool arm_vtimer_deactivated(const uint64_t *lrs, size_t n);

#endif
