/* The privileged instructions of the VT-x backend, as inline functions: VMX operation, VMCS
 * access, TLB invalidation, MSRs, control registers and the extended state. */
#ifndef X86_VCPU_VMX_ASM_H
#define X86_VCPU_VMX_ASM_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_PAT 0x277
#define MSR_IA32_VMX_BASIC 0x480
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS 0x483
#define MSR_IA32_VMX_ENTRY_CTLS 0x484
#define MSR_IA32_VMX_MISC 0x485
#define MSR_IA32_VMX_CR0_FIXED0 0x486
#define MSR_IA32_VMX_CR0_FIXED1 0x487
#define MSR_IA32_VMX_CR4_FIXED0 0x488
#define MSR_IA32_VMX_CR4_FIXED1 0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490
#define MSR_IA32_EFER 0xc0000080
#define MSR_IA32_FS_BASE 0xc0000100
#define MSR_IA32_GS_BASE 0xc0000101

#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

/* Whether the last VMX instruction failed: VMfailInvalid sets CF, VMfailValid sets ZF, and
 * "not above" catches both. */
#define VMX_FAILED "setna %0"

static inline uint64_t x86_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void x86_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void x86_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

#define X86_READ_CR(n)                                                     \
	static inline uint64_t x86_read_cr##n(void)                        \
	{                                                                  \
		uint64_t v;                                                \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
		return v;                                                  \
	}                                                                  \
	static inline void x86_write_cr##n(uint64_t v)                     \
	{                                                                  \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
X86_READ_CR(0)
X86_READ_CR(2)
X86_READ_CR(3)
X86_READ_CR(4)
#undef X86_READ_CR

/* A segment register's selector. */
#define X86_READ_SEG(name)                                         \
	static inline uint16_t x86_read_##name(void)               \
	{                                                          \
		uint16_t v;                                        \
		__asm__ volatile("mov %%" #name ", %0" : "=r"(v)); \
		return v;                                          \
	}
X86_READ_SEG(cs)
X86_READ_SEG(ss)
X86_READ_SEG(ds)
X86_READ_SEG(es)
X86_READ_SEG(fs)
X86_READ_SEG(gs)
#undef X86_READ_SEG

static inline uint16_t x86_read_tr(void)
{
	uint16_t v;

	__asm__ volatile("str %0" : "=r"(v));
	return v;
}

/* The base of a descriptor table register (SGDT, SIDT). */
struct __attribute__((packed)) x86_dtr {
	uint16_t limit;
	uint64_t base;
};

static inline uint64_t x86_gdt_base(void)
{
	struct x86_dtr d;

	__asm__ volatile("sgdt %0" : "=m"(d));
	return d.base;
}

static inline uint64_t x86_idt_base(void)
{
	struct x86_dtr d;

	__asm__ volatile("sidt %0" : "=m"(d));
	return d.base;
}

static inline void x86_xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void x86_xsave(void *area, uint64_t mask)
{
	__asm__ volatile("xsave64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
			 : "memory");
}

static inline void x86_xrstor(const void *area, uint64_t mask)
{
	__asm__ volatile("xrstor64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
			 : "memory");
}

/* VMXON with the region at physical pa; false when it failed. */
static inline bool vmx_on(uint64_t pa)
{
	uint8_t failed;

	__asm__ volatile("vmxon %1; " VMX_FAILED : "=qm"(failed) : "m"(pa) : "cc", "memory");
	return !failed;
}

static inline void vmx_off(void)
{
	__asm__ volatile("vmxoff" : : : "cc", "memory");
}

/* VMCLEAR and VMPTRLD of the VMCS at physical pa; false when they failed. */
static inline bool vmcs_clear(uint64_t pa)
{
	uint8_t failed;

	__asm__ volatile("vmclear %1; " VMX_FAILED : "=qm"(failed) : "m"(pa) : "cc", "memory");
	return !failed;
}

static inline bool vmcs_load(uint64_t pa)
{
	uint8_t failed;

	__asm__ volatile("vmptrld %1; " VMX_FAILED : "=qm"(failed) : "m"(pa) : "cc", "memory");
	return !failed;
}

/* A field of the current VMCS. The backend names only fields the SDM defines, with a VMCS
 * loaded: these cannot fail. */
static inline uint64_t vmcs_read(uint64_t field)
{
	uint64_t v;

	__asm__ volatile("vmread %1, %0" : "=r"(v) : "r"(field) : "cc");
	return v;
}

static inline void vmcs_write(uint64_t field, uint64_t value)
{
	__asm__ volatile("vmwrite %1, %0" : : "r"(field), "r"(value) : "cc");
}

/* INVEPT and INVVPID types. */
#define INV_SINGLE_CONTEXT 1
#define INV_ALL_CONTEXTS 2

static inline void vmx_invept(uint64_t type, uint64_t eptp)
{
	struct {
		uint64_t eptp, zero;
	} d = {eptp, 0};

	__asm__ volatile("invept %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}

static inline void vmx_invvpid(uint64_t type, uint16_t vpid)
{
	struct {
		uint64_t vpid, address;
	} d = {vpid, 0};

	__asm__ volatile("invvpid %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}

#endif
