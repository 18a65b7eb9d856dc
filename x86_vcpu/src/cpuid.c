/* The guest's CPUID (cpuid.h). Basic leaves are answered from an allow-list; everything the
 * backend does not virtualize is cleared from the leaves it passes on. */
#include <x86_vcpu/cpuid.h>

/* Leaf 1. */
#define L1_ECX_MONITOR (1u << 3)
#define L1_ECX_DS_CPL (1u << 4)
#define L1_ECX_VMX (1u << 5)
#define L1_ECX_SMX (1u << 6)
#define L1_ECX_EST (1u << 7)
#define L1_ECX_TM2 (1u << 8)
#define L1_ECX_SDBG (1u << 11)
#define L1_ECX_XTPR (1u << 14)
#define L1_ECX_PDCM (1u << 15)
#define L1_ECX_DCA (1u << 18)
#define L1_ECX_X2APIC (1u << 21)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_OSXSAVE (1u << 27)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L1_EDX_MCE (1u << 7)
#define L1_EDX_MCA (1u << 14)
#define L1_EDX_PSN (1u << 18)
#define L1_EDX_DS (1u << 21)
#define L1_EDX_ACPI (1u << 22)
#define L1_EDX_HTT (1u << 28)
#define L1_EDX_TM (1u << 29)
#define L1_EDX_PBE (1u << 31)
/* Leaf 6: the APIC timer keeps running in deep C-states (the emulated one always does). */
#define L6_EAX_ARAT (1u << 2)
/* Leaf 7, subleaf 0. */
#define L7_EBX_TSC_ADJUST (1u << 1) /* IA32_TSC_ADJUST, an MSR not emulated */
#define L7_EBX_SGX (1u << 2)
#define L7_EBX_INVPCID (1u << 10)
#define L7_EBX_RDT_M (1u << 12)
#define L7_EBX_MPX (1u << 14)
#define L7_EBX_RDT_A (1u << 15)
#define L7_EBX_PT (1u << 25)
#define L7_ECX_PKU (1u << 3)
#define L7_ECX_OSPKE (1u << 4)
#define L7_ECX_WAITPKG (1u << 5)
#define L7_ECX_RDPID (1u << 22)
#define L7_ECX_SGX_LC (1u << 30)
#define L7_EDX_FSRM (1u << 4)
#define L7_EDX_MD_CLEAR (1u << 10)
/* Leaf 0xD, subleaf 1. */
#define LD1_EAX_XSAVES (1u << 3)
/* Leaf 0x80000001. */
#define LE1_ECX_SVM (1u << 2)
#define LE1_EDX_RDTSCP (1u << 27)
/* Leaf 0x80000007: the TSC runs at a constant rate. */
#define LE7_EDX_INVARIANT_TSC (1u << 8)
/* Leaves 0xB and 0x1F: level types. */
#define TOPOLOGY_SMT 1u
#define TOPOLOGY_CORE 2u

static const struct x86_cpuid_regs zero;

/* Bits of an APIC ID that number the cores of the package: enough for vcpu_count. */
static uint32_t core_shift(uint32_t vcpu_count)
{
	uint32_t shift = 0;

	while (shift < 8 && (1u << shift) < vcpu_count)
		shift++;
	return shift;
}

static struct x86_cpuid_regs leaf1(struct x86_cpuid_regs r, const struct x86_cpuid_guest *g)
{
	uint32_t shift = core_shift(g->vcpu_count);
	uint32_t ids = shift >= 8 ? 0xff : 1u << shift;

	r.ebx = (r.ebx & 0xffffu) | ids << 16 | (g->apic_id & 0xff) << 24;
	r.ecx &=
	    ~(L1_ECX_MONITOR | L1_ECX_DS_CPL | L1_ECX_VMX | L1_ECX_SMX | L1_ECX_EST | L1_ECX_TM2 |
	      L1_ECX_SDBG | L1_ECX_XTPR | L1_ECX_PDCM | L1_ECX_DCA | L1_ECX_OSXSAVE);
	r.ecx |= L1_ECX_HYPERVISOR | L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE |
		 (g->osxsave ? L1_ECX_OSXSAVE : 0);
	r.edx &= ~(L1_EDX_MCE | L1_EDX_MCA | L1_EDX_PSN | L1_EDX_DS | L1_EDX_ACPI | L1_EDX_HTT |
		   L1_EDX_TM | L1_EDX_PBE);
	r.edx |= g->vcpu_count > 1 ? L1_EDX_HTT : 0;
	return r;
}

/* Leaf 4: each cache private to its logical processor, the package's cores as the topology
 * says. */
static struct x86_cpuid_regs leaf4(struct x86_cpuid_regs r, const struct x86_cpuid_guest *g)
{
	uint32_t cores = (1u << core_shift(g->vcpu_count)) - 1;

	r.eax = (r.eax & 0x3fffu) | (cores > 63 ? 63 : cores) << 26;
	return r;
}

