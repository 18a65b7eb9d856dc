/* The RISC-V backend's vCPU lifecycle: create, entry point, G-stage root, binding to a hart
 * (which loads the VS-level CSRs), register writes and interrupt injection. */
#include <axaddrspace/formats.h>
#include <axvm/error.h>
#include <riscv_vcpu/csr_policy.h>
#include <string.h>

#include "csr.h"
#include "vcpu_state.h"

/*
 * Guest FP state is switched lazily. The hypervisor never uses FP, so a hart's FP registers
 * hold the state of the last vCPU that ran there (fp_owner). Unbinding saves them only if the
 * guest dirtied them (sstatus.FS = Dirty); binding loads them only if another vCPU has used
 * this hart's registers since.
 */
#define SSTATUS_FS (3ull << 13)
#define SSTATUS_FS_CLEAN (2ull << 13)
#define SSTATUS_FS_DIRTY (3ull << 13)

static struct arch_vcpu *fp_owner[64];

static uint32_t hart_index(void)
{
	uint64_t tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return (uint32_t)tp % 64;
}

static void fp_bind(struct arch_vcpu *v)
{
	uint32_t hart = hart_index();

	if (fp_owner[hart] == v)
		return;
	csr_set(sstatus, SSTATUS_FS_DIRTY);
	riscv_fp_restore(v->fp);
	csr_clear(sstatus, SSTATUS_FS);
	fp_owner[hart] = v;
}

static void fp_unbind(struct arch_vcpu *v)
{
	if ((v->ctx.guest_sstatus & SSTATUS_FS) != SSTATUS_FS_DIRTY)
		return;
	csr_set(sstatus, SSTATUS_FS_DIRTY);
	riscv_fp_save(v->fp);
	csr_clear(sstatus, SSTATUS_FS);
	v->ctx.guest_sstatus = (v->ctx.guest_sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

int arch_vcpu_create(const struct ax_allocator *alloc, const struct arch_vcpu_create_config *cfg,
		     struct arch_vcpu **out)
{
	struct arch_vcpu *v = ax_zalloc(alloc, sizeof(*v));

	if (!v)
		return AXERR_NO_MEMORY;
	v->vm_id = cfg->vm_id;
	v->vcpu_count = cfg->vcpu_count;
	v->vm_ops = cfg->vm_ops;
	v->vcpu_id = cfg->vcpu_id;
	v->hart_id = cfg->guest_id;
	v->vmid = cfg->vmid;
	v->ctx.guest_hstatus = riscv_hstatus_initial();
	v->ctx.guest_sstatus = riscv_guest_sstatus_initial(true);
	v->vs.vsstatus = riscv_vsstatus_initial();
	v->timer_deadline = UINT64_MAX;
	v->vs.vstimecmp = UINT64_MAX;
	*out = v;
	return AX_OK;
}

void arch_vcpu_destroy(struct arch_vcpu *v, const struct ax_allocator *alloc)
{
	for (int i = 0; i < 64; i++) {
		if (fp_owner[i] == v)
			fp_owner[i] = NULL;
	}
	ax_free(alloc, v);
}

/* The RISC-V boot protocol: a0 = hart id, a1 = the devicetree. */
int arch_vcpu_set_entry(struct arch_vcpu *v, gpa_t entry, uint64_t arg)
{
	v->ctx.guest_sepc = entry.v;
	v->ctx.guest_x[10] = v->hart_id;
	v->ctx.guest_x[11] = arg;
	return AX_OK;
}

int arch_vcpu_set_stage2(struct arch_vcpu *v, hpa_t root, const struct pt_format *fmt)
{
	if (fmt != &pt_format_sv39x4 && fmt != &pt_format_sv48x4)
		return AXERR_INVALID;
	if (v->vmid >> riscv_vmid_bits)
		return AXERR_UNSUPPORTED; /* more VMs than the harts can tell apart */
	v->hgatp = riscv_hgatp(fmt, root, v->vmid);
	return AX_OK;
}

int arch_vcpu_setup(struct arch_vcpu *v)
{
	return v->hgatp ? AX_OK : AXERR_BAD_STATE;
}

int arch_vcpu_bind(struct arch_vcpu *v)
{
	if (v->bound)
		return AXERR_BAD_STATE;
	fp_bind(v);
	csr_write(hgatp, v->hgatp);
	hfence_gvma_all();
	csr_write(vsstatus, v->vs.vsstatus);
	csr_write(vsie, v->vs.vsie);
	csr_write(vstvec, v->vs.vstvec);
	csr_write(vsscratch, v->vs.vsscratch);
	csr_write(vsepc, v->vs.vsepc);
	csr_write(vscause, v->vs.vscause);
	csr_write(vstval, v->vs.vstval);
	csr_write(vsatp, v->vs.vsatp);
	csr_write(hvip, v->vs.hvip);
	if (riscv_has_sstc)
		csr_write(0x24d, v->vs.vstimecmp); /* vstimecmp */
	/* Another vCPU's VS-stage translations may be cached under this VMID. */
	hfence_vvma_all();
	v->bound = true;
	return AX_OK;
}

int arch_vcpu_unbind(struct arch_vcpu *v)
{
	if (!v->bound)
		return AXERR_BAD_STATE;
	fp_unbind(v);
	v->vs.vsstatus = csr_read(vsstatus);
	v->vs.vsie = csr_read(vsie);
	v->vs.vstvec = csr_read(vstvec);
	v->vs.vsscratch = csr_read(vsscratch);
	v->vs.vsepc = csr_read(vsepc);
	v->vs.vscause = csr_read(vscause);
	v->vs.vstval = csr_read(vstval);
	v->vs.vsatp = csr_read(vsatp);
	v->vs.hvip = csr_read(hvip);
	if (riscv_has_sstc)
		v->vs.vstimecmp = csr_read(0x24d);
	csr_write(hgatp, 0);
	v->bound = false;
	return AX_OK;
}

int arch_vcpu_set_gpr(struct arch_vcpu *v, unsigned reg, uint64_t value)
{
	if (reg >= 32)
		return AXERR_INVALID;
	if (reg != 0)
		v->ctx.guest_x[reg] = value;
	return AX_OK;
}

void arch_vcpu_set_return_value(struct arch_vcpu *v, uint64_t value)
{
	v->ctx.guest_x[10] = value;
}

int arch_vcpu_set_interrupt_level(struct arch_vcpu *v, uint32_t vector, bool level)
{
	uint64_t bit;
	int err = riscv_hvip_bit(vector, &bit);

	if (err)
		return err;
	if (level) {
		v->vs.hvip |= bit;
		if (v->bound)
			csr_set(hvip, bit);
	} else {
		v->vs.hvip &= ~bit;
		if (v->bound)
			csr_clear(hvip, bit);
	}
	return AX_OK;
}

uint32_t arch_external_interrupt_vector(void)
{
	return 9; /* supervisor external interrupt: hvip.VSEIP */
}

int arch_vcpu_inject_interrupt(struct arch_vcpu *v, uint32_t vector)
{
	uint64_t bit;
	int err = riscv_hvip_bit(vector, &bit);

	if (err)
		return err;
	v->vs.hvip |= bit;
	if (v->bound)
		csr_set(hvip, bit);
	return AX_OK;
}

const struct pt_format *arch_stage2_format(void)
{
	return &pt_format_sv39x4;
}
