/* The run loop: enter the guest, emulate what core can, return the rest to the host. */
#include <axvm/error.h>

#include "vm_internal.h"

/* What an exit handler decided. */
enum disposition {
	RESUME, /* handled: enter the guest again */
	LEAVE,	/* back to the host: it handles the exit, or the VM has stopped */
};

/* A value read for a load of width bytes, as the destination register receives it. */
static uint64_t load_result(uint64_t value, unsigned width, bool sign_extend, unsigned reg_width)
{
	unsigned bits = width * 8;

	if (bits < 64) {
		value &= (1ull << bits) - 1;
		if (sign_extend && (value >> (bits - 1)) & 1)
			value |= ~0ull << bits;
	}
	if (reg_width && reg_width < 8)
		value &= (1ull << (reg_width * 8)) - 1;
	return value;
}

static enum disposition device_read(struct axvm_vcpu *v, enum axdevice_space space, uint64_t addr,
				    unsigned width, unsigned reg, bool sign_extend,
				    unsigned reg_width, int *err)
{
	static const char *const what[] = {"MMIO", "port", "system register"};
	uint64_t value = 0;

	spin_lock(&v->vm->device_lock);
	*err = axdevice_set_read(&v->vm->devices, space, addr, width, &value);
	spin_unlock(&v->vm->device_lock);
	if (!*err)
		*err = arch_vcpu_set_gpr(v->arch, reg,
					 load_result(value, width, sign_extend, reg_width));
	if (*err) {
		vm_guest_error(v->vm, v, *err, "%s read of %u bytes at 0x%llx", what[space], width,
			       (unsigned long long)addr);
		return LEAVE;
	}
	return RESUME;
}

static enum disposition device_write(struct axvm_vcpu *v, enum axdevice_space space, uint64_t addr,
				     unsigned width, uint64_t value, int *err)
{
	static const char *const what[] = {"MMIO", "port", "system register"};

	spin_lock(&v->vm->device_lock);
	*err = axdevice_set_write(&v->vm->devices, space, addr, width, value);
	spin_unlock(&v->vm->device_lock);
	if (*err) {
		vm_guest_error(v->vm, v, *err, "%s write of %u bytes at 0x%llx", what[space], width,
			       (unsigned long long)addr);
		return LEAVE;
	}
	return RESUME;
}

static const char *access_name(enum axaddr_access access)
{
	return access == AXADDR_ACCESS_WRITE  ? "write"
	       : access == AXADDR_ACCESS_EXEC ? "instruction fetch"
					      : "read";
}

static enum disposition handle_exit(struct axvm_vcpu *v, struct axvm_exit *e, int *err);

/* A stage-2 fault outside guest memory is an MMIO access: the backend decodes it. */
static enum disposition mmio_fault(struct axvm_vcpu *v, struct axvm_exit *e,
				   enum axaddr_access access, int *err)
{
	uint64_t addr = e->nested_page_fault.addr;

	if (access == AXADDR_ACCESS_EXEC) {
		/* Only a fetch's page-table walk can be answered: the backend reflects it. */
		if (arch_vcpu_decode_mmio(v->arch, e) == AX_OK && e->kind == AXVM_EXIT_NOTHING)
			return RESUME;
		*err = AXERR_NOT_MAPPED;
		vm_guest_error(v->vm, v, *err, "instruction fetch at guest-physical 0x%llx",
			       (unsigned long long)addr);
		return LEAVE;
	}
	*err = arch_vcpu_decode_mmio(v->arch, e);
	if (*err) {
		vm_guest_error(v->vm, v, *err,
			       "%s at guest-physical 0x%llx outside memory by an instruction that "
			       "cannot be emulated",
			       access_name(access), (unsigned long long)addr);
		return LEAVE;
	}
	if (e->kind == AXVM_EXIT_NOTHING)
		return RESUME;
	if (e->kind != AXVM_EXIT_MMIO_READ && e->kind != AXVM_EXIT_MMIO_WRITE) {
		*err = AXERR_INVALID;
		vm_guest_error(v->vm, v, *err, "backend decoded a fault into a %s exit",
			       axvm_exit_name(e->kind));
		return LEAVE;
	}
	v->exits[e->kind]++;
	return handle_exit(v, e, err);
}

static enum disposition stage2_fault(struct axvm_vcpu *v, struct axvm_exit *e, int *err)
{
	uint32_t a = e->nested_page_fault.access;
	enum axaddr_access access = (a & AXVM_ACCESS_WRITE)  ? AXADDR_ACCESS_WRITE
				    : (a & AXVM_ACCESS_EXEC) ? AXADDR_ACCESS_EXEC
							     : AXADDR_ACCESS_READ;
	uint64_t addr = e->nested_page_fault.addr;
	bool fixed = false;

	if (!axaddrspace_find_region(&v->vm->as, gpa(addr)))
		return mmio_fault(v, e, access, err);
	spin_lock(&v->vm->as_lock);
	*err = axaddrspace_handle_page_fault(&v->vm->as, gpa(addr), access, &fixed);
	spin_unlock(&v->vm->as_lock);
	if (!*err && fixed)
		return RESUME;
	if (!*err)
		*err = AXERR_PERMISSION;
	vm_guest_error(v->vm, v, *err, "stage-2 fault: %s at guest-physical 0x%llx",
		       access_name(access), (unsigned long long)addr);
	return LEAVE;
}

/* A wait for an interrupt ends at once if one is pending; otherwise the host parks the vCPU
 * until one is queued or its timer is due. */
