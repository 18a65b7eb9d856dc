/*
 * The RISC-V SBI, version 2.0, for one vCPU: the firmware interface a VS-mode guest calls with
 * ecall, computed from its argument registers and a small environment of host callbacks. Pure
 * computation: no CSR access, unit-tested on the host.
 *
 * What the backend does on an "environment call from VS-mode" trap (scause 10):
 *   1. passes the guest's a0..a7 as struct sbi_regs to sbi_handle_ecall;
 *   2. whatever the action, writes result.error to the guest's a0 and result.value to a1, and
 *      advances sepc by 4;
 *   3. SBI_ACTION_RESUME: enters the guest again; SBI_ACTION_EXIT: returns result.exit from
 *      arch_vcpu_run.
 * Guest input never asserts: every malformed call gets an SBI error.
 *
 * Implemented (and the only extensions probe_extension reports):
 *   Base (0x10)        get_spec_version (2.0), get_impl_id (SBI_IMPL_ID_AXVM), get_impl_version,
 *                      probe_extension, get_mvendorid/marchid/mimpid (all 0)
 *   Legacy 0x01, 0x02  console putchar and getchar (result.value keeps the guest's a1)
 *   TIME               set_timer
 *   IPI (sPI)          send_ipi -> AXVM_EXIT_SEND_IPI
 *   RFENCE             remote_fence_i, remote_sfence_vma, remote_sfence_vma_asid: the caller's
 *                      own hart through env->local_fence, the others through env->remote_fence
 *                      before the call returns. The HFENCE functions (3..6) are for guests
 *                      with the H extension, which ours do not have: SBI_ERR_NOT_SUPPORTED.
 *   HSM                hart_start through env->hart_start (start_addr: 2-byte aligned guest
 *                      memory, checked with read_guest), hart_stop -> AXVM_EXIT_CPU_DOWN,
 *                      hart_get_status, hart_suspend (the low 32 bits of suspend_type; default
 *                      retentive and non-retentive) -> AXVM_EXIT_HALT with halt.suspend
 *   SRST               system_reset -> AXVM_EXIT_SYSTEM_DOWN
 *   DBCN               console_write, console_read, console_write_byte
 *   AXVM               memory_release through env->release_memory: axvm-c's own extension,
 *                      in the firmware-specific space (0x0A000000 | the impl id's low 24 bits)
 * Anything else: SBI_ERR_NOT_SUPPORTED, and the guest resumes.
 *
 * Hart ids are the vCPU indices of the VM: 0 .. hart_count - 1, at most SBI_MAX_HARTS.
 */
#ifndef RISCV_VCPU_SBI_H
#define RISCV_VCPU_SBI_H

#include <stddef.h>
#include <stdint.h>

#include <axvm/exit.h>

/* Extension ids (a7). */
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45	  /* "TIME" */
#define SBI_EXT_IPI 0x735049	  /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43 /* "RFNC" */
#define SBI_EXT_HSM 0x48534d	  /* "HSM" */
#define SBI_EXT_SRST 0x53525354	  /* "SRST" */
#define SBI_EXT_DBCN 0x4442434e	  /* "DBCN" */
/* axvm-c's own, in the firmware-specific space: its low 24 bits are the implementation id's,
 * as the spec requires. */
#define SBI_EXT_AXVM 0x0a58564d

/* Function ids (a6) of each extension. */
enum sbi_base_fid {
	SBI_BASE_GET_SPEC_VERSION = 0,
	SBI_BASE_GET_IMPL_ID = 1,
	SBI_BASE_GET_IMPL_VERSION = 2,
	SBI_BASE_PROBE_EXTENSION = 3,
	SBI_BASE_GET_MVENDORID = 4,
	SBI_BASE_GET_MARCHID = 5,
	SBI_BASE_GET_MIMPID = 6,
};
enum sbi_time_fid {
	SBI_TIME_SET_TIMER = 0,
};
enum sbi_ipi_fid {
	SBI_IPI_SEND_IPI = 0,
};
enum sbi_rfence_fid {
	SBI_RFENCE_REMOTE_FENCE_I = 0,
	SBI_RFENCE_REMOTE_SFENCE_VMA = 1,
	SBI_RFENCE_REMOTE_SFENCE_VMA_ASID = 2,
	SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID = 3,
	SBI_RFENCE_REMOTE_HFENCE_GVMA = 4,
	SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID = 5,
	SBI_RFENCE_REMOTE_HFENCE_VVMA = 6,
};
enum sbi_hsm_fid {
	SBI_HSM_HART_START = 0,
	SBI_HSM_HART_STOP = 1,
	SBI_HSM_HART_GET_STATUS = 2,
	SBI_HSM_HART_SUSPEND = 3,
};
enum sbi_srst_fid {
	SBI_SRST_SYSTEM_RESET = 0,
};
enum sbi_axvm_fid {
	SBI_AXVM_MEMORY_RELEASE = 0,
};
enum sbi_dbcn_fid {
	SBI_DBCN_CONSOLE_WRITE = 0,
	SBI_DBCN_CONSOLE_READ = 1,
	SBI_DBCN_CONSOLE_WRITE_BYTE = 2,
};

