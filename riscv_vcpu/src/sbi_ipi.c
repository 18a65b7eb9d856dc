/* SBI IPI extension (EID "sPI"): supervisor software interrupts to other harts of the VM. */
#include "sbi_internal.h"

/* send_ipi(hart_mask, hart_mask_base): an AXVM_EXIT_SEND_IPI for the host to queue the
 * interrupt on each target (the caller's own hart included); an empty list just resumes. */
static int64_t send_ipi(const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t targets;
	int64_t err = sbi_hart_mask(call, call->a[0], call->a[1], &targets);
	struct axvm_exit *exit;

	if (err || !targets)
		return err;
	exit = sbi_exit(res, AXVM_EXIT_SEND_IPI);
	exit->send_ipi.target_mask = targets;
	exit->send_ipi.vector = SBI_IPI_VECTOR;
	return SBI_SUCCESS;
}

static const sbi_fn fns[] = {[SBI_IPI_SEND_IPI] = send_ipi};

const struct sbi_extension sbi_ext_ipi = {SBI_EXT_IPI, false, fns, SBI_ARRAY_SIZE(fns)};
