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

/* A port I/O or system-register access. A port no device claims reads as all ones and
 * ignores writes, as on an ISA bus, where guests probe for devices that way. */
static enum axvm_disposition device(struct axvm_vcpu *v, enum axdevice_space space, bool write,
				    uint64_t addr, unsigned width, uint64_t value)
{
	int err = write ? axdevice_set_write(&v->vm->devices, space, v->id, addr, width, value)
			: axdevice_set_read(&v->vm->devices, space, v->id, addr, width, &value);

	if (err == AXERR_NOT_FOUND && space == AXDEVICE_PORT_IO) {
		value = ~0ull;
		err = AX_OK;
	}

	return device_done(v, space, write, addr, width, value, err);
}

/* ready_to_enter when the vCPU has requests. The state request is cleared before the state is
 * read, so a change made meanwhile sets it again; it stays while the VM does not run. */
__attribute__((noinline)) static enum axvm_disposition handle_requests(struct axvm_vcpu *v,
								       struct axvm_exit *e)
{
	if (atomic_fetch_and(&v->requests, ~VCPU_REQUEST_STATE) & VCPU_REQUEST_STATE &&
	    vm_state(v->vm) != AXVM_STATE_RUNNING) {
		atomic_fetch_or(&v->requests, VCPU_REQUEST_STATE);
		e->kind = AXVM_EXIT_NOTHING;
		return AXVM_LEAVE;
	}
	vcpu_deliver_pending(v);
	return AXVM_RESUME;
}

/* Whether the vCPU may enter the guest (again): its VM runs; what was queued for it is
 * delivered. Otherwise the exit becomes NOTHING: paused or stopped by someone else. One
 * relaxed load when nothing changed: whoever changes either sets a request first and then
 * notifies the vCPU, which takes it out of the guest if this load missed it. */
static inline enum axvm_disposition ready_to_enter(struct axvm_vcpu *v, struct axvm_exit *e)
{
	if (__builtin_expect(atomic_load_explicit(&v->requests, memory_order_relaxed) != 0, 0))
		return handle_requests(v, e);
	return AXVM_RESUME;
}

/* Counts exit e as what it turned out to be, then says whether the vCPU re-enters (d). */
static enum axvm_disposition counted(struct axvm_vcpu *v, struct axvm_exit *e,
				     enum axvm_disposition d)
{
	if ((unsigned)e->kind < AXVM_EXIT_KINDS)
		v->exits[e->kind]++;
	return d == AXVM_RESUME ? ready_to_enter(v, e) : AXVM_LEAVE;
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
static const struct axdevice_range *mmio_lookup(struct axvm_vcpu *v, uint64_t addr)
{
	const struct axdevice_range *r = axdevice_set_lookup(&v->vm->devices, AXDEVICE_MMIO, addr);

	if (r)
		v->mmio_last = r;
	return r;
}

/* What a completed access tells the backend: re-enter, unless the VM no longer runs. */
static inline enum axvm_mmio_result access_done(struct axvm_vcpu *v)
{
	return ready_to_enter(v, v->exit) == AXVM_RESUME ? AXVM_MMIO_DONE : AXVM_MMIO_DONE_LEAVE;
}

/* Records a width-byte MMIO access at addr in e before it is made: the exit the vCPU leaves on
 * if the access stops it, and what mmio_slow works from. */
static inline void mmio_note(struct axvm_exit *e, bool write, uint64_t addr, unsigned width)
{
	if (write) {
		e->kind = AXVM_EXIT_MMIO_WRITE;
		e->mmio_write.addr = addr;
		e->mmio_write.width = width;
	} else {
		e->kind = AXVM_EXIT_MMIO_READ;
		e->mmio_read.addr = addr;
		e->mmio_read.width = width;
	}
}

/* An MMIO access (recorded in the vCPU's exit) that missed the range the vCPU reached last
 * (err): through the range the bus finds; else, when no device is there but guest memory, a
 * stage-2 fault the guest retries once core has handled it; else a failure that stops the VM.
 * Counted once, as what it turned out to be; the vCPU's exit says it when the backend leaves. */
__attribute__((noinline)) static enum axvm_mmio_result mmio_slow(struct axvm_vcpu *v, bool write,
								 uint64_t *value, int err)
{
	struct axvm_exit *e = v->exit;
	uint64_t addr = write ? e->mmio_write.addr : e->mmio_read.addr;
	unsigned width = write ? e->mmio_write.width : e->mmio_read.width;
	enum axvm_disposition d;

	if (err == AXERR_NOT_FOUND) {
		const struct axdevice_range *r = mmio_lookup(v, addr);

		err = write ? axdevice_range_write(r, v->id, addr, width, *value)
			    : axdevice_range_read(r, v->id, addr, width, value);
	}
	if (err == AXERR_NOT_FOUND && axaddrspace_find_region(&v->vm->as, gpa(addr))) {
		e->kind = AXVM_EXIT_NESTED_PAGE_FAULT;
		e->nested_page_fault.addr = addr;
		e->nested_page_fault.access = write ? AXVM_ACCESS_WRITE : AXVM_ACCESS_READ;
		v->exits[e->kind]++;
		d = memory_fault(v, addr, write ? AXADDR_ACCESS_WRITE : AXADDR_ACCESS_READ);
		if (d == AXVM_RESUME)
			d = ready_to_enter(v, e);
		return d == AXVM_RESUME ? AXVM_MMIO_RETRY : AXVM_MMIO_LEAVE;
	}
	v->exits[e->kind]++;
	if (err) {
		access_failed(v, AXDEVICE_MMIO, write, addr, width, err);
		return AXVM_MMIO_LEAVE;
	}
	return access_done(v);
}

/* Core's side of arch_vcpu_vm_ops.mmio_read (ctx: the struct axvm_vcpu): inline, an access to
 * the range the vCPU reached last; anything else out of line. */
struct axvm_mmio_value vcpu_mmio_read(void *ctx, uint64_t addr, unsigned width)
{
	struct axvm_vcpu *v = ctx;
	struct axvm_mmio_value r;
	int err;

