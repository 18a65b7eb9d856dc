/*
 * The firmware interface an AArch64 guest calls with HVC #0 or SMC #0: the SMC Calling
 * Convention 1.1 (Arm DEN0028) with its Arm Architecture calls, and PSCI 1.1 (Arm DEN0022) on
 * top of it, for one vCPU. Computed from the guest's x0..x3 and a small environment of host
 * callbacks: no system-register access, unit-tested on the host.
 *
 * What the backend does on a trapped call, an HVC with imm16 0 (ESR_EL2.EC 0x16) or an SMC
 * with imm16 0 (EC 0x17, trapped by HCR_EL2.TSC):
 *   1. passes the guest's x0..x3 to psci_handle_call;
 *   2. whatever the action, writes result.x0 to the guest's x0 (x1..x3 keep the guest's values:
 *      no implemented call returns more than x0) and moves the pc past the call. For an HVC,
 *      ELR_EL2 already points past it (the preferred return of an HVC is the next instruction);
 *      for a trapped SMC, ELR_EL2 holds the SMC itself and the backend adds 4;
 *   3. PSCI_ACTION_RESUME: enters the guest again; PSCI_ACTION_EXIT: hands result.exit to core.
 * Guest input never asserts: every malformed call gets an error in x0.
 *
 * Conventions (SMCCC): the function id is W0, the low 32 bits of x0; the upper half is ignored,
 * as firmware does (older Linux kernels pass ids sign-extended to 64 bits). A fast call's bit
 * 30 says SMC64 (arguments x1..x3) or SMC32 (arguments W1..W3: the upper halves of x1..x3 are
 * ignored). Return values are sign-extended to 64 bits: an error is negative in W0 and X0.
 * Yielding calls, and every id below not marked implemented, return SMCCC_RET_NOT_SUPPORTED.
 *
 * Implemented:
 *   SMCCC_VERSION        1.1
 *   SMCCC_ARCH_FEATURES  SUCCESS for SMCCC_VERSION and SMCCC_ARCH_FEATURES; NOT_SUPPORTED for
 *                        the rest, the ARCH_WORKAROUND_1/2/3 firmware mitigations among them
 *   PSCI_VERSION         1.1
 *   CPU_SUSPEND (32/64)  power_state in the original format (bits 15:0 StateID, bit 16
 *                        StateType, bits 25:24 PowerLevel, the rest reserved and zero). Every
 *                        StateID and PowerLevel is accepted: a vCPU is the only power domain of
 *                        a VM, and platform coordination may enter a shallower state than asked.
 *                        Standby: AXVM_EXIT_HALT (a wait for an interrupt), then SUCCESS.
 *                        Powerdown: AXVM_EXIT_HALT with halt.suspend; the vCPU wakes at
 *                        entry_point with x0 = context_id (env->resume_at).
 *   CPU_OFF              AXVM_EXIT_CPU_DOWN
 *   CPU_ON (32/64)       through env->vcpu_start
 *   AFFINITY_INFO (32/64) of one vCPU (lowest_affinity_level 0)
 *   MIGRATE_INFO_TYPE    PSCI_TOS_NOT_PRESENT_MP: no Trusted OS to migrate (so MIGRATE and
 *                        MIGRATE_INFO_UP_CPU are NOT_SUPPORTED)
 *   SYSTEM_OFF           AXVM_EXIT_SYSTEM_DOWN, power off
 *   SYSTEM_RESET         AXVM_EXIT_SYSTEM_DOWN, reset
 *   SYSTEM_RESET2 (32/64) SYSTEM_WARM_RESET: AXVM_EXIT_SYSTEM_DOWN, reset; no vendor resets
 *   PSCI_FEATURES        SUCCESS (0: no feature flags) for each PSCI function above and for
 *                        SMCCC_VERSION (how a guest learns that SMCCC 1.1 is there)
 *   AXVM_MEMORY_RELEASE  axvm-c's own, a vendor-specific hypervisor service call (owning
 *   (32/64)              entity 6): x1 = base, x2 = size, page-aligned guest memory the VM
 *                        gives back (env->release_memory); SUCCESS, or INVALID_PARAMETERS
 *
 * CPUs are named by their MPIDR affinity, Aff3 in bits 39:32 and Aff2..Aff0 in bits 23:0: what
 * core calls a vCPU's guest id on Arm.
 */
#ifndef ARM_VCPU_PSCI_H
#define ARM_VCPU_PSCI_H

#include <stddef.h>
#include <stdint.h>

#include <axvm/arch_vcpu.h>
#include <axvm/exit.h>

/* Arm Architecture calls (SMCCC owning entity 0). */
#define SMCCC_FN_VERSION 0x80000000u
#define SMCCC_FN_ARCH_FEATURES 0x80000001u
#define SMCCC_FN_ARCH_WORKAROUND_1 0x80008000u
#define SMCCC_FN_ARCH_WORKAROUND_2 0x80007fffu
#define SMCCC_FN_ARCH_WORKAROUND_3 0x80003fffu

/* axvm-c's own call (vendor-specific hypervisor service, owning entity 6; its SMC32 id,
 * bit 30 clear, takes 32-bit arguments): memory release, as the riscv backend's SBI AXVM
 * extension. */
#define AXVM_FN64_MEMORY_RELEASE 0xc6000010u
#define AXVM_PAGE_SIZE 4096u

