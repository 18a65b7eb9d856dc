/* The run loop: enter the guest through the backend, handle each exit the backend passes up
 * (devices, stage-2 faults, power), and return to the host what only the host can do. */
#include <axvm/error.h>

#include "vm_internal.h"

static const char *const space_name[] = {"MMIO", "port", "system register"};

/* A device access that failed: stops the VM with err. Out of line, so that the hot path
 * around it keeps few registers. */
__attribute__((noinline, cold)) static enum axvm_disposition
access_failed(struct axvm_vcpu *v, enum axdevice_space space, bool write, uint64_t addr,
	      unsigned width, int err)
{
	v->run_err = vm_guest_error(v->vm, v, err, "%s %s of %u bytes at 0x%llx", space_name[space],
				    write ? "write" : "read", width, (unsigned long long)addr);
	return AXVM_LEAVE;
}

/* Completes a device access that went through (err 0), or stops the VM with err. */
static enum axvm_disposition device_done(struct axvm_vcpu *v, enum axdevice_space space, bool write,
					 uint64_t addr, unsigned width, uint64_t value, int err)
{
	if (!err)
		err = arch_vcpu_complete(v->arch, write ? 0 : value);
	return err ? access_failed(v, space, write, addr, width, err) : AXVM_RESUME;
}

/* A port I/O or system-register access. */
static enum axvm_disposition device(struct axvm_vcpu *v, enum axdevice_space space, bool write,
				    uint64_t addr, unsigned width, uint64_t value)
{
	int err = write ? axdevice_set_write(&v->vm->devices, space, v->id, addr, width, value)
			: axdevice_set_read(&v->vm->devices, space, v->id, addr, width, &value);

	return device_done(v, space, write, addr, width, value, err);
}

static const char *access_name(enum axaddr_access access)
{
	return access == AXADDR_ACCESS_WRITE  ? "write"
	       : access == AXADDR_ACCESS_EXEC ? "instruction fetch"
					      : "read";
}

/* A stage-2 fault inside guest memory: a lazy page to populate, or a violation. */
static enum axvm_disposition memory_fault(struct axvm_vcpu *v, uint64_t addr,
					  enum axaddr_access access)
{
	bool fixed = false;
	int err;

	spin_lock(&v->vm->as_lock);
	err = axaddrspace_handle_page_fault(&v->vm->as, gpa(addr), access, &fixed);
	spin_unlock(&v->vm->as_lock);
	if (!err && fixed)
		return AXVM_RESUME;
	v->run_err = vm_guest_error(v->vm, v, err ? err : AXERR_PERMISSION,
				    "stage-2 fault: %s at guest-physical 0x%llx",
				    access_name(access), (unsigned long long)addr);
	return AXVM_LEAVE;
}

/* The device range at MMIO address addr, from the bus, kept as the vCPU's last for the
 * accesses that follow (NULL: none there). */
__attribute__((noinline)) static const struct axdevice_range *mmio_lookup(struct axvm_vcpu *v,
									  uint64_t addr)
{
	const struct axdevice_range *r = axdevice_set_lookup(&v->vm->devices, AXDEVICE_MMIO, addr);

	if (r)
		v->mmio_last = r;
	return r;
}

/* A decoded MMIO access that did not complete with err: no device there but guest memory (a
 * stage-2 fault the guest retries once core has handled it; then counted as one), or a
 * failure that stops the VM. */
__attribute__((noinline, cold)) static enum axvm_disposition
mmio_failed(struct axvm_vcpu *v, struct axvm_exit *e, int err)
{
	bool write = e->kind == AXVM_EXIT_MMIO_WRITE;
	uint64_t addr = write ? e->mmio_write.addr : e->mmio_read.addr;
	unsigned width = write ? e->mmio_write.width : e->mmio_read.width;

	if (err == AXERR_NOT_FOUND && axaddrspace_find_region(&v->vm->as, gpa(addr))) {
		e->kind = AXVM_EXIT_NESTED_PAGE_FAULT;
		e->nested_page_fault.addr = addr;
		e->nested_page_fault.access = write ? AXVM_ACCESS_WRITE : AXVM_ACCESS_READ;
		return memory_fault(v, addr, write ? AXADDR_ACCESS_WRITE : AXADDR_ACCESS_READ);
	}
	return access_failed(v, AXDEVICE_MMIO, write, addr, width, err);
}

/* A decoded MMIO read through range r (AXERR_NOT_FOUND: the address is not in it), completed
 * with the device's value through the backend. */
static inline int mmio_read(struct axvm_vcpu *v, const struct axdevice_range *r,
			    const struct axvm_exit *e)
{
	uint64_t value;
	int err = axdevice_range_read(r, v->id, e->mmio_read.addr, e->mmio_read.width, &value);

	return err ? err : arch_vcpu_complete(v->arch, value);
}