	mmio_note(v->exit, false, addr, width);
	err = axdevice_range_read(v->mmio_last, v->id, addr, width, &r.value);
	if (__builtin_expect(err != 0, 0)) {
		r.result = mmio_slow(v, false, &r.value, err);
		return r;
	}
	v->exits[AXVM_EXIT_MMIO_READ]++;
	r.result = access_done(v);
	return r;
}

/* Core's side of arch_vcpu_vm_ops.mmio_write, as vcpu_mmio_read. */
enum axvm_mmio_result vcpu_mmio_write(void *ctx, uint64_t addr, unsigned width, uint64_t value)
{
	struct axvm_vcpu *v = ctx;
	int err;

	mmio_note(v->exit, true, addr, width);
	v->exit->mmio_write.data = value;
	err = axdevice_range_write(v->mmio_last, v->id, addr, width, value);
	if (__builtin_expect(err != 0, 0))
		return mmio_slow(v, true, &v->exit->mmio_write.data, err);
	v->exits[AXVM_EXIT_MMIO_WRITE]++;
	return access_done(v);
}

/* An MMIO_READ or MMIO_WRITE exit: the access as the backend would make it directly, then the
 * backend's completion. */
static enum axvm_disposition mmio_exit(struct axvm_vcpu *v, struct axvm_exit *e)
{
	bool write = e->kind == AXVM_EXIT_MMIO_WRITE;
	uint64_t addr = write ? e->mmio_write.addr : e->mmio_read.addr;
	unsigned width = write ? e->mmio_write.width : e->mmio_read.width;
	struct axvm_mmio_value r = {0, AXVM_MMIO_RETRY};
	int err;

	if (write)
		r.result = vcpu_mmio_write(v, addr, width, e->mmio_write.data);
	else
		r = vcpu_mmio_read(v, addr, width);
	if (r.result & AXVM_MMIO_DONE) {
		err = arch_vcpu_complete(v->arch, r.value);
		if (err)
			return access_failed(v, AXDEVICE_MMIO, write, addr, width, err);
	}
	return r.result & AXVM_MMIO_LEAVE ? AXVM_LEAVE : AXVM_RESUME;
}

/* A stage-2 fault the backend did not decode, counted as what it turned out to be. Outside
 * guest memory it is an MMIO access the backend decodes now, or a fault of the guest's own
 * translation it reflects. Out of line: the MMIO path stays short. */
__attribute__((noinline)) static enum axvm_disposition stage2_fault(struct axvm_vcpu *v,
								    struct axvm_exit *e)
{
	uint32_t a = e->nested_page_fault.access;
	enum axaddr_access access = (a & AXVM_ACCESS_WRITE)  ? AXADDR_ACCESS_WRITE
				    : (a & AXVM_ACCESS_EXEC) ? AXADDR_ACCESS_EXEC
							     : AXADDR_ACCESS_READ;
	uint64_t addr = e->nested_page_fault.addr;
	int err;

