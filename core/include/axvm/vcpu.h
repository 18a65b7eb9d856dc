/* The vCPU wrapper: an explicit state machine around the backend's vCPU, bound to one physical
 * CPU while it runs, and the run loop that turns exits into device emulation and fault
 * handling. */
#ifndef AXVM_VCPU_H
#define AXVM_VCPU_H

#include <stdint.h>

#include <axvm/exit.h>
#include <axvm/vm.h>

/*
 *   CREATED --setup--> FREE --bind--> READY --run--> RUNNING --exit--> READY
 *                        ^              |  \                            |
 *                        +----unbind----+   +--block--> BLOCKED --unblock+
 */
enum axvm_vcpu_state {
	AXVM_VCPU_CREATED,
	AXVM_VCPU_FREE,
	AXVM_VCPU_READY,
	AXVM_VCPU_RUNNING,
	AXVM_VCPU_BLOCKED,
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

/* Powers on a secondary vCPU (the host's answer to a CPU_UP exit) at entry with arg in the
 * boot argument register, and kicks the physical CPU it is pinned to. Returns 0,
 * AXERR_BAD_STATE (already on). */
int axvm_vcpu_start(struct axvm_vcpu *vcpu, uint64_t entry, uint64_t arg);

/* True once the vCPU has been powered on (vCPU 0 at boot, others by axvm_vcpu_start). */
bool axvm_vcpu_powered(const struct axvm_vcpu *vcpu);

/* Binds the vCPU to the calling physical CPU (FREE -> READY), honouring its affinity.
 * Returns 0, AXERR_BAD_STATE, AXERR_INVALID (wrong physical CPU for its affinity). */
int axvm_vcpu_bind(struct axvm_vcpu *vcpu);

/* Unbinds it (READY -> FREE), on the CPU it is bound to. */
int axvm_vcpu_unbind(struct axvm_vcpu *vcpu);

/* Marks a READY vCPU as waiting (after a HALT exit), and back. */
int axvm_vcpu_block(struct axvm_vcpu *vcpu);
int axvm_vcpu_unblock(struct axvm_vcpu *vcpu);

/*
 * Runs the vCPU on the CPU it is bound to until an exit the host must handle, which is
 * returned in *exit: hypercalls, halt, CPU up/down, system down, IPIs, external interrupts,
 * entry failures. MMIO, port I/O and system-register exits go to the VM's devices, and
 * stage-2 faults to its address space, without returning.
 *
 * A guest access that cannot be satisfied (no device there, memory outside every region, a
 * device error) stops the VM with a reason and returns that error with *exit describing the
 * access. Returns 0, AXERR_BAD_STATE (not READY, not powered, VM not running), or such an
 * error: AXERR_NOT_FOUND, AXERR_NOT_MAPPED, AXERR_NO_MEMORY, AXERR_INVALID.
 */
int axvm_vcpu_run(struct axvm_vcpu *vcpu, struct axvm_exit *exit);

/* Sets the value the pending hypercall returns to the guest. */
void axvm_vcpu_set_return_value(struct axvm_vcpu *vcpu, uint64_t value);

/* How many exits of kind this vCPU has taken. */
uint64_t axvm_vcpu_exit_count(const struct axvm_vcpu *vcpu, enum axvm_exit_kind kind);

#endif
