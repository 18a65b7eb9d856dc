/* The vCPU state machine, power states, binding to physical CPUs, and queued interrupts. */
#include <axdevice/irqchip.h>
#include <axvm/error.h>

#include "vm_internal.h"

int vcpu_transition(struct axvm_vcpu *vcpu, enum axvm_vcpu_state from, enum axvm_vcpu_state to)
{
	int expected = from;

	return atomic_compare_exchange_strong(&vcpu->state, &expected, to) ? AX_OK
									   : AXERR_BAD_STATE;
}

bool vcpu_power_transition(struct axvm_vcpu *vcpu, enum axvm_vcpu_power from,
			   enum axvm_vcpu_power to)
{
	int expected = from;

	return atomic_compare_exchange_strong(&vcpu->power, &expected, to);
}

void vcpu_notify(struct axvm_vcpu *vcpu)
{
	axvm_hal_get()->vcpu_notify(vcpu);
}

uint32_t axvm_vcpu_id(const struct axvm_vcpu *vcpu)
{
	return vcpu->id;
}

struct axvm *axvm_vcpu_vm(struct axvm_vcpu *vcpu)
{
	return vcpu->vm;
}

enum axvm_vcpu_state axvm_vcpu_state(const struct axvm_vcpu *vcpu)
{
	return (enum axvm_vcpu_state)atomic_load(&vcpu->state);
}

const char *axvm_vcpu_state_name(enum axvm_vcpu_state state)
{
	switch (state) {
	case AXVM_VCPU_CREATED:
		return "created";
	case AXVM_VCPU_FREE:
		return "free";
	case AXVM_VCPU_READY:
		return "ready";
	case AXVM_VCPU_RUNNING:
		return "running";
	}
	return "invalid";
}

int32_t axvm_vcpu_affinity(const struct axvm_vcpu *vcpu)
{
	return vcpu->affinity;
}

int32_t axvm_vcpu_bound_cpu(const struct axvm_vcpu *vcpu)
{
	return atomic_load(&vcpu->bound_cpu);
}

void axvm_vcpu_set_host_data(struct axvm_vcpu *vcpu, void *data)
{
	vcpu->host_data = data;
}

void *axvm_vcpu_host_data(const struct axvm_vcpu *vcpu)
{
	return vcpu->host_data;
}

enum axvm_vcpu_power axvm_vcpu_power(const struct axvm_vcpu *vcpu)
{
	return (enum axvm_vcpu_power)atomic_load(&vcpu->power);
}

const char *axvm_vcpu_power_name(enum axvm_vcpu_power power)
{
	switch (power) {
	case AXVM_VCPU_OFF:
		return "off";
	case AXVM_VCPU_START_PENDING:
		return "start-pending";
	case AXVM_VCPU_ON:
		return "on";
	case AXVM_VCPU_SUSPENDED:
		return "suspended";
	case AXVM_VCPU_STOP_PENDING:
		return "stop-pending";
	}
	return "invalid";
}

bool axvm_vcpu_runnable(const struct axvm_vcpu *vcpu)
{
	enum axvm_vcpu_power p = axvm_vcpu_power(vcpu);

	return axvm_state(vcpu->vm) == AXVM_STATE_RUNNING &&
	       (p == AXVM_VCPU_START_PENDING || p == AXVM_VCPU_ON || p == AXVM_VCPU_SUSPENDED);
}

/* Forgets every queued interrupt; level lines are applied afresh at the next entry (the
 * backend's reset dropped them). */
static void clear_interrupts(struct axvm_vcpu *vcpu)
{
	for (uint32_t w = 0; w < AXVM_VECTOR_WORDS; w++)
		atomic_store(&vcpu->pending[w], 0);
	vcpu->lines_applied = 0;
	atomic_fetch_or(&vcpu->requests, VCPU_REQUEST_IRQ);
}

int vcpu_power_on(struct axvm_vcpu *vcpu, const struct arch_vcpu_entry *e)
{
	int err;

	if (axvm_vcpu_power(vcpu) != AXVM_VCPU_OFF || atomic_load(&vcpu->bound_cpu) >= 0)
		return AXERR_BAD_STATE;
	err = arch_vcpu_set_entry(vcpu->arch, e);
	if (err)
		return err;
	clear_interrupts(vcpu);
	atomic_store(&vcpu->power, AXVM_VCPU_START_PENDING);
	return AX_OK;
}

