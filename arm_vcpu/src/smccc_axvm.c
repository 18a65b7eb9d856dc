/* axvm-c's own SMCCC calls (vendor-specific hypervisor service, owning entity 6). */
#include "smccc_internal.h"

/* AXVM_MEMORY_RELEASE(base, size): page-aligned, nonzero, not wrapping; the host checks that
 * the range is the VM's memory. */
static int64_t memory_release(const struct smccc_call *call, struct psci_result *res)
{
	uint64_t base = call->arg[0], size = call->arg[1];

	(void)res;
	if (!size || (base | size) & (AXVM_PAGE_SIZE - 1) || size - 1 > UINT64_MAX - base)
		return PSCI_RET_INVALID_PARAMETERS;
	return call->env->release_memory(call->env->ctx, base, size) ? PSCI_RET_INVALID_PARAMETERS
								     : PSCI_RET_SUCCESS;
}

static const struct smccc_function fns[] = {
    [SMCCC_NUMBER(AXVM_FN64_MEMORY_RELEASE)] = {memory_release, true},
};

const struct smccc_service axvm_service = {fns, SMCCC_ARRAY_SIZE(fns)};
