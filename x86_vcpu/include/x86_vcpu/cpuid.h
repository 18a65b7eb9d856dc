/* The CPUID a guest sees (Intel SDM Vol. 2A, CPUID): the host's answer filtered, so that the
 * guest finds no feature the hypervisor does not virtualize (VMX, SMX, MONITOR/MWAIT, the
 * performance counters, processor trace, SGX...), the hypervisor bit and leaf 0x40000000 set,
 * its own CPU's APIC ID and a topology of vcpu_count cores in one package, and, when the TSC's
 * rate is known, that rate (leaves 0x15, 0x16 and 0x40000010) for Linux to calibrate without
 * a timer. Pure computation, unit-tested on the host. */
#ifndef X86_VCPU_CPUID_H
#define X86_VCPU_CPUID_H

#include <stdbool.h>
#include <stdint.h>

struct x86_cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* What the guest's view depends on besides the host's answer. */
struct x86_cpuid_guest {
	uint32_t apic_id;	/* this vCPU's (x2)APIC ID: its index in the VM */
	uint32_t vcpu_count;	/* vCPUs of the VM, 1..256 */
	uint64_t tsc_hz;	/* the TSC's rate as the guest sees it; 0: not advertised */
	uint32_t apic_timer_hz; /* the local APIC timer's input clock (leaf 0x40000010) */
	bool osxsave;		/* the guest's CR4.OSXSAVE */
	bool ospke;		/* the guest's CR4.PKE */
	bool rdtscp;		/* the VMCS lets the guest run RDTSCP */
	bool invpcid;		/* ... INVPCID */
	bool xsaves;		/* ... XSAVES/XRSTORS */
};

/* The hypervisor's leaves: 0x40000000 (the highest one and the signature "axvm-c") and
 * 0x40000010 (the TSC and APIC timer rates in kHz, as VMware and ACRN define it). */
#define X86_CPUID_HYPERVISOR_BASE 0x40000000u
#define X86_CPUID_HYPERVISOR_TIMING 0x40000010u

/* The guest's answer to CPUID with eax = leaf and ecx = subleaf, given the host's answer to
 * the same (host_max_basic and host_max_extended: the host's leaf 0 and 0x80000000 eax). A
 * leaf past the highest one the guest is told of answers zeros. */
struct x86_cpuid_regs x86_cpuid_for_guest(uint32_t leaf, uint32_t subleaf,
					  struct x86_cpuid_regs host, uint32_t host_max_basic,
					  uint32_t host_max_extended,
					  const struct x86_cpuid_guest *g);

#endif
