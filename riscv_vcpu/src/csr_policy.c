/* Hypervisor CSR values (privileged spec, "H" extension: hstatus, hedeleg/hideleg,
 * hcounteren, hgatp, hvip; and "Supervisor Status Register" for sstatus/vsstatus). */
#include <riscv_vcpu/csr_policy.h>

#include <axvm/error.h>

#define BIT(n) (1ull << (n))

/* Exception codes. */
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS_FAULT 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS_FAULT 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS_FAULT 7
#define EXC_ECALL_U 8
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* Interrupt codes: the supervisor ones as the guest sees them, the VS ones in hideleg/hvip. */
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define IRQ_VS_SOFT 2
#define IRQ_VS_TIMER 6
#define IRQ_VS_EXT 10

#define HCOUNTEREN_CY BIT(0)
#define HCOUNTEREN_TM BIT(1)
#define HCOUNTEREN_IR BIT(2)

#define HSTATUS_SPV BIT(7)
#define HSTATUS_SPVP BIT(8)
#define HSTATUS_VTW BIT(21)
#define HSTATUS_VSXL_SHIFT 32

#define SSTATUS_SIE BIT(1)
#define SSTATUS_SPIE BIT(5)
#define SSTATUS_SPP BIT(8)
#define SSTATUS_FS_SHIFT 13
#define SSTATUS_FS_INITIAL 1ull
#define SSTATUS_UXL_SHIFT 32

#define XLEN_64 2ull /* the misa.MXL encoding VSXL and UXL use */

#define HGATP_MODE_SHIFT 60
#define HGATP_MODE_SV39X4 8ull
#define HGATP_MODE_SV48X4 9ull
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MAX_BITS 14
#define HGATP_VMID_MASK ((1ull << HGATP_VMID_MAX_BITS) - 1)

uint64_t riscv_hedeleg(void)
{
	return BIT(EXC_INST_MISALIGNED) | BIT(EXC_INST_ACCESS_FAULT) | BIT(EXC_ILLEGAL_INST) |
	       BIT(EXC_BREAKPOINT) | BIT(EXC_LOAD_MISALIGNED) | BIT(EXC_LOAD_ACCESS_FAULT) |
	       BIT(EXC_STORE_MISALIGNED) | BIT(EXC_STORE_ACCESS_FAULT) | BIT(EXC_ECALL_U) |
	       BIT(EXC_INST_PAGE_FAULT) | BIT(EXC_LOAD_PAGE_FAULT) | BIT(EXC_STORE_PAGE_FAULT);
}

uint64_t riscv_vsstatus_on_trap(uint64_t vsstatus, bool from_vs)
{
	uint64_t spie = vsstatus & SSTATUS_SIE ? SSTATUS_SPIE : 0;

	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	return vsstatus | spie | (from_vs ? SSTATUS_SPP : 0);
}

uint64_t riscv_hideleg(void)
{
	return BIT(IRQ_VS_SOFT) | BIT(IRQ_VS_TIMER) | BIT(IRQ_VS_EXT);
}

uint64_t riscv_hcounteren(void)
{
	return HCOUNTEREN_CY | HCOUNTEREN_TM | HCOUNTEREN_IR;
}

uint64_t riscv_hstatus_initial(void)
{
	return HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW | XLEN_64 << HSTATUS_VSXL_SHIFT;
}

uint64_t riscv_guest_sstatus_initial(bool guest_fp)
{
	uint64_t fs = guest_fp ? SSTATUS_FS_INITIAL : 0;

	return SSTATUS_SPP | fs << SSTATUS_FS_SHIFT | XLEN_64 << SSTATUS_UXL_SHIFT;
}

uint64_t riscv_vsstatus_initial(void)
{
	return XLEN_64 << SSTATUS_UXL_SHIFT;
}

uint64_t riscv_hgatp(const struct pt_format *f, hpa_t root, uint16_t vmid)
{
	uint64_t mode = f->levels == 4 ? HGATP_MODE_SV48X4 : HGATP_MODE_SV39X4;

	return mode << HGATP_MODE_SHIFT | ((uint64_t)vmid & HGATP_VMID_MASK) << HGATP_VMID_SHIFT |
	       root.v >> 12;
}

uint64_t riscv_hgatp_vmid_probe(void)
{
	return HGATP_VMID_MASK << HGATP_VMID_SHIFT;
}

unsigned riscv_hgatp_vmid_bits(uint64_t readback)
{
	uint64_t vmid = (readback >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK;
	unsigned bits = 0;

	while (vmid & 1) {
		bits++;
		vmid >>= 1;
	}
	return bits;
}

int riscv_hvip_bit(uint32_t vector, uint64_t *bit)
{
	switch (vector) {
	case IRQ_S_SOFT:
		*bit = BIT(IRQ_VS_SOFT);
		return AX_OK;
	case IRQ_S_TIMER:
		*bit = BIT(IRQ_VS_TIMER);
		return AX_OK;
	case IRQ_S_EXT:
		*bit = BIT(IRQ_VS_EXT);
		return AX_OK;
	default:
		return AXERR_INVALID;
	}
}
