/*
 * The architecture seam: everything a backend (one library per architecture, or the
 * host's //tests/sim_vcpu) implements, and nothing else. Bazel links exactly one backend into
 * core (//core:arch_backend selects it by platform). Backend state is opaque to core.
 *
 * Per physical CPU: arch_has_hardware_support, arch_hardware_enable/disable.
 * Stage 2: arch_stage2_format, arch_vmid_count, arch_vmid_flush, arch_stage2_sync,
 * arch_stage2_invalidate.
 * Per vCPU: create, set_entry, set_stage2, setup, bind/unbind, run, decode_mmio, complete,
 * set_return_value, inject_interrupt, set_irq_line, interrupt_pending, timer_deadline, pc,
 * destroy.
 *
 * Exits: arch_vcpu_run enters the guest and handles in the backend what is the architecture's
 * own (firmware calls, reflected traps); every other exit goes to core's vm_ops.handle_exit on
 * the same CPU, which answers AXVM_RESUME (the backend re-enters the guest at once) or
 * AXVM_LEAVE (arch_vcpu_run returns). One exit crosses the seam once each way.
 *
 * Guest accesses that trap into the hypervisor: a backend that decoded a load or store (from
 * the syndrome the hardware reports, or the trapped instruction) hands it to core's
 * vm_ops.mmio_read/mmio_write from its exit handler, the way KVM's architectures call its I/O
 * bus: core reaches the device, or, when the address is guest memory populated lazily, fixes
 * the mapping so that the guest retries the instruction, and the backend completes the
 * instruction itself. A backend may instead report the access as an MMIO_READ/WRITE exit
 * without moving the pc; core then does the same and calls arch_vcpu_complete. A stage-2 fault
 * the backend did not decode arrives as AXVM_EXIT_NESTED_PAGE_FAULT; when core finds it
 * outside guest memory it asks arch_vcpu_decode_mmio, once. Either way each access is counted
 * once, as what it turned out to be.
 */
#ifndef AXVM_ARCH_VCPU_H
#define AXVM_ARCH_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axaddrspace/addr.h>
#include <axaddrspace/mm.h>
#include <axaddrspace/pt_format.h>
#include <axvm/alloc.h>
#include <axvm/exit.h>

struct arch_vcpu;

/* A vCPU's power state, as a guest's firmware interface reports it. */
enum axvm_vcpu_power {
	AXVM_VCPU_OFF,		 /* never started, or stopped and off its physical CPU */
	AXVM_VCPU_START_PENDING, /* started, not yet back in the guest */
	AXVM_VCPU_ON,		 /* running guest code, or runnable */
	AXVM_VCPU_SUSPENDED,	 /* in a firmware suspend call until an interrupt */
	AXVM_VCPU_STOP_PENDING,	 /* stopped itself, not yet off its physical CPU */
};

/* What the VM around a vCPU offers its backend (for the guest's firmware calls).
 * Core fills it; ctx is core's vCPU. Every function may be called from arch_vcpu_run. */
