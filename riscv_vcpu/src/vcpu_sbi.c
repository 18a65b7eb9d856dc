#include "vcpu_sbi.h"

#include <axvm/error.h>
#include <riscv_vcpu/sbi.h>

#include "csr.h"
#include "host_sbi.h"

#define HVIP_VSTIP (1ull << 6)

/*
 * The guest's timer; its time is the host's (htimedelta is 0). With Sstc the hardware compares
 * vstimecmp with time itself. Without, the deadline is soft: riscv_vcpu_timer_check raises
 * hvip.VSTIP before an entry once it has passed, and the guest leaves with AXVM_EXIT_TIMER so
 * that the host arms its own timer to interrupt the guest then. Either way a new deadline drops
 * a pending interrupt, as SBI set_timer requires.
 */
static void set_timer(void *ctx, uint64_t stime)
{
	struct arch_vcpu *v = ctx;

	v->vs.hvip &= ~HVIP_VSTIP;
	csr_clear(hvip, HVIP_VSTIP);
	if (riscv_has_sstc) {
		v->vs.vstimecmp = stime;
		csr_write(0x24d, stime); /* vstimecmp */
		return;
	}
	v->timer_deadline = stime;
	riscv_note_entry_work(v);
	v->timer_moved = true;
}

static void console_putc(void *ctx, uint8_t byte)
{
	struct arch_vcpu *v = ctx;

	v->vm_ops.console_putc(v->vm_ops.ctx, byte);
}

static int console_getc(void *ctx)
{
	struct arch_vcpu *v = ctx;

	return v->vm_ops.console_getc(v->vm_ops.ctx);
}

static int read_guest(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct arch_vcpu *v = ctx;

	return v->vm_ops.read_guest(v->vm_ops.ctx, gpa, buf, len);
}

static int write_guest(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	struct arch_vcpu *v = ctx;

	return v->vm_ops.write_guest(v->vm_ops.ctx, gpa, buf, len);
}

/* Hart ids are vCPU indices; their HSM states are core's power states. */
static enum sbi_hsm_state hart_state(void *ctx, uint64_t hartid)
{
	struct arch_vcpu *v = ctx;

	switch (v->vm_ops.vcpu_power(v->vm_ops.ctx, hartid)) {
	case AXVM_VCPU_START_PENDING:
		return SBI_HSM_START_PENDING;
	case AXVM_VCPU_ON:
		return SBI_HSM_STARTED;
	case AXVM_VCPU_SUSPENDED:
		return SBI_HSM_SUSPENDED;
	case AXVM_VCPU_STOP_PENDING:
		return SBI_HSM_STOP_PENDING;
	case AXVM_VCPU_OFF:
		break;
	}
	return SBI_HSM_STOPPED;
}

static int64_t hart_start(void *ctx, uint64_t hartid, uint64_t start, uint64_t opaque)
{
	struct arch_vcpu *v = ctx;
	int err = v->vm_ops.vcpu_start(v->vm_ops.ctx, hartid, start, opaque);

	return !err			? SBI_SUCCESS
	       : err == AXERR_BAD_STATE ? SBI_ERR_ALREADY_AVAILABLE
					: SBI_ERR_FAILED;
}

static void resume_at(void *ctx, uint64_t addr, uint64_t opaque)
{
	struct arch_vcpu *v = ctx;

	v->resume = (struct riscv_resume){.pending = true, .addr = addr, .opaque = opaque};
	v->ctx.entry_work = true;
}

/* HFENCE.VVMA acts on the VMID in hgatp: this VM's guest-virtual translations. */
static void local_fence(void *ctx, const struct sbi_fence *fence)
{
	(void)ctx;
	if (fence->kind == SBI_FENCE_I)
		__asm__ volatile("fence.i" ::: "memory");
	else
		hfence_vvma_all();
}

/* The host firmware fences the physical harts that may hold translations of the target
 * vCPUs, for the VMID of the calling hart's hgatp, and returns when they have: for a TLB fence
 * the harts where a target was the last vCPU of the VM bound (riscv_vcpu_fence_mask), for an
 * instruction fence every hart (a vCPU may move to any hart without one). */
static int64_t remote_fence(void *ctx, const struct sbi_fence *fence, uint64_t vcpu_mask)
{
	struct arch_vcpu *v = ctx;
	long fid =
	    fence->kind == SBI_FENCE_I ? HOST_SBI_REMOTE_FENCE_I : HOST_SBI_REMOTE_HFENCE_VVMA;
	uint64_t mask = 0, base = (uint64_t)-1; /* base -1: every hart */

	if (fence->kind != SBI_FENCE_I && riscv_vcpu_fence_mask(v->vm_id, vcpu_mask, &mask)) {
		if (!mask)
			return SBI_SUCCESS;
		base = 0;
	}
	/* start 0 and size -1: the whole address space. */
	return host_sbi(HOST_SBI_EXT_RFENCE, fid, mask, base, 0, (uint64_t)-1, 0) == 0
		   ? SBI_SUCCESS
		   : SBI_ERR_FAILED;
}

static int release_memory(void *ctx, uint64_t gpa, uint64_t size)
{
	struct arch_vcpu *v = ctx;

	return v->vm_ops.release_memory(v->vm_ops.ctx, gpa, size);
}

void riscv_vcpu_sbi_init(struct arch_vcpu *v)
{
	v->sbi_env = (struct sbi_env){
	    .ctx = v,
	    .set_timer = set_timer,
	    .console_putc = console_putc,
	    .console_getc = console_getc,
	    .read_guest = read_guest,
	    .write_guest = write_guest,
	    .hart_state = hart_state,
	    .hart_start = hart_start,
	    .resume_at = resume_at,
	    .local_fence = local_fence,
	    .remote_fence = remote_fence,
	    .release_memory = release_memory,
	};
	v->sbi_call = (struct sbi_call){&v->sbi_env, (uint32_t)v->hart_id, v->vcpu_count,
					&v->ctx.guest_x[10]};
}

enum axvm_disposition riscv_vcpu_sbi(struct arch_vcpu *v, uint64_t cause)
{
	struct sbi_result res;

	(void)cause;
	sbi_handle_call(&v->sbi_call, &res);
	v->ctx.guest_x[10] = (uint64_t)res.error;
	v->ctx.guest_x[11] = res.value;
	v->ctx.guest_sepc += 4;
	if (res.action == SBI_ACTION_EXIT) {
		*v->exit = res.exit;
		return riscv_to_core(v);
	}
	if (v->timer_moved) {
		v->timer_moved = false;
		v->exit->kind = AXVM_EXIT_TIMER;
		v->exit->timer.deadline = v->timer_deadline;
		return riscv_to_core(v);
	}
	return AXVM_RESUME;
}
