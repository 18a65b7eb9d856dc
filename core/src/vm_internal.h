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
#define VM_CONSOLE_IN_SIZE 64 /* bytes of firmware console input a VM holds */
#define VCPU_REQUEST_IRQ 1u   /* pending interrupts or line levels changed since delivery */
#define VCPU_REQUEST_STATE 2u /* the VM's state changed since the vCPU last looked */

struct axvm_vcpu {
	struct axvm *vm;
	uint32_t id;
	uint64_t guest_id;	   /* what the guest calls it: the id its firmware interface uses */
	_Atomic int state;	   /* enum axvm_vcpu_state */
	_Atomic int power;	   /* enum axvm_vcpu_power */
	_Atomic int32_t bound_cpu; /* -1 when unbound */
	int32_t affinity;	   /* -1: any physical CPU */
	struct arch_vcpu *arch;
	void *host_data;
	_Atomic uint64_t pending[AXVM_VECTOR_WORDS]; /* interrupts to inject before entry */
	_Atomic uint32_t lines; /* interrupt lines held high, by enum axvm_irq_line */
	/* What the vCPU must look at before it enters the guest again (VCPU_REQUEST_*), so that
	 * the way back in reads one word: set by whoever queues an interrupt or changes the VM's
	 * state, before it notifies the vCPU. */
	_Atomic uint32_t requests;
	/* The VM's list-register controller has news for the vCPU since the backend last took it
	 * (arch_vcpu_vm_ops.irq_news; __atomic builtins): set with the request, before the
	 * notification. */
	uint32_t irq_news;
	uint32_t lines_applied; /* as the backend last saw them */
	bool
	    refusal_logged; /* a refused interrupt or IPI is logged once: a guest could repeat it */
	uint64_t exits[AXVM_EXIT_KINDS];
	/* The MMIO range this vCPU reached last (NULL: none): the next access to it skips the
	 * bus search. Cleared when the VM's devices are rebuilt. */
	const struct axdevice_range *mmio_last;
	int run_err;		/* why the exit being handled stopped the VM, for axvm_vcpu_run */
	struct axvm_exit *exit; /* the exit axvm_vcpu_run fills, while it runs */
};

struct axvm {
	uint32_t id;
	uint16_t vmid;	  /* the stage-2 tag, unique among live VMs (arch_vmid_count) */
	uint64_t charged; /* pages charged to the HAL's guest page budget */
	char name[AXVM_NAME_LEN];
	_Atomic int state; /* enum axvm_state */
	struct spinlock stop_lock;
	struct ax_diag stop_reason;
	_Atomic bool stopped_by_error;
	struct axvm_config cfg;	   /* as created; its blob outlives the VM */
	struct axvm_images images; /* the host's, reloaded at each reset */
	uint64_t boot_arg;	   /* the DTB's or boot parameters' address, or 0 */
	struct spinlock as_lock;   /* serialises changes to the address space and guest copies */
	struct axaddrspace as;
	bool as_ready;
	struct pt_tlb tlb; /* the CPUs' stage-2 TLBs, for changes to as while the VM runs */
	/* Serialises changes to the device set (a reset rebuilds it) with host accesses (console
	 * input, console_in); vCPUs reach devices without it: the set never changes while one is
	 * bound, and each device has its own lock. */
	struct spinlock device_lock;
	struct axdevice_set devices;
	/* The interrupt controller that delivers through list registers (cpu_flush), or NULL. */
	struct axdevice *lr_chip;
	bool devices_ready;
	struct axdevice *console;
	struct {
		uint8_t buf[VM_CONSOLE_IN_SIZE];
		uint8_t head;
		uint8_t count;
	} console_in; /* input for the firmware console, when there is no console UART */
	struct spinlock power_lock; /* serialises vCPU power-ons with resets */
	_Atomic bool reset_claimed; /* a CPU is resetting the VM */
	_Atomic uint32_t resets;
	uint32_t vcpu_count;
	struct axvm_vcpu vcpus[AXVM_MAX_VCPUS];
};

/* Moves vcpu from state `from` to `to`; AXERR_BAD_STATE if it was not in `from`. */
int vcpu_transition(struct axvm_vcpu *vcpu, enum axvm_vcpu_state from, enum axvm_vcpu_state to);

/* Moves vcpu's power state from `from` to `to`; false if it was not in `from`. */
bool vcpu_power_transition(struct axvm_vcpu *vcpu, enum axvm_vcpu_power from,
			   enum axvm_vcpu_power to);

/* Resets vcpu's queued interrupts and puts it START_PENDING at e (vcpu_power_off: OFF); the
 * caller holds the VM's power lock and the vCPU is unbound. */
