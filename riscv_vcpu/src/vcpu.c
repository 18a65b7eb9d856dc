/* The RISC-V backend's vCPU lifecycle: create, reset to the boot state, G-stage root, binding
 * to a hart (which loads the VS-level CSRs), register writes, interrupts and the timer. */
#include <axaddrspace/formats.h>
#include <axvm/error.h>
#include <riscv_vcpu/csr_policy.h>
#include <riscv_vcpu/fence_targets.h>
#include <string.h>

#include "csr.h"
#include "vcpu_sbi.h"
#include "vcpu_state.h"

#define MAX_HARTS 64

#define SSTATUS_FS (3ull << 13)
#define SSTATUS_FS_CLEAN (2ull << 13)
#define SSTATUS_FS_DIRTY (3ull << 13)
#define SIE_SSIE (1ull << 1)
#define SIE_STIE (1ull << 5)
#define SIE_SEIE (1ull << 9)
#define HVIP_VSTIP (1ull << 6)
#define CSR_HIP_VS_BITS ((1ull << 2) | (1ull << 6) | (1ull << 10))

/*
 * What each hart remembers about the vCPUs that used it. Guest FP state is switched lazily:
 * the hypervisor never uses FP, so a hart's f registers hold the state of the last vCPU that
 * ran there (fp_owner) until another one needs them. Unbinding saves them only if the guest
 * dirtied them (sstatus.FS = Dirty); binding loads them unless they are already this vCPU's
 * latest (it owns them and has not run elsewhere since).
 */
struct riscv_hart {
	struct arch_vcpu *fp_owner;
	struct arch_vcpu *last_bound;
	/* Of the last vCPU bound here, kept here: another CPU may destroy that vCPU at any time
	 * (last_bound then becomes NULL), so last_bound is compared, never followed. */
	bool used;
	uint32_t last_vm_id;
	uint32_t last_vcpu_id;
	uint16_t last_vmid;
	/* The hart's id, from arch_hardware_enable, for the firmware's hart masks. */
	bool id_known;
	uint64_t hart_id;
};

/* The hart fields arch_vcpu_destroy clears from another CPU are read and written whole. */
static struct arch_vcpu *load_vcpu(struct arch_vcpu *const *field)
{
	return __atomic_load_n(field, __ATOMIC_RELAXED);
}

static void store_vcpu(struct arch_vcpu **field, struct arch_vcpu *v)
{
	__atomic_store_n(field, v, __ATOMIC_RELAXED);
}

static struct riscv_hart harts[MAX_HARTS];

static void fp_bind(struct arch_vcpu *v, uint32_t h)
{
	if (load_vcpu(&harts[h].fp_owner) == v && v->fp_hart == (int32_t)h)
		return;
	csr_set(sstatus, SSTATUS_FS_DIRTY);
	riscv_fp_restore(v->fp);
	csr_clear(sstatus, SSTATUS_FS);
	store_vcpu(&harts[h].fp_owner, v);
	v->fp_hart = (int32_t)h;
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
	struct arch_vcpu *v;

	/* Hart ids are the vCPU indices: SBI hart masks and HSM name harts 0 to count - 1 here. */
	if (cfg->vcpu_count < 1 || cfg->vcpu_count > SBI_MAX_HARTS || cfg->guest_id != cfg->vcpu_id)
		return AXERR_INVALID;
	v = ax_zalloc(alloc, sizeof(*v));
	if (!v)
		return AXERR_NO_MEMORY;
	v->vm_id = cfg->vm_id;
	v->vcpu_count = cfg->vcpu_count;
	v->vcpu_id = cfg->vcpu_id;
	v->vm_ops = cfg->vm_ops;
	v->hart_id = cfg->guest_id;
	v->vmid = cfg->vmid;
	v->last_hart = -1;
	riscv_vcpu_sbi_init(v);
	arch_vcpu_set_entry(v, &(struct arch_vcpu_entry){0});
	*out = v;
	return AX_OK;
}

