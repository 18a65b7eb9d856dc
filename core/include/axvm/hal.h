/* What the host OS provides to core: memory, CPUs, interrupt routing and logs. A host
 * fills one struct axvm_hal and hands it to axvm_init; host tests fill it with malloc. */
#ifndef AXVM_HAL_H
#define AXVM_HAL_H

#include <stddef.h>
#include <stdint.h>

#include <axaddrspace/mm.h>
#include <axvm/alloc.h>

struct axvm_vcpu;

/* A host-physical range [base, base + size). */
struct axvm_host_range {
	uint64_t base;
	uint64_t size;
};

struct axvm_hal {
	/* Pages for stage-2 tables and guest memory, and their addresses (see axaddr_mm). */
	struct axaddr_mm mm;
	/* Small objects: VMs, vCPUs, devices. */
	struct ax_allocator heap;
	/* The calling physical CPU's index. */
	uint32_t (*current_cpu)(void);
	/* vcpu has news to act on before it next enters the guest: an interrupt queued for it, a
	 * power-on, its VM stopping or resetting. The host makes it act soon: a halted vCPU becomes
	 * runnable, one in the guest on another physical CPU is made to leave it (an IPI). Called
	 * on any CPU, possibly with one of the VM's locks held: it must not call back into core. */
	void (*vcpu_notify)(struct axvm_vcpu *vcpu);
	/* A byte written by VM vm_id to its console UART. */
	void (*console_tx)(uint32_t vm_id, uint8_t byte);
	/* Optional: VM vm_id waits for console input (it keeps finding its console UART's
	 * receiver empty): the moment to show its unfinished line, a prompt. The host feeds
	 * input with axvm_console_input. */
	void (*console_idle)(uint32_t vm_id);
	/* One line of core's log (no trailing newline). */
	void (*log)(const char *line);
	/* What VM configurations may map straight into a guest: RAM the host sets aside for
	 * linear memory regions, and device windows for pass-through ranges. Anything else (the
	 * hypervisor, its page pool, the firmware, the host's own devices) is refused, and so is a
	 * range another live VM has. Empty: nothing may be. */
	const struct axvm_host_range *vm_ram;
	size_t vm_ram_count;
	const struct axvm_host_range *vm_devices;
	size_t vm_device_count;
	/* How many pages VMs may hold between them: their guest memory (lazy regions counted in
	 * full when created, so that no VM's faults can starve another's) and stage-2 tables. A VM
	 * that would exceed it is refused. 0: no limit. */
	uint64_t guest_page_budget;
};

/* The HAL core was initialised with. */
const struct axvm_hal *axvm_hal_get(void);

#endif
