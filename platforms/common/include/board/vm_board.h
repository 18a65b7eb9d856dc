/* The part of a bare-metal host that runs VMs, shared by every board: the HAL core gets (host
 * pages for guest memory and small objects, time, the console mux with per-VM prefixes and
 * input for the first VM, logs), the VM host's start on the boot CPU once every CPU has
 * virtualization on, the run loop on every CPU, and the final report with the check that every
 * page the VMs held came back. The board supplies only what is its own. */
#ifndef BOARD_VM_BOARD_H
#define BOARD_VM_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include <axvm/arch_vcpu.h>
#include <axvm/hal.h>
#include <board/host.h>
#include <board/mem_ranges.h>
#include <board/vm_host.h>

/* What the board gives. */
struct vm_board {
	/* The CPU operations of the VM host (timer, kicks, waits, guest devicetrees). */
	const struct vm_host_cpu_ops *cpu_ops;
	/* The counter's rate (cpu_ops->counter_now). */
	uint64_t counter_hz;
	/* The calling CPU's index (the HAL's current_cpu). */
	uint32_t (*current_cpu)(void);
	/* Turns virtualization on for the calling CPU (arch_hardware_enable with host) and lets
	 * kicks interrupt it. */
	void (*enable_cpu)(const struct arch_cpu_host *host);
	/* Device models VMs may have beyond axdevice's own (the backend's interrupt
	 * controller), or NULL. */
	const struct axdevice_model_list *device_models;
};

/* Records the board and what boot found: where the VM bundle is (size 0: none) and the device
 * windows VMs may be given. Call once, before the secondary CPUs run. */
void vm_board_setup(const struct vm_board *board, uint64_t bundle, uint64_t bundle_size,
		    const struct mem_ranges *devices);

/* board_ops.run: on the boot CPU, creates the bundle's VMs once every CPU has virtualization
 * on and runs CPU 0's vCPUs until every VM has stopped; reports and returns the exit status
 * (failure if a VM stopped by an error, could not start, or kept host pages). */
enum host_exit vm_board_run(const struct host_boot_info *info);

/* board_ops.secondary_run: on CPU index, turns virtualization on and runs its vCPUs. */
void vm_board_run_secondary(size_t index);

#endif