/* A decoded MMIO write, as mmio_read. */
static inline int mmio_write(struct axvm_vcpu *v, const struct axdevice_range *r,
			     const struct axvm_exit *e)
{
	int err = axdevice_range_write(r, v->id, e->mmio_write.addr, e->mmio_write.width,
				       e->mmio_write.data);

	return err ? err : arch_vcpu_complete(v->arch, 0);
}

/* A decoded MMIO access through the bus: one to no address of the range the vCPU reached
 * last, or one stage2_fault decoded. */
__attribute__((noinline)) static enum axvm_disposition mmio_elsewhere(struct axvm_vcpu *v,
								      struct axvm_exit *e)
{
	bool write = e->kind == AXVM_EXIT_MMIO_WRITE;
	const struct axdevice_range *r =
	    mmio_lookup(v, write ? e->mmio_write.addr : e->mmio_read.addr);
	int err = write ? mmio_write(v, r, e) : mmio_read(v, r, e);

	return err ? mmio_failed(v, e, err) : AXVM_RESUME;
}

/* A stage-2 fault the backend did not decode. Outside guest memory it is an MMIO access the
 * backend decodes now, or a fault of the guest's own translation it reflects. */
static enum axvm_disposition stage2_fault(struct axvm_vcpu *v, struct axvm_exit *e)
{
	uint32_t a = e->nested_page_fault.access;
	enum axaddr_access access = (a & AXVM_ACCESS_WRITE)  ? AXADDR_ACCESS_WRITE
				    : (a & AXVM_ACCESS_EXEC) ? AXADDR_ACCESS_EXEC
							     : AXADDR_ACCESS_READ;
	uint64_t addr = e->nested_page_fault.addr;
	int err;

	if (axaddrspace_find_region(&v->vm->as, gpa(addr)))
		return memory_fault(v, addr, access);
	err = arch_vcpu_decode_mmio(v->arch, e);
	if (!err && e->kind == AXVM_EXIT_NOTHING) {
		e->kind = AXVM_EXIT_NESTED_PAGE_FAULT; /* reflected: counted as what it was */
		return AXVM_RESUME;
	}
	if (access == AXADDR_ACCESS_EXEC) {
		v->run_err = vm_guest_error(v->vm, v, AXERR_NOT_MAPPED,
					    "instruction fetch at guest-physical 0x%llx",
					    (unsigned long long)addr);
		return AXVM_LEAVE;
	}
	if (!err && e->kind != AXVM_EXIT_MMIO_READ && e->kind != AXVM_EXIT_MMIO_WRITE) {
		v->run_err = vm_guest_error(v->vm, v, AXERR_INVALID,
					    "backend decoded a fault into a %s exit",
					    axvm_exit_name(e->kind));
		return AXVM_LEAVE;
	}
	if (err) {
		v->run_err = vm_guest_error(v->vm, v, err,
					    "%s at guest-physical 0x%llx outside memory by an "
					    "instruction that cannot be emulated",
					    access_name(access), (unsigned long long)addr);
		return AXVM_LEAVE;
	}
	return mmio_elsewhere(v, e);
}

/* A wait for an interrupt ends at once if one is pending; otherwise the host parks the vCPU
 * until one is queued or its timer is due. */
static enum axvm_disposition halt(struct axvm_vcpu *v, const struct axvm_exit *e)
{
	vcpu_deliver_pending(v);
	if (arch_vcpu_interrupt_pending(v->arch))
		return AXVM_RESUME;
	if (e->halt.suspend)
		vcpu_power_transition(v, AXVM_VCPU_ON, AXVM_VCPU_SUSPENDED);
	return AXVM_LEAVE;
}

/* Among the VM's own vCPUs: queued here, delivered by each target's CPU. */
static enum axvm_disposition send_ipi(struct axvm_vcpu *v, const struct axvm_exit *e)
{
	if (axvm_inject_interrupt(v->vm, e->send_ipi.target_mask, (uint32_t)e->send_ipi.vector) &&
	    !v->refusal_logged) {
		/* Once: a guest may send as many as it likes. */
		v->refusal_logged = true;
		axvm_logf("vm %u vcpu %u: IPI to mask 0x%llx dropped (further refusals not logged)",
			  v->vm->id, v->id, (unsigned long long)e->send_ipi.target_mask);
	}
	return AXVM_RESUME;
}

