/* VMX operation per CPU (VMXON), what every CPU was found to support, the EPT format, and the
 * invalidation of cached guest translations on every CPU: x86 has no broadcast invalidation,
 * so each CPU catches up with a generation counter before it enters a guest, and a CPU inside
 * a guest whose translations must go is kicked out and waited for. */
#include <axaddrspace/formats.h>
#include <axvm/error.h>
#include <string.h>
#include <x86_vcpu/vmx_caps.h>
#include <x86_vcpu/vmx_controls.h>

#include "vcpu_state.h"
#include "vmx_asm.h"

#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_XSAVE (1u << 26)
#define FEATURE_CONTROL_LOCKED (1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)
#define EPT_CAP_WB (1ull << 14)
#define EPT_CAP_INVEPT (1ull << 20)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define VPID_CAP_INVVPID (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define VPID_CAP_INVVPID_ALL (1ull << 42)
#define FOUR_GIB (1ull << 32)
#define PAGE_SIZE 4096u
/* How often at least the host gets a CPU back from a guest that keeps running (vcpu_run.c). */
#define PREEMPTION_HZ 1000

struct x86_cpu x86_cpus[X86_MAX_CPUS];
struct x86_vmx_host x86_vmx;

/* 0: nobody found the CPUs' features yet; 1: one CPU is at it; 2: x86_vmx holds them. */
static _Atomic int probe_state;
static int probe_result;
/* Bumped by every invalidation (x86_cpu_enter_guest). */
static _Atomic uint32_t flush_gen;

bool arch_has_hardware_support(void)
{
	uint32_t r[4];

	x86_cpuid(1, 0, r);
	return r[2] & CPUID1_ECX_VMX;
}

/* Whether the firmware lets VMXON run outside SMX; locks the MSR if it was left open. */
static bool feature_control_allows_vmx(void)
{
	uint64_t fc = x86_rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCKED)) {
		fc |= FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMX_OUTSIDE_SMX;
		x86_wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
	}
	return fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX;
}

/* One zeroed page from mm (below 4 GiB when the CPU needs VMX structures there). */
static int alloc_page(const struct axaddr_mm *mm, bool below_4g, uint64_t *pa)
{
	hpa_t p;
	int err = mm->alloc_pages(mm->ctx, 1, 1, &p);

	if (err)
		return err;
	if (below_4g && p.v + PAGE_SIZE > FOUR_GIB) {
		mm->free_pages(mm->ctx, p, 1);
		return AXERR_NO_MEMORY;
	}
	memset((void *)mm->phys_to_virt(mm->ctx, p).v, 0, PAGE_SIZE);
	*pa = p.v;
	return AX_OK;
}

/* The MSR bitmap: every MSR exits (x86_msr.c emulates the ones it knows) but those the VMCS
 * switches or the backend swaps at bind, which the guest uses freely. */
