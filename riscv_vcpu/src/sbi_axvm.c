/* axvm-c's own SBI extension (EID SBI_EXT_AXVM, in the spec's firmware-specific space: a guest
 * checks that get_impl_id is SBI_IMPL_ID_AXVM and probes the extension before using it). */
#include "sbi_internal.h"

#include <axvm/error.h>

/* memory_release(base, size): the guest gives back [base, base + size) of its memory, as a
 * balloon does; the pages read as zeroes when touched again. Both must be 4 KiB multiples and
 * size nonzero (SBI_ERR_INVALID_PARAM); the range must lie in one region of memory the VM's
 * host allocates for it (SBI_ERR_INVALID_ADDRESS otherwise); SBI_ERR_FAILED when the host
 * has no memory for the page tables the change needs. */
static int64_t memory_release(const struct sbi_call *call, struct sbi_result *res)
{
	const struct sbi_env *env = call->env;
	int err;

	(void)res;
	if (!call->a[1] || ((call->a[0] | call->a[1]) & (SBI_AXVM_PAGE_SIZE - 1)))
		return SBI_ERR_INVALID_PARAM;
	err = env->release_memory(env->ctx, call->a[0], call->a[1]);
	switch (err) {
	case AX_OK:
		return SBI_SUCCESS;
	case AXERR_INVALID:
		return SBI_ERR_INVALID_PARAM;
	case AXERR_NOT_MAPPED:
	case AXERR_UNSUPPORTED:
		return SBI_ERR_INVALID_ADDRESS;
	default:
		return SBI_ERR_FAILED;
	}
}

static const sbi_fn fns[] = {[SBI_AXVM_MEMORY_RELEASE] = memory_release};

const struct sbi_extension sbi_ext_axvm = {SBI_EXT_AXVM, false, fns, SBI_ARRAY_SIZE(fns)};
