/* The VT-x backend's vCPU lifecycle: create (a VMCS and an XSAVE area each), the boot state,
 * the EPT root, binding to a CPU (the VMCS made current there, the guest's extended state and
 * the MSRs the VMCS does not switch loaded). */
#include <axaddrspace/formats.h>
#include <axvm/error.h>
#include <string.h>
#include <x86_vcpu/boot_tables.h>
#include <x86_vcpu/ept.h>
#include <x86_vcpu/exit_info.h>

#include "vcpu_state.h"
#include "vmcs_fields.h"
#include "vmx_asm.h"

/* xAPIC IDs are 8 bits, and the APIC ID is the vCPU's index. */
#define MAX_VCPUS 256
#define XCR0_X87 1ull
#define XSAVE_FCW_RESET 0x37f
#define XSAVE_MXCSR_OFFSET 24
#define XSAVE_MXCSR_RESET 0x1f80
#define PAGE_SIZE 4096u
#define DR6_RESET 0xffff0ff0ull

static const uint32_t swapped_msrs[SWAP_MSRS] = {
    [SWAP_STAR] = 0xc0000081,	[SWAP_LSTAR] = 0xc0000082,	    [SWAP_CSTAR] = 0xc0000083,
    [SWAP_SFMASK] = 0xc0000084, [SWAP_KERNEL_GS_BASE] = 0xc0000102, [SWAP_TSC_AUX] = 0xc0000103,
};

static void free_page(const struct axaddr_mm *mm, uint64_t pa)
{
	if (pa)
		mm->free_pages(mm->ctx, hpa(pa), 1);
}

/* One page below 4 GiB when the CPU wants VMX structures there. */
static int alloc_page(const struct axaddr_mm *mm, uint64_t *pa)
{
	hpa_t p;
	int err = mm->alloc_pages(mm->ctx, 1, 1, &p);

	if (err)
		return err;
	if (x86_vmx.below_4g && p.v + PAGE_SIZE > (1ull << 32)) {
		mm->free_pages(mm->ctx, p, 1);
		return AXERR_NO_MEMORY;
	}
	*pa = p.v;
	return AX_OK;
}

int arch_vcpu_create(const struct ax_allocator *alloc, const struct arch_vcpu_create_config *cfg,
		     struct arch_vcpu **out)
{
	struct arch_vcpu *v;
	void *vmcs;
	int err;

	if (cfg->vcpu_count < 1 || cfg->vcpu_count > MAX_VCPUS || cfg->guest_id != cfg->vcpu_id ||
	    !cfg->mm || !x86_vmx.revision)
		return AXERR_INVALID;
	v = ax_zalloc(alloc, sizeof(*v));
	if (!v)
		return AXERR_NO_MEMORY;
	v->mm = cfg->mm;
	err = alloc_page(v->mm, &v->vmcs_pa);
	if (!err)
		err = alloc_page(v->mm, &v->xsave_pa);
	if (err) {
		arch_vcpu_destroy(v, alloc);
		return err;
	}
	vmcs = (void *)v->mm->phys_to_virt(v->mm->ctx, hpa(v->vmcs_pa)).v;
	memset(vmcs, 0, PAGE_SIZE);
	*(uint32_t *)vmcs = x86_vmx.revision;
	v->xsave = (void *)v->mm->phys_to_virt(v->mm->ctx, hpa(v->xsave_pa)).v;
	v->vm_id = cfg->vm_id;
	v->vcpu_id = cfg->vcpu_id;
	v->vcpu_count = cfg->vcpu_count;
	v->vm_ops = cfg->vm_ops;
	v->vmid = cfg->vmid;
	v->vpid = x86_vmx.vpid ? cfg->vmid : 0;
	v->cpu = -1;
	v->last_cpu = -1;
	arch_vcpu_set_entry(v, &(struct arch_vcpu_entry){0});
	*out = v;
	return AX_OK;
}

