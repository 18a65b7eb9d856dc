/* SBI Hart State Management extension (EID "HSM"): starting, stopping and suspending the
 * VM's harts, which are its vCPUs. The host owns their states (env->hart_state, hart_start)
 * and carries out the exits. */
#include "sbi_internal.h"

/* True if a hart may start or resume at addr: 2-byte aligned guest memory whose first
 * halfword is readable. */
static bool valid_entry(const struct sbi_call *call, uint64_t addr)
{
	uint16_t first;

	return !(addr & 1) && !call->env->read_guest(call->env->ctx, addr, &first, sizeof(first));
}

/* hart_start(hartid, start_addr, opaque): the stopped hart starts at start_addr in S-mode
 * with a0 = hartid, a1 = opaque. */
static int64_t hart_start(const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t hartid = call->a[0];

	(void)res;
	if (hartid >= call->hart_count)
		return SBI_ERR_INVALID_PARAM;
	if (!valid_entry(call, call->a[1]))
		return SBI_ERR_INVALID_ADDRESS;
	return call->env->hart_start(call->env->ctx, hartid, call->a[1], call->a[2]);
}

/* hart_stop(): an AXVM_EXIT_CPU_DOWN; the call does not return to the guest. */
static int64_t hart_stop(const struct sbi_call *call, struct sbi_result *res)
{
	(void)call;
	sbi_exit(res, AXVM_EXIT_CPU_DOWN)->cpu_down.state = 0;
	return SBI_SUCCESS;
}

/* hart_get_status(hartid) */
static int64_t hart_get_status(const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t hartid = call->a[0];

	if (hartid >= call->hart_count)
		return SBI_ERR_INVALID_PARAM;
	res->value = call->env->hart_state(call->env->ctx, hartid);
	return SBI_SUCCESS;
}

/* hart_suspend(suspend_type, resume_addr, opaque), suspend_type being 32 bits wide: the
 * host carries out the wait (AXVM_EXIT_HALT with halt.suspend), reporting the hart SUSPENDED
 * until an interrupt wakes it. The default retentive suspend then returns SBI_SUCCESS; the
 * default non-retentive one resumes at resume_addr instead (env->resume_at). Reserved and
 * platform-specific types (none are implemented) are SBI_ERR_INVALID_PARAM. */
static int64_t hart_suspend(const struct sbi_call *call, struct sbi_result *res)
{
	uint32_t type = (uint32_t)call->a[0];

	if (type != SBI_HSM_SUSPEND_RETENTIVE && type != SBI_HSM_SUSPEND_NON_RETENTIVE)
		return SBI_ERR_INVALID_PARAM;
	if (type == SBI_HSM_SUSPEND_NON_RETENTIVE) {
		if (!valid_entry(call, call->a[1]))
			return SBI_ERR_INVALID_ADDRESS;
		call->env->resume_at(call->env->ctx, call->a[1], call->a[2]);
	}
	sbi_exit(res, AXVM_EXIT_HALT)->halt.suspend = true;
	return SBI_SUCCESS;
}

static const sbi_fn fns[] = {
    [SBI_HSM_HART_START] = hart_start,
    [SBI_HSM_HART_STOP] = hart_stop,
    [SBI_HSM_HART_GET_STATUS] = hart_get_status,
    [SBI_HSM_HART_SUSPEND] = hart_suspend,
};

const struct sbi_extension sbi_ext_hsm = {SBI_EXT_HSM, false, fns, SBI_ARRAY_SIZE(fns)};
