/* Which physical harts a guest's remote TLB fence has to reach. Pure computation over what the
 * backend records at each bind, unit-tested on the host. */
#ifndef RISCV_VCPU_FENCE_TARGETS_H
#define RISCV_VCPU_FENCE_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a physical hart last ran, and its hart id (for the firmware's hart masks). */
struct riscv_hart_use {
	bool used;	  /* a vCPU was bound here */
	uint32_t vm_id;	  /* of the last vCPU bound here */
	uint32_t vcpu_id; /* its index in that VM */
	bool id_known;	  /* hart_id is set */
	uint64_t hart_id;
};

/*
 * The harts a guest-virtual fence (HFENCE.VVMA for the VM's VMID) for the vCPUs in vcpu_mask of
 * VM vm_id must reach, as a firmware hart mask from base 0 in *mask: the harts whose last
 * bound vCPU is one of them. Any other hart holds no guest-virtual translation one of them may
 * use: binding a vCPU where another one ran last flushes the VM's (arch_vcpu_bind). Returns
 * false when a target's hart id is unknown or does not fit a 64-bit mask: fence every hart.
 */
bool riscv_fence_targets(const struct riscv_hart_use *harts, size_t count, uint32_t vm_id,
			 uint64_t vcpu_mask, uint64_t *mask);

#endif
