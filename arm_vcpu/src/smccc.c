/* The SMC Calling Convention (Arm DEN0028) dispatcher: the function id and arguments as the
 * convention defines them, the lookup of a function in its service's table, and the Arm
 * Architecture calls (owning entity 0). */
#include "smccc_internal.h"

/* Function id fields. */
#define SMCCC_FAST_CALL (1u << 31)
#define SMCCC_64 (1u << 30)
#define SMCCC_OWNER_SHIFT 24
#define SMCCC_OWNER_MASK 0x3fu
#define SMCCC_RESERVED 0x00ff0000u /* bits 23:16 of a fast call: zero in SMCCC 1.1 */

#define SMCCC_OWNER_ARCH 0
#define SMCCC_OWNER_STANDARD 4
#define SMCCC_OWNER_VENDOR_HYP 6

static unsigned owner(uint32_t fid)
{
	return (fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK;
}

bool smccc_is_arch_call(uint32_t fid)
{
	return owner(fid) == SMCCC_OWNER_ARCH;
}

/* The services this dispatcher answers, by owning entity. */
static const struct smccc_service *const services[SMCCC_OWNER_MASK + 1] = {
    [SMCCC_OWNER_ARCH] = &smccc_arch_service,
    [SMCCC_OWNER_STANDARD] = &psci_service,
    [SMCCC_OWNER_VENDOR_HYP] = &axvm_service,
};

const struct smccc_function *smccc_find(uint32_t fid)
{
	const struct smccc_service *service = services[owner(fid)];
	const struct smccc_function *f;
	uint32_t number = SMCCC_NUMBER(fid);

	if (!(fid & SMCCC_FAST_CALL) || (fid & SMCCC_RESERVED) || !service ||
	    number >= service->count)
		return NULL;
	f = &service->fns[number];
	if (!f->fn || ((fid & SMCCC_64) && !f->smc64))
		return NULL;
	return f;
}

struct axvm_exit *smccc_exit(struct psci_result *res, enum axvm_exit_kind kind)
{
	res->action = PSCI_ACTION_EXIT;
	res->exit.kind = kind;
	return &res->exit;
}

void psci_handle_call(const struct psci_env *env, const uint64_t x[4], struct psci_result *res)
{
	uint32_t fid = (uint32_t)x[0];
	uint64_t width = fid & SMCCC_64 ? UINT64_MAX : UINT32_MAX;
	const struct smccc_call call = {env, {x[1] & width, x[2] & width, x[3] & width}};
	const struct smccc_function *f = smccc_find(fid);

	res->action = PSCI_ACTION_RESUME;
	res->exit.kind = AXVM_EXIT_NOTHING;
	res->x0 = (uint64_t)(f ? f->fn(&call, res) : SMCCC_RET_NOT_SUPPORTED);
}

/* SMCCC_VERSION() */
static int64_t version(const struct smccc_call *call, struct psci_result *res)
{
	(void)call;
	(void)res;
	return SMCCC_VERSION_1_1;
}

/* SMCCC_ARCH_FEATURES(arch_func_id): SUCCESS for the Arm Architecture calls this table
 * implements, NOT_SUPPORTED for the others (the firmware workarounds among them) and for any
 * id of another service. */
static int64_t arch_features(const struct smccc_call *call, struct psci_result *res)
{
	uint32_t fid = (uint32_t)call->arg[0];

	(void)res;
	return smccc_is_arch_call(fid) && smccc_find(fid) ? SMCCC_RET_SUCCESS
							  : SMCCC_RET_NOT_SUPPORTED;
}

static const struct smccc_function fns[] = {
    [SMCCC_NUMBER(SMCCC_FN_VERSION)] = {version, false},
    [SMCCC_NUMBER(SMCCC_FN_ARCH_FEATURES)] = {arch_features, false},
};

const struct smccc_service smccc_arch_service = {fns, SMCCC_ARRAY_SIZE(fns)};
