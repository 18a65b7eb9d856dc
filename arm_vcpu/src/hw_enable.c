/* Per-CPU virtualization setup at EL2 (non-VHE), the stage-2 format every CPU walks, and the
 * TLB maintenance of stage-2 translations. */
#include <arm_vcpu/el2_controls.h>
#include <arm_vcpu/el2_features.h>
#include <arm_vcpu/stage2.h>
#include <axaddrspace/formats.h>
#include <axvm/arch_vcpu.h>
#include <axvm/assert.h>
#include <axvm/error.h>

#include "gic_lrs.h"
#include "sysreg.h"
#include "vcpu_state.h"

/* Guest-physical addresses: 40 bits (1 TiB), three levels from two concatenated level-1
 * tables; stage 2 outputs 40-bit addresses too (VTCR_EL2.PS), which every CPU with a PARange
 * of 40 bits or more supports. */
#define GUEST_IPA_BITS 40
#define PARANGE_40_BITS 2

struct pt_format arm_s2_format;

/* The narrowest VMID of the CPUs enabled so far: 8 or 16 bits. */
static unsigned vmid_bits = 16;

bool arch_has_hardware_support(void)
{
	return ((sysreg_read(CurrentEL) >> 2) & 3) == 2;
}

int arch_hardware_enable(uint32_t cpu, uint64_t hw_id, const struct arch_cpu_host *host)
{
	(void)host;
	struct el2_features f =
	    el2_features_decode(sysreg_read(id_aa64pfr0_el1), sysreg_read(id_aa64mmfr0_el1),
				sysreg_read(id_aa64mmfr1_el1));

	(void)cpu;
	(void)hw_id;
	if (!f.el2_aarch64 || !f.s2_4k || f.pa_bits < GUEST_IPA_BITS || !f.vmid_bits)
		return AXERR_UNSUPPORTED;
	if (f.vmid_bits < vmid_bits)
		vmid_bits = f.vmid_bits;
	sysreg_write(vtcr_el2, arm_vtcr(arch_stage2_format(), PARANGE_40_BITS, vmid_bits == 16));
	sysreg_write(cptr_el2, arm_cptr_el2_guest(true));
	sysreg_write(cnthctl_el2, arm_cnthctl_el2_guest());
	sysreg_write(cntvoff_el2, 0);
	sysreg_write(mdcr_el2, arm_mdcr_el2_guest(sysreg_read(pmcr_el0)));
	sysreg_write(hstr_el2, 0);
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	sysreg_write(vttbr_el2, 0);
	sysreg_write(ich_hcr_el2, 0);
	arm_gic_probe();
	isb();
	/* Nothing cached from before (firmware, an earlier host) may be taken for a VM's. */
	__asm__ volatile("tlbi alle1\n\tdsb nsh\n\tisb" ::: "memory");
	return AX_OK;
}

int arch_hardware_disable(void)
{
	sysreg_write(hcr_el2, 0);
	sysreg_write(vttbr_el2, 0);
	isb();
	return AX_OK;
}

/* Filled at the first call: the same on every CPU, whatever PARange each reports (40 bits or
 * more, which arch_hardware_enable checks). 40 bits is a size the format supports. */
const struct pt_format *arch_stage2_format(void)
{
	if (!arm_s2_format.levels)
		AX_ASSERT(arm_s2_format_init(&arm_s2_format, GUEST_IPA_BITS) == AX_OK);
	return &arm_s2_format;
}

uint32_t arch_vmid_count(void)
{
	return 1u << vmid_bits;
}

/* TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2: the CPU's own VTTBR is put back after. The
 * host runs with interrupts masked, so no exit sees the borrowed one. */
void arch_vmid_flush(uint32_t vmid)
{
	uint64_t vttbr = sysreg_read(vttbr_el2);

	sysreg_write(vttbr_el2, (uint64_t)vmid << 48);
	isb();
	__asm__ volatile("tlbi vmalls12e1is\n\tdsb ish" ::: "memory");
	sysreg_write(vttbr_el2, vttbr);
	isb();
}

/* Table writes before any walk: the walkers are coherent with the data side once the stores
 * complete. */
void arch_stage2_sync(void)
{
	__asm__ volatile("dsb ishst" ::: "memory");
}

/* A range flushes the whole VMID, stage 1 with it: TLBI IPAS2E1IS drops only stage-2 entries
 * and not the combined ones cached from them. */
void arch_stage2_invalidate(uint32_t vmid, gpa_t g, uint64_t size)
{
	(void)g;
	(void)size;
	arch_vmid_flush(vmid);
}
