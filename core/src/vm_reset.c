/* A guest's reset request: the VM's vCPUs leave their CPUs, then the VM starts over as if it
 * had just been created and booted. */
#include <axvm/error.h>
#include <axvm/format.h>

#include "vm_internal.h"

void vm_request_reset(struct axvm_vcpu *vcpu)
{
	struct axvm *vm = vcpu->vm;
	int expected = AXVM_STATE_RUNNING;

	if (vm->cfg.on_reset == AXVM_RESET_STOP) {
		vm_guest_stop(vcpu, "the guest asked for a reset");
		return;
	}
	if (!atomic_compare_exchange_strong(&vm->state, &expected, AXVM_STATE_RESETTING))
		return; /* stopped, paused or already resetting: nothing to restart */
	vm_state_changed(vm);
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		vcpu_notify(&vm->vcpus[i]);
}

static bool any_vcpu_bound(const struct axvm *vm)
{
	for (uint32_t i = 0; i < vm->vcpu_count; i++) {
		if (atomic_load(&vm->vcpus[i].bound_cpu) >= 0)
			return true;
	}
	return false;
}

/* Puts memory, devices and vCPUs back to how axvm_create and axvm_boot left them. */
static int rebuild(struct axvm *vm, struct ax_diag *diag)
{
	struct arch_vcpu_entry e;
	int err;

	spin_lock(&vm->as_lock);
	axaddrspace_scrub(&vm->as);
	spin_unlock(&vm->as_lock);
	err = vm_load_images(vm, diag);
	if (err)
		return err;
	err = vm_rebuild_devices(vm, diag);
	if (err)
		return err;
	spin_lock(&vm->power_lock);
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		vcpu_power_off(&vm->vcpus[i]);
	e = vm_boot_entry(vm);
	err = vcpu_power_on(&vm->vcpus[0], &e);
	spin_unlock(&vm->power_lock);
	if (err)
		ax_diag_set(diag, err, "vcpu 0: %s", ax_strerror(err));
	return err;
}

int axvm_reset(struct axvm *vm)
{
	struct ax_diag diag = {.msg = ""};
	int expected = AXVM_STATE_RESETTING;
	int err;

	if (axvm_state(vm) != AXVM_STATE_RESETTING)
		return AXERR_BAD_STATE;
	/* No vCPU can bind from here on (axvm_vcpu_bind refuses while RESETTING). */
	if (any_vcpu_bound(vm))
		return AXERR_BUSY;
	if (atomic_exchange(&vm->reset_claimed, true))
		return AXERR_BAD_STATE;
	err = rebuild(vm, &diag);
	if (err) {
		char reason[AX_DIAG_LEN];

		ax_snprintf(reason, sizeof(reason), "reset failed: %s", diag.msg);
		atomic_store(&vm->reset_claimed, false);
		vm_stop(vm, reason, true);
		return err;
	}
	atomic_fetch_add(&vm->resets, 1);
	atomic_store(&vm->reset_claimed, false);
	if (!atomic_compare_exchange_strong(&vm->state, &expected, AXVM_STATE_RUNNING))
		return AXERR_BAD_STATE; /* the host stopped it meanwhile */
	vm_state_changed(vm);
	axvm_logf("vm %u (%s): reset, booting again at 0x%llx", vm->id, vm->name,
		  (unsigned long long)vm->cfg.entry);
	vcpu_notify(&vm->vcpus[0]);
	return AX_OK;
}

uint32_t axvm_reset_count(const struct axvm *vm)
{
	return atomic_load(&vm->resets);
}