void vcpu_power_off(struct axvm_vcpu *vcpu)
{
	atomic_store(&vcpu->power, AXVM_VCPU_OFF);
	clear_interrupts(vcpu);
	atomic_store(&vcpu->lines, 0);
}

int axvm_vcpu_start(struct axvm_vcpu *vcpu, uint64_t entry, uint64_t arg)
{
	struct axvm *vm = vcpu->vm;
	struct arch_vcpu_entry e = {.pc = gpa(entry), .arg = arg};
	int err;

	spin_lock(&vm->power_lock);
	err = axvm_state(vm) == AXVM_STATE_RUNNING ? vcpu_power_on(vcpu, &e) : AXERR_BAD_STATE;
	spin_unlock(&vm->power_lock);
	if (!err)
		vcpu_notify(vcpu);
	return err;
}

int axvm_vcpu_bind(struct axvm_vcpu *vcpu)
{
	uint32_t cpu = axvm_hal_get()->current_cpu();
	int err;

	if (vcpu->affinity >= 0 && (uint32_t)vcpu->affinity != cpu)
		return AXERR_INVALID;
	err = vcpu_transition(vcpu, AXVM_VCPU_FREE, AXVM_VCPU_READY);
	if (err)
		return err;
	/* Published before the VM's state is read: a reset that has not seen this binding has
	 * already set RESETTING, which is seen here (both sequentially consistent). */
	atomic_store(&vcpu->bound_cpu, (int32_t)cpu);
	err = axvm_state(vcpu->vm) == AXVM_STATE_RESETTING ? AXERR_BAD_STATE
							   : arch_vcpu_bind(vcpu->arch, cpu);
	if (err) {
		atomic_store(&vcpu->bound_cpu, -1);
		vcpu_transition(vcpu, AXVM_VCPU_READY, AXVM_VCPU_FREE);
	}
	return err;
}

int axvm_vcpu_unbind(struct axvm_vcpu *vcpu)
{
	int err;

	if (atomic_load(&vcpu->bound_cpu) != (int32_t)axvm_hal_get()->current_cpu())
		return AXERR_BAD_STATE;
	err = vcpu_transition(vcpu, AXVM_VCPU_READY, AXVM_VCPU_FREE);
	if (err)
		return err;
	arch_vcpu_unbind(vcpu->arch);
	atomic_store(&vcpu->bound_cpu, -1);
	vcpu_power_transition(vcpu, AXVM_VCPU_STOP_PENDING, AXVM_VCPU_OFF);
	return AX_OK;
}

bool axvm_vcpu_has_queued_interrupts(const struct axvm_vcpu *vcpu)
{
	return (atomic_load(&vcpu->requests) & VCPU_REQUEST_IRQ) != 0;
}

uint64_t axvm_vcpu_timer_deadline(const struct axvm_vcpu *vcpu, bool *soft)
{
	return arch_vcpu_timer_deadline(vcpu->arch, soft);
}

uint64_t axvm_vcpu_exit_count(const struct axvm_vcpu *vcpu, enum axvm_exit_kind kind)
{
	return (unsigned)kind < AXVM_EXIT_KINDS ? vcpu->exits[kind] : 0;
}

void axvm_vcpu_set_return_value(struct axvm_vcpu *vcpu, uint64_t value)
{
	arch_vcpu_set_return_value(vcpu->arch, value);
}

/* Logs an interrupt the backend refused, the first time only: a guest can make a device raise
 * one as often as it likes. */
static void refused(struct axvm_vcpu *vcpu, const char *what, uint32_t vector)
{
	if (vcpu->refusal_logged)
		return;
	vcpu->refusal_logged = true;
	axvm_logf("vm %u vcpu %u: backend refused %s %u (further refusals not logged)",
		  vcpu->vm->id, vcpu->id, what, vector);
}

