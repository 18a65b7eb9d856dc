#include <arm_vcpu/esr.h>

#include <stddef.h>

#define ISS_ISV (1u << 24)
#define ISS_SAS_SHIFT 22
#define ISS_SSE (1u << 21)
#define ISS_SRT_SHIFT 16
#define ISS_SF (1u << 15)
#define ISS_AR (1u << 14)
#define ISS_FNV (1u << 10)
#define ISS_EA (1u << 9)
#define ISS_CM (1u << 8)
#define ISS_S1PTW (1u << 7)
#define ISS_WNR (1u << 6)
#define ISS_FSC_MASK 0x3fu

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const ec_names[] = {
    [0x00] = "unknown reason",
    [0x01] = "trapped WFI/WFE",
    [0x03] = "trapped AArch32 MCR/MRC (coproc 0b1111)",
    [0x04] = "trapped AArch32 MCRR/MRRC (coproc 0b1111)",
    [0x05] = "trapped AArch32 MCR/MRC (coproc 0b1110)",
    [0x06] = "trapped AArch32 LDC/STC",
    [0x07] = "SVE/SIMD/floating-point access trap",
    [0x08] = "trapped AArch32 VMRS",
    [0x09] = "pointer authentication instruction trap",
    [0x0a] = "trapped LD64B/ST64B",
    [0x0c] = "trapped AArch32 MRRC (coproc 0b1110)",
    [0x0d] = "branch target exception",
    [0x0e] = "illegal execution state",
    [0x11] = "AArch32 SVC",
    [0x12] = "AArch32 HVC",
    [0x13] = "AArch32 SMC",
    [0x15] = "SVC",
    [0x16] = "HVC",
    [0x17] = "SMC",
    [0x18] = "trapped MSR/MRS/system instruction",
    [0x19] = "SVE access trap",
    [0x1a] = "trapped ERET",
    [0x1b] = "TSTART access trap",
    [0x1c] = "pointer authentication failure",
    [0x1d] = "SME access trap",
    [0x1e] = "granule protection check",
    [0x1f] = "implementation defined exception to EL3",
    [0x20] = "instruction abort from a lower EL",
    [0x21] = "instruction abort from the current EL",
    [0x22] = "PC alignment fault",
    [0x24] = "data abort from a lower EL",
    [0x25] = "data abort from the current EL",
    [0x26] = "SP alignment fault",
    [0x27] = "memory operation exception",
    [0x28] = "trapped AArch32 floating-point exception",
    [0x2c] = "trapped floating-point exception",
    [0x2f] = "SError interrupt",
    [0x30] = "breakpoint from a lower EL",
    [0x31] = "breakpoint from the current EL",
    [0x32] = "software step from a lower EL",
    [0x33] = "software step from the current EL",
    [0x34] = "watchpoint from a lower EL",
    [0x35] = "watchpoint from the current EL",
    [0x38] = "AArch32 BKPT",
    [0x3a] = "AArch32 vector catch",
    [0x3c] = "BRK",
};

/* Fault status codes: 0x00-0x0f and 0x14-0x17, 0x1c-0x1f, 0x24-0x27 encode a level in bits
 * [1:0]; 0x29, 0x2b, 0x13, 0x1b and 0x23 are level -1 (FEAT_LPA2). */
static const char *const fsc_names[] = {
    [0x00] = "address size fault, level 0",
    [0x01] = "address size fault, level 1",
    [0x02] = "address size fault, level 2",
    [0x03] = "address size fault, level 3",
    [0x04] = "translation fault, level 0",
    [0x05] = "translation fault, level 1",
    [0x06] = "translation fault, level 2",
    [0x07] = "translation fault, level 3",
    [0x08] = "access flag fault, level 0",
    [0x09] = "access flag fault, level 1",
    [0x0a] = "access flag fault, level 2",
    [0x0b] = "access flag fault, level 3",
    [0x0c] = "permission fault, level 0",
    [0x0d] = "permission fault, level 1",
    [0x0e] = "permission fault, level 2",
    [0x0f] = "permission fault, level 3",
    [0x10] = "synchronous external abort",
    [0x11] = "synchronous tag check fault",
    [0x13] = "synchronous external abort on table walk, level -1",
    [0x14] = "synchronous external abort on table walk, level 0",
    [0x15] = "synchronous external abort on table walk, level 1",
    [0x16] = "synchronous external abort on table walk, level 2",
    [0x17] = "synchronous external abort on table walk, level 3",
    [0x18] = "synchronous parity/ECC error",
    [0x1b] = "synchronous parity/ECC error on table walk, level -1",
    [0x1c] = "synchronous parity/ECC error on table walk, level 0",
    [0x1d] = "synchronous parity/ECC error on table walk, level 1",
    [0x1e] = "synchronous parity/ECC error on table walk, level 2",
    [0x1f] = "synchronous parity/ECC error on table walk, level 3",
    [0x21] = "alignment fault",
    [0x23] = "granule protection fault on table walk, level -1",
    [0x24] = "granule protection fault on table walk, level 0",
    [0x25] = "granule protection fault on table walk, level 1",
    [0x26] = "granule protection fault on table walk, level 2",
    [0x27] = "granule protection fault on table walk, level 3",
    [0x28] = "granule protection fault",
    [0x29] = "address size fault, level -1",
    [0x2b] = "translation fault, level -1",
    [0x30] = "TLB conflict abort",
    [0x31] = "unsupported atomic hardware update fault",
    [0x34] = "implementation defined fault (lockdown)",
    [0x35] = "implementation defined fault (unsupported exclusive or atomic access)",
};

const char *esr_ec_name(unsigned ec)
{
	const char *name = ec < ARRAY_SIZE(ec_names) ? ec_names[ec] : NULL;

	return name ? name : "reserved exception class";
}

bool esr_is_abort(unsigned ec)
{
	return ec == ESR_EC_IABT_LOWER || ec == ESR_EC_IABT_CURRENT || ec == ESR_EC_DABT_LOWER ||
	       ec == ESR_EC_DABT_CURRENT;
}

struct esr_abort esr_decode_abort(uint64_t esr)
{
	uint32_t iss = esr_iss(esr);
	unsigned ec = esr_ec(esr);
	struct esr_abort a = {
	    .data = ec == ESR_EC_DABT_LOWER || ec == ESR_EC_DABT_CURRENT,
	    .far_invalid = iss & ISS_FNV,
	    .external = iss & ISS_EA,
	    .s1ptw = iss & ISS_S1PTW,
	    .fsc = iss & ISS_FSC_MASK,
	};

	if (!a.data)
		return a;
	a.isv = iss & ISS_ISV;
	a.cache_maint = iss & ISS_CM;
	a.write = iss & ISS_WNR;
	if (a.isv) {
		a.size = 1u << ((iss >> ISS_SAS_SHIFT) & 3);
		a.sign_extend = iss & ISS_SSE;
		a.srt = (iss >> ISS_SRT_SHIFT) & 0x1f;
		a.sixty_four = iss & ISS_SF;
		a.acq_rel = iss & ISS_AR;
	}
	return a;
}

const char *esr_fault_status_name(unsigned fsc)
{
	const char *name = fsc < ARRAY_SIZE(fsc_names) ? fsc_names[fsc] : NULL;

	return name ? name : "reserved fault status code";
}
