/* Each vCPU's local APIC (x86_vcpu/lapic.h) at work: its xAPIC page reached by EPT violations
 * and its x2APIC MSRs, the interrupts it delivers at entry, its timer (a soft timer for the
 * host: arch_vcpu_timer_deadline), and the IPIs it sends. A fixed or NMI IPI goes to core as a
 * SEND_IPI exit and comes back to each target as arch_vcpu_inject_interrupt, and so do INIT
 * (the target waits for a SIPI, halted) and SIPI (a waiting target starts in real mode at the
 * vector's page); a SIPI to a vCPU never started starts it through core's vcpu_start. */
#include <axvm/error.h>
#include <x86_vcpu/exit_info.h>
#include <x86_vcpu/lapic.h>

#include "vcpu_exits.h"
#include "vcpu_lapic.h"
#include "vmx_asm.h"

static uint64_t now(void)
{
	return __builtin_ia32_rdtsc();
}

/* INIT to the targets that run: a powered-off vCPU already waits for its SIPI. */
static enum axvm_disposition send_init(struct arch_vcpu *v, uint64_t mask)
{
	uint64_t running = 0;

	for (uint32_t i = 0; i < v->vcpu_count && i < 64; i++) {
		if ((mask & (1ull << i)) && v->vm_ops.vcpu_power(v->vm_ops.ctx, i) != AXVM_VCPU_OFF)
			running |= 1ull << i;
	}
	if (running & (1ull << v->vcpu_id)) {
		v->init_pending = true;
		running &= ~(1ull << v->vcpu_id);
	}
	if (!running)
		return AXVM_RESUME;
	v->exit->kind = AXVM_EXIT_SEND_IPI;
	v->exit->send_ipi.target_mask = running;
	v->exit->send_ipi.vector = X86_VECTOR_INIT;
	return x86_to_core(v);
}

/* SIPI: a powered-off target starts through core (its first start); one that runs gets it as
 * an IPI and starts if it waits for a SIPI (after an INIT), as a CPU does; the sender itself
 * never waits for one. */
static enum axvm_disposition send_sipi(struct arch_vcpu *v, uint64_t mask, uint8_t vector)
{
	uint64_t running = 0;

	for (uint32_t i = 0; i < v->vcpu_count && i < 64; i++) {
		if (!(mask & (1ull << i)) || i == v->vcpu_id)
			continue;
		if (v->vm_ops.vcpu_start(v->vm_ops.ctx, i, (uint64_t)vector << 12, 0) != AX_OK)
			running |= 1ull << i;
	}
	if (!running)
		return AXVM_RESUME;
	v->exit->kind = AXVM_EXIT_SEND_IPI;
	v->exit->send_ipi.target_mask = running;
	v->exit->send_ipi.vector = X86_VECTOR_SIPI + vector;
	return x86_to_core(v);
}

bool x86_lapic_init_sipi(struct arch_vcpu *v)
{
	if (v->init_pending) {
		/* SDM Vol. 3A 9.1.1: INIT resets the CPU but not its APIC's mode; it waits. */
		v->init_pending = false;
		v->wait_for_sipi = true;
		v->nmi_pending = false;
		v->inject_info = 0;
		x86_lapic_init(&v->lapic);
	}
	if (!v->wait_for_sipi)
		return true;
	if (!v->sipi_pending)
		return false;
	v->sipi_pending = false;
	v->wait_for_sipi = false;
	x86_vcpu_restart(v, (uint64_t)v->sipi_vector << 12);
	return true;
}

/* What a write to the APIC asked for: an IPI, the timer moved. Returns whether the guest is
 * entered again. */
enum axvm_disposition x86_lapic_effect_apply(struct arch_vcpu *v, const struct x86_lapic_effect *e)
{
	enum axvm_disposition d = AXVM_RESUME;

