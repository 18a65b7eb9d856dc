/* Running VMs on a bare-metal host: create every VM of a bundle, then on each physical CPU run
 * vCPUs as the scheduler (board/sched.h) hands them out, until every VM has stopped.
 * Board-independent; the board supplies the HAL (axvm_init, with vcpu_notify =
 * vm_host_vcpu_notify) and the few CPU operations below. */
#ifndef BOARD_VM_HOST_H
#define BOARD_VM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <axvm/config.h>
#include <axvm/diag.h>
#include <axvm/exit.h>

struct axvm_images;
struct axvm_vcpu;

/* What the VM host needs from the board besides the HAL. */
struct vm_host_cpu_ops {
	/* Sleeps until an interrupt is pending (the host keeps interrupts masked), then
	 * acknowledges a kick (vm_host_cpu_ops.kick) if that is what woke it. */
	void (*wait_for_interrupt)(void);
	/* Acknowledges the physical interrupt that made a guest exit (the backend's vector). */
	void (*ack_interrupt)(uint64_t vector);
	/* The host counter (the architecture timer's count). */
	uint64_t (*counter_now)(void);
	/* Arms this CPU's timer interrupt for when the counter reaches deadline (UINT64_MAX:
	 * never); a deadline already passed interrupts at once. A new call replaces the last. */
	void (*timer_arm)(uint64_t deadline);
	/* Makes physical CPU cpu leave the guest or its wait for an interrupt (an IPI). */
	void (*kick)(uint32_t cpu);
	/* Writes the devicetree for a VM whose configuration loads a DTB image that its bundle
	 * entry does not carry; initrd_size is the size of the initrd the VM loads (0: none).
	 * Returns 0 or an axerr. NULL: such a VM is refused. */
	int (*guest_dtb)(const struct axvm_config *cfg, size_t initrd_size, void *buf, size_t size);
	/* Writes the boot parameters for a VM whose configuration loads boot-params that its
	 * bundle entry does not carry (the parameter block of the kernel's own boot protocol,
	 * with its command line and firmware tables) into buf (size bytes), and sets *used to the
	 * bytes to load. May point the kernel image at the part of it the VM loads (inside the
	 * bundle). Returns 0, or an axerr with diag saying why. NULL: such a VM is refused. */
	int (*guest_boot_params)(const struct axvm_config *cfg, struct axvm_images *images,
				 void *buf, size_t size, size_t *used, struct ax_diag *diag);
	/* The next byte typed on the host's console, or -1 (never blocks). NULL: no input. */
	int (*console_getc)(void);
};

/* Room for a generated guest devicetree or boot parameters when the configuration gives no
 * size for them. */
#define VM_HOST_DTB_SIZE 65536

/* How long a vCPU runs before another one waiting for its CPU gets a turn. */
#define VM_HOST_SLICE_US 4000

/* Parses the bundle, creates and boots every VM in it, with vCPUs scheduled over the
 * limits->host_cpus CPUs and counter_hz the counter's rate. Reports each failure with the VM's
 * node and a reason, and skips that VM. Returns how many VMs are running. */
size_t vm_host_start(const void *bundle, size_t size, const struct axvm_config_limits *limits,
		     const struct vm_host_cpu_ops *ops, uint64_t counter_hz);

/* How often the host's console is read for input: typed bytes reach the console VM at most
 * this late (the first CPU's timer wakes it for that while the console VM lives). */
#define VM_HOST_CONSOLE_POLL_US 1000

/* The id of the VM that gets the host's console input: the first one started (0: none). */
uint32_t vm_host_console_vm(void);

/* The HAL's vcpu_notify: makes the vCPU act on its news (board/sched.h, sched_wake). */
void vm_host_vcpu_notify(struct axvm_vcpu *vcpu);

/* Runs vCPUs on physical CPU cpu until every VM has stopped, reporting each stop once, with
 * its reason, its guest memory and its exit counts. A VM whose guest asked for a reset is
 * restarted once its vCPUs have left their CPUs. A stopped VM is destroyed, everything it
 * held (memory, stage-2 tables, VMID, host ranges, its config) going back to the host, as soon
 * as it is reported and no CPU holds one of its vCPUs; the call returns once every VM is. */
void vm_host_run_cpu(uint32_t cpu);

/* After every VM stopped: how many VMs stopped because of an error (a bad guest access, an
 * unhandled trap, a failed entry or reset), and how many could not be started. */
size_t vm_host_stopped_by_error(void);
size_t vm_host_not_started(void);

#endif