/* Every exit but MMIO, which vcpu_handle_exit handles itself. */
static enum axvm_disposition handle_other_exit(struct axvm_vcpu *v, struct axvm_exit *e)
{
	switch (e->kind) {
	case AXVM_EXIT_IO_READ:
		return device(v, AXDEVICE_PORT_IO, false, e->io_read.port, e->io_read.width, 0);
	case AXVM_EXIT_IO_WRITE:
		return device(v, AXDEVICE_PORT_IO, true, e->io_write.port, e->io_write.width,
			      e->io_write.data);
	case AXVM_EXIT_SYSREG_READ:
		return device(v, AXDEVICE_SYSREG, false, e->sysreg_read.addr, 8, 0);
	case AXVM_EXIT_SYSREG_WRITE:
		return device(v, AXDEVICE_SYSREG, true, e->sysreg_write.addr, 8,
			      e->sysreg_write.value);
	case AXVM_EXIT_NESTED_PAGE_FAULT:
		return stage2_fault(v, e);
	case AXVM_EXIT_NOTHING:
		return AXVM_RESUME;
	case AXVM_EXIT_HALT:
		return halt(v, e);
	case AXVM_EXIT_SEND_IPI:
		return send_ipi(v, e);
	case AXVM_EXIT_SYSTEM_DOWN:
		if (e->system_down.reset)
			vm_request_reset(v);
		else
			vm_guest_stop(v, "the guest powered off");
		return AXVM_LEAVE;
	case AXVM_EXIT_CPU_DOWN:
		vcpu_power_transition(v, AXVM_VCPU_ON, AXVM_VCPU_STOP_PENDING);
		return AXVM_LEAVE;
	case AXVM_EXIT_FAIL_ENTRY:
		v->run_err = vm_guest_error(v->vm, v, AXERR_UNSUPPORTED,
					    "the hardware refused to enter the guest (0x%llx)",
					    (unsigned long long)e->fail_entry.reason);
		return AXVM_LEAVE;
	case AXVM_EXIT_GUEST_TRAP:
		v->run_err =
		    vm_guest_error(v->vm, v, AXERR_UNSUPPORTED,
				   "unhandled guest trap: %s (cause 0x%llx, value 0x%llx)",
				   e->guest_trap.name, (unsigned long long)e->guest_trap.cause,
				   (unsigned long long)e->guest_trap.info);
		return AXVM_LEAVE;
	default:
		return AXVM_LEAVE;
	}
}

/* Whether the vCPU may enter the guest (again): its VM runs; what was queued for it is
 * delivered. Otherwise the exit becomes NOTHING: paused or stopped by someone else. */
static enum axvm_disposition ready_to_enter(struct axvm_vcpu *v, struct axvm_exit *e)
{
	if (vm_state(v->vm) != AXVM_STATE_RUNNING) {
		e->kind = AXVM_EXIT_NOTHING;
		return AXVM_LEAVE;
	}
	vcpu_deliver_pending(v);
	return AXVM_RESUME;
}

/* Every exit but MMIO, counted as what it turned out to be; out of line: the MMIO path stays
 * short. */
__attribute__((noinline)) static enum axvm_disposition other_exit(struct axvm_vcpu *v,
								  struct axvm_exit *e)
{
	enum axvm_disposition d = handle_other_exit(v, e);

	if ((unsigned)e->kind < AXVM_EXIT_KINDS)
		v->exits[e->kind]++;
	return d == AXVM_RESUME ? ready_to_enter(v, e) : AXVM_LEAVE;
}

/* An MMIO access the fast path in vcpu_handle_exit did not complete (err): one to another
 * range than the vCPU's last, or a failure; counted as what it turned out to be. */
__attribute__((noinline)) static enum axvm_disposition mmio_slow(struct axvm_vcpu *v,
								 struct axvm_exit *e, int err)
{
	enum axvm_disposition d =
	    err == AXERR_NOT_FOUND ? mmio_elsewhere(v, e) : mmio_failed(v, e, err);

	v->exits[e->kind]++;
	return d == AXVM_RESUME ? ready_to_enter(v, e) : AXVM_LEAVE;
}

/* MMIO first, inline: an access to the range the vCPU reached last completes here; anything
 * else goes out of line. */
enum axvm_disposition vcpu_handle_exit(void *ctx, struct axvm_exit *e)
{
	struct axvm_vcpu *v = ctx;
	int err;

	if (e->kind == AXVM_EXIT_MMIO_READ) {
		err = mmio_read(v, v->mmio_last, e);
		if (__builtin_expect(!err, 1)) {
			v->exits[AXVM_EXIT_MMIO_READ]++;
			return ready_to_enter(v, e);
		}
	} else if (e->kind == AXVM_EXIT_MMIO_WRITE) {
		err = mmio_write(v, v->mmio_last, e);
		if (__builtin_expect(!err, 1)) {
			v->exits[AXVM_EXIT_MMIO_WRITE]++;
			return ready_to_enter(v, e);
		}
	} else {
		return other_exit(v, e);
	}
	return mmio_slow(v, e, err);
}

int axvm_vcpu_run(struct axvm_vcpu *v, struct axvm_exit *exit)
{
	int err;

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
	v->run_err = AX_OK;
	if (ready_to_enter(v, exit) == AXVM_RESUME) {
		err = arch_vcpu_run(v->arch, exit);
		if (err)
			vm_guest_error(v->vm, v, err, "entering the guest failed");
		else
			err = v->run_err;
	}
	vcpu_transition(v, AXVM_VCPU_RUNNING, AXVM_VCPU_READY);
	return err;
}
