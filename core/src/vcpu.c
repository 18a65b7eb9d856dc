/* The vCPU state machine, binding to physical CPUs, and queued interrupts. */
#include <axvm/error.h>

#include "vm_internal.h"

int vcpu_transition(struct axvm_vcpu *vcpu, enum axvm_vcpu_state from, enum axvm_vcpu_state to)
{
	int expected = from;

	return atomic_compare_exchange_strong(&vcpu->state, &expected, to) ? AX_OK
									   : AXERR_BAD_STATE;
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
	case AXVM_VCPU_BLOCKED:
		return "blocked";
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

bool axvm_vcpu_powered(const struct axvm_vcpu *vcpu)
{
	return atomic_load(&vcpu->powered);
}

int axvm_vcpu_start(struct axvm_vcpu *vcpu, uint64_t entry, uint64_t arg)
{
	int err;

	if (atomic_load(&vcpu->powered))
		return AXERR_BAD_STATE;
	err = arch_vcpu_set_entry(vcpu->arch, gpa(entry), arg);
	if (err)
		return err;
	atomic_store(&vcpu->powered, true);
	/* The CPU it is pinned to may be asleep with nothing to run. */
	if (vcpu->affinity >= 0 && (uint32_t)vcpu->affinity != axvm_hal_get()->current_cpu())
		axvm_hal_get()->kick_cpu((uint32_t)vcpu->affinity);
	return AX_OK;
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
	err = arch_vcpu_bind(vcpu->arch);
	if (err) {
		vcpu_transition(vcpu, AXVM_VCPU_READY, AXVM_VCPU_FREE);
		return err;
	}
	atomic_store(&vcpu->bound_cpu, (int32_t)cpu);
	return AX_OK;
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
	return AX_OK;
}

int axvm_vcpu_block(struct axvm_vcpu *vcpu)
{
	return vcpu_transition(vcpu, AXVM_VCPU_READY, AXVM_VCPU_BLOCKED);
}

int axvm_vcpu_unblock(struct axvm_vcpu *vcpu)
{
	return vcpu_transition(vcpu, AXVM_VCPU_BLOCKED, AXVM_VCPU_READY);
}

uint64_t axvm_vcpu_exit_count(const struct axvm_vcpu *vcpu, enum axvm_exit_kind kind)
{
	return (unsigned)kind < AXVM_EXIT_KINDS ? vcpu->exits[kind] : 0;
}

void axvm_vcpu_set_return_value(struct axvm_vcpu *vcpu, uint64_t value)
{
	arch_vcpu_set_return_value(vcpu->arch, value);
}

/* Applies the level lines that changed since the backend last saw them. */
static void deliver_levels(struct axvm_vcpu *vcpu)
{
	for (uint32_t w = 0; w < AXVM_VECTOR_WORDS; w++) {
		uint64_t now = atomic_load(&vcpu->levels[w]);
		uint64_t changed = now ^ vcpu->levels_applied[w];

		while (changed) {
			uint32_t bit = (uint32_t)__builtin_ctzll(changed);

			changed &= changed - 1;
			if (arch_vcpu_set_interrupt_level(vcpu->arch, w * 64 + bit,
							  (now >> bit) & 1))
				axvm_logf("vm %u vcpu %u: backend refused level line %u",
					  vcpu->vm->id, vcpu->id, w * 64 + bit);
		}
		vcpu->levels_applied[w] = now;
	}
}

void vcpu_deliver_pending(struct axvm_vcpu *vcpu)
{
	/* Cleared before the scan: a change made during it sets the flag again. */
	if (!atomic_exchange(&vcpu->irq_changed, false))
		return;
	deliver_levels(vcpu);
	for (uint32_t w = 0; w < AXVM_VECTOR_WORDS; w++) {
		uint64_t bits = atomic_exchange(&vcpu->pending[w], 0);

		while (bits) {
			uint32_t vector = w * 64 + (uint32_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			if (arch_vcpu_inject_interrupt(vcpu->arch, vector))
				axvm_logf("vm %u vcpu %u: backend refused interrupt %u",
					  vcpu->vm->id, vcpu->id, vector);
		}
	}
}

/* Makes sure vCPU v sees queued interrupts soon: wakes it if blocked, and kicks the physical
 * CPU it is bound (or, unbound, pinned) to when that is not the calling one. */
static void vcpu_kick(struct axvm_vcpu *v)
{
	int32_t cpu;

	vcpu_transition(v, AXVM_VCPU_BLOCKED, AXVM_VCPU_READY);
	cpu = atomic_load(&v->bound_cpu);
	if (cpu < 0)
		cpu = v->affinity;
	if (cpu >= 0 && (uint32_t)cpu != axvm_hal_get()->current_cpu())
		axvm_hal_get()->kick_cpu((uint32_t)cpu);
}

int axvm_set_interrupt_level(struct axvm *vm, uint32_t vcpu, uint32_t vector, bool level)
{
	struct axvm_vcpu *v;
	uint64_t bit = 1ull << (vector % 64);

	if (vcpu >= vm->vcpu_count || vector >= AXVM_MAX_VECTORS)
		return AXERR_INVALID;
	v = &vm->vcpus[vcpu];
	if (level)
		atomic_fetch_or(&v->levels[vector / 64], bit);
	else
		atomic_fetch_and(&v->levels[vector / 64], ~bit);
	atomic_store(&v->irq_changed, true);
	vcpu_kick(v);
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
		atomic_store(&v->irq_changed, true);
		vcpu_kick(v);
	}
	return AX_OK;
}