void arch_vcpu_destroy(struct arch_vcpu *v, const struct ax_allocator *alloc)
{
	free_page(v->mm, v->vmcs_pa);
	free_page(v->mm, v->xsave_pa);
	ax_free(alloc, v);
}

/* The extended state at reset: every component in its initial state, MXCSR's default. */
static void xsave_reset(void *area)
{
	memset(area, 0, PAGE_SIZE);
	*(uint16_t *)area = XSAVE_FCW_RESET;
	*(uint32_t *)((char *)area + XSAVE_MXCSR_OFFSET) = XSAVE_MXCSR_RESET;
}

/* EDX as the CPU leaves reset: its signature (SDM Vol. 3A 9.1.4), the CPUID.1 EAX the guest
 * also reads. */
static uint64_t reset_edx(void)
{
	uint32_t r[4];

	x86_cpuid(1, 0, r);
	return r[0];
}

/* The registers of the boot state; the VMCS's part is written at the next bind (or now, by
 * x86_vcpu_restart). */
static void reset_state(struct arch_vcpu *v, uint64_t entry, uint64_t arg)
{
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.r[GPR_RSI] = arg;
	v->cr2 = 0;
	v->boot_entry = entry;
	v->boot_arg = arg;
	v->boot_tables = 0;
	v->rip = entry;
	v->xcr0 = XCR0_X87;
	v->mtrr_def_type = 0;
	xsave_reset(v->xsave);
	memset(v->msrs, 0, sizeof(v->msrs));
	v->inject_info = 0;
	v->nmi_pending = false;
	v->pending = PENDING_NONE;
	v->fault_valid = false;
	memset(v->dr, 0, sizeof(v->dr));
	v->dr6 = DR6_RESET;
}

/* vCPU 0 starts by the Linux boot protocol: 32-bit protected mode with paging off, or with boot
 * tables (x86_vcpu/boot_tables.h) long mode on them, ESI/RSI the argument; or, at the reset
 * vector, as the CPU leaves reset. Core starts any other vCPU only for a SIPI (vcpu_lapic.c). */
static enum x86_boot_mode boot_mode(const struct arch_vcpu *v, const struct arch_vcpu_entry *e)
{
	if (v->vcpu_id != 0)
		return X86_BOOT_SIPI;
	if (e->pc.v == X86_RESET_VECTOR)
		return X86_BOOT_RESET;
	return e->boot_tables.v ? X86_BOOT_LONG : X86_BOOT_PROTECTED;
}

int arch_vcpu_set_entry(struct arch_vcpu *v, const struct arch_vcpu_entry *e)
{
	enum x86_boot_mode mode = boot_mode(v, e);

	if (v->bound)
		return AXERR_BAD_STATE;
	if (e->boot_tables.v % X86_BOOT_TABLES_ALIGN || (e->boot_tables.v && mode != X86_BOOT_LONG))
		return AXERR_INVALID;
	reset_state(v, e->pc.v, e->arg);
	v->boot_tables = e->boot_tables.v;
	v->boot_mode = mode;
	if (v->boot_mode == X86_BOOT_RESET)
		v->regs.r[GPR_RDX] = reset_edx();
	v->state_pending = true;
	v->init_pending = false;
	v->wait_for_sipi = false;
	v->sipi_pending = false;
	x86_lapic_reset(&v->lapic, v->vcpu_id, v->vcpu_count);
	return AX_OK;
}

void x86_vcpu_restart(struct arch_vcpu *v, uint64_t entry)
{
	reset_state(v, entry, 0);
	v->boot_mode = X86_BOOT_SIPI;
	/* The extended state and the swapped MSRs are live while bound. */
	x86_xsetbv(0, x86_vmx.xcr0_supported);
	x86_xrstor(v->xsave, x86_vmx.xcr0_supported);
	x86_xsetbv(0, v->xcr0);
	for (int i = 0; i < SWAP_MSRS; i++)
		x86_wrmsr(swapped_msrs[i], v->msrs[i]);
	x86_vmcs_boot_state(v);
}

