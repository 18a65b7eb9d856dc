/* The SBI dispatcher: finds the extension (a7) and function (a6) in tables and runs it, plus
 * the argument conventions every extension shares (SBI spec, "Binary Encoding"). */
#include "sbi_internal.h"

#include <axvm/assert.h>

/* SBI v0.1 extension ids, 0x00..0x0f: a1 is not part of their return. */
#define SBI_EXT_LEGACY_LAST 0x0f

const struct sbi_extension *sbi_find_extension(uint64_t eid)
{
	switch (eid) {
	case SBI_EXT_LEGACY_PUTCHAR:
		return &sbi_ext_legacy_putchar;
	case SBI_EXT_LEGACY_GETCHAR:
		return &sbi_ext_legacy_getchar;
	case SBI_EXT_BASE:
		return &sbi_ext_base;
	case SBI_EXT_TIME:
		return &sbi_ext_time;
	case SBI_EXT_IPI:
		return &sbi_ext_ipi;
	case SBI_EXT_RFENCE:
		return &sbi_ext_rfence;
	case SBI_EXT_HSM:
		return &sbi_ext_hsm;
	case SBI_EXT_SRST:
		return &sbi_ext_srst;
	case SBI_EXT_DBCN:
		return &sbi_ext_dbcn;
	case SBI_EXT_AXVM:
		return &sbi_ext_axvm;
	default:
		return NULL;
	}
}

int64_t sbi_hart_mask(const struct sbi_call *call, uint64_t hart_mask, uint64_t hart_mask_base,
		      uint64_t *out)
{
	uint64_t all = call->hart_count == 64 ? UINT64_MAX : (1ull << call->hart_count) - 1;

	if (hart_mask_base == UINT64_MAX) {
		*out = all;
		return SBI_SUCCESS;
	}
	if (hart_mask_base >= call->hart_count || (hart_mask & ~(all >> hart_mask_base)))
		return SBI_ERR_INVALID_PARAM;
	*out = hart_mask << hart_mask_base;
	return SBI_SUCCESS;
}

struct axvm_exit *sbi_exit(struct sbi_result *res, enum axvm_exit_kind kind)
{
	res->action = SBI_ACTION_EXIT;
	res->exit.kind = kind;
	return &res->exit;
}

void sbi_handle_call(const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t eid = call->a[7];
	uint64_t fid = call->a[6];
	const struct sbi_extension *ext = sbi_find_extension(eid);

	res->action = SBI_ACTION_RESUME;
	res->exit.kind = AXVM_EXIT_NOTHING;
	res->value = eid <= SBI_EXT_LEGACY_LAST ? call->a[1] : 0;
	if (ext && ext->legacy)
		fid = 0;
	if (!ext || fid >= ext->count) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	res->error = ext->fns[fid](call, res);
}

void sbi_handle_ecall(const struct sbi_env *env, uint32_t hartid, uint32_t hart_count,
		      const struct sbi_regs *regs, struct sbi_result *res)
{
	const struct sbi_call call = {env, hartid, hart_count, regs->a};

	AX_ASSERT(hart_count >= 1 && hart_count <= SBI_MAX_HARTS && hartid < hart_count);
	sbi_handle_call(&call, res);
}