	if (axaddrspace_find_region(&v->vm->as, gpa(addr)))
		return counted(v, e, memory_fault(v, addr, access));
	err = arch_vcpu_decode_mmio(v->arch, e);
	if (!err && e->kind == AXVM_EXIT_NOTHING) {
		e->kind = AXVM_EXIT_NESTED_PAGE_FAULT; /* reflected: counted as what it was */
		return counted(v, e, AXVM_RESUME);
	}
	if (access == AXADDR_ACCESS_EXEC) {
		v->run_err = vm_guest_error(v->vm, v, AXERR_NOT_MAPPED,
					    "instruction fetch at guest-physical 0x%llx",
					    (unsigned long long)addr);
		return counted(v, e, AXVM_LEAVE);
	}
	if (!err && e->kind != AXVM_EXIT_MMIO_READ && e->kind != AXVM_EXIT_MMIO_WRITE) {
		v->run_err = vm_guest_error(v->vm, v, AXERR_INVALID,
					    "backend decoded a fault into a %s exit",
					    axvm_exit_name(e->kind));
		return counted(v, e, AXVM_LEAVE);
	}
	if (err) {
		v->run_err = vm_guest_error(v->vm, v, err,
					    "%s at guest-physical 0x%llx outside memory by an "
					    "instruction that cannot be emulated",
					    access_name(access), (unsigned long long)addr);
		return counted(v, e, AXVM_LEAVE);
	}
	return mmio_exit(v, e);
}

/* A wait for an interrupt ends at once if one is pending; otherwise the host parks the vCPU
 * until one is queued or its timer is due. */
static enum axvm_disposition halt(struct axvm_vcpu *v, const struct axvm_exit *e)
{
	vcpu_deliver_pending(v);
	if (arch_vcpu_interrupt_pending(v->arch) || vcpu_irq_waiting(v))
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

/* Every exit but MMIO and stage-2 faults, which vcpu_handle_exit handles itself. */
static enum axvm_disposition handle_other_exit(struct axvm_vcpu *v, struct axvm_exit *e)
{
	switch (e->kind) {
	case AXVM_EXIT_IO_READ:
		return device(v, AXDEVICE_PORT_IO, false, e->io_read.port, e->io_read.width, 0);
	case AXVM_EXIT_IO_WRITE:
		return device(v, AXDEVICE_PORT_IO, true, e->io_write.port, e->io_write.width,
			      e->io_write.data);
	case AXVM_EXIT_SYSREG_READ:
		return device(v, AXDEVICE_SYSREG, false, axdevice_sysreg_addr(e->sysreg_read.addr),
			      8, 0);
	case AXVM_EXIT_SYSREG_WRITE:
		return device(v, AXDEVICE_SYSREG, true, axdevice_sysreg_addr(e->sysreg_write.addr),
			      8, e->sysreg_write.value);
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

/* Every exit but MMIO and stage-2 faults, counted as what it turned out to be; out of line:
 * the MMIO path stays short. */
__attribute__((noinline)) static enum axvm_disposition other_exit(struct axvm_vcpu *v,
								  struct axvm_exit *e)
{
	return counted(v, e, handle_other_exit(v, e));
}

enum axvm_disposition vcpu_handle_exit(void *ctx, struct axvm_exit *e)
{
	struct axvm_vcpu *v = ctx;

	if (e->kind == AXVM_EXIT_MMIO_READ || e->kind == AXVM_EXIT_MMIO_WRITE)
		return mmio_exit(v, e);
	if (e->kind == AXVM_EXIT_NESTED_PAGE_FAULT)
		return stage2_fault(v, e);
	return other_exit(v, e);
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
	v->exit = exit;
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