struct arch_vcpu_vm_ops {
	void *ctx;
	/* Writes a byte to the VM's console. */
	void (*console_putc)(void *ctx, uint8_t byte);
	/* Reads a byte of console input for the VM: 0..255, or -1 when there is none. */
	int (*console_getc)(void *ctx);
	/* Copies guest memory out of / into the VM; 0 or a negative axerr. */
	int (*read_guest)(void *ctx, uint64_t gpa, void *buf, size_t len);
	int (*write_guest)(void *ctx, uint64_t gpa, const void *buf, size_t len);
	/* The power state of the VM's vCPU the guest calls guest_id (OFF: no such vCPU). */
	enum axvm_vcpu_power (*vcpu_power)(void *ctx, uint64_t guest_id);
	/* Powers on the vCPU the guest calls guest_id (OFF -> START_PENDING) in its boot state at
	 * entry with arg in the boot argument register (arch_vcpu_set_entry), and has the host run
	 * it. Returns 0, AXERR_BAD_STATE (not OFF, or the VM is not running), AXERR_INVALID (no
	 * such vCPU). */
	int (*vcpu_start)(void *ctx, uint64_t guest_id, uint64_t entry, uint64_t arg);
	/* The guest gives back [gpa, gpa + size) of its memory, as a balloon does (the backend's
	 * hypercall for it): axvm_release_memory. */
	int (*release_memory)(void *ctx, uint64_t gpa, uint64_t size);
	/* Handles an exit the backend does not handle itself, from inside arch_vcpu_run on the
	 * vCPU's CPU. May call arch_vcpu_complete, decode_mmio, set_return_value,
	 * inject_interrupt and set_irq_line on the vCPU. AXVM_RESUME: enter the guest
	 * again (core has delivered what was queued for it); AXVM_LEAVE: return from
	 * arch_vcpu_run with this exit. */
	enum axvm_disposition (*handle_exit)(void *ctx, struct axvm_exit *exit);
	/* A width-byte MMIO read or write at guest-physical addr that the backend decoded, from
	 * inside arch_vcpu_run on the vCPU's CPU, before the pc moves: what it came to (enum
	 * axvm_mmio_result), with a read's value. When it says leave, the exit given to
	 * arch_vcpu_run holds what it left on. */
	struct axvm_mmio_value (*mmio_read)(void *ctx, uint64_t addr, unsigned width);
	enum axvm_mmio_result (*mmio_write)(void *ctx, uint64_t addr, unsigned width,
					    uint64_t value);
	/* Delivery through the CPU's list registers, when the VM's interrupt controller works
	 * that way (arch_vcpu_create_config.list_registers; axdevice/irqchip.h): before each
	 * entry the backend loads what irq_flush gives (up to max entries, *underflow when more
	 * wait) and after each exit hands the entries back with irq_sync; irq_set_private drives
	 * the vCPU's own input line (its timer's PPI). On the vCPU's CPU. */
	size_t (*irq_flush)(void *ctx, uint64_t *lrs, size_t max, bool *underflow);
	void (*irq_sync)(void *ctx, const uint64_t *lrs, size_t n);
	int (*irq_set_private)(void *ctx, uint32_t line, bool level);
	/* The controller's news for the vCPU, for a backend that skips the flush on some
	 * re-entries: core sets the word (nonzero, a release store) when the controller has
	 * something new for the vCPU, before it notifies the vCPU; the backend takes it (an
	 * acquire exchange with 0, __atomic builtins) and flushes when it was set. A word rather
	 * than a call, so that the way back into the guest reads it inline. */
	uint32_t *irq_news;
};

/* What a backend needs to create a vCPU. */
struct arch_vcpu_create_config {
	uint32_t vm_id;
	uint32_t vcpu_count; /* vCPUs of the VM */
	struct arch_vcpu_vm_ops vm_ops;
	uint32_t vcpu_id;  /* index in the VM */
	uint64_t guest_id; /* what the guest calls this CPU: the id its firmware interface uses */
	uint16_t vmid;	   /* the stage-2 tag the hardware keeps translations apart by */
	/* The VM's interrupt controller delivers through list registers (vm_ops.irq_flush). */
	bool list_registers;
	/* Pages for the vCPU's control structures the hardware reads by physical address (a
	 * VMCS, I/O and MSR bitmaps): the HAL's. */
	const struct axaddr_mm *mm;
};

/* True if this physical CPU has the virtualization extension. */
bool arch_has_hardware_support(void);

/* What the host gives a backend for its per-CPU work. */
struct arch_cpu_host {
	/* Pages for the CPU's own control structures the hardware reads by physical address
	 * (Intel's VMXON region), kept until arch_hardware_disable. */
	const struct axaddr_mm *mm;
	/* Interrupts physical CPU cpu (an IPI) so that it leaves the guest it runs, on any CPU:
	 * how a backend whose hardware has no broadcast invalidation (x86) reaches the others. */
	void (*kick_cpu)(uint32_t cpu);
	/* The rate of the host's time counter (vm_host_cpu_ops.counter_now: the TSC on x86), in
	 * Hz, for the guests' view of it. */
	uint64_t counter_hz;
};

