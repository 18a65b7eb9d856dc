#include <riscv_vcpu/fence_targets.h>

bool riscv_fence_targets(const struct riscv_hart_use *harts, size_t count, uint32_t vm_id,
			 uint64_t vcpu_mask, uint64_t *mask)
{
	*mask = 0;
	for (size_t h = 0; h < count; h++) {
		const struct riscv_hart_use *u = &harts[h];

		if (!u->used || u->vm_id != vm_id || u->vcpu_id >= 64 ||
		    !((vcpu_mask >> u->vcpu_id) & 1))
			continue;
		if (!u->id_known || u->hart_id >= 64)
			return false;
		*mask |= 1ull << u->hart_id;
	}
	return true;
}
