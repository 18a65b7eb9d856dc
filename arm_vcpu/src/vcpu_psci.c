/* The SMCCC/PSCI calls of a vCPU (psci.h) on core's VM operations. */
#include <axvm/error.h>

#include "vcpu_state.h"

static int psci_read_guest(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct arch_vcpu *v = ctx;

	return v->vm_ops.read_guest(v->vm_ops.ctx, gpa, buf, len);
}

/* A vCPU's MPIDR affinity is its index (arch_vcpu_create), so any other affinity names none. */
static int psci_vcpu_power(void *ctx, uint64_t mpidr, enum axvm_vcpu_power *power)
{
	struct arch_vcpu *v = ctx;

	if (mpidr >= v->vcpu_count)
		return AXERR_INVALID;
	*power = v->vm_ops.vcpu_power(v->vm_ops.ctx, mpidr);
	return AX_OK;
}

static int psci_vcpu_start(void *ctx, uint64_t mpidr, uint64_t entry, uint64_t context_id)
{
	struct arch_vcpu *v = ctx;

	if (mpidr >= v->vcpu_count)
		return AXERR_INVALID;
	return v->vm_ops.vcpu_start(v->vm_ops.ctx, mpidr, entry, context_id);
}

static void psci_resume_at(void *ctx, uint64_t entry, uint64_t context_id)
{
	struct arch_vcpu *v = ctx;

	v->resume_pending = true;
	v->resume_entry = entry;
	v->resume_context = context_id;
}

static int psci_release_memory(void *ctx, uint64_t gpa, uint64_t size)
{
	struct arch_vcpu *v = ctx;

	return v->vm_ops.release_memory(v->vm_ops.ctx, gpa, size);
}

void arm_vcpu_psci_init(struct arch_vcpu *v)
{
	v->psci_env = (struct psci_env){.ctx = v,
					.read_guest = psci_read_guest,
					.vcpu_power = psci_vcpu_power,
					.vcpu_start = psci_vcpu_start,
					.resume_at = psci_resume_at,
					.release_memory = psci_release_memory};
}

enum axvm_disposition arm_vcpu_psci(struct arch_vcpu *v)
{
	struct psci_result res;
	enum axvm_disposition d;

	psci_handle_call(&v->psci_env, v->ctx.x, &res);
	v->ctx.x[0] = res.x0;
	if (res.action == PSCI_ACTION_RESUME)
		return AXVM_RESUME;
	*v->exit = res.exit;
	d = arm_to_core(v);
	/* A powerdown suspend ends when the vCPU next runs: here, if the halt ended at once. */
	if (d == AXVM_RESUME && v->resume_pending)
		arm_vcpu_resume_after_suspend(v);
	return d;
}
