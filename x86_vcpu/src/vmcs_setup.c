/* Writing a vCPU's VMCS: the controls every vCPU shares, the host state the exits return to,
 * and the boot state: the Linux/x86 boot protocol's, 32-bit (protected mode with paging off,
 * flat 4 GiB segments with the selectors __BOOT_CS 0x10 and __BOOT_DS 0x18, interrupts off,
 * ESI the boot argument) or, with boot tables, 64-bit (long mode on their page tables and
 * GDT, the same selectors, RSI the boot argument). */
#include <stdbool.h>
#include <x86_vcpu/boot_tables.h>
#include <x86_vcpu/ept.h>
#include <x86_vcpu/guest_regs.h>
#include <x86_vcpu/vmx_caps.h>

#include "vcpu_state.h"
#include "vmcs_fields.h"
#include "vmx_asm.h"

#define BOOT_CS X86_BOOT_CS
#define BOOT_DS X86_BOOT_DS
/* Access rights (SDM Vol. 3C 25.4.1): present, DPL 0, granularity 4 KiB, 32-bit (code: 64-bit,
 * L set and D clear). */
#define AR_CODE32 0xc09b /* execute/read, accessed */
#define AR_CODE64 0xa09b
#define AR_DATA32 0xc093 /* read/write, accessed */
#define AR_TSS_BUSY 0x008b
/* Real mode's: present, DPL 0, byte granularity, 16-bit. */
#define AR_CODE16 0x009b
#define AR_DATA16 0x0093
#define AR_UNUSABLE (1u << 16)
/* CS as the CPU leaves reset: IP 0xfff0 from this base is the reset vector. */
#define RESET_CS 0xf000
#define RESET_CS_BASE 0xffff0000ull
#define RFLAGS_FIXED (1ull << 1)
#define DR7_RESET 0x400
#define EXCEPTION_AC 17

/* The guest's CR0 and CR4 bits the host owns: those VMX fixes (the guest reads its own value
 * from the shadows) and the paging switches the backend follows (vcpu_cr.c). */
static uint64_t cr0_host_owned(void)
{
	return X86_CR0_PE | X86_CR0_PG | X86_CR0_NE | X86_CR0_CD | X86_CR0_NW |
	       vmx_guest_cr0_fixed0(x86_vmx.cr0_fixed0, x86_vmx.controls.proc2) |
	       ~x86_vmx.cr0_fixed1;
}

static uint64_t cr4_host_owned(void)
{
	return x86_vmx.cr4_fixed0 | ~x86_vmx.cr4_fixed1 | X86_CR4_PAE | X86_CR4_PCIDE;
}

/* The TSS base of the calling CPU's task register, from its GDT descriptor. */
static uint64_t host_tr_base(void)
{
	const uint64_t *d = (const uint64_t *)(uintptr_t)(x86_gdt_base() + (x86_read_tr() & ~7u));

	return (d[0] >> 16 & 0xffffff) | (d[0] >> 56 & 0xff) << 24 | (d[1] & 0xffffffff) << 32;
}

void x86_vmcs_host_cpu(void)
{
	vmcs_write(VMCS_HOST_TR_SELECTOR, x86_read_tr());
	vmcs_write(VMCS_HOST_TR_BASE, host_tr_base());
	vmcs_write(VMCS_HOST_GDTR_BASE, x86_gdt_base());
	vmcs_write(VMCS_HOST_IDTR_BASE, x86_idt_base());
	vmcs_write(VMCS_HOST_FS_BASE, x86_rdmsr(MSR_IA32_FS_BASE));
	vmcs_write(VMCS_HOST_GS_BASE, x86_rdmsr(MSR_IA32_GS_BASE));
}

static void write_host_state(void)
{
	vmcs_write(VMCS_HOST_CR0, x86_read_cr0());
	vmcs_write(VMCS_HOST_CR3, x86_read_cr3());
	vmcs_write(VMCS_HOST_CR4, x86_read_cr4());
	vmcs_write(VMCS_HOST_CS_SELECTOR, x86_read_cs() & ~7u);
	vmcs_write(VMCS_HOST_SS_SELECTOR, x86_read_ss() & ~7u);
	vmcs_write(VMCS_HOST_DS_SELECTOR, x86_read_ds() & ~7u);
	vmcs_write(VMCS_HOST_ES_SELECTOR, x86_read_es() & ~7u);
	vmcs_write(VMCS_HOST_FS_SELECTOR, x86_read_fs() & ~7u);
	vmcs_write(VMCS_HOST_GS_SELECTOR, x86_read_gs() & ~7u);
	vmcs_write(VMCS_HOST_EFER, x86_rdmsr(MSR_IA32_EFER));
	vmcs_write(VMCS_HOST_PAT, x86_rdmsr(MSR_IA32_PAT));
	vmcs_write(VMCS_HOST_SYSENTER_CS, x86_rdmsr(MSR_IA32_SYSENTER_CS));
	vmcs_write(VMCS_HOST_SYSENTER_ESP, x86_rdmsr(MSR_IA32_SYSENTER_ESP));
	vmcs_write(VMCS_HOST_SYSENTER_EIP, x86_rdmsr(MSR_IA32_SYSENTER_EIP));
	vmcs_write(VMCS_HOST_RIP, (uint64_t)(uintptr_t)x86_vmx_exit);
	x86_vmcs_host_cpu();
}

