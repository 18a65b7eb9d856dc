/* The one portable description of why a vCPU left the guest. Backends fill it; core handles
 * what it can (MMIO, port I/O, system registers, stage-2 faults) and returns the rest to the
 * host. */
#ifndef AXVM_EXIT_H
#define AXVM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

enum axvm_exit_kind {
	AXVM_EXIT_NOTHING,   /* nothing to do (e.g. an interrupt the host already took) */
	AXVM_EXIT_HYPERCALL, /* a hypercall the backend does not emulate itself */
	AXVM_EXIT_MMIO_READ,
	AXVM_EXIT_MMIO_WRITE,
	AXVM_EXIT_SYSREG_READ,
	AXVM_EXIT_SYSREG_WRITE,
	AXVM_EXIT_IO_READ,
	AXVM_EXIT_IO_WRITE,
	AXVM_EXIT_EXTERNAL_INTERRUPT, /* a physical interrupt arrived while the guest ran */
	AXVM_EXIT_NESTED_PAGE_FAULT,  /* a stage-2 fault not decoded into an access */
	AXVM_EXIT_HALT,		      /* the vCPU waits for an interrupt */
	AXVM_EXIT_CPU_UP,	      /* the guest starts another vCPU */
	AXVM_EXIT_CPU_DOWN,	      /* the vCPU turns itself off */
	AXVM_EXIT_SYSTEM_DOWN,	      /* the guest powers off or resets the whole VM */
	AXVM_EXIT_SEND_IPI,
	AXVM_EXIT_FAIL_ENTRY, /* the hardware refused to enter the guest */
	AXVM_EXIT_TIMER,      /* the guest moved a timer the host emulates (re-arm its timer) */
	AXVM_EXIT_GUEST_TRAP, /* a trap the backend neither handles nor reflects into the guest */
	AXVM_EXIT_KINDS,
};

/* Access bits of a nested page fault. */
enum axvm_access {
	AXVM_ACCESS_READ = 1u << 0,
	AXVM_ACCESS_WRITE = 1u << 1,
	AXVM_ACCESS_EXEC = 1u << 2,
};

/* What core decided about an exit: re-enter the guest, or leave to the host. */
enum axvm_disposition {
	AXVM_RESUME,
	AXVM_LEAVE,
};

/* What a device access a backend made directly (arch_vcpu_vm_ops.mmio_read/mmio_write) came
 * to: two flags. AXVM_MMIO_DONE: the device completed it, and the backend completes the
 * instruction (a read's destination, the pc); AXVM_MMIO_LEAVE: the backend leaves
 * arch_vcpu_run afterwards (the VM stops or pauses) instead of re-entering the guest. With
 * neither (AXVM_MMIO_RETRY) the address was guest memory core has now mapped: the guest
 * re-executes the instruction. */
enum axvm_mmio_result {
	AXVM_MMIO_RETRY = 0,
	AXVM_MMIO_DONE = 1,
	AXVM_MMIO_LEAVE = 2,
	AXVM_MMIO_DONE_LEAVE = AXVM_MMIO_DONE | AXVM_MMIO_LEAVE,
};

/* What a direct MMIO read came to, and with AXVM_MMIO_DONE the value read: two words, which
 * the calling conventions of every architecture here return in registers. */
struct axvm_mmio_value {
	uint64_t value;
	enum axvm_mmio_result result;
};

struct axvm_exit {
	enum axvm_exit_kind kind;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} hypercall;
		/* Access exits (MMIO, port I/O, system registers) are decoded: core performs the
		 * access and completes it with arch_vcpu_complete, which writes a read's
		 * destination as the architecture does and moves the pc past the instruction. */
		struct {
			uint64_t addr;
			uint8_t width; /* bytes: 1, 2, 4 or 8 */
		} mmio_read;
		struct {
			uint64_t addr;
			uint8_t width;
			uint64_t data;
		} mmio_write;
		struct {
			uint64_t addr; /* the backend's encoding of the register */
		} sysreg_read;
		struct {
			uint64_t addr;
			uint64_t value;
		} sysreg_write;
		struct {
			uint16_t port;
			uint8_t width;
		} io_read;
		struct {
			uint16_t port;
			uint8_t width;
			uint64_t data;
		} io_write;
		struct {
			uint64_t vector;
		} external_interrupt;
		struct {
			uint64_t addr;
			uint32_t access; /* enum axvm_access */
		} nested_page_fault;
		struct {
			/* A firmware suspend call rather than
			 * a wait-for-interrupt instruction. */
			bool suspend;
		} halt;
		struct {
			uint64_t target; /* the guest's own id of the vCPU */
			uint64_t entry;
			uint64_t arg;
		} cpu_up;
		struct {
			uint64_t state;
		} cpu_down;
		struct {
			bool reset; /* reset rather than power off */
		} system_down;
		struct {
			uint64_t target_mask; /* vCPU indices */
			uint64_t vector;
		} send_ipi;
		struct {
			uint64_t reason; /* backend-specific, e.g. the VM-instruction error */
		} fail_entry;
		struct {
			uint64_t deadline; /* the new deadline, as arch_vcpu_timer_deadline */
		} timer;
		struct {
			const char *name; /* constant: "illegal instruction" */
			uint64_t cause; /* the architecture's code for the trap: cause, syndrome or
					   exit reason */
			uint64_t info;	/* what came with it: stval, FAR, exit qualification */
		} guest_trap;
	};
};

/* A constant name for an exit kind ("mmio-read"). */
const char *axvm_exit_name(enum axvm_exit_kind kind);

#endif
