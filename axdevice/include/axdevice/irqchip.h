/*
 * Interrupt controllers as devices. A device that is an interrupt controller (a PLIC, a GIC
 * distributor, an I/O APIC) has irqchip ops beside its register ops: other devices drive its
 * input lines, and it drives the interrupt lines of the guest's CPUs, or sends them vectored
 * messages, through its host. The VM's configuration says which controller each device's
 * interrupt goes to, as a devicetree does (interrupt-parent, interrupts); core only wires.
 */
#ifndef AXDEVICE_IRQCHIP_H
#define AXDEVICE_IRQCHIP_H

#include <stdbool.h>
#include <stdint.h>

#include <axdevice/device.h>

/* The interrupt lines of a guest CPU an interrupt controller drives. */
enum axdevice_cpu_line {
	/* The CPU's external interrupt: RISC-V's supervisor external interrupt (SEIP), Arm's
	 * IRQ, x86's INTR. */
	AXDEVICE_CPU_IRQ,
	AXDEVICE_CPU_LINES,
};

/* Where an interrupt controller's outputs go. */
struct axdevice_cpu_host {
	/* Line of the guest CPU whose id (its hart id, MPIDR, APIC id) is cpu_id changed level;
	 * called only on a change, with the controller's lock held. It must not call back into
	 * the controller. */
	void (*set_cpu_line)(void *ctx, uint64_t cpu_id, enum axdevice_cpu_line line, bool level);
	/* Guest CPU cpu_id (its index in the VM, for a list-register controller) has news: an
	 * interrupt it may now take, or one in its list registers changed. The host makes it
	 * leave the guest and flush again. Optional; called without the controller's lock. */
	void (*kick_cpu)(void *ctx, uint64_t cpu_id);
	void *ctx;
	/* For a message-signalled controller (an I/O APIC): delivers vector to each vCPU of
	 * vcpu_mask (bit n: the VM's vCPU n) as an edge-triggered fixed interrupt, what an I/O
	 * APIC's or an MSI's message does. Optional; called with the controller's lock held. It
	 * must not call back into the controller. */
	void (*send_vector)(void *ctx, uint64_t vcpu_mask, uint32_t vector);
	/* The VM's vCPUs are 0..vcpu_count - 1: the local APICs a message-signalled controller
	 * resolves destinations among (APIC ID n is vCPU n), so that send_vector's masks name no
	 * other. 0 when the host does not say: such a controller's messages then reach no one. */
	uint32_t vcpu_count;
};

/* An interrupt controller's operations. */
struct axdevice_irqchip_ops {
	/* Drives input line to level (called with the controller's lock held). Returns 0,
	 * AXERR_INVALID for a line the controller does not have. */
	int (*set_line)(struct axdevice *chip, uint32_t line, bool level);
	/*
	 * Delivery through the guest CPU's list registers, for a controller whose CPU interface
	 * the hardware virtualizes (GICv3): all NULL otherwise. cpu is the guest CPU's index in
	 * the VM; entries are in the hardware's list-register format; the controller serializes
	 * these itself (they are called without the device's lock).
	 *   cpu_flush: up to max entries for what cpu should see now, *underflow when more wait;
	 *   cpu_sync: the n entries of the last flush back, as the CPU left them;
	 *   cpu_pending: whether cpu has an interrupt it could take (ends its wait);
	 *   set_private_line: cpu's own input line (a PPI: its timer) to level.
	 */
	size_t (*cpu_flush)(struct axdevice *chip, uint32_t cpu, uint64_t *lrs, size_t max,
			    bool *underflow);
	void (*cpu_sync)(struct axdevice *chip, uint32_t cpu, const uint64_t *lrs, size_t n);
	bool (*cpu_pending)(struct axdevice *chip, uint32_t cpu);
	int (*set_private_line)(struct axdevice *chip, uint32_t cpu, uint32_t line, bool level);
};

/* Takes chip's lock and drives its input line to level: what a device wired to chip calls,
 * with its own lock held. AXERR_INVALID when chip is not an interrupt controller or has no
 * such line. */
int axdevice_irqchip_set_line(struct axdevice *chip, uint32_t line, bool level);

/* A device's interrupt output wired to an interrupt controller's input line: usable as a
 * UART's set_irq with irq_ctx = the controller (axdevice_uart_host). A line the controller
 * does not have is dropped. */
void axdevice_irqchip_input(void *chip, uint32_t line, bool level);

#endif
