/* VMs: created from a configuration, each with an address space, devices and vCPUs; several
 * at once, found by id. */
#ifndef AXVM_VM_H
#define AXVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axvm/config.h>
#include <axvm/diag.h>
#include <axvm/arch_vcpu.h>
#include <axvm/exit.h>
#include <axvm/hal.h>

#define AXVM_MAX_VMS 16

struct axvm;
struct axvm_vcpu;

enum axvm_state {
	AXVM_STATE_CREATED, /* built, not started */
	AXVM_STATE_RUNNING, /* booted: its vCPUs may run */
	AXVM_STATE_PAUSED,  /* vCPUs may not enter the guest until resumed */
	AXVM_STATE_STOPPED, /* shut down by the host, the guest, or an error: see stop reason */
	/* The guest asked for a reset: its vCPUs leave their CPUs, then axvm_reset restarts it. */
	AXVM_STATE_RESETTING,
};

/* The images a host hands over for a VM, by kind (enum axvm_image_kind); NULL where absent. */
struct axvm_images {
	const void *data[AXVM_IMAGE_KINDS];
	size_t size[AXVM_IMAGE_KINDS];
};

/* Initialises core with the host's HAL (once, before anything else). */
int axvm_init(const struct axvm_hal *hal);

/* Creates a VM: its address space from cfg's memory and pass-through regions, its devices, its
 * vCPUs; loads the images. All or nothing. cfg is copied, but its blob (cfg->fdt) and the
 * images' data must outlive the VM: devices refer into the blob, and a reset reloads the
 * images. Linear memory and pass-through ranges must lie in what the host gives VMs (the
 * HAL's vm_ram and vm_devices) and not overlap another live VM's. Returns 0, AXERR_EXISTS (id
 * in use), AXERR_FULL (no slot, no stage-2 tag), AXERR_PERMISSION (a host range it may not
 * have), AXERR_NO_MEMORY, AXERR_BAD_CONFIG; diag says what failed. */
int axvm_create(const struct axvm_config *cfg, const struct axvm_images *images, struct axvm **out,
		struct ax_diag *diag);

/* Destroys a VM that no vCPU is running, freeing everything it holds. */
void axvm_destroy(struct axvm *vm);

/* The VM with this id, or NULL. */
struct axvm *axvm_find(uint32_t id);

/* Starts a created VM: vCPU 0 is powered on at the entry point (START_PENDING, the host is
 * notified). */
int axvm_boot(struct axvm *vm);

/* Restarts a VM in AXVM_STATE_RESETTING once none of its vCPUs is bound: alloc memory
 * scrubbed, images reloaded, devices rebuilt, every vCPU OFF but vCPU 0, which is
 * START_PENDING at the entry point (the host is notified). Returns 0; AXERR_BUSY while a vCPU
 * is still bound (the host calls again after unbinding it); AXERR_BAD_STATE if the VM is not
 * resetting or another CPU is resetting it; an error from rebuilding it, which stops it. */
int axvm_reset(struct axvm *vm);

/* How many times the VM has been reset. */
uint32_t axvm_reset_count(const struct axvm *vm);

/* Stops vCPUs from entering the guest (they finish their current exit first). */
int axvm_pause(struct axvm *vm);

/* Lets a paused VM run again (its vCPUs are notified). */
int axvm_resume(struct axvm *vm);

/* Stops the VM for good, recording why, and notifies every vCPU so that each leaves its CPU.
 * Idempotent: the first reason is kept. */
void axvm_shutdown(struct axvm *vm, const char *reason);

/* The VM's id, name and state. */
uint32_t axvm_id(const struct axvm *vm);
const char *axvm_name(const struct axvm *vm);
enum axvm_state axvm_state(const struct axvm *vm);

/* Why a stopped VM stopped ("" while it runs): the guest powered off, asked for a reset its
 * configuration turns into a stop, or "vcpu N at pc 0x...: what it did: error". */
const char *axvm_stop_reason(const struct axvm *vm);

