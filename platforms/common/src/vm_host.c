#include <board/vm_host.h>

#include <axvm/error.h>
#include <axvm/format.h>
#include <axvm/hal.h>
#include <axvm/vcpu.h>
#include <axvm/vm.h>
#include <board/console.h>
#include <board/console_mux.h>
#include <board/sched.h>
#include <board/vm_bundle.h>
#include <libfdt.h>
#include <stdatomic.h>
#include <string.h>

/* Report and release states of a VM slot. */
enum {
	SLOT_LIVE,	/* running, or stopped and not yet reported */
	SLOT_REPORTING, /* its stop is being reported by the CPU that saw it first */
	SLOT_REPORTED,	/* reported; destroyed once no CPU holds one of its vCPUs */
	SLOT_RELEASING, /* being destroyed by the CPU that claimed it */
	SLOT_RELEASED,	/* destroyed: its memory is the host's again */
};

/* What the host keeps of each VM it started. The VM is destroyed, and its memory given back,
 * as soon as it is stopped, reported and off every CPU; what its last reports need stays. */
struct host_vm {
	struct axvm *vm; /* valid until the slot is SLOT_RELEASED */
	uint32_t id;
	uint32_t vcpus;
	bool by_error;
	void *config;	  /* the aligned copy of its config; its devices refer into it */
	void *boot_image; /* the DTB or boot parameters the host generated for it, or NULL */
	atomic_int state;
	atomic_bool stop_seen;
	atomic_int in_flight;	   /* CPUs in run_entity with one of its vCPUs */
	atomic_bool cpu_up_logged; /* a refused cpu-up is logged once: a guest could repeat it */
	atomic_int awake;	   /* its vCPUs that run or wait for a CPU: see vcpu_sleeps */
};

static const struct vm_host_cpu_ops *cpu_ops;
static uint32_t host_cpus;
static struct host_vm slots[VM_BUNDLE_MAX_VMS];
static size_t vm_count;
static size_t not_started;
static struct sched_entity entities[VM_BUNDLE_MAX_VMS][AXVM_MAX_VCPUS];
/* Whether each vCPU counts in its VM's awake; written by the CPU the vCPU is on. */
static bool awake[VM_BUNDLE_MAX_VMS][AXVM_MAX_VCPUS];
/* The deadline each CPU's timer is armed for, to spare re-arming it to the same value. */
static uint64_t armed[SCHED_MAX_CPUS];
/* Host console input for the console VM, read on CONSOLE_CPU every console_period ticks: the
 * next read, and bytes read that the VM's receiver could not take yet. */
#define CONSOLE_CPU 0
static uint64_t console_period;
static uint64_t console_next;
static uint8_t console_pending[16];
static size_t console_pending_len, console_pending_off;

/* us microseconds in ticks of a counter_hz counter; at least one, however slow the counter. */
static uint64_t counter_ticks(uint64_t counter_hz, uint64_t us)
{
	uint64_t ticks = counter_hz * us / 1000000;

	return ticks ? ticks : 1;
}

/* The config blob, copied to memory aligned as libfdt requires. */
static void *aligned_copy(const void *data, size_t size)
{
	const struct axvm_hal *hal = axvm_hal_get();
	void *copy = hal->heap.alloc(hal->heap.ctx, size);

	if (copy)
		memcpy(copy, data, size);
	return copy;
}

static void heap_free(void *p)
{
	const struct axvm_hal *hal = axvm_hal_get();

	if (p)
		hal->heap.free(hal->heap.ctx, p);
}

/* The room the configuration gives an image of kind, or VM_HOST_DTB_SIZE. */
static size_t image_room(const struct axvm_config *cfg, enum axvm_image_kind kind)
{
	for (size_t i = 0; i < cfg->image_count; i++) {
		if (cfg->images[i].kind == kind && cfg->images[i].size)
			return cfg->images[i].size;
	}
	return VM_HOST_DTB_SIZE;
}

/* A DTB or boot parameters the configuration loads but the bundle does not carry is generated
 * by the board, into *buf_out (the caller frees it with the VM). */
static int add_boot_image(const struct axvm_config *cfg, enum axvm_image_kind kind,
			  struct axvm_images *images, void **buf_out, struct ax_diag *diag)
{
	const struct axvm_hal *hal = axvm_hal_get();
	size_t size = image_room(cfg, kind);
	size_t used = 0;
	void *buf;
	int err;