static struct x86_cpuid_regs leaf7(uint32_t subleaf, struct x86_cpuid_regs r,
				   const struct x86_cpuid_guest *g)
{
	if (subleaf != 0)
		return zero;
	r.eax = 0; /* no further subleaves */
	r.ebx &= ~(L7_EBX_TSC_ADJUST | L7_EBX_SGX | L7_EBX_RDT_M | L7_EBX_MPX | L7_EBX_RDT_A |
		   L7_EBX_PT | (g->invpcid ? 0 : L7_EBX_INVPCID));
	r.ecx &= ~(L7_ECX_OSPKE | L7_ECX_WAITPKG | L7_ECX_SGX_LC | (g->rdtscp ? 0 : L7_ECX_RDPID));
	r.ecx |= g->ospke && (r.ecx & L7_ECX_PKU) ? L7_ECX_OSPKE : 0;
	r.edx &= L7_EDX_FSRM | L7_EDX_MD_CLEAR;
	return r;
}

/* Leaves 0xB and 0x1F: one thread per core, vcpu_count cores in one package. */
static struct x86_cpuid_regs topology(uint32_t subleaf, const struct x86_cpuid_guest *g)
{
	struct x86_cpuid_regs r = {0, 0, subleaf & 0xff, g->apic_id};

	if (subleaf == 0) {
		r.ebx = 1;
		r.ecx |= TOPOLOGY_SMT << 8;
	} else if (subleaf == 1) {
		r.eax = core_shift(g->vcpu_count);
		r.ebx = g->vcpu_count;
		r.ecx |= TOPOLOGY_CORE << 8;
	}
	return r;
}

static struct x86_cpuid_regs basic(uint32_t leaf, uint32_t subleaf, struct x86_cpuid_regs host,
				   uint32_t max, const struct x86_cpuid_guest *g)
{
	switch (leaf) {
	case 0:
		host.eax = max;
		return host;
	case 1:
		return leaf1(host, g);
	case 2:
		return host; /* cache and TLB descriptors */
	case 4:
		return leaf4(host, g);
	case 6:
		return (struct x86_cpuid_regs){L6_EAX_ARAT, 0, 0, 0};
	case 7:
		return leaf7(subleaf, host, g);
	case 0xb:
	case 0x1f:
		return topology(subleaf, g);
	case 0xd:
		if (subleaf == 1 && !g->xsaves)
			host.eax &= ~LD1_EAX_XSAVES;
		return host;
	case 0x15:
		/* TSC = crystal (1 MHz) * ebx / eax: ebx is the rate in kHz. */
		if (g->tsc_hz)
			return (struct x86_cpuid_regs){1000, (uint32_t)(g->tsc_hz / 1000), 1000000,
						       0};
		return host;
	case 0x16:
		if (g->tsc_hz)
			return (struct x86_cpuid_regs){(uint32_t)(g->tsc_hz / 1000000),
						       (uint32_t)(g->tsc_hz / 1000000), 0, 0};
		return host;
	default:
		/* Monitor/MWAIT, the PMU, RDT, SGX, processor trace and the rest. */
		return zero;
	}
}

static struct x86_cpuid_regs hypervisor(uint32_t leaf, const struct x86_cpuid_guest *g)
{
	switch (leaf) {
	case X86_CPUID_HYPERVISOR_BASE:
		/* "axvm-c", NUL-padded, as KVM pads "KVMKVMKVM". */
		return (struct x86_cpuid_regs){X86_CPUID_HYPERVISOR_TIMING, 0x6d767861, 0x0000632d,
					       0};
	case X86_CPUID_HYPERVISOR_TIMING:
		return (struct x86_cpuid_regs){(uint32_t)(g->tsc_hz / 1000),
					       g->apic_timer_hz / 1000, 0, 0};
	default:
		return zero;
	}
}

static struct x86_cpuid_regs extended(uint32_t leaf, struct x86_cpuid_regs host,
				      const struct x86_cpuid_guest *g)
{
	switch (leaf) {
	case 0x80000001:
		host.ecx &= ~LE1_ECX_SVM;
		if (!g->rdtscp)
			host.edx &= ~LE1_EDX_RDTSCP;
		return host;
	case 0x80000007:
		return (struct x86_cpuid_regs){0, 0, 0, host.edx & LE7_EDX_INVARIANT_TSC};
	default:
		return host; /* the highest leaf, brand string, caches, address sizes */
	}
}

struct x86_cpuid_regs x86_cpuid_for_guest(uint32_t leaf, uint32_t subleaf,
					  struct x86_cpuid_regs host, uint32_t host_max_basic,
					  uint32_t host_max_extended,
					  const struct x86_cpuid_guest *g)
{
	uint32_t max_basic = host_max_basic < 0xb ? 0xb : host_max_basic;

	if (g->tsc_hz && max_basic < 0x16)
		max_basic = 0x16;
	if (leaf <= max_basic)
		return basic(leaf, subleaf, host, max_basic, g);
	if (leaf >= X86_CPUID_HYPERVISOR_BASE && leaf <= X86_CPUID_HYPERVISOR_TIMING)
		return hypervisor(leaf, g);
	if (leaf >= 0x80000000u && leaf <= host_max_extended)
		return extended(leaf, host, g);
	return zero;
}