/* Standard SBI error codes (a0). */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_DENIED (-4)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_ERR_ALREADY_STARTED (-7)
#define SBI_ERR_ALREADY_STOPPED (-8)
#define SBI_ERR_NO_SHMEM (-9)

/* The granule of AXVM memory_release's base and size. */
#define SBI_AXVM_PAGE_SIZE 4096u

/* get_spec_version: major in bits 30:24, minor in bits 23:0. */
#define SBI_SPEC_VERSION (2u << 24)
/* get_impl_id: axvm-c's own id, "AXVM" in ASCII. The spec's table assigns small numbers
 * (0 BBL, 1 OpenSBI, 2 Xvisor, 3 KVM, ... 11 bhyve); a value this far outside it cannot
 * collide with a future assignment. */
#define SBI_IMPL_ID_AXVM 0x4158564d
/* get_impl_version: major << 16 | minor. */
#define SBI_IMPL_VERSION ((0u << 16) | 1u)

/* hart_suspend types. */
#define SBI_HSM_SUSPEND_RETENTIVE 0x00000000u
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000u

/* system_reset types and reasons. */
#define SBI_SRST_TYPE_SHUTDOWN 0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_TYPE_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1

/* The interrupt send_ipi raises: the guest's supervisor software interrupt, scause interrupt
 * code 1 as the guest sees it (hvip.VSSIP from the hypervisor's side). */
#define SBI_IPI_VECTOR 1

/* Harts a VM may have: the width of AXVM_EXIT_SEND_IPI's target mask. */
#define SBI_MAX_HARTS 64

/* Most bytes one DBCN console_write or console_read call moves; the spec lets a call write or
 * read less than asked, and the guest calls again for the rest. */
#define SBI_DBCN_MAX_WRITE 256
#define SBI_DBCN_MAX_READ 64

/* HSM hart states (hart_get_status). */
enum sbi_hsm_state {
	SBI_HSM_STARTED = 0,
	SBI_HSM_STOPPED = 1,
	SBI_HSM_START_PENDING = 2,
	SBI_HSM_STOP_PENDING = 3,
	SBI_HSM_SUSPENDED = 4,
	SBI_HSM_SUSPEND_PENDING = 5,
	SBI_HSM_RESUME_PENDING = 6,
};

/* A TLB or instruction-cache fence an RFENCE call asks for, on behalf of the guest. */
enum sbi_fence_kind {
	SBI_FENCE_I,	    /* FENCE.I */
	SBI_FENCE_VMA,	    /* SFENCE.VMA of [start, start + size), every ASID */
	SBI_FENCE_VMA_ASID, /* SFENCE.VMA of [start, start + size) for asid only */
};

/* size of a fence of the whole address space (the guest passed start = size = 0, or
 * size = -1). */
#define SBI_FENCE_ALL UINT64_MAX

struct sbi_fence {
	enum sbi_fence_kind kind;
	uint64_t start; /* guest-virtual; 0 with SBI_FENCE_ALL */
	uint64_t size;	/* bytes, never 0 and never wrapping past 2^64, or SBI_FENCE_ALL */
	uint64_t asid;	/* SBI_FENCE_VMA_ASID only, as the guest passed it */
};

/*
 * What the host provides. Every callback must be set; ctx is passed back to each. Addresses
 * are guest-physical.
 */
