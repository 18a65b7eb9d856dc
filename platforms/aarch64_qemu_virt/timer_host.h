/* The host's time at EL2: the system counter (CNTPCT_EL0) and this CPU's EL2 physical timer
 * (CNTHP_*_EL2), whose interrupt is a PPI, level-triggered: asserted while the timer is enabled,
 * unmasked and its deadline has passed. Re-arming it for a later deadline or disabling it
 * drops the level. */
#ifndef AARCH64_QEMU_VIRT_TIMER_HOST_H
#define AARCH64_QEMU_VIRT_TIMER_HOST_H

#include <stdbool.h>
#include <stdint.h>

/* The EL2 physical timer's INTID recommended by the Arm base system architecture (PPI 10). */
#define TIMER_HOST_DEFAULT_INTID 26u

/* The counter now; reads in program order with what came before (an isb first). */
uint64_t timer_host_now(void);

/* The counter's rate in Hz (CNTFRQ_EL0, as the firmware set it). */
uint64_t timer_host_freq(void);

/* Arms this CPU's timer for when the counter reaches deadline (a deadline already passed
 * interrupts at once); UINT64_MAX disarms it. Replaces the last deadline. */
void timer_host_arm(uint64_t deadline);

/* Disarms this CPU's timer: its interrupt is no longer asserted. */
void timer_host_disarm(void);

/* Whether this CPU's timer is armed and its deadline has passed (CNTHP_CTL_EL2.ISTATUS): the
 * state in which it asserts its interrupt. */
bool timer_host_expired(void);

/* The timer's INTID from the devicetree: the fourth interrupt (the hypervisor timer) of the
 * "arm,armv8-timer" node, a PPI. *from_fdt says whether it was found there; if not, the
 * default above. */
uint32_t timer_host_find_intid(const void *fdt, bool *from_fdt);

#endif