void arch_vcpu_destroy(struct arch_vcpu *v, const struct ax_allocator *alloc)
{
	for (int i = 0; i < MAX_HARTS; i++) {
		struct arch_vcpu *owner = v;
		struct arch_vcpu *bound = v;

		/* Only if still v: the hart may have moved on to another vCPU meanwhile. */
		__atomic_compare_exchange_n(&harts[i].fp_owner, &owner, NULL, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		__atomic_compare_exchange_n(&harts[i].last_bound, &bound, NULL, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
	ax_free(alloc, v);
}

/* The SBI boot protocol (and HSM hart_start): S-mode at entry with a0 = hart id, a1 = arg,
 * satp = 0, sstatus.SIE = 0, no interrupt pending or enabled, the timer disarmed, FP off. It
 * has no start with translation on: boot tables are refused. */
int arch_vcpu_set_entry(struct arch_vcpu *v, const struct arch_vcpu_entry *e)
{
	if (v->bound)
		return AXERR_BAD_STATE;
	if (e->boot_tables.v)
		return AXERR_INVALID;
	memset(v->ctx.guest_x, 0, sizeof(v->ctx.guest_x));
	v->ctx.guest_sepc = e->pc.v;
	v->ctx.guest_x[10] = v->hart_id;
	v->ctx.guest_x[11] = e->arg;
	v->ctx.guest_hstatus = riscv_hstatus_initial();
	v->ctx.guest_sstatus = riscv_guest_sstatus_initial(true);
	memset(&v->vs, 0, sizeof(v->vs));
	v->vs.vsstatus = riscv_vsstatus_initial();
	v->vs.vstimecmp = UINT64_MAX;
	v->timer_deadline = UINT64_MAX;
	v->timer_moved = false;
	v->resume.pending = false;
	v->ctx.entry_work = false;
	v->fault.valid = false;
	v->access_pending = false;
	memset(v->fp, 0, sizeof(v->fp));
	v->fp_hart = -1;
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

/*
 * TLBs: G-stage and VS-stage entries are tagged with the VMID, so switching VMs needs no
 * fence. A vCPU's VS-stage entries on this hart may be stale, though, when it last ran on
 * another hart (its guest fenced there) or another vCPU of its VM ran here since (leaving
 * translations its guest never fenced on this vCPU's behalf): then the VMID's VS-stage
 * entries go. VMs share a VMID only on harts without VMIDs (arch_vmid_count): then every
 * switch between them flushes.
 */
static void fence_on_bind(struct arch_vcpu *v, uint32_t h)
{
	struct arch_vcpu *last = load_vcpu(&harts[h].last_bound);

	if (last == v && v->last_hart == (int32_t)h)
		return;
	/* Another VM with this VMID ran here last, or a vCPU since destroyed: its G-stage
	 * entries must not serve this VM. */
	if (harts[h].used && harts[h].last_vmid == v->vmid &&
	    (!last || harts[h].last_vm_id != v->vm_id))
		hfence_gvma_all();
	hfence_vvma_all();
}

int riscv_hart_set_id(uint32_t h, uint64_t hart_id)
{
	if (h >= MAX_HARTS)
		return AXERR_INVALID;
	harts[h].hart_id = hart_id;
	__atomic_store_n(&harts[h].id_known, true, __ATOMIC_RELEASE);
	return AX_OK;
}

bool riscv_vcpu_fence_mask(uint32_t vm_id, uint64_t vcpu_mask, uint64_t *mask)
{
	struct riscv_hart_use use[MAX_HARTS];

	for (uint32_t h = 0; h < MAX_HARTS; h++) {
		use[h].used = __atomic_load_n(&harts[h].used, __ATOMIC_ACQUIRE);
		use[h].vm_id = __atomic_load_n(&harts[h].last_vm_id, __ATOMIC_RELAXED);
		use[h].vcpu_id = __atomic_load_n(&harts[h].last_vcpu_id, __ATOMIC_RELAXED);
		use[h].id_known = __atomic_load_n(&harts[h].id_known, __ATOMIC_ACQUIRE);
		use[h].hart_id = harts[h].hart_id;
	}
	return riscv_fence_targets(use, MAX_HARTS, vm_id, vcpu_mask, mask);
}

int arch_vcpu_bind(struct arch_vcpu *v, uint32_t h)
{
	if (v->bound)
		return AXERR_BAD_STATE;
	if (h >= MAX_HARTS)
		return AXERR_INVALID;
	fp_bind(v, h);
	csr_write(hgatp, v->hgatp);
	fence_on_bind(v, h);
	store_vcpu(&harts[h].last_bound, v);
	__atomic_store_n(&harts[h].last_vm_id, v->vm_id, __ATOMIC_RELAXED);
	__atomic_store_n(&harts[h].last_vcpu_id, v->vcpu_id, __ATOMIC_RELAXED);
	__atomic_store_n(&harts[h].used, true, __ATOMIC_RELEASE);
	harts[h].last_vmid = v->vmid;
	v->last_hart = (int32_t)h;
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
	/* Nothing of this guest may stay pending and enabled: it would end the hart's wfi. */
	csr_write(vsie, 0);
	csr_write(hvip, 0);
	csr_write(hgatp, 0);
	v->bound = false;
	return AX_OK;
}

void arch_vcpu_set_return_value(struct arch_vcpu *v, uint64_t value)
{
	v->ctx.guest_x[10] = value;
}

#define HVIP_VSEIP (1ull << 10)

int arch_vcpu_set_irq_line(struct arch_vcpu *v, enum axvm_irq_line line, bool level)
{
	if (line != AXVM_IRQ_LINE_EXTERNAL)
		return AXERR_INVALID;
	/* The supervisor external interrupt of the guest: hvip.VSEIP. */
	if (level) {
		v->vs.hvip |= HVIP_VSEIP;
		if (v->bound)
			csr_set(hvip, HVIP_VSEIP);
	} else {
		v->vs.hvip &= ~HVIP_VSEIP;
		if (v->bound)
			csr_clear(hvip, HVIP_VSEIP);
	}
	return AX_OK;
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

static uint64_t now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* The guest's timer deadline: vstimecmp with Sstc, else the soft one. */
static uint64_t timer_compare(const struct arch_vcpu *v)
{
	if (!riscv_has_sstc)
		return v->timer_deadline;
	return v->bound ? csr_read(0x24d) : v->vs.vstimecmp;
}

/* hip's VS-level bits (2, 6, 10) are the guest's sip bits (1, 5, 9) shifted up by one; with
 * Sstc, hip.VSTIP includes vstimecmp's own signal. A soft timer that has passed its deadline
 * counts as pending before the next entry raises it. */
bool arch_vcpu_interrupt_pending(const struct arch_vcpu *v)
{
	uint64_t pending = v->bound ? csr_read(0x644) /* hip */ : v->vs.hvip;
	uint64_t enabled = v->bound ? csr_read(vsie) : v->vs.vsie;

	if (timer_compare(v) <= now())
		pending |= HVIP_VSTIP;
	return ((pending & CSR_HIP_VS_BITS) >> 1) & enabled & (SIE_SSIE | SIE_STIE | SIE_SEIE);
}

uint64_t arch_vcpu_timer_deadline(const struct arch_vcpu *v, bool *soft)
{
	uint64_t enabled = v->bound ? csr_read(vsie) : v->vs.vsie;

	*soft = !riscv_has_sstc;
	return enabled & SIE_STIE ? timer_compare(v) : UINT64_MAX;
}

uint64_t arch_vcpu_pc(const struct arch_vcpu *v)
{
	return v->ctx.guest_sepc;
}

const struct pt_format *arch_stage2_format(void)
{
	return &pt_format_sv39x4;
}