	if (kind == AXVM_IMAGE_DTB ? !cpu_ops->guest_dtb : !cpu_ops->guest_boot_params)
		return ax_diag_set(diag, AXERR_UNSUPPORTED, "no %s given, and none generated here",
				   axvm_image_name(kind));
	buf = hal->heap.alloc(hal->heap.ctx, size);
	if (!buf)
		return ax_diag_set(diag, AXERR_NO_MEMORY, "no memory for the guest's %s",
				   axvm_image_name(kind));
	*buf_out = buf;
	if (kind == AXVM_IMAGE_DTB) {
		err = cpu_ops->guest_dtb(
		    cfg, images->data[AXVM_IMAGE_INITRD] ? images->size[AXVM_IMAGE_INITRD] : 0, buf,
		    size);
		if (err)
			return ax_diag_set(diag, err, "generating the guest's devicetree");
		used = fdt_totalsize(buf);
	} else {
		err = cpu_ops->guest_boot_params(cfg, images, buf, size, &used, diag);
		if (err)
			return err;
	}
	images->data[kind] = buf;
	images->size[kind] = used;
	return AX_OK;
}

/* The boot image (DTB or boot parameters) the configuration loads and the bundle does not
 * carry, or AXVM_IMAGE_KINDS when there is none to generate. */
static enum axvm_image_kind boot_image_to_generate(const struct axvm_config *cfg,
						   const struct axvm_images *images)
{
	for (size_t i = 0; i < cfg->image_count; i++) {
		enum axvm_image_kind k = cfg->images[i].kind;

		if ((k == AXVM_IMAGE_DTB || k == AXVM_IMAGE_BOOT_PARAMS) && !images->data[k])
			return k;
	}
	return AXVM_IMAGE_KINDS;
}

/* Gives each vCPU of vm (the bundle's idx-th) its scheduler entity. */
static void add_entities(size_t idx, struct axvm *vm)
{
	for (uint32_t n = 0; n < axvm_vcpu_count(vm); n++) {
		struct axvm_vcpu *v = axvm_vcpu_at(vm, n);

		sched_entity_init(&entities[idx][n], v, axvm_vcpu_affinity(v));
		axvm_vcpu_set_host_data(v, &entities[idx][n]);
	}
}

/* Creates and boots the bundle's VM b into slot idx; false (reported) if it cannot start. */
static bool start_one(size_t idx, const struct vm_bundle_vm *b, const struct axvm_config_limits *l)
{
	struct host_vm *slot = &slots[idx];
	struct axvm_config cfg;
	struct axvm_images images = b->images;
	struct ax_diag diag = {.msg = ""};
	struct axvm *vm = NULL;
	void *config = NULL, *boot_image = NULL;
	enum axvm_image_kind boot_kind;
	int err = b->err;

	if (err)
		diag = b->why;
	else if (!(config = aligned_copy(b->config, b->config_size)))
		err = ax_diag_set(&diag, AXERR_NO_MEMORY, "no memory for its config");
	if (!err)
		err = axvm_config_parse(config, l, &cfg, &diag);
	if (!err && (boot_kind = boot_image_to_generate(&cfg, &images)) != AXVM_IMAGE_KINDS)
		err = add_boot_image(&cfg, boot_kind, &images, &boot_image, &diag);
	if (!err)
		err = axvm_create(&cfg, &images, &vm, &diag);
	if (!err) {
		add_entities(idx, vm);
		err = axvm_boot(vm);
		if (err)
			ax_diag_set(&diag, err, "vcpu 0 cannot start at 0x%llx%s",
				    (unsigned long long)cfg.entry,
				    cfg.boot_tables ? " on its boot-tables" : "");
	}
	if (err) {
		kprintf("vm %s: not started: %s (%s)\n", b->node, diag.msg, ax_strerror(err));
		if (vm)
			axvm_destroy(vm);
		heap_free(boot_image);
		heap_free(config);
		return false;
	}
	*slot = (struct host_vm){.vm = vm,
				 .id = axvm_id(vm),
				 .vcpus = axvm_vcpu_count(vm),
				 .config = config,
				 .boot_image = boot_image};
	atomic_init(&slot->state, SLOT_LIVE);
	atomic_init(&slot->stop_seen, false);
	atomic_init(&slot->in_flight, 0);
	atomic_init(&slot->cpu_up_logged, false);
	atomic_init(&slot->awake, 0);
	for (uint32_t n = 0; n < AXVM_MAX_VCPUS; n++)
		awake[idx][n] = false;
	kprintf("vm %u (%s): started, %u vcpu(s), entry 0x%llx\n", axvm_id(vm), axvm_name(vm),
		axvm_vcpu_count(vm), (unsigned long long)cfg.entry);
	return true;
}

