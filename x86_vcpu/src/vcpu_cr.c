/* Control and debug register exits. The host owns CR0.PE, PG, NE, CD and NW and CR4's VMX
 * bits, PAE and PCIDE (vmcs_setup.c): a guest write of one exits here, is checked as the CPU
 * checks it (#GP otherwise), and lands in the read shadow (what the guest reads) and in the
 * real register (what VMX allows, caching never disabled: EPT's memory types rule). Paging
 * switches follow the guest: IA-32e mode entered or left, PAE's PDPTEs loaded. CR8 is the
 * local APIC's task priority; the debug registers are kept without arming breakpoints. */
#include <axvm/error.h>
#include <x86_vcpu/exit_info.h>
#include <x86_vcpu/guest_regs.h>
#include <x86_vcpu/vmx_caps.h>

#include "vcpu_exits.h"
#include "vmcs_fields.h"
#include "vmx_asm.h"

#define VECTOR_UD 6
#define VECTOR_GP 13
#define CR4_DE (1ull << 3)
/* The CR4 bits a guest may set if the CPU allows them: VME, PVI, TSD, DE, PSE, PAE, MCE, PGE,
 * PCE, OSFXSR, OSXMMEXCPT, UMIP, LA57, FSGSBASE, PCIDE, OSXSAVE, SMEP, SMAP, PKE. */
#define CR4_GUEST_BITS 0x771fffull
/* Bits whose change makes the CPU drop the guest's translations. */
#define CR0_FLUSH_BITS (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE)
#define CR4_FLUSH_BITS                                                                           \
	(X86_CR4_PAE | X86_CR4_PCIDE | (1ull << 4) | (1ull << 7) | (1ull << 12) | (1ull << 20) | \
	 (1ull << 21))

/* The source of a MOV to a control or debug register: 64 bits in 64-bit mode, else 32. */
static uint64_t operand(const struct arch_vcpu *v, unsigned gpr)
{
	uint64_t value = x86_get_reg(v, gpr);
	bool cs_l = vmcs_read(VMCS_GUEST_CS_AR) & (1u << 13);

	return (vmcs_read(VMCS_GUEST_EFER) & X86_EFER_LMA) && cs_l ? value : (uint32_t)value;
}

void x86_flush_guest_tlb(const struct arch_vcpu *v)
{
	if (v->vpid)
		vmx_invvpid(x86_vmx.invvpid_single ? INV_SINGLE_CONTEXT : INV_ALL_CONTEXTS,
			    v->vpid);
}

/* PAE paging without IA-32e mode: the four PDPTEs the CPU would load from CR3. False when
 * they are not in guest memory or have reserved bits set. */
static bool load_pdptes(struct arch_vcpu *v)
{
	uint64_t pdpte[4];

	if (v->vm_ops.read_guest(v->vm_ops.ctx, vmcs_read(VMCS_GUEST_CR3) & 0xffffffe0ull, pdpte,
				 sizeof(pdpte)))
		return false;
	for (int i = 0; i < 4; i++) {
		/* Present entries: bits 2:1, 8:5 and 63:52 reserved. */
		if ((pdpte[i] & 1) && (pdpte[i] & 0xfff00000000001e6ull))
			return false;
	}
	for (int i = 0; i < 4; i++)
		vmcs_write(VMCS_GUEST_PDPTE0 + 2 * (uint64_t)i, pdpte[i]);
	return true;
}

static bool pae_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) && !(efer & X86_EFER_LMA);
}

/* MOV to CR0 (or LMSW, CLTS) of value. */
static enum axvm_disposition write_cr0(struct arch_vcpu *v, uint64_t value)
{
	uint64_t old = vmcs_read(VMCS_CR0_SHADOW), efer = vmcs_read(VMCS_GUEST_EFER);
	uint64_t cr4 = vmcs_read(VMCS_CR4_SHADOW);
	uint64_t fixed0 = vmx_guest_cr0_fixed0(x86_vmx.cr0_fixed0, x86_vmx.controls.proc2);

	if (!x86_cr0_valid(value))
		return x86_inject_exception(v, VECTOR_GP, 0);
	switch (x86_cr0_paging_switch(old, value, efer, cr4)) {
	case X86_PAGING_GP:
		return x86_inject_exception(v, VECTOR_GP, 0);
	case X86_PAGING_ENTER_LM:
		efer |= X86_EFER_LMA;
		v->entry_ctls |= VMX_ENTRY_IA32E_MODE_GUEST;
		break;
	case X86_PAGING_LEAVE_LM:
		efer &= ~X86_EFER_LMA;
		v->entry_ctls &= ~VMX_ENTRY_IA32E_MODE_GUEST;
		break;
	case X86_PAGING_SAME:
		break;
	}
	vmcs_write(VMCS_GUEST_EFER, efer);
	vmcs_write(VMCS_ENTRY_CONTROLS, v->entry_ctls);
	vmcs_write(VMCS_CR0_SHADOW, value);
	vmcs_write(VMCS_GUEST_CR0,
		   vmx_fixed_cr(value & ~(X86_CR0_CD | X86_CR0_NW), fixed0, x86_vmx.cr0_fixed1));
	if (pae_paging(value, cr4, efer) && !pae_paging(old, cr4, efer) && !load_pdptes(v))
		return x86_inject_exception(v, VECTOR_GP, 0);
	if ((old ^ value) & CR0_FLUSH_BITS)
		x86_flush_guest_tlb(v);
	x86_skip_insn();
	return AXVM_RESUME;
}

