/* The host's scriptable fake backend: implements axvm/arch_vcpu.h so that core's run loop,
 * device dispatch, fault handling and interrupt injection run end to end in host tests. A
 * "guest" is a C function that produces the next exit each time the vCPU runs. */
#ifndef SIM_VCPU_SIM_VCPU_H
#define SIM_VCPU_SIM_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axvm/arch_vcpu.h>

#define SIM_GPRS 32
#define SIM_MAX_VECTOR 256
#define SIM_MAX_INJECTED 64
/* The alignment the fake CPU's boot tables need; others are refused as a backend does. */
#define SIM_BOOT_TABLES_ALIGN 4096

/* Where a read access exit's value goes when core completes it: width bytes sign- or
 * zero-extended, then cut to reg_width bytes (a 32-bit register; 0 or 8: all 64 bits). */
struct sim_dest {
	uint8_t reg;
	uint8_t reg_width;
	bool sign_extend;
};

/* Everything the fake CPU holds; tests read and write it freely. */
struct sim_vcpu {
	uint32_t vm_id;
	uint32_t vcpu_id;
	uint64_t guest_id;
	uint16_t vmid;
	uint64_t gpr[SIM_GPRS];
	uint64_t entry;
	uint64_t entry_arg;
	uint64_t entry_tables; /* the boot tables of the last set_entry, 0: none */
	bool entry_set;
	hpa_t stage2_root;
	const struct pt_format *stage2_fmt;
	bool setup_done;
	bool bound;
	uint32_t bound_cpu; /* the cpu of the last bind */
	uint64_t runs;
	uint64_t return_value;
	uint32_t injected[SIM_MAX_INJECTED]; /* in injection order */
	size_t injected_count;
	bool line[AXVM_IRQ_LINES]; /* interrupt lines as the backend was told */
	uint32_t line_changes;
	uint64_t step; /* for guest programs: where they are */
	/* The destination of the read access the guest program returns (or decoded_mmio
	 * decodes into); a guest program sets it with the exit. */
	struct sim_dest dest;
	/* What arch_vcpu_decode_mmio turns the next stage-2 fault into; kind NOTHING: the
	 * instruction cannot be decoded (AXERR_INVALID). Consumed by each decode. */
	struct axvm_exit decoded_mmio;
	bool access_pending;  /* an access exit arch_vcpu_complete has not completed */
	uint64_t pc_advances; /* completions, which move the pc past the access */
	/* The next decode finds the fault was the guest's own translation's, delivers the
	 * architecture's fault to the guest (counted in reflected) and returns an
	 * AXVM_EXIT_NOTHING. Consumed by that decode. */
	bool decode_reflects;
	uint64_t reflected;
	uint64_t pc;		 /* what arch_vcpu_pc reports */
	bool irq_pending;	 /* what arch_vcpu_interrupt_pending reports */
	uint64_t timer_deadline; /* what arch_vcpu_timer_deadline reports (0 at create: none) */
	bool timer_soft;
	uint32_t entry_resets;	  /* arch_vcpu_set_entry calls */
	uint64_t direct_accesses; /* MMIO accesses made through vm_ops.mmio_read/mmio_write */
};

/* Produces the vCPU's next exit; arch_vcpu_run passes it to core and runs the program again
 * while core answers AXVM_RESUME. Returning an error makes arch_vcpu_run fail. */
typedef int (*sim_guest_fn)(void *ctx, struct sim_vcpu *v, struct axvm_exit *exit);

/* Whether the guest program's MMIO exits are made as a backend that decodes them makes them,
 * through vm_ops.mmio_read/mmio_write, and completed in the sim (default: handed to core as
 * exits). */
void sim_set_direct_mmio(bool on);

/* The guest program of every vCPU created from now on (NULL: each run exits with HALT). */
void sim_set_guest(sim_guest_fn fn, void *ctx);

/* The stage-2 format arch_stage2_format reports (default: Sv39x4). */
void sim_set_stage2_format(const struct pt_format *fmt);

/* The live sim vCPU of (vm_id, vcpu_id), or NULL. */
struct sim_vcpu *sim_vcpu_find(uint32_t vm_id, uint32_t vcpu_id);

/* Reads the firmware console as the guest would (vm_ops.console_getc): a byte, or -1. */
int sim_vcpu_console_getc(struct sim_vcpu *s);

/* Gives guest memory back as the guest would (vm_ops.release_memory): 0 or a negative axerr. */
int sim_vcpu_release_memory(struct sim_vcpu *s, uint64_t gpa, uint64_t size);

/* Per-CPU enable state, for tests of hardware_enable/disable. */
bool sim_hardware_enabled(void);

/* The VMID count arch_vmid_count reports (default 64). */
void sim_set_vmid_count(uint32_t count);

/* How many times arch_vmid_flush flushed vmid. */
uint32_t sim_vmid_flushes(uint32_t vmid);

#define SIM_MAX_INVALIDATIONS 256

/* One arch_stage2_invalidate call. */
struct sim_invalidation {
	uint32_t vmid;
	uint64_t gpa;
	uint64_t size;
};

/* The arch_stage2_invalidate calls since the last sim_stage2_reset (the first
 * SIM_MAX_INVALIDATIONS), in order, and how many arch_stage2_sync calls. */
size_t sim_stage2_invalidations(const struct sim_invalidation **out);
uint32_t sim_stage2_syncs(void);
void sim_stage2_reset(void);

#endif