int arch_vcpu_set_stage2(struct arch_vcpu *v, hpa_t root, const struct pt_format *fmt)
{
	if (fmt != &pt_format_ept4)
		return AXERR_INVALID;
	v->eptp = x86_eptp(root);
	return AX_OK;
}

int arch_vcpu_setup(struct arch_vcpu *v)
{
	return v->eptp ? AX_OK : AXERR_BAD_STATE;
}

/* Linear translations are tagged with the VPID, which every vCPU of a VM shares: the CPU's
 * own are dropped when another vCPU ran here last, or this one ran elsewhere since (its guest
 * invalidated them there). Without VPIDs, entries and exits flush them. */
static void flush_vpid_if_stale(struct arch_vcpu *v, struct x86_cpu *c, uint32_t cpu)
{
	if (v->vpid && (c->last_vcpu != v || v->last_cpu != (int32_t)cpu))
		vmx_invvpid(x86_vmx.invvpid_single ? INV_SINGLE_CONTEXT : INV_ALL_CONTEXTS,
			    v->vpid);
	c->last_vcpu = v;
	v->last_cpu = (int32_t)cpu;
}

int arch_vcpu_bind(struct arch_vcpu *v, uint32_t cpu)
{
	struct x86_cpu *c;

	if (v->bound)
		return AXERR_BAD_STATE;
	if (cpu >= X86_MAX_CPUS || !x86_cpus[cpu].enabled)
		return AXERR_INVALID;
	c = &x86_cpus[cpu];
	if (!vmcs_load(v->vmcs_pa))
		return AXERR_BAD_STATE;
	if (!v->vmcs_ready) {
		x86_vmcs_init(v);
		v->vmcs_ready = true;
	} else {
		x86_vmcs_host_cpu();
	}
	if (v->state_pending)
		x86_vmcs_boot_state(v);
	vmcs_write(VMCS_EPT_POINTER, v->eptp);
	flush_vpid_if_stale(v, c, cpu);
	/* Every component the CPU has, so that none keeps another guest's values. */
	x86_xsetbv(0, x86_vmx.xcr0_supported);
	x86_xrstor(v->xsave, x86_vmx.xcr0_supported);
	x86_xsetbv(0, v->xcr0);
	for (int i = 0; i < SWAP_MSRS; i++)
		x86_wrmsr(swapped_msrs[i], v->msrs[i]);
	v->cpu = (int32_t)cpu;
	v->bound = true;
	return AX_OK;
}

int arch_vcpu_unbind(struct arch_vcpu *v)
{
	if (!v->bound)
		return AXERR_BAD_STATE;
	v->rip = vmcs_read(VMCS_GUEST_RIP);
	for (int i = 0; i < SWAP_MSRS; i++)
		v->msrs[i] = x86_rdmsr(swapped_msrs[i]);
	x86_xsetbv(0, x86_vmx.xcr0_supported);
	x86_xsave(v->xsave, x86_vmx.xcr0_supported);
	/* Written back to memory, so that any CPU may load it next. */
	vmcs_clear(v->vmcs_pa);
	v->launched = false;
	v->cpu = -1;
	v->bound = false;
	return AX_OK;
}

void arch_vcpu_set_return_value(struct arch_vcpu *v, uint64_t value)
{
	v->regs.r[GPR_RAX] = value;
}

/* The external interrupt line carries no vector: x86 interrupts are vectored
 * (arch_vcpu_inject_interrupt). */
int arch_vcpu_set_irq_line(struct arch_vcpu *v, enum axvm_irq_line line, bool level)
{
	(void)v;
	(void)line;
	(void)level;
	return AXERR_INVALID;
}

uint64_t arch_vcpu_pc(const struct arch_vcpu *v)
{
	return v->bound ? vmcs_read(VMCS_GUEST_RIP) : v->rip;
}