/* True if the VM stopped because of an error (a bad guest access, an unhandled trap, a failed
 * entry or reset) rather than at its guest's or the host's request. */
bool axvm_stopped_by_error(const struct axvm *vm);

/* The VM's vCPU count and vCPU idx (NULL if out of range). */
uint32_t axvm_vcpu_count(const struct axvm *vm);
struct axvm_vcpu *axvm_vcpu_at(struct axvm *vm, uint32_t idx);

/* The vCPU the guest calls guest_id (its firmware's and interrupt controllers' CPU id: the
 * configuration's cpu-ids), or NULL: what a CPU-start request names. */
struct axvm_vcpu *axvm_vcpu_by_guest_id(struct axvm *vm, uint64_t guest_id);

/* Queues interrupt vector for every vCPU in vcpu_mask and notifies the host of each (vcpu_notify);
 * the interrupt is injected on the vCPU's own CPU before it re-enters the guest. Returns 0,
 * AXERR_INVALID (mask names no vCPU, vector too large). */
int axvm_inject_interrupt(struct axvm *vm, uint64_t vcpu_mask, uint32_t vector);

/* Holds interrupt line of vCPU vcpu high or low (what an emulated interrupt controller's output
 * does); the change reaches the backend on the vCPU's own CPU before it next enters the guest
 * (the host is notified). Returns 0, AXERR_INVALID. */
int axvm_set_irq_line(struct axvm *vm, uint32_t vcpu, enum axvm_irq_line line, bool level);

/* Feeds host console input to the VM: to its console UART's receiver (raising its interrupt)
 * when it has one, else to its firmware console (64 bytes waiting at most). Returns the bytes
 * accepted; the host keeps the rest and offers them again later. */
size_t axvm_console_input(struct axvm *vm, const uint8_t *bytes, size_t n);

/* Bytes of guest memory the VM's alloc regions hold now (lazy ones grow as the guest touches
 * them). */
uint64_t axvm_allocated_bytes(const struct axvm *vm);

/* Takes [gpa, gpa + size) out of the VM's memory (it must lie within its regions; a region may
 * be cut in two), freeing what the VM allocated there, while the VM runs: once this returns no
 * CPU reaches that memory through the VM. Returns 0, AXERR_INVALID, AXERR_NOT_MAPPED (not
 * inside regions), AXERR_FULL (no room to cut a region in two), AXERR_NO_MEMORY (for tables;
 * nothing changed). */
int axvm_unmap_memory(struct axvm *vm, uint64_t gpa, uint64_t size);

/* Frees the memory behind [gpa, gpa + size), page-aligned within one region the VM allocates
 * (alloc or lazy), while the VM runs: once this returns no CPU reaches those pages through the
 * VM, and the range reads as zeroes again, populated as the guest touches it. For a guest that
 * gives memory back (a balloon). Returns 0, AXERR_INVALID (empty, unaligned), AXERR_NOT_MAPPED
 * (not within one region), AXERR_UNSUPPORTED (a linear region: host memory the VM does not
 * own), AXERR_NO_MEMORY (for tables; nothing changed). */
int axvm_release_memory(struct axvm *vm, uint64_t gpa, uint64_t size);

/* Gives region [gpa, gpa + size) of the VM's memory the access flags (enum axmap_flags), while
 * the VM runs: once this returns no CPU uses the old rights. Returns 0, AXERR_INVALID,
 * AXERR_NOT_FOUND (not one whole region), AXERR_NO_MEMORY. */
int axvm_protect_memory(struct axvm *vm, uint64_t gpa, uint64_t size, uint32_t flags);

/* Copies between the host and the VM's guest-physical memory (safe against the VM's vCPUs
 * populating lazy memory on other CPUs). */
int axvm_read_guest(struct axvm *vm, uint64_t gpa, void *buf, size_t len);
int axvm_write_guest(struct axvm *vm, uint64_t gpa, const void *buf, size_t len);

#endif