	switch (e->ipi.kind) {
	case X86_IPI_FIXED:
	case X86_IPI_NMI:
		if (!e->ipi.vcpu_mask)
			break;
		v->exit->kind = AXVM_EXIT_SEND_IPI;
		v->exit->send_ipi.target_mask = e->ipi.vcpu_mask;
		v->exit->send_ipi.vector =
		    e->ipi.kind == X86_IPI_NMI ? X86_VECTOR_NMI : e->ipi.vector;
		d = x86_to_core(v);
		break;
	case X86_IPI_INIT:
		d = send_init(v, e->ipi.vcpu_mask);
		break;
	case X86_IPI_SIPI:
		d = send_sipi(v, e->ipi.vcpu_mask, e->ipi.vector);
		break;
	case X86_IPI_NONE:
		break;
	}
	if (d == AXVM_RESUME && e->timer_changed) {
		bool soft;

		v->exit->kind = AXVM_EXIT_TIMER;
		v->exit->timer.deadline = arch_vcpu_timer_deadline(v, &soft);
		d = x86_to_core(v);
	}
	return d;
}

enum axvm_disposition x86_lapic_mmio(struct arch_vcpu *v, const struct x86_mem_access *a,
				     uint64_t gpa)
{
	struct x86_lapic_effect e = {0};
	uint32_t offset = (uint32_t)(gpa - X86_LAPIC_BASE);
	uint32_t value = 0;
	int err;

	if (a->store)
		err = x86_lapic_mmio_write(&v->lapic, offset, a->width,
					   (uint32_t)x86_store_value(a, x86_get_reg(v, a->reg)),
					   now(), &e);
	else
		err = x86_lapic_mmio_read(&v->lapic, offset, a->width, now(), &value);
	if (err)
		return x86_stop_vm(v, VMX_EXIT_EPT_VIOLATION);
	if (!a->store)
		x86_set_reg(v, a->reg, x86_load_result(a, x86_get_reg(v, a->reg), value));
	x86_skip(a->len);
	return x86_lapic_effect_apply(v, &e);
}

void x86_lapic_before_entry(struct arch_vcpu *v)
{
	if (x86_lapic_timer_deadline(&v->lapic) != UINT64_MAX)
		(void)x86_lapic_timer_expire(&v->lapic, now());
}

int x86_lapic_take(struct arch_vcpu *v)
{
	int vector = x86_lapic_deliverable(&v->lapic);

	if (vector >= 0)
		x86_lapic_ack(&v->lapic, (uint8_t)vector);
	return vector;
}

int arch_vcpu_inject_interrupt(struct arch_vcpu *v, uint32_t vector)
{
	if (vector >= X86_VECTOR_SIPI && vector < X86_VECTOR_SIPI + 256) {
		/* Taken only by a CPU waiting for it (an INIT before, in the same batch or not). */
		if (v->wait_for_sipi || v->init_pending) {
			v->sipi_pending = true;
			v->sipi_vector = (uint8_t)(vector - X86_VECTOR_SIPI);
		}
		return AX_OK;
	}
	switch (vector) {
	case X86_VECTOR_INIT:
		v->init_pending = true;
		return AX_OK;
	case X86_VECTOR_NMI:
		v->nmi_pending = true;
		return AX_OK;
	default:
		if (vector > 255)
			return AXERR_INVALID;
		x86_lapic_accept(&v->lapic, (uint8_t)vector, false);
		return AX_OK;
	}
}

/* A CPU waiting for a SIPI takes nothing else. */
bool arch_vcpu_interrupt_pending(const struct arch_vcpu *v)
{
	if (v->init_pending || v->wait_for_sipi)
		return v->init_pending || v->sipi_pending;
	return x86_lapic_deliverable(&v->lapic) >= 0 || v->nmi_pending ||
	       (v->inject_info & VMX_EVENT_VALID);
}

/* The local APIC timer: the host wakes a halted vCPU for it and interrupts a running one at
 * its deadline. */
uint64_t arch_vcpu_timer_deadline(const struct arch_vcpu *v, bool *soft)
{
	*soft = true;
	return x86_lapic_timer_deadline(&v->lapic);
}