/* Turns virtualization on for the calling physical CPU (the hypervisor mode's controls), whose
 * index is cpu (the HAL's current_cpu) and whose hardware id (what its firmware and interrupt
 * controllers call it) is hw_id, for the firmware calls that name CPUs (remote fences); host
 * stays valid while the CPU is enabled. Returns 0, AXERR_INVALID, AXERR_UNSUPPORTED (the CPU
 * cannot run guests), AXERR_NO_MEMORY. */
int arch_hardware_enable(uint32_t cpu, uint64_t hw_id, const struct arch_cpu_host *host);

/* Turns it off again for the calling physical CPU. */
int arch_hardware_disable(void);

/* The stage-2 page-table format this backend's hardware walks. */
const struct pt_format *arch_stage2_format(void);

/* How many stage-2 tags every CPU enabled so far tells
 * apart. Core gives each live VM its own tag from 1 to the count minus 1 (0 is never given:
 * some hardware reserves tag 0 for the host); with fewer than 2 every VM gets 0, and the backend
 * must flush a CPU's guest translations whenever it switches VMs. */
uint32_t arch_vmid_count(void);

/* Invalidates every translation tagged vmid on every physical CPU (guest-physical and
 * guest-virtual), and returns once that is done: core calls it when a VM gives its tag back,
 * so that the next VM to get it inherits nothing. */
void arch_vmid_flush(uint32_t vmid);

/* Makes the stage-2 table writes of the calling CPU visible to every CPU's table walker. */
void arch_stage2_sync(void);

/* Makes every physical CPU forget its cached stage-2 translations of [g, g + size) tagged vmid,
 * leaf and table entries alike (and the guest-virtual translations built on them), and returns
 * once none is left: core calls it when it unmaps, protects or splits memory of a running VM,
 * before it frees or reuses anything. A backend may forget more (the whole vmid). */
void arch_stage2_invalidate(uint32_t vmid, gpa_t g, uint64_t size);

/* Creates a vCPU in its reset state. Returns 0, AXERR_NO_MEMORY, AXERR_INVALID (a guest id or
 * vCPU count the architecture cannot express, such as more CPUs than its firmware interface can
 * name). */
int arch_vcpu_create(const struct ax_allocator *alloc, const struct arch_vcpu_create_config *cfg,
		     struct arch_vcpu **out);

/* Frees a vCPU (unbound). */
void arch_vcpu_destroy(struct arch_vcpu *v, const struct ax_allocator *alloc);

/* Where and how a vCPU starts (arch_vcpu_set_entry). */
struct arch_vcpu_entry {
	gpa_t pc;     /* its first instruction */
	uint64_t arg; /* the boot argument register's value */
	/* 0: the boot protocol's start with translation off. Otherwise the guest-physical
	 * address of boot tables the loader wrote in the backend's own layout (the descriptor
	 * and page tables of a protocol that starts with translation on): the vCPU starts on
	 * them. A backend without such a start refuses it. */
	gpa_t boot_tables;
};

/* Resets the vCPU to the state the architecture's boot protocol starts a CPU in (interrupts
 * masked, no interrupt pending, its timer disarmed; translation off, or on through e's boot
 * tables) at e's pc with e's arg in the boot argument register. Called while the vCPU is
 * unbound. Returns 0, AXERR_BAD_STATE (bound), AXERR_INVALID (boot tables this backend cannot
 * start on, or not aligned as its layout needs). */
int arch_vcpu_set_entry(struct arch_vcpu *v, const struct arch_vcpu_entry *e);

/* Points the vCPU at its VM's stage-2 table. */
int arch_vcpu_set_stage2(struct arch_vcpu *v, hpa_t root, const struct pt_format *fmt);

/* Final setup before the first run (after entry and stage 2 are set). */
int arch_vcpu_setup(struct arch_vcpu *v);

