/* RDMSR and WRMSR of the MSRs a guest does not reach directly (the MSR bitmap, hw_enable.c):
 * an allow-list of emulated ones; any other raises #GP, as an MSR the CPU does not have does. */
#include <axvm/error.h>
#include <x86_vcpu/guest_regs.h>

#include "vcpu_exits.h"
#include "vcpu_lapic.h"
#include "vmcs_fields.h"
#include "vmx_asm.h"

#define VECTOR_GP 13
#define MSR_TSC 0x10
#define MSR_PLATFORM_ID 0x17
#define MSR_BIOS_SIGN_ID 0x8b
#define MSR_MTRRCAP 0xfe
#define MSR_MISC_ENABLE 0x1a0
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_EFER 0xc0000080
/* Fast strings on; performance monitoring, BTS and PEBS unavailable (bits 7, 11, 12). */
#define MISC_ENABLE_VALUE ((1ull << 0) | (1ull << 11) | (1ull << 12))
#define CPUID_80000001_EDX_NX (1u << 20)

static bool host_has_nx(void)
{
	uint32_t r[4];

	if (x86_vmx.max_extended < 0x80000001u)
		return false;
	x86_cpuid(0x80000001u, 0, r);
	return r[3] & CPUID_80000001_EDX_NX;
}

/* The value of msr for the guest; false for an MSR it does not have. */
static bool read_msr(struct arch_vcpu *v, uint32_t msr, uint64_t *value)
{
	if (msr == X86_MSR_TSC_DEADLINE ||
	    (msr >= X86_MSR_X2APIC_FIRST && msr <= X86_MSR_X2APIC_LAST))
		return x86_lapic_msr_read(&v->lapic, msr, __builtin_ia32_rdtsc(), value) == AX_OK;
	switch (msr) {
	case MSR_EFER:
		*value = vmcs_read(VMCS_GUEST_EFER);
		return true;
	case MSR_IA32_PAT:
		*value = vmcs_read(VMCS_GUEST_PAT);
		return true;
	case X86_MSR_APIC_BASE:
		*value = x86_lapic_base_msr(&v->lapic);
		return true;
	case MSR_MISC_ENABLE:
		*value = MISC_ENABLE_VALUE;
		return true;
	case MSR_PLATFORM_ID:
	case MSR_BIOS_SIGN_ID:
	case MSR_MTRRCAP:
		*value = 0;
		return true;
	case MSR_TSC:
		*value = __builtin_ia32_rdtsc();
		return true;
	case MSR_MTRR_DEF_TYPE:
		*value = v->mtrr_def_type;
		return true;
	default:
		return false;
	}
}

/* Writes value to msr for the guest; false when the CPU would refuse it (#GP). */
static bool write_msr(struct arch_vcpu *v, uint32_t msr, uint64_t value)
{
	uint64_t efer;

	switch (msr) {
	case MSR_EFER:
		efer = vmcs_read(VMCS_GUEST_EFER);
		if (!x86_efer_valid(value, efer, host_has_nx(),
				    vmcs_read(VMCS_CR0_SHADOW) & X86_CR0_PG))
			return false;
		/* LMA is the processor's: it follows CR0.PG (vcpu_cr.c). */
		vmcs_write(VMCS_GUEST_EFER, (value & ~X86_EFER_LMA) | (efer & X86_EFER_LMA));
		if ((value ^ efer) & X86_EFER_NXE)
			x86_flush_guest_tlb(v);
		return true;
	case MSR_IA32_PAT:
		if (!x86_pat_valid(value))
			return false;
		vmcs_write(VMCS_GUEST_PAT, value);
		return true;
	case X86_MSR_APIC_BASE:
		return x86_lapic_set_base_msr(&v->lapic, value) == AX_OK;
	case MSR_MISC_ENABLE:
		return value == MISC_ENABLE_VALUE;
	case MSR_BIOS_SIGN_ID:
		return true;
	case MSR_MTRR_DEF_TYPE:
		if (!x86_mtrr_def_type_valid(value))
			return false;
		v->mtrr_def_type = value;
		return true;
	default:
		return false;
	}
}

enum axvm_disposition x86_exit_rdmsr(struct arch_vcpu *v)
{
	uint64_t value;

	if (!read_msr(v, (uint32_t)v->regs.r[GPR_RCX], &value))
		return x86_inject_exception(v, VECTOR_GP, 0);
	v->regs.r[GPR_RAX] = (uint32_t)value;
	v->regs.r[GPR_RDX] = value >> 32;
	x86_skip_insn();
	return AXVM_RESUME;
}

enum axvm_disposition x86_exit_wrmsr(struct arch_vcpu *v)
{
	uint64_t value = (v->regs.r[GPR_RDX] & 0xffffffff) << 32 | (uint32_t)v->regs.r[GPR_RAX];
	uint32_t msr = (uint32_t)v->regs.r[GPR_RCX];
	struct x86_lapic_effect e = {0};

	if (msr == X86_MSR_TSC_DEADLINE ||
	    (msr >= X86_MSR_X2APIC_FIRST && msr <= X86_MSR_X2APIC_LAST)) {
		if (x86_lapic_msr_write(&v->lapic, msr, value, __builtin_ia32_rdtsc(), &e))
			return x86_inject_exception(v, VECTOR_GP, 0);
		x86_skip_insn();
		return x86_lapic_effect_apply(v, &e);
	}
	if (!write_msr(v, msr, value))
		return x86_inject_exception(v, VECTOR_GP, 0);
	x86_skip_insn();
	return AXVM_RESUME;
}