static void write_controls(struct arch_vcpu *v)
{
	const struct vmx_controls *c = &x86_vmx.controls;

	v->proc = c->proc;
	v->entry_ctls = c->entry;
	vmcs_write(VMCS_PIN_CONTROLS, c->pin);
	vmcs_write(VMCS_PROC_CONTROLS, v->proc);
	vmcs_write(VMCS_PROC2_CONTROLS, c->proc2);
	vmcs_write(VMCS_EXIT_CONTROLS, c->exit);
	vmcs_write(VMCS_ENTRY_CONTROLS, v->entry_ctls);
	/* #AC only: a guest whose #AC handler faults again would otherwise keep the CPU in
	 * microcode for good (CVE-2015-5307); it is reflected (vcpu_run.c). */
	vmcs_write(VMCS_EXCEPTION_BITMAP, 1u << EXCEPTION_AC);
	vmcs_write(VMCS_PF_ERROR_MASK, 0);
	vmcs_write(VMCS_PF_ERROR_MATCH, 0);
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_IO_BITMAP_A, x86_vmx.io_bitmap_pa);
	vmcs_write(VMCS_IO_BITMAP_B, x86_vmx.io_bitmap_pa + 4096);
	vmcs_write(VMCS_MSR_BITMAP, x86_vmx.msr_bitmap_pa);
	vmcs_write(VMCS_EPT_POINTER, v->eptp);
	if (c->proc2 & VMX_PROC2_ENABLE_VPID)
		vmcs_write(VMCS_VPID, v->vpid);
	vmcs_write(VMCS_TSC_OFFSET, 0);
	vmcs_write(VMCS_CR0_MASK, cr0_host_owned());
	vmcs_write(VMCS_CR4_MASK, cr4_host_owned());
	vmcs_write(VMCS_LINK_POINTER, ~0ull);
}

static void write_segment(uint32_t selector_field, uint16_t selector, uint64_t base, uint32_t limit,
			  uint32_t ar)
{
	/* Selector, limit, access rights and base are 0x800, 0x4800, 0x4814 and 0x6806 apart
	 * from ES's in the same order for every segment. */
	uint32_t index = (selector_field - VMCS_GUEST_ES_SELECTOR) / 2;

	vmcs_write(selector_field, selector);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * index, base);
	vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * index, limit);
	vmcs_write(VMCS_GUEST_ES_AR + 2 * index, ar);
}

/* The boot CPU's segments: flat, 32-bit code or (code_ar AR_CODE64) 64-bit code, and the GDT
 * at gdt (the boot tables') or none (0). */
static void protected_mode_state(uint32_t code_ar, uint64_t gdt)
{
	write_segment(VMCS_GUEST_CS_SELECTOR, BOOT_CS, 0, 0xffffffff, code_ar);
	write_segment(VMCS_GUEST_SS_SELECTOR, BOOT_DS, 0, 0xffffffff, AR_DATA32);
	write_segment(VMCS_GUEST_DS_SELECTOR, BOOT_DS, 0, 0xffffffff, AR_DATA32);
	write_segment(VMCS_GUEST_ES_SELECTOR, BOOT_DS, 0, 0xffffffff, AR_DATA32);
	write_segment(VMCS_GUEST_FS_SELECTOR, BOOT_DS, 0, 0xffffffff, AR_DATA32);
	write_segment(VMCS_GUEST_GS_SELECTOR, BOOT_DS, 0, 0xffffffff, AR_DATA32);
	vmcs_write(VMCS_GUEST_GDTR_BASE, gdt);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, gdt ? X86_BOOT_GDT_LIMIT : 0);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0);
}

/* Real mode (SDM Vol. 3A Table 9-1) with CS selector and base: an application processor's
 * after INIT and a SIPI (9.4.4: the start page's segment, IP 0), or the CPU's as it leaves reset
 * (CS 0xf000 with base 0xffff0000, IP 0xfff0: the reset vector). */
