/* SBI RFENCE extension (EID "RFNC"): instruction-cache and TLB fences on harts of the VM.
 *
 * A guest calls these before it reuses memory other harts may still see through stale
 * translations, so a remote fence must be complete when the call returns: the caller's own
 * hart is fenced through env->local_fence, the other harts through env->remote_fence, which
 * waits (sbi.h). Neither can be skipped, and a remote failure reaches the guest as its error.
 * The HFENCE functions (3..6) exist only for guests with the H extension and are not in the
 * table: SBI_ERR_NOT_SUPPORTED. */
#include "sbi_internal.h"

/* Runs fence on the harts of the call's hart list (a0, a1). */
static int64_t fence_harts(const struct sbi_call *call, const struct sbi_fence *fence)
{
	uint64_t targets;
	uint64_t self = 1ull << call->hartid;
	int64_t err = sbi_hart_mask(call, call->a[0], call->a[1], &targets);

	if (err)
		return err;
	if (fence->kind != SBI_FENCE_I && fence->size == 0)
		return SBI_SUCCESS;
	if (targets & self)
		call->env->local_fence(call->env->ctx, fence);
	if (targets & ~self)
		return call->env->remote_fence(call->env->ctx, fence, targets & ~self);
	return SBI_SUCCESS;
}

/* The address range of an SFENCE.VMA call (a2 start, a3 size): start = size = 0 or size = -1
 * is the whole address space; a range that wraps (ends past 2^64) is SBI_ERR_INVALID_ADDRESS. */
static int64_t vma_fence(const struct sbi_call *call, enum sbi_fence_kind kind, uint64_t asid)
{
	uint64_t start = call->a[2];
	uint64_t size = call->a[3];
	struct sbi_fence fence = {kind, start, size, asid};

	if ((start == 0 && size == 0) || size == UINT64_MAX) {
		fence.start = 0;
		fence.size = SBI_FENCE_ALL;
	} else if (size && size - 1 > UINT64_MAX - start) {
		return SBI_ERR_INVALID_ADDRESS;
	}
	return fence_harts(call, &fence);
}

/* remote_fence_i(hart_mask, hart_mask_base) */
static int64_t remote_fence_i(const struct sbi_call *call, struct sbi_result *res)
{
	const struct sbi_fence fence = {SBI_FENCE_I, 0, SBI_FENCE_ALL, 0};

	(void)res;
	return fence_harts(call, &fence);
}

/* remote_sfence_vma(hart_mask, hart_mask_base, start_addr, size) */
static int64_t remote_sfence_vma(const struct sbi_call *call, struct sbi_result *res)
{
	(void)res;
	return vma_fence(call, SBI_FENCE_VMA, 0);
}

/* remote_sfence_vma_asid(hart_mask, hart_mask_base, start_addr, size, asid) */
static int64_t remote_sfence_vma_asid(const struct sbi_call *call, struct sbi_result *res)
{
	(void)res;
	return vma_fence(call, SBI_FENCE_VMA_ASID, call->a[4]);
}

static const sbi_fn fns[] = {
    [SBI_RFENCE_REMOTE_FENCE_I] = remote_fence_i,
    [SBI_RFENCE_REMOTE_SFENCE_VMA] = remote_sfence_vma,
    [SBI_RFENCE_REMOTE_SFENCE_VMA_ASID] = remote_sfence_vma_asid,
};

const struct sbi_extension sbi_ext_rfence = {SBI_EXT_RFENCE, false, fns, SBI_ARRAY_SIZE(fns)};
