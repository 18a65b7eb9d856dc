/* SBI Timer extension (EID "TIME"). */
#include "sbi_internal.h"

/* set_timer(stime_value): the next timer event, which also clears the pending one (the
 * callback does both). */
static int64_t set_timer(const struct sbi_call *call, struct sbi_result *res)
{
	(void)res;
	call->env->set_timer(call->env->ctx, call->a[0]);
	return SBI_SUCCESS;
}

static const sbi_fn fns[] = {[SBI_TIME_SET_TIMER] = set_timer};

const struct sbi_extension sbi_ext_time = {SBI_EXT_TIME, false, fns, SBI_ARRAY_SIZE(fns)};
