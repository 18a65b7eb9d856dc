#include <board/vm_host.h>

#include <axvm/error.h>
#include <axvm/format.h>
#include <axvm/hal.h>
#include <axvm/vcpu.h>
#include <axvm/vm.h>
#include <board/console.h>
#include <board/vm_bundle.h>
#include <libfdt.h>
#include <stdatomic.h>
#include <string.h>

static const struct vm_host_cpu_ops *cpu_ops;
static uint32_t host_cpus;
static struct axvm *vms[VM_BUNDLE_MAX_VMS];
static size_t vm_count;
static atomic_size_t vms_failed;
static atomic_bool vm_reported[VM_BUNDLE_MAX_VMS];
/* vCPUs that halted and wait for an interrupt on their CPU, by VM and vCPU. */
static atomic_bool halted[VM_BUNDLE_MAX_VMS][AXVM_MAX_VCPUS];

/* The config blob, copied to memory aligned as libfdt requires. */
static void *aligned_copy(const void *data, size_t size)
{
	const struct axvm_hal *hal = axvm_hal_get();
	void *copy = hal->heap.alloc(hal->heap.ctx, size);

	if (copy)
		memcpy(copy, data, size);
	return copy;
}

/* A DTB image the configuration loads but the bundle does not carry is generated. */
static int add_guest_dtb(const struct axvm_config *cfg, struct axvm_images *images,
			 struct ax_diag *diag)
{
	const struct axvm_hal *hal = axvm_hal_get();
	size_t size = VM_HOST_DTB_SIZE;
	void *buf;
	int err;

	for (size_t i = 0; i < cfg->image_count; i++) {
		if (cfg->images[i].kind == AXVM_IMAGE_DTB && cfg->images[i].size)
			size = cfg->images[i].size;
	}
	if (!cpu_ops->guest_dtb)
		return ax_diag_set(diag, AXERR_UNSUPPORTED, "no devicetree given or generated");
	buf = hal->heap.alloc(hal->heap.ctx, size);
	if (!buf)
		return ax_diag_set(diag, AXERR_NO_MEMORY, "no memory for the guest devicetree");
	err = cpu_ops->guest_dtb(cfg, buf, size);
	if (err)
		return ax_diag_set(diag, err, "generating the guest devicetree");
	images->data[AXVM_IMAGE_DTB] = buf;
	images->size[AXVM_IMAGE_DTB] = fdt_totalsize(buf);
	return AX_OK;
}

static bool loads_dtb(const struct axvm_config *cfg)
{
	for (size_t i = 0; i < cfg->image_count; i++) {
		if (cfg->images[i].kind == AXVM_IMAGE_DTB)
			return true;
	}
	return false;
}

static struct axvm *start_one(const struct vm_bundle_vm *b, const struct axvm_config_limits *l)
{
	struct axvm_config cfg;
	struct axvm_images images = b->images;
	struct ax_diag diag = {.msg = ""};
	struct axvm *vm = NULL;
	void *config = aligned_copy(b->config, b->config_size);
	int err = config ? AX_OK : AXERR_NO_MEMORY;

	if (!err)
		err = axvm_config_parse(config, l, &cfg, &diag);
	if (!err && loads_dtb(&cfg) && !images.data[AXVM_IMAGE_DTB])
		err = add_guest_dtb(&cfg, &images, &diag);
	if (!err)
		err = axvm_create(&cfg, &images, &vm, &diag);
	if (!err)
		err = axvm_boot(vm);
	if (err) {
		kprintf("vm %s: not started: %s (%s)\n", b->node, diag.msg, ax_strerror(err));
		if (vm)
			axvm_destroy(vm);
		/* The config blob stays: a created VM's devices refer into it. */
		return NULL;
	}
	kprintf("vm %u (%s): started, %u vcpu(s), entry 0x%llx\n", axvm_id(vm), axvm_name(vm),
		axvm_vcpu_count(vm), (unsigned long long)cfg.entry);
	return vm;
}

size_t vm_host_start(const void *bundle, size_t size, const struct axvm_config_limits *limits,
		     const struct vm_host_cpu_ops *ops)
{
	struct vm_bundle_vm list[VM_BUNDLE_MAX_VMS];
	struct ax_diag diag = {.msg = ""};
	size_t count;

	cpu_ops = ops;
	host_cpus = limits->host_cpus;
	if (vm_bundle_parse(bundle, size, list, &count, &diag) != AX_OK) {
		kprintf("%s\n", diag.msg);
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		struct axvm *vm = start_one(&list[i], limits);

		if (vm)
			vms[vm_count++] = vm;
	}
	return vm_count;
}

uint32_t vm_host_console_vm(void)
{
	return vm_count ? axvm_id(vms[0]) : 0;
}

static bool runs_here(struct axvm_vcpu *v, uint32_t cpu)
{
	int32_t affinity = axvm_vcpu_affinity(v);

	return affinity < 0 ? cpu == 0 : (uint32_t)affinity == cpu;
}

