/* The backend's use of each vCPU's local APIC (vcpu_lapic.c). */
#ifndef X86_VCPU_VCPU_LAPIC_H
#define X86_VCPU_VCPU_LAPIC_H

#include <axvm/exit.h>
#include <x86_vcpu/insn_decode.h>
#include <x86_vcpu/lapic.h>

#include "vcpu_state.h"

/* Beyond the 256 vectors, what arch_vcpu_inject_interrupt also carries between vCPUs (core
 * queues up to AXVM_MAX_VECTORS of them, delivered lowest first): an INIT, an NMI, and a SIPI
 * with its start page (X86_VECTOR_SIPI + the page number). */
#define X86_VECTOR_INIT 256
#define X86_VECTOR_NMI 257
#define X86_VECTOR_SIPI 512

/* Carries out what an APIC write asked (IPIs, a moved timer). */
enum axvm_disposition x86_lapic_effect_apply(struct arch_vcpu *v, const struct x86_lapic_effect *e);

/* The decoded access a at gpa, inside the xAPIC page. */
enum axvm_disposition x86_lapic_mmio(struct arch_vcpu *v, const struct x86_mem_access *a,
				     uint64_t gpa);

/* Before an entry: the timer's interrupt, when its deadline passed. */
void x86_lapic_before_entry(struct arch_vcpu *v);

/* Before an entry: an INIT puts the vCPU in wait-for-SIPI, a SIPI starts it there in real mode
 * at its page. Returns false while it still waits (the caller halts it). */
bool x86_lapic_init_sipi(struct arch_vcpu *v);

/* The interrupt the guest takes now (moved into service), or -1. */
int x86_lapic_take(struct arch_vcpu *v);

#endif