static void kick_cpu(uint32_t cpu)
{
	cpu_ops->kick(cpu);
}

static const struct sched_ops sched_board = {.kick = kick_cpu};

size_t vm_host_start(const void *bundle, size_t size, const struct axvm_config_limits *limits,
		     const struct vm_host_cpu_ops *ops, uint64_t counter_hz)
{
	struct vm_bundle_vm list[VM_BUNDLE_MAX_VMS];
	struct ax_diag diag = {.msg = ""};
	size_t count;

	cpu_ops = ops;
	host_cpus = limits->host_cpus;
	for (uint32_t cpu = 0; cpu < SCHED_MAX_CPUS; cpu++)
		armed[cpu] = 0;
	sched_init(host_cpus, counter_ticks(counter_hz, VM_HOST_SLICE_US), &sched_board);
	console_period = counter_ticks(counter_hz, VM_HOST_CONSOLE_POLL_US);
	console_next = 0;
	console_pending_len = console_pending_off = 0;
	if (vm_bundle_parse(bundle, size, list, &count, &diag) != AX_OK) {
		kprintf("%s\n", diag.msg);
		not_started = 1;
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		if (start_one(vm_count, &list[i], limits))
			vm_count++;
		else
			not_started++;
	}
	return vm_count;
}

uint32_t vm_host_console_vm(void)
{
	return vm_count ? slots[0].id : 0;
}

/* The slot of the VM whose vCPU se schedules. */
static size_t slot_of(const struct sched_entity *se)
{
	return (size_t)(se - &entities[0][0]) / AXVM_MAX_VCPUS;
}

/* One line of the VM's exit counts, summed over its vCPUs: what the guest made the hypervisor
 * do. Kinds that never happened are left out. */
static void report_exits(struct axvm *vm)
{
	char line[320];
	size_t len = 0;

	for (int k = 0; k < AXVM_EXIT_KINDS; k++) {
		uint64_t n = 0;

		for (uint32_t i = 0; i < axvm_vcpu_count(vm); i++)
			n += axvm_vcpu_exit_count(axvm_vcpu_at(vm, i), (enum axvm_exit_kind)k);
		if (n && len < sizeof(line))
			len += ax_snprintf(line + len, sizeof(line) - len, " %s=%llu",
					   axvm_exit_name((enum axvm_exit_kind)k),
					   (unsigned long long)n);
	}
	kprintf("vm %u (%s): exits:%s\n", axvm_id(vm), axvm_name(vm), len ? line : " none");
}

static bool all_released(void)
{
	for (size_t i = 0; i < vm_count; i++) {
		if (atomic_load(&slots[i].state) != SLOT_RELEASED)
			return false;
	}
	return true;
}

/* Makes every other CPU look again whether it has work, or whether the host is done. */
static void kick_others(void)
{
	uint32_t self = axvm_hal_get()->current_cpu();

	for (uint32_t cpu = 0; cpu < host_cpus; cpu++) {
		if (cpu != self)
			cpu_ops->kick(cpu);
	}
}

/* Reports the stopped VM of slot idx, once, whichever CPU sees the stop first. */
static void report_stop(size_t idx)
{
	struct host_vm *slot = &slots[idx];
	int expected = SLOT_LIVE;

	if (!atomic_compare_exchange_strong(&slot->state, &expected, SLOT_REPORTING))
		return;
	console_mux_flush(slot->id);
	kprintf("vm %u (%s): stopped: %s\n", slot->id, axvm_name(slot->vm),
		axvm_stop_reason(slot->vm));
	kprintf("vm %u (%s): %llu KiB of guest memory allocated\n", slot->id, axvm_name(slot->vm),
		(unsigned long long)(axvm_allocated_bytes(slot->vm) >> 10));
	report_exits(slot->vm);
	slot->by_error = axvm_stopped_by_error(slot->vm);
	atomic_store(&slot->state, SLOT_REPORTED);
}