static void fill_msr_bitmap(uint8_t *bitmap)
{
	static const uint32_t free_msrs[] = {
	    MSR_IA32_SYSENTER_CS,
	    MSR_IA32_SYSENTER_ESP,
	    MSR_IA32_SYSENTER_EIP,
	    MSR_IA32_FS_BASE,
	    MSR_IA32_GS_BASE,
	    0xc0000081, /* STAR */
	    0xc0000082,
	    0xc0000083,
	    0xc0000084, /* LSTAR, CSTAR, SFMASK */
	    0xc0000102,
	    0xc0000103, /* KERNEL_GS_BASE, TSC_AUX */
	};

	memset(bitmap, 0xff, PAGE_SIZE);
	for (size_t i = 0; i < sizeof(free_msrs) / sizeof(free_msrs[0]); i++) {
		uint32_t msr = free_msrs[i];
		/* Reads low, reads high, writes low, writes high: 1 KiB each. */
		uint32_t base = msr >= 0xc0000000 ? 1024 : 0;
		uint32_t bit = msr & 0x1fff;

		bitmap[base + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
		bitmap[2048 + base + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
	}
}

/* Reads what this CPU supports into x86_vmx and sets up what all vCPUs share: done by the
 * first CPU enabled; the others find the same CPU model. */
static int probe(const struct arch_cpu_host *host)
{
	struct vmx_control_msrs m = {0};
	enum vmx_control_field field;
	uint32_t missing, r[4];
	uint64_t ept_vpid = 0;
	struct vmx_caps caps;
	hpa_t io;
	int err;

	m.basic = x86_rdmsr(MSR_IA32_VMX_BASIC);
	m.pinbased = x86_rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
	m.procbased = x86_rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	m.exit = x86_rdmsr(MSR_IA32_VMX_EXIT_CTLS);
	m.entry = x86_rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
	if (m.procbased & VMX_PROCBASED_ALLOWED_SECONDARY)
		m.procbased2 = x86_rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (m.basic & (1ull << 55)) {
		m.true_pinbased = x86_rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
		m.true_procbased = x86_rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
		m.true_exit = x86_rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
		m.true_entry = x86_rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	}
	if (m.procbased2 & (VMX_PROCBASED2_ALLOWED_EPT | VMX_PROCBASED2_ALLOWED_VPID))
		ept_vpid = x86_rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	caps = vmx_caps_decode(m.basic, m.procbased, m.procbased2, ept_vpid);
	if (caps.region_size > PAGE_SIZE || !caps.ept_4level || !(ept_vpid & EPT_CAP_WB) ||
	    !(ept_vpid & EPT_CAP_INVEPT) || !(ept_vpid & EPT_CAP_INVEPT_ALL))
		return AXERR_UNSUPPORTED;
	err = vmx_controls_compute(&m, &x86_vmx.controls, &field, &missing);
	if (err)
		return err;
	x86_vmx.revision = caps.revision;
	x86_vmx.vpid = (x86_vmx.controls.proc2 & VMX_PROC2_ENABLE_VPID) &&
		       (ept_vpid & VPID_CAP_INVVPID) && (ept_vpid & VPID_CAP_INVVPID_ALL);
	if (!x86_vmx.vpid)
		x86_vmx.controls.proc2 &= ~VMX_PROC2_ENABLE_VPID;
	x86_vmx.invvpid_single = ept_vpid & VPID_CAP_INVVPID_SINGLE;
	x86_vmx.cr0_fixed0 = x86_rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	x86_vmx.cr0_fixed1 = x86_rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	x86_vmx.cr4_fixed0 = x86_rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	x86_vmx.cr4_fixed1 = x86_rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	x86_cpuid(0, 0, r);
	x86_vmx.max_basic = r[0];
	x86_cpuid(0x80000000u, 0, r);
	x86_vmx.max_extended = r[0];
	x86_cpuid(1, 0, r);
	if (!(r[2] & CPUID1_ECX_XSAVE) || x86_vmx.max_basic < 0xd)
		return AXERR_UNSUPPORTED;
	x86_cpuid(0xd, 0, r);
	x86_vmx.xcr0_supported = (uint64_t)r[3] << 32 | r[0];
	x86_vmx.xsave_size = r[2];
	if (x86_vmx.xsave_size > PAGE_SIZE)
		return AXERR_UNSUPPORTED;
	err = alloc_page(host->mm, caps.below_4g, &x86_vmx.msr_bitmap_pa);
	if (err)
		return err;
	fill_msr_bitmap(
	    (uint8_t *)host->mm->phys_to_virt(host->mm->ctx, hpa(x86_vmx.msr_bitmap_pa)).v);
	err = host->mm->alloc_pages(host->mm->ctx, 2, 1, &io);
	if (err)
		return err;
	/* Every port exits: the VM's devices or nothing answer it. */
	memset((void *)host->mm->phys_to_virt(host->mm->ctx, io).v, 0xff, 2 * PAGE_SIZE);
	x86_vmx.io_bitmap_pa = io.v;
	x86_vmx.below_4g = caps.below_4g;
	x86_vmx.host = host;
	if (x86_vmx.controls.pin & VMX_PIN_PREEMPTION_TIMER) {
		x86_vmx.preemption_period = host->counter_hz / PREEMPTION_HZ;
		x86_vmx.preemption_shift = x86_rdmsr(MSR_IA32_VMX_MISC) & 0x1f;
	}
	return AX_OK;
}

/* probe() once, by whichever CPU comes first. */
static int probe_once(const struct arch_cpu_host *host)
{
	int expected = 0;

	if (atomic_compare_exchange_strong(&probe_state, &expected, 1)) {
		probe_result = probe(host);
		atomic_store(&probe_state, 2);
	}
	while (atomic_load(&probe_state) != 2)
		__asm__ volatile("pause");
	return probe_result;
}

int arch_hardware_enable(uint32_t cpu, uint64_t hw_id, const struct arch_cpu_host *host)
{
	struct x86_cpu *c;
	uint64_t pa;
	int err;

	(void)hw_id;
	if (cpu >= X86_MAX_CPUS || !host || !host->mm || !host->kick_cpu)
		return AXERR_INVALID;
	c = &x86_cpus[cpu];
	if (c->enabled)
		return AXERR_BAD_STATE;
	if (!arch_has_hardware_support() || !feature_control_allows_vmx())
		return AXERR_UNSUPPORTED;
	err = probe_once(host);
	if (err)
		return err;
	err = alloc_page(host->mm, x86_vmx.below_4g, &pa);
	if (err)
		return err;
	*(volatile uint32_t *)host->mm->phys_to_virt(host->mm->ctx, hpa(pa)).v = x86_vmx.revision;
	/* The guest's extended state is switched with XSAVE (vcpu.c): the host enables it. */
	x86_write_cr4(x86_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE);
	x86_write_cr0(vmx_fixed_cr(x86_read_cr0(), x86_vmx.cr0_fixed0, x86_vmx.cr0_fixed1));
	x86_write_cr4(
	    vmx_fixed_cr(x86_read_cr4() | CR4_VMXE, x86_vmx.cr4_fixed0, x86_vmx.cr4_fixed1));
	if (!vmx_on(pa)) {
		x86_write_cr4(x86_read_cr4() & ~CR4_VMXE);
		host->mm->free_pages(host->mm->ctx, hpa(pa), 1);
		return AXERR_UNSUPPORTED;
	}
	/* Nothing cached from before (firmware, an earlier host) may be taken for a VM's. */
	vmx_invept(INV_ALL_CONTEXTS, 0);
	if (x86_vmx.vpid)
		vmx_invvpid(INV_ALL_CONTEXTS, 0);
	c->vmxon_pa = pa;
	c->last_vcpu = NULL;
	atomic_store(&c->seen_gen, atomic_load(&flush_gen));
	c->enabled = true;
	return AX_OK;
}

/* The VMXON region stays with its CPU: the backend does not know which CPU calls. */
int arch_hardware_disable(void)
{
	vmx_off();
	x86_write_cr4(x86_read_cr4() & ~CR4_VMXE);
	return AX_OK;
}

const struct pt_format *arch_stage2_format(void)
{
	return &pt_format_ept4;
}

/* VPIDs are 16 bits; 0 is the host's. Without VPIDs every VM gets tag 0 and each entry and
 * exit flushes the guest's linear translations (the hardware does, for VPID 0). */
uint32_t arch_vmid_count(void)
{
	return x86_vmx.vpid ? 1u << 16 : 1;
}

/* Guest-physical and combined translations are tagged with the EPT root, linear ones with the
 * VPID: the CPU drops them all. */
static void flush_local(void)
{
	vmx_invept(INV_ALL_CONTEXTS, 0);
	if (x86_vmx.vpid)
		vmx_invvpid(INV_ALL_CONTEXTS, 0);
}

void x86_cpu_enter_guest(struct x86_cpu *c, uint16_t vmid)
{
	uint32_t gen;

	atomic_store(&c->in_guest, (uint32_t)vmid + 1);
	gen = atomic_load(&flush_gen);
	if (atomic_load_explicit(&c->seen_gen, memory_order_relaxed) != gen) {
		flush_local();
		atomic_store(&c->seen_gen, gen);
	}
}

void x86_cpu_leave_guest(struct x86_cpu *c)
{
	atomic_store_explicit(&c->in_guest, 0, memory_order_release);
}

/* Every CPU drops its translations before it next enters a guest; one inside a guest of tag
 * vmid now is kicked out and waited for. The flag store in x86_cpu_enter_guest and the
 * generation bump here are both sequentially consistent: a CPU either is seen inside the
 * guest here or sees the new generation there. */
static void invalidate_everywhere(uint32_t vmid)
{
	uint32_t gen = atomic_fetch_add(&flush_gen, 1) + 1;

	for (uint32_t i = 0; i < X86_MAX_CPUS; i++) {
		struct x86_cpu *c = &x86_cpus[i];

		if (!c->enabled || atomic_load(&c->in_guest) != vmid + 1)
			continue;
		x86_vmx.host->kick_cpu(i);
		while (atomic_load(&c->in_guest) == vmid + 1 &&
		       (int32_t)(atomic_load(&c->seen_gen) - gen) < 0)
			__asm__ volatile("pause");
	}
}

void arch_vmid_flush(uint32_t vmid)
{
	invalidate_everywhere(vmid);
}

/* The table walker snoops the caches: the stores need only be done, in program order. */
void arch_stage2_sync(void)
{
	atomic_thread_fence(memory_order_seq_cst);
}

void arch_stage2_invalidate(uint32_t vmid, gpa_t g, uint64_t size)
{
	(void)g;
	(void)size;
	invalidate_everywhere(vmid);
}
