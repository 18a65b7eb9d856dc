/* SBI Hart State Management extension (EID "HSM"): starting, stopping and suspending the
 * VM's harts, which are its vCPUs. The host owns their states (env->hart_state) and carries
 * out the exits. */
#include "sbi_internal.h"

/* hart_start(hartid, start_addr, opaque): an AXVM_EXIT_CPU_UP for a stopped hart, which
 * starts at start_addr in S-mode with a0 = hartid, a1 = opaque. start_addr must be 2-byte
 * aligned guest memory (its first halfword readable). */
static int64_t hart_start(const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t hartid = call->a[0];
	uint64_t start = call->a[1];
	uint16_t first;
	struct axvm_exit *exit;

	if (hartid >= call->hart_count)
		return SBI_ERR_INVALID_PARAM;
	if ((start & 1) || call->env->read_guest(call->env->ctx, start, &first, sizeof(first)))
		return SBI_ERR_INVALID_ADDRESS;
	if (call->env->hart_state(call->env->ctx, hartid) != SBI_HSM_STOPPED)
		return SBI_ERR_ALREADY_AVAILABLE;
	exit = sbi_exit(res, AXVM_EXIT_CPU_UP);
	exit->cpu_up.target = hartid;
	exit->cpu_up.entry = start;
	exit->cpu_up.arg = call->a[2];
	return SBI_SUCCESS;
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

/* hart_suspend(suspend_type, resume_addr, opaque). The default retentive suspend is a WFI
 * that the host carries out (AXVM_EXIT_HALT) and returns SBI_SUCCESS once an interrupt wakes
 * the hart. The default non-retentive suspend is a valid type this implementation does not
 * do (SBI_ERR_NOT_SUPPORTED); reserved and platform-specific types (none are implemented) are
 * SBI_ERR_INVALID_PARAM. */
static int64_t hart_suspend(const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t type = call->a[0];

	if (type == SBI_HSM_SUSPEND_RETENTIVE) {
		sbi_exit(res, AXVM_EXIT_HALT);
		return SBI_SUCCESS;
	}
	if (type == SBI_HSM_SUSPEND_NON_RETENTIVE)
		return SBI_ERR_NOT_SUPPORTED;
	return SBI_ERR_INVALID_PARAM;
}

static const sbi_fn fns[] = {
    [SBI_HSM_HART_START] = hart_start,
    [SBI_HSM_HART_STOP] = hart_stop,
    [SBI_HSM_HART_GET_STATUS] = hart_get_status,
    [SBI_HSM_HART_SUSPEND] = hart_suspend,
};

const struct sbi_extension sbi_ext_hsm = {SBI_EXT_HSM, false, fns, SBI_ARRAY_SIZE(fns)};