static enum axvm_disposition write_cr4(struct arch_vcpu *v, uint64_t value)
{
	uint64_t old = vmcs_read(VMCS_CR4_SHADOW), efer = vmcs_read(VMCS_GUEST_EFER);
	uint64_t cr0 = vmcs_read(VMCS_CR0_SHADOW);
	uint64_t allowed = CR4_GUEST_BITS & x86_vmx.cr4_fixed1;

	if (!x86_cr4_valid(value, allowed, efer & X86_EFER_LMA))
		return x86_inject_exception(v, VECTOR_GP, 0);
	vmcs_write(VMCS_CR4_SHADOW, value);
	vmcs_write(VMCS_GUEST_CR4, vmx_fixed_cr(value, x86_vmx.cr4_fixed0, x86_vmx.cr4_fixed1));
	if (pae_paging(cr0, value, efer) && ((old ^ value) & CR4_FLUSH_BITS) && !load_pdptes(v))
		return x86_inject_exception(v, VECTOR_GP, 0);
	if ((old ^ value) & CR4_FLUSH_BITS)
		x86_flush_guest_tlb(v);
	x86_skip_insn();
	return AXVM_RESUME;
}

/* MOV to or from CR8: the local APIC's task priority class, TPR bits 7:4. */
static enum axvm_disposition cr8(struct arch_vcpu *v, const struct vmx_cr_exit *e)
{
	if (e->type == VMX_CR_MOV_TO) {
		uint64_t value = operand(v, e->gpr);

		if (value >> 4)
			return x86_inject_exception(v, VECTOR_GP, 0);
		x86_lapic_set_tpr(&v->lapic, (uint8_t)(value << 4));
	} else {
		x86_set_reg(v, e->gpr, x86_lapic_tpr(&v->lapic) >> 4);
	}
	x86_skip_insn();
	return AXVM_RESUME;
}

enum axvm_disposition x86_exit_cr_access(struct arch_vcpu *v)
{
	struct vmx_cr_exit e = vmx_decode_cr_exit(vmcs_read(VMCS_EXIT_QUALIFICATION));
	uint64_t cr0 = vmcs_read(VMCS_CR0_SHADOW);

	if (e.cr == 8)
		return cr8(v, &e);
	switch (e.type) {
	case VMX_CR_MOV_TO:
		if (e.cr == 0)
			return write_cr0(v, operand(v, e.gpr));
		if (e.cr == 4)
			return write_cr4(v, operand(v, e.gpr));
		break;
	case VMX_CR_CLTS:
		return write_cr0(v, cr0 & ~X86_CR0_TS);
	case VMX_CR_LMSW:
		/* Bits 3:0 (PE, MP, EM, TS); PE can be set but not cleared. */
		return write_cr0(v, (cr0 & ~0xeull) | (e.lmsw_source & 0xf));
	case VMX_CR_MOV_FROM:
		break;
	}
	return x86_stop_vm(v, VMX_EXIT_CR_ACCESS);
}

/* MOV to or from DR0..DR7 (qualification: bits 2:0 the register, bit 4 the direction, bits
 * 11:8 the general register). DR7 is the VMCS's; DR4 and DR5 are DR6 and DR7 unless CR4.DE
 * makes them undefined. */
enum axvm_disposition x86_exit_dr_access(struct arch_vcpu *v)
{
	uint64_t q = vmcs_read(VMCS_EXIT_QUALIFICATION);
	unsigned dr = q & 7, gpr = (q >> 8) & 15;
	bool read = q & (1u << 4);

	if (dr == 4 || dr == 5) {
		if (vmcs_read(VMCS_CR4_SHADOW) & CR4_DE)
			return x86_inject_exception(v, VECTOR_UD, 0);
		dr += 2;
	}
	if (x86_guest_cpl())
		return x86_inject_exception(v, VECTOR_GP, 0);
	if (read) {
		uint64_t value = dr < 4 ? v->dr[dr] : dr == 6 ? v->dr6 : vmcs_read(VMCS_GUEST_DR7);

		x86_set_reg(v, gpr, value);
	} else {
		uint64_t value = operand(v, gpr);

		if (dr >= 6 && (value >> 32))
			return x86_inject_exception(v, VECTOR_GP, 0);
		if (dr < 4)
			v->dr[dr] = value;
		else if (dr == 6)
			v->dr6 = value | 0xffff0ff0ull;
		else
			vmcs_write(VMCS_GUEST_DR7, (value & 0xffff2bffull) | 0x400);
	}
	x86_skip_insn();
	return AXVM_RESUME;
}
