/* PSCI 1.1 (Arm DEN0022): powering the VM's vCPUs on, off and into suspend, and the VM itself
 * off or through a reset. The host owns the vCPUs' power states (env->vcpu_power, vcpu_start)
 * and carries out the exits. */
#include "smccc_internal.h"

#include <axvm/error.h>

/* PSCI_VERSION() */
static int64_t version(const struct smccc_call *call, struct psci_result *res)
{
	(void)call;
	(void)res;
	return PSCI_VERSION_1_1;
}

/* True if a vCPU may start at entry: 4-byte aligned guest memory (an AArch64 instruction)
 * that can be read. */
static bool valid_entry(const struct psci_env *env, uint64_t entry)
{
	uint32_t insn;

	return !(entry & 3) && !env->read_guest(env->ctx, entry, &insn, sizeof(insn));
}

/* The vCPU a CPU id names: true, with its power state, if mpidr is an MPIDR affinity of a vCPU
 * of the VM. */
static bool find_cpu(const struct psci_env *env, uint64_t mpidr, enum axvm_vcpu_power *power)
{
	return !(mpidr & ~PSCI_MPIDR_AFFINITY_MASK) && !env->vcpu_power(env->ctx, mpidr, power);
}

/* CPU_SUSPEND(power_state, entry_point, context_id), power_state 32 bits wide in both
 * conventions: a wait for an interrupt (AXVM_EXIT_HALT). A standby then returns SUCCESS; a
 * powerdown (halt.suspend: the host reports the vCPU SUSPENDED meanwhile) resumes at
 * entry_point with x0 = context_id instead. */
static int64_t cpu_suspend(const struct smccc_call *call, struct psci_result *res)
{
	uint32_t power_state = (uint32_t)call->arg[0];
	bool powerdown = power_state & PSCI_POWER_STATE_POWERDOWN;

	if (power_state & PSCI_POWER_STATE_RESERVED)
		return PSCI_RET_INVALID_PARAMETERS;
	if (powerdown) {
		if (!valid_entry(call->env, call->arg[1]))
			return PSCI_RET_INVALID_ADDRESS;
		call->env->resume_at(call->env->ctx, call->arg[1], call->arg[2]);
	}
	smccc_exit(res, AXVM_EXIT_HALT)->halt.suspend = powerdown;
	return PSCI_RET_SUCCESS;
}

/* CPU_OFF(): an AXVM_EXIT_CPU_DOWN; the call does not return. */
static int64_t cpu_off(const struct smccc_call *call, struct psci_result *res)
{
	(void)call;
	smccc_exit(res, AXVM_EXIT_CPU_DOWN)->cpu_down.state = 0;
	return PSCI_RET_INTERNAL_FAILURE;
}

/* Why vcpu_start refused a vCPU whose power state is now power. */
static int64_t start_refusal(enum axvm_vcpu_power power)
{
	switch (power) {
	case AXVM_VCPU_START_PENDING:
		return PSCI_RET_ON_PENDING;
	case AXVM_VCPU_OFF:
		return PSCI_RET_INTERNAL_FAILURE; /* the VM is not running */
	case AXVM_VCPU_ON:
	case AXVM_VCPU_SUSPENDED:
	case AXVM_VCPU_STOP_PENDING:
		break;
	}
	return PSCI_RET_ALREADY_ON;
}

/* CPU_ON(target_cpu, entry_point_address, context_id): the OFF vCPU target_cpu starts at
 * entry_point_address with x0 = context_id. A vCPU that is not OFF (one still on its way off
 * included) is ALREADY_ON, or ON_PENDING while an earlier CPU_ON has not taken effect. */
static int64_t cpu_on(const struct smccc_call *call, struct psci_result *res)
{
	const struct psci_env *env = call->env;
	uint64_t target = call->arg[0];
	enum axvm_vcpu_power power;
	int err;

	(void)res;
	if (!find_cpu(env, target, &power))
		return PSCI_RET_INVALID_PARAMETERS;
	if (!valid_entry(env, call->arg[1]))
		return PSCI_RET_INVALID_ADDRESS;
	err = env->vcpu_start(env->ctx, target, call->arg[1], call->arg[2]);
	if (err == AXERR_BAD_STATE && find_cpu(env, target, &power))
		return start_refusal(power);
	if (err == AXERR_INVALID)
		return PSCI_RET_INVALID_PARAMETERS;
	return err ? PSCI_RET_INTERNAL_FAILURE : PSCI_RET_SUCCESS;
}