static enum disposition halt(struct axvm_vcpu *v, const struct axvm_exit *e)
{
	vcpu_deliver_pending(v);
	if (arch_vcpu_interrupt_pending(v->arch))
		return RESUME;
	if (e->halt.suspend)
		vcpu_power_transition(v, AXVM_VCPU_ON, AXVM_VCPU_SUSPENDED);
	return LEAVE;
}

static enum disposition handle_exit(struct axvm_vcpu *v, struct axvm_exit *e, int *err)
{
	*err = AX_OK;
	switch (e->kind) {
	case AXVM_EXIT_MMIO_READ:
		return device_read(v, AXDEVICE_MMIO, e->mmio_read.addr, e->mmio_read.width,
				   e->mmio_read.reg, e->mmio_read.sign_extend,
				   e->mmio_read.reg_width, err);
	case AXVM_EXIT_MMIO_WRITE:
		return device_write(v, AXDEVICE_MMIO, e->mmio_write.addr, e->mmio_write.width,
				    e->mmio_write.data, err);
	case AXVM_EXIT_IO_READ:
		return device_read(v, AXDEVICE_PORT_IO, e->io_read.port, e->io_read.width,
				   e->io_read.reg, false, e->io_read.width, err);
	case AXVM_EXIT_IO_WRITE:
		return device_write(v, AXDEVICE_PORT_IO, e->io_write.port, e->io_write.width,
				    e->io_write.data, err);
	case AXVM_EXIT_SYSREG_READ:
		return device_read(v, AXDEVICE_SYSREG, e->sysreg_read.addr, 8, e->sysreg_read.reg,
				   false, 8, err);
	case AXVM_EXIT_SYSREG_WRITE:
		return device_write(v, AXDEVICE_SYSREG, e->sysreg_write.addr, 8,
				    e->sysreg_write.value, err);
	case AXVM_EXIT_NESTED_PAGE_FAULT:
		return stage2_fault(v, e, err);
	case AXVM_EXIT_NOTHING:
		return RESUME;
	case AXVM_EXIT_HALT:
		return halt(v, e);
	case AXVM_EXIT_SEND_IPI:
		/* Among the VM's own vCPUs: queued here, delivered by each target's CPU. */
		if (axvm_inject_interrupt(v->vm, e->send_ipi.target_mask,
					  (uint32_t)e->send_ipi.vector) &&
		    !v->refusal_logged) {
			/* Once: a guest may send as many as it likes. */
			v->refusal_logged = true;
			axvm_logf("vm %u vcpu %u: IPI to mask 0x%llx dropped (further refusals not "
				  "logged)",
				  v->vm->id, v->id, (unsigned long long)e->send_ipi.target_mask);
		}
		return RESUME;
	case AXVM_EXIT_SYSTEM_DOWN:
		if (e->system_down.reset)
			vm_request_reset(v);
		else
			vm_guest_stop(v, "the guest powered off");
		return LEAVE;
	case AXVM_EXIT_CPU_DOWN:
		vcpu_power_transition(v, AXVM_VCPU_ON, AXVM_VCPU_STOP_PENDING);
		return LEAVE;
	case AXVM_EXIT_FAIL_ENTRY:
		*err = AXERR_UNSUPPORTED;
		vm_guest_error(v->vm, v, *err, "the hardware refused to enter the guest (0x%llx)",
			       (unsigned long long)e->fail_entry.reason);
		return LEAVE;
	case AXVM_EXIT_GUEST_TRAP:
		*err = AXERR_UNSUPPORTED;
		vm_guest_error(v->vm, v, *err,
			       "unhandled guest trap: %s (cause 0x%llx, value 0x%llx)",
			       e->guest_trap.name, (unsigned long long)e->guest_trap.cause,
			       (unsigned long long)e->guest_trap.info);
		return LEAVE;
	default:
		return LEAVE;
	}
}

int axvm_vcpu_run(struct axvm_vcpu *v, struct axvm_exit *exit)
{
	int err = AX_OK;

	if (!axvm_vcpu_runnable(v))
		return AXERR_BAD_STATE;
	if (atomic_load(&v->bound_cpu) != (int32_t)axvm_hal_get()->current_cpu())
		return AXERR_BAD_STATE;
	err = vcpu_transition(v, AXVM_VCPU_READY, AXVM_VCPU_RUNNING);
	if (err)
		return err;
	/* Back in the guest: a start or a suspend is over. */
	vcpu_power_transition(v, AXVM_VCPU_START_PENDING, AXVM_VCPU_ON);
	vcpu_power_transition(v, AXVM_VCPU_SUSPENDED, AXVM_VCPU_ON);
	for (;;) {
		enum disposition d;

		if (axvm_state(v->vm) != AXVM_STATE_RUNNING) {
			/* Paused or stopped by someone else: give the CPU back to the host. */
			exit->kind = AXVM_EXIT_NOTHING;
			break;
		}
		vcpu_deliver_pending(v);
		err = arch_vcpu_run(v->arch, exit);
		if (err) {
			vm_guest_error(v->vm, v, err, "entering the guest failed");
			break;
		}
		if ((unsigned)exit->kind < AXVM_EXIT_KINDS)
			v->exits[exit->kind]++;
		d = handle_exit(v, exit, &err);
		if (d != RESUME)
			break;
	}
	vcpu_transition(v, AXVM_VCPU_RUNNING, AXVM_VCPU_READY);
	return err;
}