struct sbi_env {
	void *ctx;
	/* TIME set_timer: arms the vCPU's timer to fire when the guest's time CSR reaches
	 * stime_value (UINT64_MAX: never) and, as the spec demands, clears the guest's pending
	 * timer interrupt now: the backend clears hvip.VSTIP (or writes vstimecmp with Sstc), so a
	 * guest that asks for a later deadline does not see the old one still pending. */
	void (*set_timer)(void *ctx, uint64_t stime_value);
	/* Writes one byte to the VM's console (legacy putchar, DBCN). */
	void (*console_putc)(void *ctx, uint8_t byte);
	/* Takes one byte of console input: 0..255, or -1 when there is none. Never blocks. */
	int (*console_getc)(void *ctx);
	/* Copies len bytes of guest memory at gpa into buf. Returns 0, or a negative axerr when
	 * any byte of the range is not guest memory (then buf's contents do not matter). Called
	 * with len <= 64. */
	int (*read_guest)(void *ctx, uint64_t gpa, void *buf, size_t len);
	/* Copies len bytes from buf into guest memory at gpa. Returns 0, or a negative axerr when
	 * any byte of the range is not writable guest memory. Called with len <= 64. */
	int (*write_guest)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	/* The HSM state of hart hartid (< hart_count) of this VM: SBI_HSM_STARTED while it runs
	 * guest code, SBI_HSM_STOPPED when never started or stopped, SBI_HSM_SUSPENDED in a
	 * hart_suspend, and the pending states in between. */
	enum sbi_hsm_state (*hart_state)(void *ctx, uint64_t hartid);
	/* Starts hart hartid (< hart_count) of this VM at start_addr in S-mode with satp = 0,
	 * sstatus.SIE = 0, a0 = hartid, a1 = opaque, if it is SBI_HSM_STOPPED (atomically: of two
	 * callers only one succeeds). Returns SBI_SUCCESS, SBI_ERR_ALREADY_AVAILABLE (not
	 * stopped), SBI_ERR_FAILED. */
	int64_t (*hart_start)(void *ctx, uint64_t hartid, uint64_t start_addr, uint64_t opaque);
	/* Makes the calling hart, when the suspend its hart_suspend call is starting ends, resume
	 * at resume_addr in S-mode with satp = 0, sstatus.SIE = 0, a0 = its hart id, a1 = opaque
	 * (a non-retentive suspend) instead of returning from the call. */
	void (*resume_at)(void *ctx, uint64_t resume_addr, uint64_t opaque);
	/* Performs fence on the calling vCPU's own hart before the guest resumes: FENCE.I, or
	 * HFENCE.VVMA (which acts on the VMID in hgatp, i.e. this VM). */
	void (*local_fence)(void *ctx, const struct sbi_fence *fence);
	/* Performs fence on the harts of vcpu_mask (bit i: hart i; never the caller's own, never
	 * empty) and returns only when each of them has done it or will do it before it next
	 * runs guest code: a vCPU that is running must be interrupted and fence first. Returns
	 * SBI_SUCCESS or an SBI error for the guest (SBI_ERR_FAILED). One way: the host
	 * firmware's own RFENCE (remote_hfence_vvma[_asid] with hart_mask_base = -1, or
	 * remote_fence_i), which uses the calling hart's hgatp VMID and waits for completion. */
	int64_t (*remote_fence)(void *ctx, const struct sbi_fence *fence, uint64_t vcpu_mask);
	/* AXVM memory_release: frees the VM's memory behind [gpa, gpa + size) (page-aligned,
	 * nonzero), which reads as zeroes when touched again, on every hart before it returns.
	 * Returns 0, AXERR_INVALID, AXERR_NOT_MAPPED or AXERR_UNSUPPORTED (not memory the VM
	 * owns), AXERR_NO_MEMORY. */
	int (*release_memory)(void *ctx, uint64_t gpa, uint64_t size);
};

/* The guest's a0..a7 at the ecall: a0..a5 arguments, a6 function id, a7 extension id. */
struct sbi_regs {
	uint64_t a[8];
};

/* What the backend does after the call (see the top of this file). */
enum sbi_action {
	SBI_ACTION_RESUME, /* write a0/a1, sepc += 4, enter the guest again */
	SBI_ACTION_EXIT,   /* write a0/a1, sepc += 4, return exit from arch_vcpu_run */
};

struct sbi_result {
	enum sbi_action action;
	int64_t error;	       /* for a0: SBI_SUCCESS or SBI_ERR_*; legacy calls: their return */
	uint64_t value;	       /* for a1; legacy calls: the guest's a1 unchanged */
	struct axvm_exit exit; /* SBI_ACTION_EXIT: the exit; otherwise AXVM_EXIT_NOTHING */
};

/* Handles the ecall described by regs, made by hart hartid of a VM with hart_count harts
 * (1 <= hart_count <= SBI_MAX_HARTS, hartid < hart_count: the host's invariants), and fills
 * *res. Callbacks of env are called as the call needs them. */
void sbi_handle_ecall(const struct sbi_env *env, uint32_t hartid, uint32_t hart_count,
		      const struct sbi_regs *regs, struct sbi_result *res);

/* The caller of SBI calls: a hart, its VM's hart count, its registers a0..a7 (read when a
 * call is handled). A backend keeps one per vCPU, so that an ecall costs no setup; it checks
 * the invariants of sbi_handle_ecall when it makes one. */
struct sbi_call {
	const struct sbi_env *env;
	uint32_t hartid;
	uint32_t hart_count;
	const uint64_t *a; /* a0..a7 */
};

/* sbi_handle_ecall for the call's registers as they are now (same invariants). */
void sbi_handle_call(const struct sbi_call *call, struct sbi_result *res);

#endif
