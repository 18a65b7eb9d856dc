/* Core's private view of VMs and vCPUs. */
#ifndef AXVM_SRC_VM_INTERNAL_H
#define AXVM_SRC_VM_INTERNAL_H

#include <axaddrspace/addrspace.h>
#include <axdevice/device_set.h>
#include <axvm/arch_vcpu.h>
#include <axvm/spinlock.h>
#include <axvm/vcpu.h>
#include <axvm/vm.h>
#include <stdatomic.h>

#define AXVM_MAX_VECTORS 1024
#define AXVM_VECTOR_WORDS (AXVM_MAX_VECTORS / 64)

struct axvm_vcpu {
	struct axvm *vm;
	uint32_t id;
	_Atomic int state;	   /* enum axvm_vcpu_state */
	_Atomic int32_t bound_cpu; /* -1 when unbound */
	_Atomic bool powered;
	int32_t affinity; /* -1: any physical CPU */
	struct arch_vcpu *arch;
	_Atomic uint64_t pending[AXVM_VECTOR_WORDS]; /* interrupts to inject before entry */
	_Atomic uint64_t levels[AXVM_VECTOR_WORDS];  /* level lines as they should be */
	_Atomic bool irq_changed; /* pending or levels changed since the last delivery */
	uint64_t levels_applied[AXVM_VECTOR_WORDS];  /* as the backend last saw them */
	uint64_t exits[AXVM_EXIT_KINDS];
};

struct axvm {
	uint32_t id;
	char name[AXVM_NAME_LEN];
	_Atomic int state; /* enum axvm_state */
	struct spinlock stop_lock;
	struct ax_diag stop_reason;
	uint64_t entry;
	uint64_t boot_arg; /* the DTB's guest-physical address, or 0 */
	struct axaddrspace as;
	bool as_ready;
	struct spinlock device_lock; /* serialises every access to devices and their state */
	struct axdevice_set devices;
	bool devices_ready;
	struct axdevice *console;
	struct axdevice *plic; /* the interrupt controller device lines are routed to, if any */
	uint32_t vcpu_count;
	struct axvm_vcpu vcpus[AXVM_MAX_VCPUS];
};

/* Moves vcpu from state `from` to `to`; AXERR_BAD_STATE if it was not in `from`. */
int vcpu_transition(struct axvm_vcpu *vcpu, enum axvm_vcpu_state from, enum axvm_vcpu_state to);

/* Injects every queued interrupt into the backend (on the vCPU's own CPU). */
void vcpu_deliver_pending(struct axvm_vcpu *vcpu);

/* Stops vm because of something its guest did, logging and recording why; returns err. */
int vm_guest_error(struct axvm *vm, struct axvm_vcpu *vcpu, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Logs a formatted line through the HAL. */
void axvm_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