int vcpu_power_on(struct axvm_vcpu *vcpu, const struct arch_vcpu_entry *e);
void vcpu_power_off(struct axvm_vcpu *vcpu);

/* Injects every queued interrupt into the backend (on the vCPU's own CPU); the work of
 * vcpu_deliver_pending once something changed. */
void vcpu_deliver_changes(struct axvm_vcpu *vcpu);

/* Injects every queued interrupt into the backend (on the vCPU's own CPU), if any changed. */
static inline void vcpu_deliver_pending(struct axvm_vcpu *vcpu)
{
	if (atomic_load_explicit(&vcpu->requests, memory_order_relaxed) & VCPU_REQUEST_IRQ)
		vcpu_deliver_changes(vcpu);
}

/* Tells every vCPU of vm that its state changed (VCPU_REQUEST_STATE): called after the change,
 * before any notification. */
static inline void vm_state_changed(struct axvm *vm)
{
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		atomic_fetch_or(&vm->vcpus[i].requests, VCPU_REQUEST_STATE);
}

/* The VM's state: whoever changes it calls vm_state_changed, then notifies the vCPUs. */
static inline enum axvm_state vm_state(const struct axvm *vm)
{
	return (enum axvm_state)atomic_load_explicit(&vm->state, memory_order_acquire);
}

/* Where vCPU 0 starts at boot and after a reset: the configured entry point and boot tables,
 * with the boot image's address as its argument. */
static inline struct arch_vcpu_entry vm_boot_entry(const struct axvm *vm)
{
	return (struct arch_vcpu_entry){
	    .pc = gpa(vm->cfg.entry), .arg = vm->boot_arg, .boot_tables = gpa(vm->cfg.boot_tables)};
}

/* Core's side of arch_vcpu_vm_ops.handle_exit (ctx: the struct axvm_vcpu). */
enum axvm_disposition vcpu_handle_exit(void *ctx, struct axvm_exit *e);

/* Core's side of arch_vcpu_vm_ops.irq_flush, irq_sync and irq_set_private (ctx: the struct
 * axvm_vcpu), and whether the vCPU has an interrupt waiting in its VM's list-register
 * controller. */
size_t vcpu_irq_flush(void *ctx, uint64_t *lrs, size_t max, bool *underflow);
void vcpu_irq_sync(void *ctx, const uint64_t *lrs, size_t n);
int vcpu_irq_set_private(void *ctx, uint32_t line, bool level);
bool vcpu_irq_waiting(const struct axvm_vcpu *v);

/* Core's side of arch_vcpu_vm_ops.mmio_read and mmio_write (ctx: the struct axvm_vcpu). */
struct axvm_mmio_value vcpu_mmio_read(void *ctx, uint64_t addr, unsigned width);
enum axvm_mmio_result vcpu_mmio_write(void *ctx, uint64_t addr, unsigned width, uint64_t value);

/* Tells the host that vcpu has something new to act on. */
void vcpu_notify(struct axvm_vcpu *vcpu);

/* Stops vm because of something its guest did, logging and recording why; returns err. */
int vm_guest_error(struct axvm *vm, struct axvm_vcpu *vcpu, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Stops vm for good with reason; error marks a stop no guest asked for. */
void vm_stop(struct axvm *vm, const char *reason, bool error);

/* The guest stopped its VM on purpose (a power-off): the reason names the vCPU that did it and
 * its pc. */
void vm_guest_stop(struct axvm_vcpu *vcpu, const char *what);

/* vcpu's guest asked for a reset: restarts the VM (axvm_reset once its vCPUs are off their
 * CPUs), or stops it if its configuration says so. */
void vm_request_reset(struct axvm_vcpu *vcpu);

/* Builds the VM's devices from its configuration (at create). */
int vm_build_devices(struct axvm *vm, struct ax_diag *diag);

/* Replaces the VM's devices with new ones in their reset state (at a reset). */
int vm_rebuild_devices(struct axvm *vm, struct ax_diag *diag);

/* Copies the configured images into guest memory (at create and at each reset). */
int vm_load_images(struct axvm *vm, struct ax_diag *diag);

/* Refuses (AXERR_PERMISSION, diag naming the VM, the range and the conflict) linear memory or
 * pass-through ranges of cfg outside what the host gives VMs (axvm_hal vm_ram, vm_devices), or
 * overlapping one of the count VMs in live (NULL entries skipped). */
int vm_admit_host_ranges(const struct axvm_config *cfg, struct axvm *const *live, size_t count,
			 struct ax_diag *diag);

/* The most pages a VM built from cfg can hold: its allocated memory in full and the stage-2
 * tables of all its mappings (root_pages for the root). */
uint64_t vm_page_charge(const struct axvm_config *cfg, uint32_t root_pages);

/* Logs a formatted line through the HAL. */
void axvm_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