/* PSCI function ids (standard secure service calls, owning entity 4): SMC32 and SMC64. */
#define PSCI_FN_VERSION 0x84000000u
#define PSCI_FN_CPU_SUSPEND 0x84000001u
#define PSCI_FN64_CPU_SUSPEND 0xc4000001u
#define PSCI_FN_CPU_OFF 0x84000002u
#define PSCI_FN_CPU_ON 0x84000003u
#define PSCI_FN64_CPU_ON 0xc4000003u
#define PSCI_FN_AFFINITY_INFO 0x84000004u
#define PSCI_FN64_AFFINITY_INFO 0xc4000004u
#define PSCI_FN_MIGRATE 0x84000005u
#define PSCI_FN64_MIGRATE 0xc4000005u
#define PSCI_FN_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_FN_MIGRATE_INFO_UP_CPU 0x84000007u
#define PSCI_FN64_MIGRATE_INFO_UP_CPU 0xc4000007u
#define PSCI_FN_SYSTEM_OFF 0x84000008u
#define PSCI_FN_SYSTEM_RESET 0x84000009u
#define PSCI_FN_FEATURES 0x8400000au
#define PSCI_FN_SYSTEM_RESET2 0x84000012u
#define PSCI_FN64_SYSTEM_RESET2 0xc4000012u

/* SMCCC_VERSION and PSCI_VERSION: major in bits 30:16, minor in bits 15:0. */
#define SMCCC_VERSION_1_1 0x00010001
#define PSCI_VERSION_1_1 0x00010001

/* Arm Architecture call return codes: SMCCC_ARCH_FEATURES's answers, and what an unknown
 * function id returns. */
#define SMCCC_RET_SUCCESS 0
#define SMCCC_RET_NOT_SUPPORTED (-1)

/* PSCI return codes. */
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_NOT_PRESENT (-7)
#define PSCI_RET_DISABLED (-8)
#define PSCI_RET_INVALID_ADDRESS (-9)

/* AFFINITY_INFO's answers. */
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

/* MIGRATE_INFO_TYPE: a Trusted OS that needs no migration, or none at all. */
#define PSCI_TOS_NOT_PRESENT_MP 2

/* CPU_SUSPEND power_state, original format. */
#define PSCI_POWER_STATE_POWERDOWN (1u << 16) /* StateType: 1 powerdown, 0 standby */
#define PSCI_POWER_STATE_RESERVED 0xfcfe0000u /* bits 31:26 and 23:17 */

/* SYSTEM_RESET2 reset_type. */
#define PSCI_RESET2_SYSTEM_WARM_RESET 0u
#define PSCI_RESET2_VENDOR (1u << 31) /* vendor-specific types; none are implemented */

/* The MPIDR_EL1 affinity fields, Aff3 and Aff2..Aff0: every bit a CPU id may have. */
#define PSCI_MPIDR_AFFINITY_MASK 0xff00ffffffull

/*
 * What the host provides. Every callback must be set; ctx is passed back to each. Addresses
 * are guest-physical; mpidr is an MPIDR affinity (no bit outside PSCI_MPIDR_AFFINITY_MASK).
 */
struct psci_env {
	void *ctx;
	/* Copies len bytes of guest memory at gpa into buf. Returns 0, or a negative axerr when
	 * any byte of the range is not guest memory. Called with len 4 (an entry point's first
	 * instruction). */
	int (*read_guest)(void *ctx, uint64_t gpa, void *buf, size_t len);
	/* Stores the power state of the VM's vCPU mpidr in *power (core's vm_ops.vcpu_power).
	 * Returns 0, or AXERR_INVALID when the VM has no vCPU with that affinity. */
	int (*vcpu_power)(void *ctx, uint64_t mpidr, enum axvm_vcpu_power *power);
	/* Powers on the VM's vCPU mpidr at entry with x0 = context_id, MMU off (core's
	 * vm_ops.vcpu_start, which refuses atomically all but an OFF vCPU). Returns 0,
	 * AXERR_BAD_STATE (not OFF, or the VM is not running), AXERR_INVALID (no such vCPU). */
	int (*vcpu_start)(void *ctx, uint64_t mpidr, uint64_t entry, uint64_t context_id);
	/* Makes the calling vCPU, when the powerdown suspend its CPU_SUSPEND call is starting
	 * ends, resume at entry with x0 = context_id in its boot state (MMU off, interrupts
	 * masked) instead of returning from the call. */
	void (*resume_at)(void *ctx, uint64_t entry, uint64_t context_id);
	/* Frees the VM's memory behind [gpa, gpa + size) (page-aligned, nonzero), which reads as
	 * zeroes when touched again, on every CPU before it returns (core's
	 * vm_ops.release_memory). Returns 0 or a negative axerr. */
	int (*release_memory)(void *ctx, uint64_t gpa, uint64_t size);
};

/* What the backend does after the call (see the top of this file). */
enum psci_action {
	PSCI_ACTION_RESUME, /* write x0, move the pc past the call, enter the guest again */
	PSCI_ACTION_EXIT,   /* write x0, move the pc past the call, hand exit to core */
};

struct psci_result {
	enum psci_action action;
	/* For the guest's x0: the call's return value. A call that does not return on success
	 * (CPU_OFF, SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2) gets PSCI_RET_INTERNAL_FAILURE, what
	 * the guest sees should the call ever return. */
	uint64_t x0;
	struct axvm_exit exit; /* PSCI_ACTION_EXIT: the exit; otherwise AXVM_EXIT_NOTHING */
};

/* Handles the call the guest made with x[0..3] = its x0..x3 on the calling vCPU, and fills
 * *res. Callbacks of env are called as the call needs them. */
void psci_handle_call(const struct psci_env *env, const uint64_t x[4], struct psci_result *res);

#endif
