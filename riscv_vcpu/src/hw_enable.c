/* Per-hart virtualization setup: what a hart delegates to its guests, and counter access. */
#include <axaddrspace/formats.h>
#include <axvm/arch_vcpu.h>
#include <axvm/error.h>
#include <axvm/format.h>
#include <riscv_vcpu/csr_policy.h>
#include <riscv_vcpu/hart.h>

#include "csr.h"
#include "host_sbi.h"
#include "vcpu_ctx.h"
#include "vcpu_state.h"

#define SIE_STIE (1ull << 5)
#define HENVCFG_STCE (1ull << 63)

/* Whether every hart has Sstc (vstimecmp): cleared by the first hart that lacks it. */
bool riscv_has_sstc = true;

/* From S-mode under OpenSBI misa is unreadable: a hart has the H extension if hstatus reads. */
bool arch_has_hardware_support(void)
{
	uint64_t hstatus;

	return riscv_probe_hstatus(&hstatus);
}

bool riscv_vcpu_probe_hart(char *detail, size_t len)
{
	uint64_t hstatus, sv39, sv48;
	unsigned vmid_bits;

	if (!riscv_probe_hstatus(&hstatus)) {
		ax_snprintf(detail, len, "hstatus traps: no H extension");
		return false;
	}
	csr_write(hgatp, riscv_hgatp_vmid_probe());
	vmid_bits = riscv_hgatp_vmid_bits(csr_read(hgatp));
	/* WARL: a mode the hart lacks does not stick. */
	csr_write(hgatp, riscv_hgatp(&pt_format_sv39x4, hpa(0), 0));
	sv39 = csr_read(hgatp);
	csr_write(hgatp, riscv_hgatp(&pt_format_sv48x4, hpa(0), 0));
	sv48 = csr_read(hgatp);
	csr_write(hgatp, 0);
	ax_snprintf(detail, len, "H extension, hstatus=0x%llx VSXL=%llu, VMID bits=%u%s%s",
		    (unsigned long long)hstatus, (unsigned long long)(hstatus >> 32) & 3, vmid_bits,
		    sv39 == riscv_hgatp(&pt_format_sv39x4, hpa(0), 0) ? ", Sv39x4" : "",
		    sv48 == riscv_hgatp(&pt_format_sv48x4, hpa(0), 0) ? ", Sv48x4" : "");
	return true;
}

/* The narrowest VMID any hart implements: VMIDs beyond it would alias in the TLBs. */
unsigned riscv_vmid_bits = 14;

int arch_hardware_enable(uint32_t cpu, uint64_t hw_id, const struct arch_cpu_host *host)
{
	(void)host;
	unsigned bits;
	int err = riscv_hart_set_id(cpu, hw_id);

	if (err)
		return err;
	csr_write(hgatp, riscv_hgatp_vmid_probe());
	bits = riscv_hgatp_vmid_bits(csr_read(hgatp));
	if (bits < riscv_vmid_bits)
		riscv_vmid_bits = bits;
	/* Nothing cached from before (firmware, an earlier host) may be taken for a VM's. */
	hfence_gvma_all();
	csr_write(hedeleg, riscv_hedeleg());
	csr_write(hideleg, riscv_hideleg());
	csr_write(hcounteren, riscv_hcounteren());
	csr_write(hvip, 0);
	csr_write(hgatp, 0);
	csr_write(0x605, 0); /* htimedelta: guests see the host's time */
	/* Sstc: a guest timer can live in vstimecmp if the CSR exists and henvcfg.STCE sticks
	 * (which needs menvcfg.STCE from the firmware). QEMU 7.2 keeps STCE even without Sstc,
	 * hence the probe of the CSR itself. */
	csr_set(0x60a, HENVCFG_STCE); /* henvcfg */
	if (!riscv_probe_vstimecmp() || !(csr_read(0x60a) & HENVCFG_STCE)) {
		csr_clear(0x60a, HENVCFG_STCE);
		riscv_has_sstc = false;
	}
	/* The host's timer (the scheduler's slices, soft guest timers) interrupts guests and wfi.
	 */
	csr_set(sie, SIE_STIE);
	return AX_OK;
}

uint32_t arch_vmid_count(void)
{
	return 1u << riscv_vmid_bits;
}

/* HFENCE.GVMA for the VMID on this hart, and the firmware's on every hart (it waits for them). */
void arch_vmid_flush(uint32_t vmid)
{
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, %0" ::"r"((uint64_t)vmid) : "memory");
	host_sbi(HOST_SBI_EXT_RFENCE, HOST_SBI_REMOTE_HFENCE_GVMA_VMID, 0, (uint64_t)-1, 0,
		 (uint64_t)-1, vmid);
}

/* Page-table stores before the walkers' reads: HFENCE.GVMA orders them on this hart, the
 * firmware's remote fences on the others; a full fence covers a walk that starts meanwhile. */
void arch_stage2_sync(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

/* HFENCE.GVMA with an address drops only leaf entries, so a range flushes the whole VMID: it
 * also forgets the table entries of tables an unmap frees. */
void arch_stage2_invalidate(uint32_t vmid, gpa_t g, uint64_t size)
{
	(void)g;
	(void)size;
	arch_vmid_flush(vmid);
}

bool riscv_vcpu_guest_sstc(void)
{
	return riscv_has_sstc;
}

int arch_hardware_disable(void)
{
	csr_write(hedeleg, 0);
	csr_write(hideleg, 0);
	csr_write(hgatp, 0);
	return AX_OK;
}