/* Destroys the VM of slot idx if it is reported and no CPU holds one of its vCPUs: a stopped
 * vCPU is never woken again, so once all of them are off their CPUs nothing can reach the VM.
 * Its memory, stage-2 tables, VMID and host ranges go back to the host. */
static void try_release(size_t idx)
{
	struct host_vm *slot = &slots[idx];
	int expected = SLOT_REPORTED;

	/* The state first: a CPU that takes hold of the VM (in_flight) and then finds it live
	 * may use it, so a hold this misses came after the VM was reported, and its holder sees
	 * that. */
	if (atomic_load(&slot->state) != SLOT_REPORTED || atomic_load(&slot->in_flight))
		return;
	for (uint32_t n = 0; n < slot->vcpus; n++) {
		if (!sched_entity_off(&entities[idx][n]))
			return;
	}
	if (!atomic_compare_exchange_strong(&slot->state, &expected, SLOT_RELEASING))
		return;
	axvm_destroy(slot->vm);
	heap_free(slot->boot_image);
	heap_free(slot->config);
	atomic_store(&slot->state, SLOT_RELEASED);
	if (all_released())
		kick_others();
}

void vm_host_vcpu_notify(struct axvm_vcpu *v)
{
	struct sched_entity *se = axvm_vcpu_host_data(v);
	uint32_t self = axvm_hal_get()->current_cpu();
	bool expected = false;

	if (!se)
		return;
	/* A stop may be the last: every CPU must look again whether it has work. */
	if (axvm_state(axvm_vcpu_vm(v)) == AXVM_STATE_STOPPED &&
	    atomic_compare_exchange_strong(&slots[slot_of(se)].stop_seen, &expected, true))
		kick_others();
	sched_wake(se, self, axvm_vcpu_runnable(v));
}

/* When cpu must next read the host console: never but on CONSOLE_CPU while the console VM
 * lives. */
static uint64_t console_deadline(uint32_t cpu)
{
	if (cpu != CONSOLE_CPU || !cpu_ops->console_getc || !vm_count ||
	    atomic_load(&slots[0].state) != SLOT_LIVE)
		return UINT64_MAX;
	return console_next;
}

/* On CONSOLE_CPU, once its time has come: what was typed on the host console goes to the
 * console VM's receiver (raising its interrupt); what it cannot take yet waits for the next
 * read, and the host console is read again only once all of it is taken. */
static void console_input(uint32_t cpu, uint64_t now)
{
	struct host_vm *slot = &slots[0];
	int c;

	if (now < console_deadline(cpu))
		return;
	console_next = now + console_period;
	if (console_pending_off == console_pending_len) {
		console_pending_off = console_pending_len = 0;
		while (console_pending_len < sizeof(console_pending) &&
		       (c = cpu_ops->console_getc()) >= 0)
			console_pending[console_pending_len++] = (uint8_t)c;
	}
	if (console_pending_off == console_pending_len)
		return;
	/* Held while it is fed: a VM is destroyed only while no one holds it. */
	atomic_fetch_add(&slot->in_flight, 1);
	if (atomic_load(&slot->state) == SLOT_LIVE)
		console_pending_off +=
		    axvm_console_input(slot->vm, console_pending + console_pending_off,
				       console_pending_len - console_pending_off);
	atomic_fetch_sub(&slot->in_flight, 1);
	try_release(0);
}

