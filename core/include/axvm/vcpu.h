/* The vCPU wrapper: an explicit state machine around the backend's vCPU, bound to one physical
 * CPU while it runs, its power state, and the run loop that turns exits into device emulation
 * and fault handling. Which vCPU runs where and when is the host's business (its scheduler);
 * core tells it through the HAL when a vCPU has something new to act on (vcpu_notify). */
#ifndef AXVM_VCPU_H
#define AXVM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <axvm/arch_vcpu.h>
#include <axvm/exit.h>
#include <axvm/vm.h>

/*
 *   CREATED --setup--> FREE --bind--> READY --run--> RUNNING --exit--> READY
 *                        ^              |
 *                        +----unbind----+
 */
enum axvm_vcpu_state {
	AXVM_VCPU_CREATED,
	AXVM_VCPU_FREE,
	AXVM_VCPU_READY,
	AXVM_VCPU_RUNNING,
};

/* The vCPU's index in its VM, its VM, and its state. */
uint32_t axvm_vcpu_id(const struct axvm_vcpu *vcpu);
struct axvm *axvm_vcpu_vm(struct axvm_vcpu *vcpu);
enum axvm_vcpu_state axvm_vcpu_state(const struct axvm_vcpu *vcpu);

/* A constant name for a state ("ready"). */
const char *axvm_vcpu_state_name(enum axvm_vcpu_state state);

/* The physical CPU the configuration pins the vCPU to, or -1 (any). */
int32_t axvm_vcpu_affinity(const struct axvm_vcpu *vcpu);

/* The physical CPU the vCPU is bound to, or -1. */
int32_t axvm_vcpu_bound_cpu(const struct axvm_vcpu *vcpu);

/* A pointer the host keeps with the vCPU (its scheduler's entity); NULL until set. */
void axvm_vcpu_set_host_data(struct axvm_vcpu *vcpu, void *data);
void *axvm_vcpu_host_data(const struct axvm_vcpu *vcpu);

/* Powers on a stopped vCPU (the host's answer to a CPU_UP exit) in its architecture's boot
 * state at entry with arg in the boot argument register; it is START_PENDING until it next
 * enters the guest. Queued interrupts are dropped. Notifies the host. Returns 0,
 * AXERR_BAD_STATE (not OFF). */
int axvm_vcpu_start(struct axvm_vcpu *vcpu, uint64_t entry, uint64_t arg);

/* The vCPU's power state (vCPU 0 is START_PENDING from boot, the others OFF until started). */
enum axvm_vcpu_power axvm_vcpu_power(const struct axvm_vcpu *vcpu);

/* A constant name for a power state ("suspended"). */
const char *axvm_vcpu_power_name(enum axvm_vcpu_power power);

/* True if the vCPU wants a physical CPU: its VM runs and it is started, on or suspended. */
bool axvm_vcpu_runnable(const struct axvm_vcpu *vcpu);

/* Binds the vCPU to the calling physical CPU (FREE -> READY), honouring its affinity; a vCPU
 * of a VM that is resetting is refused. Returns 0, AXERR_BAD_STATE, AXERR_INVALID (wrong
 * physical CPU for its affinity). */
int axvm_vcpu_bind(struct axvm_vcpu *vcpu);

/* Unbinds it (READY -> FREE), on the CPU it is bound to. A vCPU that stopped itself
 * (STOP_PENDING) is OFF from then on. */
int axvm_vcpu_unbind(struct axvm_vcpu *vcpu);

/*
 * Runs the vCPU on the CPU it is bound to until an exit the host must handle, which is
 * returned in *exit: hypercalls, halt, CPU up/down, system down, IPIs, external interrupts,
 * timer changes, entry failures. MMIO, port I/O and system-register exits go to the VM's
 * devices, and stage-2 faults to its address space, without returning; so does a halt with
 * an interrupt already pending (the wait ends at once). A HALT returned to the host means the
 * vCPU waits for an interrupt: the host runs it again once one is queued for it
 * (vcpu_notify) or its timer deadline (axvm_vcpu_timer_deadline) has passed.
 *
 * A guest access that cannot be satisfied (no device there, memory outside every region, a
 * device error) stops the VM with a reason and returns that error with *exit describing the
 * access. Returns 0, AXERR_BAD_STATE (not READY, not runnable, VM not running), or such an
 * error: AXERR_NOT_FOUND, AXERR_NOT_MAPPED, AXERR_NO_MEMORY, AXERR_INVALID, AXERR_UNSUPPORTED.
 */
int axvm_vcpu_run(struct axvm_vcpu *vcpu, struct axvm_exit *exit);

/* True if an interrupt was queued for the vCPU since it last entered the guest: a halted vCPU
 * must run again. Safe on any CPU. */
bool axvm_vcpu_has_queued_interrupts(const struct axvm_vcpu *vcpu);

/* The vCPU's timer deadline in the host's counter, or UINT64_MAX (arch_vcpu_timer_deadline);
 * on the CPU it is bound to, or anywhere while unbound. */
uint64_t axvm_vcpu_timer_deadline(const struct axvm_vcpu *vcpu, bool *soft);

/* Sets the value the pending hypercall returns to the guest. */
void axvm_vcpu_set_return_value(struct axvm_vcpu *vcpu, uint64_t value);

/* How many exits of kind this vCPU has taken. */
uint64_t axvm_vcpu_exit_count(const struct axvm_vcpu *vcpu, enum axvm_exit_kind kind);

#endif
