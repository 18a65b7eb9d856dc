/* Running VMs on a bare-metal host: create every VM of a bundle, then on each physical CPU run
 * the vCPUs pinned to it until every VM has stopped. Board-independent; the board supplies the
 * HAL (axvm_init) and the few CPU operations below. */
#ifndef BOARD_VM_HOST_H
#define BOARD_VM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <axvm/config.h>
#include <axvm/exit.h>

/* What the VM host needs from the board besides the HAL. */
struct vm_host_cpu_ops {
	/* Sleeps until an interrupt is pending (the host keeps interrupts masked). */
	void (*wait_for_interrupt)(void);
	/* Acknowledges a physical interrupt that made a guest exit (e.g. an IPI kick). */
	void (*ack_interrupt)(uint64_t vector);
	/* Writes the devicetree for a VM whose configuration loads a DTB image that its bundle
	 * entry does not carry; returns 0 or an axerr. NULL: such a VM is refused. */
	int (*guest_dtb)(const struct axvm_config *cfg, void *buf, size_t size);
};

/* Room for a generated guest devicetree when the configuration gives no DTB size. */
#define VM_HOST_DTB_SIZE 65536

/* Parses the bundle, creates and boots every VM in it. Reports each failure with the VM's node
 * and a reason, and skips that VM. Returns how many VMs are running. */
size_t vm_host_start(const void *bundle, size_t size, const struct axvm_config_limits *limits,
		     const struct vm_host_cpu_ops *ops);

/* The id of the VM that gets the host's console input: the first one started (0: none). */
uint32_t vm_host_console_vm(void);

/* Runs the vCPUs pinned to physical CPU cpu (those without affinity run on CPU 0) until every
 * VM has stopped, reporting each stop. A vCPU that halts waits until an interrupt reaches this
 * CPU (its timer, an IPI, a kick), then runs again to re-check what it waits for. Returns the
 * number of VMs that stopped because of an error (a bad guest access, a failed entry) rather than a
 * guest shutdown. */
size_t vm_host_run_cpu(uint32_t cpu);

#endif
