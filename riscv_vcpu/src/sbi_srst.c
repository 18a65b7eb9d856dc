/* SBI System Reset extension (EID "SRST"). */
#include "sbi_internal.h"

/* system_reset(reset_type, reset_reason), both uint32_t (on RV64 the registers' upper halves
 * are not part of them, as for HSM's suspend_type): an AXVM_EXIT_SYSTEM_DOWN, a reset for cold
 * and warm reboot and a power-off for shutdown. Types other than 0..2 and reasons other than
 * "none" and "system failure" are reserved, or vendor- and implementation-specific ones none
 * of which exist here: SBI_ERR_INVALID_PARAM. */
static int64_t system_reset(const struct sbi_call *call, struct sbi_result *res)
{
	uint32_t type = (uint32_t)call->a[0];
	uint32_t reason = (uint32_t)call->a[1];

	if (type > SBI_SRST_TYPE_WARM_REBOOT || reason > SBI_SRST_REASON_SYSTEM_FAILURE)
		return SBI_ERR_INVALID_PARAM;
	sbi_exit(res, AXVM_EXIT_SYSTEM_DOWN)->system_down.reset = type != SBI_SRST_TYPE_SHUTDOWN;
	return SBI_SUCCESS;
}

static const sbi_fn fns[] = {[SBI_SRST_SYSTEM_RESET] = system_reset};

const struct sbi_extension sbi_ext_srst = {SBI_EXT_SRST, false, fns, SBI_ARRAY_SIZE(fns)};