/* Loads the vCPU onto the calling physical CPU, whose index (the HAL's current_cpu) is cpu:
 * the backend keeps per-CPU state by it, never by a register convention (the loaded control
 * structure, the last vCPU a CPU ran, whose FP state its registers hold). Returns 0,
 * AXERR_BAD_STATE (bound), AXERR_INVALID (cpu out of range). */
int arch_vcpu_bind(struct arch_vcpu *v, uint32_t cpu);

/* Takes the vCPU off the calling physical CPU. */
int arch_vcpu_unbind(struct arch_vcpu *v);

/* Runs the guest, passing each exit it does not handle itself to vm_ops.handle_exit, until
 * that answers AXVM_LEAVE; *exit is then the exit it left on. Returns 0, or an error if the
 * vCPU cannot run at all. */
int arch_vcpu_run(struct arch_vcpu *v, struct axvm_exit *exit);

/* Turns the NESTED_PAGE_FAULT exit being handled, which core found outside guest memory, into
 * an AXVM_EXIT_MMIO_READ or MMIO_WRITE exit in *exit by decoding the trapped instruction (the
 * pc stays until arch_vcpu_complete). When the fault was not the instruction's own access but
 * the guest's translation reaching no memory (its page-table walk, for a load, a store or a
 * fetch), the backend delivers the architecture's fault to the guest kernel instead and
 * returns AXVM_EXIT_NOTHING. Returns AXERR_INVALID or AXERR_UNSUPPORTED if the instruction is
 * not a load/store it can emulate, or the fault is an instruction fetch of its own. */
int arch_vcpu_decode_mmio(struct arch_vcpu *v, struct axvm_exit *exit);

/* Completes the access exit being handled (MMIO, port I/O or system register): a read's value
 * reaches its destination as the architecture writes it (its width, sign or zero extension,
 * and what happens to the rest of a register a narrow load writes only part of), and the pc
 * moves past the instruction. Returns 0, AXERR_BAD_STATE
 * when no access is pending. An access left uncompleted is retried by the guest. */
int arch_vcpu_complete(struct arch_vcpu *v, uint64_t value);

/* Sets the value a hypercall returns to the guest. */
void arch_vcpu_set_return_value(struct arch_vcpu *v, uint64_t value);

/* Makes interrupt vector pending for the guest; called on the physical CPU the vCPU is bound
 * to. Returns 0, AXERR_INVALID (no such vector). */
int arch_vcpu_inject_interrupt(struct arch_vcpu *v, uint32_t vector);

/* The interrupt lines of a vCPU an emulated interrupt controller drives. */
enum axvm_irq_line {
	/* The CPU's external interrupt line: the one its interrupt controller drives for the
	 * kernel (supervisor external interrupt, IRQ, INTR). */
	AXVM_IRQ_LINE_EXTERNAL,
	AXVM_IRQ_LINES,
};

/* Holds interrupt line of the vCPU high or low, as an emulated interrupt controller's output
 * says; called on the bound CPU. Returns 0, AXERR_INVALID (no such line). */
int arch_vcpu_set_irq_line(struct arch_vcpu *v, enum axvm_irq_line line, bool level);

/* True if an interrupt the guest has enabled is pending, whatever the guest's global interrupt
 * enable: the condition that ends a wait-for-interrupt. Called on the CPU the vCPU is bound
 * to, or on any CPU while it is unbound. */
bool arch_vcpu_interrupt_pending(const struct arch_vcpu *v);

/* When the vCPU's own timer raises its interrupt: a value of the host's time counter, or
 * UINT64_MAX when it is disarmed or the guest has its interrupt disabled. *soft tells whether the
 * timer is emulated in software, so that the host must interrupt the running guest at the deadline;
 * otherwise the hardware raises it while the guest runs and the host needs the deadline only to
 * wake the vCPU from a halt. A running guest that moves a soft timer leaves with AXVM_EXIT_TIMER.
 * Same calling rules as above. */
uint64_t arch_vcpu_timer_deadline(const struct arch_vcpu *v, bool *soft);

/* The guest's program counter, for reports. Same calling rules as above. */
uint64_t arch_vcpu_pc(const struct arch_vcpu *v);

#endif
