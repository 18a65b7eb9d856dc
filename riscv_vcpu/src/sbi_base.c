/* SBI Base extension (EID 0x10): versions, implementation id, extension probing. */
#include "sbi_internal.h"

static int64_t get_spec_version(const struct sbi_call *call, struct sbi_result *res)
{
	(void)call;
	res->value = SBI_SPEC_VERSION;
	return SBI_SUCCESS;
}

static int64_t get_impl_id(const struct sbi_call *call, struct sbi_result *res)
{
	(void)call;
	res->value = SBI_IMPL_ID_AXVM;
	return SBI_SUCCESS;
}

static int64_t get_impl_version(const struct sbi_call *call, struct sbi_result *res)
{
	(void)call;
	res->value = SBI_IMPL_VERSION;
	return SBI_SUCCESS;
}

/* 1 for exactly the extensions the dispatcher has, 0 for any other id. */
static int64_t probe_extension(const struct sbi_call *call, struct sbi_result *res)
{
	res->value = sbi_find_extension(call->a[0]) ? 1 : 0;
	return SBI_SUCCESS;
}

/* mvendorid, marchid and mimpid: 0, always a legal value of those CSRs. */
static int64_t get_machine_id(const struct sbi_call *call, struct sbi_result *res)
{
	(void)call;
	res->value = 0;
	return SBI_SUCCESS;
}

static const sbi_fn fns[] = {
    [SBI_BASE_GET_SPEC_VERSION] = get_spec_version, [SBI_BASE_GET_IMPL_ID] = get_impl_id,
    [SBI_BASE_GET_IMPL_VERSION] = get_impl_version, [SBI_BASE_PROBE_EXTENSION] = probe_extension,
    [SBI_BASE_GET_MVENDORID] = get_machine_id,	    [SBI_BASE_GET_MARCHID] = get_machine_id,
    [SBI_BASE_GET_MIMPID] = get_machine_id,
};

const struct sbi_extension sbi_ext_base = {SBI_EXT_BASE, false, fns, SBI_ARRAY_SIZE(fns)};