/* Arms this CPU's timer for deadline unless it already is. */
static void arm_timer(uint32_t cpu, uint64_t deadline)
{
	if (armed[cpu] == deadline)
		return;
	armed[cpu] = deadline;
	cpu_ops->timer_arm(deadline);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Before entering the guest of v: the timer must end the slice, fire v's soft timer and wake
 * the CPU's halted vCPUs. Deadlines already passed are left out: the slice is checked at the
 * next exit, the backend raises a passed guest timer itself, and halted vCPUs were woken. */
static void arm_for_guest(uint32_t cpu, struct axvm_vcpu *v, uint64_t halted_next)
{
	uint64_t now = cpu_ops->counter_now();
	uint64_t deadline =
	    min_u64(min_u64(sched_slice_end(cpu), halted_next), console_deadline(cpu));
	bool soft = false;
	uint64_t guest = axvm_vcpu_timer_deadline(v, &soft);

	if (soft && guest > now)
		deadline = min_u64(deadline, guest);
	arm_timer(cpu, deadline > now ? deadline : now + 1);
}

static bool no_queued_interrupt(void *owner)
{
	return !axvm_vcpu_has_queued_interrupts(owner);
}

/* What becomes of a vCPU when it leaves its CPU. */
enum leave {
	STAY,	       /* not leaving: runs on */
	LEAVE_HALTED,  /* waits for an interrupt (sched_halt took it) */
	LEAVE_REQUEUE, /* gives way at the end of its slice */
	LEAVE_PARK,    /* off: stopped itself, its VM stopped or resets */
};

/* se's vCPU is on a CPU: it counts as awake. */
static void vcpu_wakes(struct sched_entity *se)
{
	size_t idx = slot_of(se);
	size_t n = (size_t)(se - &entities[idx][0]);

	if (!awake[idx][n]) {
		awake[idx][n] = true;
		atomic_fetch_add(&slots[idx].awake, 1);
	}
}

/* se's vCPU halts or goes off. When it was the last of its VM awake, the VM waits for
 * something (input, a timer) and its unfinished line, a prompt, is shown; not before: another
 * vCPU, descheduled or in an interrupt handler, may be in the middle of that line. */
static void vcpu_sleeps(struct sched_entity *se)
{
	size_t idx = slot_of(se);
	size_t n = (size_t)(se - &entities[idx][0]);

	if (!awake[idx][n])
		return;
	awake[idx][n] = false;
	if (atomic_fetch_sub(&slots[idx].awake, 1) == 1)
		console_mux_flush(slots[idx].id);
}

/* A HALT exit: the vCPU waits, off its CPU, until an interrupt is queued for it or its timer is
 * due. If one arrived meanwhile it runs on, bound again. */
static enum leave halt(struct sched_entity *se, struct axvm_vcpu *v)
{
	bool soft;
	uint64_t wake_at = axvm_vcpu_timer_deadline(v, &soft);

	/* Core found nothing pending, and a timer the guest masks has no deadline: one that passed
	 * since is pending now. */
	if (wake_at <= cpu_ops->counter_now())
		return STAY;
	axvm_vcpu_unbind(v);
	vcpu_sleeps(se);
	if (sched_halt(se, wake_at, no_queued_interrupt))
		return LEAVE_HALTED;
	vcpu_wakes(se);
	return axvm_vcpu_bind(v) == AX_OK ? STAY : LEAVE_PARK;
}

/* A physical interrupt made the guest exit: the slice may be over, halted vCPUs may be due. */
static enum leave interrupted(uint32_t cpu, uint64_t vector, uint64_t *halted_next)
{
	uint64_t now = cpu_ops->counter_now();

	cpu_ops->ack_interrupt(vector);
	console_input(cpu, now);
	*halted_next = sched_expire(cpu, now);
	return sched_should_yield(cpu, now) ? LEAVE_REQUEUE : STAY;
}

/* A backend that leaves starting a vCPU to the host names it as the guest does (its CPU id). */
static void cpu_up(struct host_vm *slot, const struct axvm_exit *e)
{
	struct axvm_vcpu *target = axvm_vcpu_by_guest_id(slot->vm, e->cpu_up.target);
	bool expected = false;

	if ((!target || axvm_vcpu_start(target, e->cpu_up.entry, e->cpu_up.arg) != AX_OK) &&
	    atomic_compare_exchange_strong(&slot->cpu_up_logged, &expected, true))
		kprintf("vm %u: cpu-up of cpu 0x%llx refused (further refusals not logged)\n",
			slot->id, (unsigned long long)e->cpu_up.target);
}

/* Runs the vCPU of se, bound to cpu, until it halts, gives way or leaves. */
static enum leave run_vcpu(uint32_t cpu, struct sched_entity *se, struct axvm_vcpu *v)
{
	uint64_t halted_next = sched_expire(cpu, cpu_ops->counter_now());
	enum leave leave = STAY;
	struct axvm_exit exit;

	while (leave == STAY) {
		arm_for_guest(cpu, v, halted_next);
		if (axvm_vcpu_run(v, &exit) != AX_OK || !axvm_vcpu_runnable(v))
			return LEAVE_PARK;
		switch (exit.kind) {
		case AXVM_EXIT_HALT:
			leave = halt(se, v);
			break;
		case AXVM_EXIT_EXTERNAL_INTERRUPT:
			leave = interrupted(cpu, exit.external_interrupt.vector, &halted_next);
			break;
		case AXVM_EXIT_CPU_UP:
			cpu_up(&slots[slot_of(se)], &exit);
			break;
		default:
			/* A moved timer is re-armed above; nothing else needs the host. */
			break;
		}
	}
	return leave;
}

/* After a vCPU of the VM in slot idx left its CPU: a VM resetting restarts once the last one
 * has; a stopped one is reported. */
static void after_leaving(size_t idx)
{
	struct axvm *vm = slots[idx].vm;

	if (axvm_state(vm) == AXVM_STATE_RESETTING)
		axvm_reset(vm);
	if (axvm_state(vm) == AXVM_STATE_STOPPED)
		report_stop(idx);
}

/* Gives the CPU to se's vCPU until it leaves, and tells the scheduler how it left. */
static void run_entity(uint32_t cpu, struct sched_entity *se)
{
	struct axvm_vcpu *v = se->owner;
	size_t idx = slot_of(se);
	enum leave leave = LEAVE_PARK;

	/* Holds the VM: it is not destroyed while this CPU uses it. */
	atomic_fetch_add(&slots[idx].in_flight, 1);
	vcpu_wakes(se);
	if (axvm_vcpu_runnable(v) && axvm_vcpu_bind(v) == AX_OK)
		leave = run_vcpu(cpu, se, v);
	if (axvm_vcpu_bound_cpu(v) == (int32_t)cpu)
		axvm_vcpu_unbind(v);
	if (leave == LEAVE_REQUEUE) {
		sched_requeue(se);
	} else if (leave == LEAVE_PARK) {
		vcpu_sleeps(se);
		sched_park(se);
		/* Started again (or reset) before it was parked: that notification found it
		 * running, so it is this CPU's to pass on. */
		if (axvm_vcpu_runnable(v))
			sched_wake(se, cpu, true);
	}
	after_leaving(idx);
	atomic_fetch_sub(&slots[idx].in_flight, 1);
	try_release(idx);
}

/* Nothing to run: sleep until a kick or the timer (the earliest halted vCPU's deadline). */
static void idle(uint32_t cpu, uint64_t halted_next)
{
	if (!sched_idle_enter(cpu))
		return;
	if (!all_released()) {
		arm_timer(cpu, min_u64(halted_next, console_deadline(cpu)));
		cpu_ops->wait_for_interrupt();
	}
	sched_idle_exit(cpu);
}

/* Reports every stopped VM not reported yet and destroys every one that can be: for VMs that
 * stopped while none of their vCPUs was on a CPU. */
static void reap(void)
{
	for (size_t i = 0; i < vm_count; i++) {
		struct host_vm *slot = &slots[i];

		if (atomic_load(&slot->state) == SLOT_RELEASED)
			continue;
		/* Held while it is looked at: the VM is destroyed only while no one holds it. */
		atomic_fetch_add(&slot->in_flight, 1);
		if (atomic_load(&slot->state) == SLOT_LIVE &&
		    axvm_state(slot->vm) == AXVM_STATE_STOPPED)
			report_stop(i);
		atomic_fetch_sub(&slot->in_flight, 1);
		try_release(i);
	}
}

void vm_host_run_cpu(uint32_t cpu)
{
	while (!all_released()) {
		uint64_t now = cpu_ops->counter_now();
		uint64_t halted_next = sched_expire(cpu, now);
		struct sched_entity *se;

		console_input(cpu, now);
		se = sched_pick(cpu, now);
		if (se) {
			run_entity(cpu, se);
		} else {
			reap();
			idle(cpu, halted_next);
		}
	}
	arm_timer(cpu, UINT64_MAX);
}

size_t vm_host_stopped_by_error(void)
{
	size_t n = 0;

	for (size_t i = 0; i < vm_count; i++)
		n += slots[i].by_error;
	return n;
}

size_t vm_host_not_started(void)
{
	return not_started;
}
