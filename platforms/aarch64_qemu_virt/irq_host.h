/* The host's interrupts, as the shared VM host (board/vm_host.h, struct vm_host_cpu_ops) uses
 * them: a kick is SGI 0, the host's timer is the EL2 physical timer's PPI. The virtual timer's
 * PPI 27 and the GIC's maintenance interrupt (25) are enabled too: they fire while a guest runs
 * (its timer is due; its list registers ran low), and arm_vcpu takes them for the guest at
 * that exit (arm_vcpu/vtimer_lr.h); one acknowledged here is ended like any other.
 * Nothing else is enabled. The host always runs with interrupts masked (PSTATE.I): it sleeps in
 * wfi, which an interrupt pending at the GIC ends even so, and acknowledges through ICC_IAR1_EL1
 * itself.
 *
 * The timer interrupt is consumed by its acknowledgement: an expired timer is disarmed then
 * (its level-triggered interrupt would otherwise be pending again at once, for ever), so each
 * deadline the host arms wakes it once. Only a timer whose deadline has passed is disarmed: one
 * re-armed for a later deadline since it fired keeps that deadline. The VM host, which skips
 * arming a deadline it armed last, never asks again for one that has passed once it has seen
 * it fire (it reads the counter after the acknowledgement). */
#ifndef AARCH64_QEMU_VIRT_IRQ_HOST_H
#define AARCH64_QEMU_VIRT_IRQ_HOST_H

#include <stdbool.h>
#include <stdint.h>

/* The SGI that kicks a CPU. */
#define IRQ_HOST_KICK_SGI 0u

/* The guests' virtual timer PPI (the architected timer's, as in QEMU virt's devicetree), and
 * the GIC's maintenance interrupt (PPI 9, INTID 25, as there). */
#define IRQ_HOST_GUEST_VTIMER_PPI 27u
#define IRQ_HOST_GIC_MAINTENANCE_PPI 25u

/* What one acknowledgement round found (a mask). */
enum irq_host_event {
	IRQ_HOST_KICK = 1u << 0,  /* a kick */
	IRQ_HOST_TIMER = 1u << 1, /* this CPU's timer */
	IRQ_HOST_OTHER = 1u << 2, /* an interrupt the host does not use (ended, ignored) */
};

/* Once, on the boot CPU before any other CPU calls irq_host_init_cpu: sets up the GIC's
 * distributor (gic_host_init_global) and finds the timer's interrupt. Returns a
 * gic_host_err. */
int irq_host_init(const void *fdt);

/* The timer's INTID (valid after irq_host_init), and whether the devicetree named it. */
uint32_t irq_host_timer_intid(void);
bool irq_host_timer_from_fdt(void);

/* On each CPU, for itself (mpidr: its MPIDR_EL1): disarms its timer and the virtual timer, then
 * sets up its redistributor and CPU interface with the kick, the timer, the guests' timer and
 * the maintenance interrupt enabled. board.c does it for every CPU at boot; doing it again
 * (before the CPU arms its timer) is harmless, a pending kick stays pending. Returns a
 * gic_host_err. */
int irq_host_init_cpu(uint64_t mpidr);

/* Acknowledges and ends what is pending on this CPU (up to a few interrupts, without
 * waiting): an expired timer is disarmed first. Returns the irq_host_event mask of what it
 * found (0: nothing, a spurious wake-up). */
unsigned irq_host_ack_pending(void);

/* Sleeps (wfi) until an interrupt is pending, then irq_host_ack_pending. Returns its mask;
 * wfi may also end for no reason (0). */
unsigned irq_host_wait_events(void);

/* vm_host_cpu_ops.wait_for_interrupt: irq_host_wait_events, the result dropped. */
void irq_host_wait(void);

/* vm_host_cpu_ops.ack_interrupt: the backend reports a physical IRQ that made its guest exit
 * without reading the GIC (vector 0), so this acknowledges whatever is pending. */
void irq_host_ack(uint64_t vector);

/* The kick (vm_host_cpu_ops.kick, once the caller has mapped the CPU index to its MPIDR):
 * SGI 0 to the CPU with that MPIDR, which irq_host_init_cpu accepted. */
void irq_host_kick(uint64_t mpidr);

#endif