/* One line of the VM's exit counts, summed over its vCPUs: what the guest made the hypervisor
 * do. Kinds that never happened are left out. */
static void report_exits(struct axvm *vm)
{
	char line[256];
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

static void report_stop(size_t idx, int err)
{
	bool expected = false;

	if (!atomic_compare_exchange_strong(&vm_reported[idx], &expected, true))
		return;
	kprintf("vm %u (%s): stopped: %s\n", axvm_id(vms[idx]), axvm_name(vms[idx]),
		axvm_stop_reason(vms[idx]));
	kprintf("vm %u (%s): %llu KiB of guest memory allocated\n", axvm_id(vms[idx]),
		axvm_name(vms[idx]), (unsigned long long)(axvm_allocated_bytes(vms[idx]) >> 10));
	report_exits(vms[idx]);
	if (err)
		atomic_fetch_add(&vms_failed, 1);
	/* Idle CPUs sleep: wake them to notice (the last VM's stop ends every CPU's loop). */
	for (uint32_t cpu = 0; cpu < host_cpus; cpu++) {
		if (cpu != axvm_hal_get()->current_cpu())
			axvm_hal_get()->kick_cpu(cpu);
	}
}

/* Starts the vCPU the guest asked for; the guest calls it by its index. */
static void cpu_up(struct axvm *vm, const struct axvm_exit *e)
{
	struct axvm_vcpu *target = axvm_vcpu_at(vm, (uint32_t)e->cpu_up.target);

	if (!target || axvm_vcpu_start(target, e->cpu_up.entry, e->cpu_up.arg) != AX_OK)
		kprintf("vm %u: cpu-up of vcpu %llu refused\n", axvm_id(vm),
			(unsigned long long)e->cpu_up.target);
}

static void handle_host_exit(size_t idx, struct axvm_vcpu *v, const struct axvm_exit *e)
{
	struct axvm *vm = vms[idx];

	switch (e->kind) {
	case AXVM_EXIT_HALT:
		atomic_store(&halted[idx][axvm_vcpu_id(v)], true);
		break;
	case AXVM_EXIT_CPU_UP:
		cpu_up(vm, e);
		break;
	case AXVM_EXIT_SEND_IPI:
		axvm_inject_interrupt(vm, e->send_ipi.target_mask, (uint32_t)e->send_ipi.vector);
		break;
	case AXVM_EXIT_EXTERNAL_INTERRUPT:
		cpu_ops->ack_interrupt(e->external_interrupt.vector);
		break;
	default:
		break;
	}
}

/* Gives one vCPU one turn: bound to this CPU only while it runs, since several vCPUs may take
 * turns here. Returns whether it ran. */
static bool turn(size_t idx, struct axvm_vcpu *v)
{
	struct axvm *vm = vms[idx];
	struct axvm_exit exit;
	int err;

	if (axvm_state(vm) == AXVM_STATE_STOPPED || !axvm_vcpu_powered(v) ||
	    atomic_load(&halted[idx][axvm_vcpu_id(v)]))
		return false;
	if (axvm_vcpu_bind(v) != AX_OK)
		return false;
	err = axvm_vcpu_run(v, &exit);
	axvm_vcpu_unbind(v);
	if (err || axvm_state(vm) == AXVM_STATE_STOPPED)
		report_stop(idx, err);
	else
		handle_host_exit(idx, v, &exit);
	return true;
}

static bool all_stopped(void)
{
	for (size_t i = 0; i < vm_count; i++) {
		if (axvm_state(vms[i]) != AXVM_STATE_STOPPED)
			return false;
	}
	return true;
}

/* After an interrupt woke this CPU, every halted vCPU here re-checks what it waits for: a
 * guest timer or an IPI may be why it woke. */
static void wake_blocked(uint32_t cpu)
{
	for (size_t i = 0; i < vm_count; i++) {
		for (uint32_t n = 0; n < axvm_vcpu_count(vms[i]); n++) {
			struct axvm_vcpu *v = axvm_vcpu_at(vms[i], n);

			if (runs_here(v, cpu))
				atomic_store(&halted[i][n], false);
		}
	}
}

size_t vm_host_run_cpu(uint32_t cpu)
{
	while (!all_stopped()) {
		bool ran = false;

		for (size_t i = 0; i < vm_count; i++) {
			for (uint32_t n = 0; n < axvm_vcpu_count(vms[i]); n++) {
				struct axvm_vcpu *v = axvm_vcpu_at(vms[i], n);

				if (runs_here(v, cpu))
					ran |= turn(i, v);
			}
		}
		if (!ran) {
			cpu_ops->wait_for_interrupt();
			wake_blocked(cpu);
		}
	}
	for (size_t i = 0; i < vm_count; i++)
		report_stop(i, 0);
	return atomic_load(&vms_failed);
}