/* AFFINITY_INFO(target_affinity, lowest_affinity_level): the state of one vCPU, level 0 being
 * the only one PSCI 1.1 leaves (the level is 32 bits wide in both conventions). A vCPU is ON
 * from the moment it first runs until it is off its physical CPU, suspended or not. */
static int64_t affinity_info(const struct smccc_call *call, struct psci_result *res)
{
	enum axvm_vcpu_power power;

	(void)res;
	if ((uint32_t)call->arg[1] != 0 || !find_cpu(call->env, call->arg[0], &power))
		return PSCI_RET_INVALID_PARAMETERS;
	switch (power) {
	case AXVM_VCPU_OFF:
		return PSCI_AFFINITY_OFF;
	case AXVM_VCPU_START_PENDING:
		return PSCI_AFFINITY_ON_PENDING;
	case AXVM_VCPU_ON:
	case AXVM_VCPU_SUSPENDED:
	case AXVM_VCPU_STOP_PENDING:
		break;
	}
	return PSCI_AFFINITY_ON;
}

/* MIGRATE_INFO_TYPE(): there is no Trusted OS. */
static int64_t migrate_info_type(const struct smccc_call *call, struct psci_result *res)
{
	(void)call;
	(void)res;
	return PSCI_TOS_NOT_PRESENT_MP;
}

/* Leaves the guest with AXVM_EXIT_SYSTEM_DOWN: a reset, or a power-off. Such a call does not
 * return. */
static int64_t system_down(struct psci_result *res, bool reset)
{
	smccc_exit(res, AXVM_EXIT_SYSTEM_DOWN)->system_down.reset = reset;
	return PSCI_RET_INTERNAL_FAILURE;
}

/* SYSTEM_OFF() */
static int64_t system_off(const struct smccc_call *call, struct psci_result *res)
{
	(void)call;
	return system_down(res, false);
}

/* SYSTEM_RESET() */
static int64_t system_reset(const struct smccc_call *call, struct psci_result *res)
{
	(void)call;
	return system_down(res, true);
}

/* SYSTEM_RESET2(reset_type, cookie), reset_type 32 bits wide in both conventions: the
 * architectural SYSTEM_WARM_RESET is a reset (the cookie does not matter to it); no
 * vendor-specific type is implemented, and the other architectural types are reserved. */
static int64_t system_reset2(const struct smccc_call *call, struct psci_result *res)
{
	uint32_t type = (uint32_t)call->arg[0];

	if (type & PSCI_RESET2_VENDOR)
		return PSCI_RET_NOT_SUPPORTED;
	if (type != PSCI_RESET2_SYSTEM_WARM_RESET)
		return PSCI_RET_INVALID_PARAMETERS;
	return system_down(res, true);
}

/* PSCI_FEATURES(psci_func_id): SUCCESS for the functions of this table and for SMCCC_VERSION,
 * NOT_SUPPORTED for anything else. For CPU_SUSPEND, SUCCESS is also its feature flags: bit 1
 * clear, the original power_state format; bit 0 clear, platform-coordinated mode only. */
static int64_t features(const struct smccc_call *call, struct psci_result *res)
{
	uint32_t fid = (uint32_t)call->arg[0];
	bool implemented = fid == SMCCC_FN_VERSION || (!smccc_is_arch_call(fid) && smccc_find(fid));

	(void)res;
	return implemented ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
}

static const struct smccc_function fns[] = {
    [SMCCC_NUMBER(PSCI_FN_VERSION)] = {version, false},
    [SMCCC_NUMBER(PSCI_FN_CPU_SUSPEND)] = {cpu_suspend, true},
    [SMCCC_NUMBER(PSCI_FN_CPU_OFF)] = {cpu_off, false},
    [SMCCC_NUMBER(PSCI_FN_CPU_ON)] = {cpu_on, true},
    [SMCCC_NUMBER(PSCI_FN_AFFINITY_INFO)] = {affinity_info, true},
    [SMCCC_NUMBER(PSCI_FN_MIGRATE_INFO_TYPE)] = {migrate_info_type, false},
    [SMCCC_NUMBER(PSCI_FN_SYSTEM_OFF)] = {system_off, false},
    [SMCCC_NUMBER(PSCI_FN_SYSTEM_RESET)] = {system_reset, false},
    [SMCCC_NUMBER(PSCI_FN_FEATURES)] = {features, false},
    [SMCCC_NUMBER(PSCI_FN_SYSTEM_RESET2)] = {system_reset2, true},
};

const struct smccc_service psci_service = {fns, SMCCC_ARRAY_SIZE(fns)};