static void real_mode_state(uint16_t cs, uint64_t cs_base)
{
	write_segment(VMCS_GUEST_CS_SELECTOR, cs, cs_base, 0xffff, AR_CODE16);
	write_segment(VMCS_GUEST_SS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	write_segment(VMCS_GUEST_DS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	write_segment(VMCS_GUEST_ES_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	write_segment(VMCS_GUEST_FS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	write_segment(VMCS_GUEST_GS_SELECTOR, 0, 0, 0xffff, AR_DATA16);
	vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0xffff);
}

/* CR0 as each boot mode starts; at reset with caches off (CD and NW, kept in the shadow only). */
static uint64_t boot_cr0(enum x86_boot_mode mode)
{
	switch (mode) {
	case X86_BOOT_PROTECTED:
		return X86_CR0_PE | X86_CR0_ET;
	case X86_BOOT_LONG:
		return X86_CR0_PE | X86_CR0_PG | X86_CR0_ET;
	case X86_BOOT_RESET:
		return X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;
	case X86_BOOT_SIPI:
		break;
	}
	return X86_CR0_ET;
}

/* The boot state (arch_vcpu_set_entry, x86_vcpu_restart): the Linux boot protocol's protected
 * mode, or with boot tables its long mode, at the entry point; real mode at the reset vector as
 * the CPU leaves reset, or as a SIPI starts a CPU. */
void x86_vmcs_boot_state(struct arch_vcpu *v)
{
	enum x86_boot_mode mode = v->boot_mode;
	bool long_mode = mode == X86_BOOT_LONG;
	uint64_t cr0 = boot_cr0(mode);
	uint64_t cr4 = long_mode ? X86_CR4_PAE : 0;
	uint64_t cr0_fixed0 = vmx_guest_cr0_fixed0(x86_vmx.cr0_fixed0, x86_vmx.controls.proc2);

	vmcs_write(VMCS_CR0_SHADOW, cr0);
	vmcs_write(VMCS_GUEST_CR0,
		   vmx_fixed_cr(cr0 & ~(X86_CR0_CD | X86_CR0_NW), cr0_fixed0, x86_vmx.cr0_fixed1));
	vmcs_write(VMCS_CR4_SHADOW, cr4);
	vmcs_write(VMCS_GUEST_CR4, vmx_fixed_cr(cr4, x86_vmx.cr4_fixed0, x86_vmx.cr4_fixed1));
	vmcs_write(VMCS_GUEST_CR3, long_mode ? v->boot_tables + X86_BOOT_PML4_OFFSET : 0);
	switch (mode) {
	case X86_BOOT_PROTECTED:
		protected_mode_state(AR_CODE32, 0);
		break;
	case X86_BOOT_LONG:
		protected_mode_state(AR_CODE64, v->boot_tables + X86_BOOT_GDT_OFFSET);
		break;
	case X86_BOOT_RESET:
		real_mode_state(RESET_CS, RESET_CS_BASE);
		break;
	case X86_BOOT_SIPI:
		real_mode_state((uint16_t)(v->boot_entry >> 4), v->boot_entry);
		break;
	}
	write_segment(VMCS_GUEST_TR_SELECTOR, 0, 0, 0xffff, AR_TSS_BUSY);
	write_segment(VMCS_GUEST_LDTR_SELECTOR, 0, 0, 0, AR_UNUSABLE);
	vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_DR7, DR7_RESET);
	vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_RSP, 0);
	vmcs_write(VMCS_GUEST_RIP, mode == X86_BOOT_SIPI    ? 0
				   : mode == X86_BOOT_RESET ? v->boot_entry - RESET_CS_BASE
							    : v->boot_entry);
	vmcs_write(VMCS_GUEST_RFLAGS, RFLAGS_FIXED);
	vmcs_write(VMCS_GUEST_PENDING_DEBUG, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_EFER, long_mode ? X86_EFER_LME | X86_EFER_LMA : 0);
	vmcs_write(VMCS_GUEST_PAT, X86_PAT_RESET);
	if (long_mode)
		v->entry_ctls |= VMX_ENTRY_IA32E_MODE_GUEST;
	else
		v->entry_ctls &= ~VMX_ENTRY_IA32E_MODE_GUEST;
	vmcs_write(VMCS_ENTRY_CONTROLS, v->entry_ctls);
	v->proc &= ~VMX_PROC_INTERRUPT_WINDOW_EXITING;
	vmcs_write(VMCS_PROC_CONTROLS, v->proc);
	v->state_pending = false;
}

void x86_vmcs_init(struct arch_vcpu *v)
{
	write_controls(v);
	write_host_state();
}