/* Applies the interrupt lines that changed since the backend last saw them. */
static void deliver_lines(struct axvm_vcpu *vcpu)
{
	uint32_t now = atomic_load(&vcpu->lines);
	uint32_t changed = now ^ vcpu->lines_applied;

	while (changed) {
		uint32_t line = (uint32_t)__builtin_ctz(changed);

		changed &= changed - 1;
		if (arch_vcpu_set_irq_line(vcpu->arch, (enum axvm_irq_line)line, (now >> line) & 1))
			refused(vcpu, "interrupt line", line);
	}
	vcpu->lines_applied = now;
}

void vcpu_deliver_changes(struct axvm_vcpu *vcpu)
{
	/* Cleared before the scan: a change made during it sets the flag again. */
	if (!(atomic_fetch_and(&vcpu->requests, ~VCPU_REQUEST_IRQ) & VCPU_REQUEST_IRQ))
		return;
	deliver_lines(vcpu);
	for (uint32_t w = 0; w < AXVM_VECTOR_WORDS; w++) {
		uint64_t bits = atomic_exchange(&vcpu->pending[w], 0);

		while (bits) {
			uint32_t vector = w * 64 + (uint32_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (arch_vcpu_inject_interrupt(vcpu->arch, vector))
				refused(vcpu, "interrupt", vector);
		}
	}
}

int axvm_set_irq_line(struct axvm *vm, uint32_t vcpu, enum axvm_irq_line line, bool level)
{
	struct axvm_vcpu *v;
	uint32_t bit = 1u << line;

	if (vcpu >= vm->vcpu_count || (unsigned)line >= AXVM_IRQ_LINES)
		return AXERR_INVALID;
	v = &vm->vcpus[vcpu];
	if (level)
		atomic_fetch_or(&v->lines, bit);
	else
		atomic_fetch_and(&v->lines, ~bit);
	atomic_fetch_or(&v->requests, VCPU_REQUEST_IRQ);
	vcpu_notify(v);
	return AX_OK;
}

int axvm_inject_interrupt(struct axvm *vm, uint64_t vcpu_mask, uint32_t vector)
{
	uint64_t valid = vm->vcpu_count == 64 ? ~0ull : (1ull << vm->vcpu_count) - 1;

	if (vector >= AXVM_MAX_VECTORS || !(vcpu_mask & valid) || (vcpu_mask & ~valid))
		return AXERR_INVALID;
	for (uint32_t i = 0; i < vm->vcpu_count; i++) {
		struct axvm_vcpu *v = &vm->vcpus[i];

		if (!(vcpu_mask & (1ull << i)))
			continue;
		atomic_fetch_or(&v->pending[vector / 64], 1ull << (vector % 64));
		atomic_fetch_or(&v->requests, VCPU_REQUEST_IRQ);
		vcpu_notify(v);
	}
	return AX_OK;
}

/* The VM's list-register controller; NULL when there is none. Its devices do not change while
 * one of its vCPUs is bound. */
static struct axdevice *lr_chip(const struct axvm_vcpu *v)
{
	return v->vm->lr_chip;
}

size_t vcpu_irq_flush(void *ctx, uint64_t *lrs, size_t max, bool *underflow)
{
	struct axvm_vcpu *v = ctx;
	struct axdevice *chip = lr_chip(v);

	*underflow = false;
	return chip ? chip->irqchip->cpu_flush(chip, v->id, lrs, max, underflow) : 0;
}

void vcpu_irq_sync(void *ctx, const uint64_t *lrs, size_t n)
{
	struct axvm_vcpu *v = ctx;
	struct axdevice *chip = lr_chip(v);

	if (chip)
		chip->irqchip->cpu_sync(chip, v->id, lrs, n);
}

int vcpu_irq_set_private(void *ctx, uint32_t line, bool level)
{
	struct axvm_vcpu *v = ctx;
	struct axdevice *chip = lr_chip(v);

	if (!chip || !chip->irqchip->set_private_line)
		return AXERR_INVALID;
	return chip->irqchip->set_private_line(chip, v->id, line, level);
}

bool vcpu_irq_waiting(const struct axvm_vcpu *v)
{
	struct axdevice *chip = lr_chip(v);

	return chip && chip->irqchip->cpu_pending && chip->irqchip->cpu_pending(chip, v->id);
}
