/* VM lifecycle: create (all or nothing), boot, pause, shut down, destroy; the VM table. */
#include <axaddrspace/formats.h>
#include <axdevice/fdt_device.h>
#include <axdevice/irqchip.h>
#include <axdevice/uart.h>
#include <axvm/assert.h>
#include <axvm/error.h>
#include <axvm/format.h>
#include <axvm/range.h>
#include <string.h>

#include "vm_internal.h"

static struct spinlock table_lock = SPINLOCK_INIT;
static struct axvm *table[AXVM_MAX_VMS];
/* Pages the live VMs are charged against the HAL's guest page budget. */
static uint64_t charged_pages;

/* Charges vm for the most memory its configuration can make it hold; AXERR_NO_MEMORY (diag
 * saying how much is left) if the budget does not cover it. */
static int charge(struct axvm *vm, const struct axvm_config *cfg, struct ax_diag *diag)
{
	uint64_t budget = axvm_hal_get()->guest_page_budget;
	uint64_t pages = vm_page_charge(cfg, arch_stage2_format()->root_pages);
	uint64_t left;
	int err = AX_OK;

	spin_lock(&table_lock);
	left = budget > charged_pages ? budget - charged_pages : 0;
	if (budget && pages > left)
		err = AXERR_NO_MEMORY;
	else
		charged_pages += pages;
	spin_unlock(&table_lock);
	if (err)
		return ax_diag_set(diag, err,
				   "vm %u: its memory and tables need %llu KiB, %llu KiB are left "
				   "for VMs",
				   vm->id, (unsigned long long)(pages * AXADDR_PAGE_SIZE >> 10),
				   (unsigned long long)(left * AXADDR_PAGE_SIZE >> 10));
	vm->charged = pages;
	return AX_OK;
}

static void uncharge(struct axvm *vm)
{
	spin_lock(&table_lock);
	charged_pages -= vm->charged;
	spin_unlock(&table_lock);
	vm->charged = 0;
}

/* The stage-2 tags VMs hold, 0 in free slots (tags are from 1 when the CPUs have several). */
static uint16_t vmids[AXVM_MAX_VMS];

/* Takes the smallest stage-2 tag no live VM holds; AXERR_FULL if the CPUs have too few. */
static int vmid_take(uint16_t *out)
{
	uint32_t count = arch_vmid_count();
	int slot = -1;
	int err = AXERR_FULL;

	*out = 0;
	if (count < 2)
		return AX_OK; /* no tags: every VM shares 0 */
	spin_lock(&table_lock);
	for (int i = 0; i < AXVM_MAX_VMS && slot < 0; i++) {
		if (!vmids[i])
			slot = i;
	}
	for (uint32_t id = 1; slot >= 0 && id < count && id <= UINT16_MAX && err; id++) {
		bool used = false;

		for (int i = 0; i < AXVM_MAX_VMS; i++)
			used |= vmids[i] == id;
		if (!used) {
			vmids[slot] = (uint16_t)id;
			*out = (uint16_t)id;
			err = AX_OK;
		}
	}
	spin_unlock(&table_lock);
	return err;
}

/* Gives a tag back once the CPUs hold no translation tagged with it. */
static void vmid_give_back(uint16_t vmid)
{
	if (!vmid)
		return;
	arch_vmid_flush(vmid);
	spin_lock(&table_lock);
	for (int i = 0; i < AXVM_MAX_VMS; i++) {
		if (vmids[i] == vmid) {
			vmids[i] = 0;
			break;
		}
	}
	spin_unlock(&table_lock);
}

static void uart_tx(void *ctx, uint8_t byte)
{
	struct axvm *vm = ctx;

	if (axvm_hal_get()->console_tx)
		axvm_hal_get()->console_tx(vm->id, byte);
}

static void uart_rx_idle(void *ctx)
{
	struct axvm *vm = ctx;

	if (axvm_hal_get()->console_idle)
		axvm_hal_get()->console_idle(vm->id);
}

/* An interrupt controller's output: the line of the vCPU the guest calls cpu_id. */
static void set_cpu_line(void *ctx, uint64_t cpu_id, enum axdevice_cpu_line line, bool level)
{
	struct axvm *vm = ctx;
	struct axvm_vcpu *v = axvm_vcpu_by_guest_id(vm, cpu_id);

	if (v && line == AXDEVICE_CPU_IRQ)
		axvm_set_irq_line(vm, v->id, AXVM_IRQ_LINE_EXTERNAL, level);
}

/* A message-signalled interrupt controller's message: vector for each vCPU of vcpu_mask
 * that the VM has (axvm_inject_interrupt refuses a mask naming any other). */
static void send_vector(void *ctx, uint64_t vcpu_mask, uint32_t vector)
{
	struct axvm *vm = ctx;
	uint64_t valid = vm->vcpu_count >= 64 ? ~0ull : (1ull << vm->vcpu_count) - 1;

	if (vcpu_mask & valid)
		(void)axvm_inject_interrupt(vm, vcpu_mask & valid, vector);
}

/* A system device's request, made by the guest through vCPU vcpu: a reset as the
 * configuration's on-reset says, or a power-off. An access the host made itself asks
 * nothing. */
static void system_request(void *ctx, uint32_t vcpu, enum axdevice_system_request req)
{
	struct axvm *vm = ctx;

	if (vcpu >= vm->vcpu_count)
		return;
	if (req == AXDEVICE_SYSTEM_RESET)
		vm_request_reset(&vm->vcpus[vcpu]);
	else
		vm_guest_stop(&vm->vcpus[vcpu], "the guest powered off");
}

/* A list-register controller's news for the guest CPU with index cpu: it looks again. The
 * request is set before the notification, as for a queued interrupt, so that a vCPU about to
 * wait for one sees it (axvm_vcpu_has_queued_interrupts) and the wake-up is not lost. */
static void kick_cpu(void *ctx, uint64_t cpu)
{
	struct axvm *vm = ctx;

	if (cpu >= vm->vcpu_count)
		return;
	__atomic_store_n(&vm->vcpus[cpu].irq_news, 1, __ATOMIC_RELEASE);
	atomic_fetch_or(&vm->vcpus[cpu].requests, VCPU_REQUEST_IRQ);
	vcpu_notify(&vm->vcpus[cpu]);
}

/* Enters vm in the table, if its id is free, there is room, and the host ranges it maps are
 * its to have (checked again here, with the table locked, against every VM in it). */
static int table_insert(struct axvm *vm, struct ax_diag *diag)
{
	int slot = -1;
	int err = AX_OK;

	spin_lock(&table_lock);
	for (int i = 0; i < AXVM_MAX_VMS; i++) {
		if (table[i] && table[i]->id == vm->id)
			err = ax_diag_set(diag, AXERR_EXISTS, "vm %u: id already in use", vm->id);
		if (!table[i] && slot < 0)
			slot = i;
	}
	if (!err && slot < 0)
		err = ax_diag_set(diag, AXERR_FULL, "vm %u: too many VMs", vm->id);
	if (!err)
		err = vm_admit_host_ranges(&vm->cfg, table, AXVM_MAX_VMS, diag);
	if (!err)
		table[slot] = vm;
	spin_unlock(&table_lock);
	return err;
}

/* Refuses, before anything is mapped or loaded, host ranges the VM may not have. */
static int admit(const struct axvm_config *cfg, struct ax_diag *diag)
{
	int err;

	spin_lock(&table_lock);
	err = vm_admit_host_ranges(cfg, table, AXVM_MAX_VMS, diag);
	spin_unlock(&table_lock);
	return err;
}

static void table_remove(struct axvm *vm)
{
	spin_lock(&table_lock);
	for (int i = 0; i < AXVM_MAX_VMS; i++) {
		if (table[i] == vm)
			table[i] = NULL;
	}
	spin_unlock(&table_lock);
}

struct axvm *axvm_find(uint32_t id)
{
	struct axvm *found = NULL;

	spin_lock(&table_lock);
	for (int i = 0; i < AXVM_MAX_VMS; i++) {
		if (table[i] && table[i]->id == id)
			found = table[i];
	}
	spin_unlock(&table_lock);
	return found;
}

static void tlb_sync(void *ctx)
{
	(void)ctx;
	arch_stage2_sync();
}

static void tlb_invalidate(void *ctx, gpa_t g, uint64_t size)
{
	arch_stage2_invalidate(((struct axvm *)ctx)->vmid, g, size);
}

static int build_memory(struct axvm *vm, const struct axvm_config *cfg, struct ax_diag *diag)
{
	int err;

	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *m = &cfg->memory[i];

		if (m->kind == AXVM_MEM_LINEAR)
			err = axaddrspace_map_linear(&vm->as, gpa(m->gpa), hpa(m->hpa), m->size,
						     m->flags);
		else if (m->kind == AXVM_MEM_ALLOC_LAZY)
			err = axaddrspace_map_lazy(&vm->as, gpa(m->gpa), m->size, m->flags,
						   m->lazy_unit ? m->lazy_unit : AXADDR_PAGE_SIZE);
		else
			err = axaddrspace_map_alloc(&vm->as, gpa(m->gpa), m->size, m->flags, false);
		if (err)
			return ax_diag_set(diag, err, "vm %u: memory [0x%llx, +0x%llx): %s", vm->id,
					   (unsigned long long)m->gpa, (unsigned long long)m->size,
					   ax_strerror(err));
	}
	for (size_t i = 0; i < cfg->passthrough_count; i++) {
		const struct axvm_passthrough *p = &cfg->passthrough[i];

		err = axaddrspace_map_linear(&vm->as, gpa(p->gpa), hpa(p->hpa), p->size,
					     AXMAP_READ | AXMAP_WRITE | AXMAP_DEVICE);
		if (err)
			return ax_diag_set(diag, err, "vm %u: pass-through [0x%llx, +0x%llx): %s",
					   vm->id, (unsigned long long)p->gpa,
					   (unsigned long long)p->size, ax_strerror(err));
	}
	return AX_OK;
}

/* Creates the configured devices of one kind: interrupt controllers (irqchips), or the rest,
 * which are wired to the controllers already there. */
static int build_devices(struct axvm *vm, bool irqchips, struct ax_diag *diag)
{
	const struct axvm_config *cfg = &vm->cfg;
	struct axdevice_uart_host uart = {.tx = uart_tx, .ctx = vm, .rx_idle = uart_rx_idle};
	/* The configured vCPU count: vm->vcpu_count only grows as build_vcpus, after the devices,
	 * creates them. */
	struct axdevice_cpu_host cpu = {.set_cpu_line = set_cpu_line,
					.kick_cpu = kick_cpu,
					.ctx = vm,
					.send_vector = send_vector,
					.vcpu_count = cfg->vcpu_count};
	struct axdevice_system_host system = {.request = system_request, .ctx = vm};
	struct axdevice_fdt_hosts hosts = {
	    .uart = &uart, .cpu = &cpu, .system = &system, .models = cfg->device_models};

	for (size_t i = 0; i < cfg->device_count; i++) {
		const struct axvm_device *d = &cfg->devices[i];
		const struct axdevice_model *model =
		    axdevice_fdt_model(cfg->device_models, cfg->fdt, d->node);
		struct axdevice *dev;
		int err;

		if (model && (model->role == AXDEVICE_ROLE_IRQCHIP) != irqchips)
			continue;
		if (!model && irqchips)
			continue; /* axdevice_set_add_from_fdt_hosts says what is wrong below */
		err = axdevice_set_add_from_fdt_hosts(&vm->devices, cfg->fdt, d->node, &hosts, &dev,
						      diag);
		if (err)
			return err;
		if (!vm->console && model->role == AXDEVICE_ROLE_CONSOLE)
			vm->console = dev;
		if (!vm->lr_chip && dev->irqchip && dev->irqchip->cpu_flush)
			vm->lr_chip = dev;
	}
	return AX_OK;
}

int vm_build_devices(struct axvm *vm, struct ax_diag *diag)
{
	int err = axdevice_set_init(&vm->devices, &axvm_hal_get()->heap);

	if (err)
		return ax_diag_set(diag, err, "vm %u: devices: %s", vm->id, ax_strerror(err));
	vm->devices_ready = true;
	err = build_devices(vm, true, diag);
	if (!err)
		err = build_devices(vm, false, diag);
	return err;
}

int vm_rebuild_devices(struct axvm *vm, struct ax_diag *diag)
{
	int err;

	spin_lock(&vm->device_lock);
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		vm->vcpus[i].mmio_last = NULL;
	axdevice_set_destroy(&vm->devices);
	vm->devices_ready = false;
	vm->console = NULL;
	vm->lr_chip = NULL;
	err = vm_build_devices(vm, diag);
	spin_unlock(&vm->device_lock);
	return err;
}

/* True if the configuration loads an image of kind. */
static bool loads(const struct axvm_config *cfg, enum axvm_image_kind kind)
{
	for (size_t i = 0; i < cfg->image_count; i++) {
		if (cfg->images[i].kind == kind)
			return true;
	}
	return false;
}

/* Refuses two images whose bytes, as supplied, would overlap in guest memory: the config's
 * sizes are optional, so only the supplied images tell (a kernel running into the DTB). */
static int check_loaded_overlaps(const struct axvm *vm, struct ax_diag *diag)
{
	const struct axvm_config *cfg = &vm->cfg;

	for (size_t i = 0; i < cfg->image_count; i++) {
		const struct axvm_image *a = &cfg->images[i];
		uint64_t a_size = vm->images.size[a->kind];

		for (size_t j = i + 1; j < cfg->image_count; j++) {
			const struct axvm_image *b = &cfg->images[j];
			uint64_t b_size = vm->images.size[b->kind];

			if (!ax_ranges_overlap(a->load_gpa, a_size, b->load_gpa, b_size))
				continue;
			return ax_diag_set(
			    diag, AXERR_BAD_CONFIG,
			    "vm %u: the %s [0x%llx, +0x%llx) overlaps the %s [0x%llx, "
			    "+0x%llx)",
			    vm->id, axvm_image_name(a->kind), (unsigned long long)a->load_gpa,
			    (unsigned long long)a_size, axvm_image_name(b->kind),
			    (unsigned long long)b->load_gpa, (unsigned long long)b_size);
		}
	}
	return AX_OK;
}

int vm_load_images(struct axvm *vm, struct ax_diag *diag)
{
	const struct axvm_config *cfg = &vm->cfg;
	int err;

	for (int k = 0; k < AXVM_IMAGE_KINDS; k++) {
		const char *name = axvm_image_name((enum axvm_image_kind)k);

		if (vm->images.data[k] && !loads(cfg, (enum axvm_image_kind)k))
			return ax_diag_set(
			    diag, AXERR_BAD_CONFIG,
			    "vm %u: %s supplied, but /images/%s is not configured (where "
			    "to load it)",
			    vm->id, name, name);
	}
	err = check_loaded_overlaps(vm, diag);
	if (err)
		return err;
	for (size_t i = 0; i < cfg->image_count; i++) {
		const struct axvm_image *img = &cfg->images[i];
		const char *name = axvm_image_name(img->kind);
		const void *data = vm->images.data[img->kind];
		size_t size = vm->images.size[img->kind];

		if (!data)
			return ax_diag_set(diag, AXERR_BAD_CONFIG,
					   "vm %u: /images/%s is configured but no %s was supplied",
					   vm->id, name, name);
		if (img->size && size > img->size)
			return ax_diag_set(diag, AXERR_BAD_CONFIG,
					   "vm %u: the %s is %zu bytes, /images/%s allows %llu",
					   vm->id, name, size, name, (unsigned long long)img->size);
		spin_lock(&vm->as_lock);
		err = axaddrspace_load(&vm->as, gpa(img->load_gpa), data, size);
		spin_unlock(&vm->as_lock);
		if (err)
			return ax_diag_set(diag, err, "vm %u: loading the %s at 0x%llx: %s", vm->id,
					   name, (unsigned long long)img->load_gpa,
					   ax_strerror(err));
		if (img->kind == AXVM_IMAGE_DTB || img->kind == AXVM_IMAGE_BOOT_PARAMS)
			vm->boot_arg = img->load_gpa;
	}
	return AX_OK;
}

static void vm_console_putc(void *ctx, uint8_t byte)
{
	uart_tx(((struct axvm_vcpu *)ctx)->vm, byte);
}

/* The firmware console's input (a VM without a console UART gets it there). */
static int vm_console_getc(void *ctx)
{
	struct axvm *vm = ((struct axvm_vcpu *)ctx)->vm;
	int c = -1;

	spin_lock(&vm->device_lock);
	if (vm->console_in.count) {
		c = vm->console_in.buf[vm->console_in.head];
		vm->console_in.head = (uint8_t)((vm->console_in.head + 1) % VM_CONSOLE_IN_SIZE);
		vm->console_in.count--;
	}
	spin_unlock(&vm->device_lock);
	return c;
}

static int vm_read_guest(void *ctx, uint64_t g, void *buf, size_t len)
{
	return axvm_read_guest(((struct axvm_vcpu *)ctx)->vm, g, buf, len);
}

static int vm_write_guest(void *ctx, uint64_t g, const void *buf, size_t len)
{
	return axvm_write_guest(((struct axvm_vcpu *)ctx)->vm, g, buf, len);
}

static enum axvm_vcpu_power vm_vcpu_power(void *ctx, uint64_t guest_id)
{
	struct axvm_vcpu *v = axvm_vcpu_by_guest_id(((struct axvm_vcpu *)ctx)->vm, guest_id);

	return v ? axvm_vcpu_power(v) : AXVM_VCPU_OFF;
}

static int vm_vcpu_start(void *ctx, uint64_t guest_id, uint64_t entry, uint64_t arg)
{
	struct axvm_vcpu *v = axvm_vcpu_by_guest_id(((struct axvm_vcpu *)ctx)->vm, guest_id);

	return v ? axvm_vcpu_start(v, entry, arg) : AXERR_INVALID;
}

static int vm_release_memory(void *ctx, uint64_t g, uint64_t size)
{
	return axvm_release_memory(((struct axvm_vcpu *)ctx)->vm, g, size);
}

static int build_vcpus(struct axvm *vm, const struct axvm_config *cfg, struct ax_diag *diag)
{
	const struct pt_format *fmt = arch_stage2_format();

	for (uint32_t i = 0; i < cfg->vcpu_count; i++) {
		struct axvm_vcpu *v = &vm->vcpus[i];
		struct arch_vcpu_create_config acfg = {
		    .vm_id = vm->id,
		    .vcpu_count = cfg->vcpu_count,
		    .vm_ops = {.ctx = v,
			       .console_putc = vm_console_putc,
			       .console_getc = vm_console_getc,
			       .read_guest = vm_read_guest,
			       .write_guest = vm_write_guest,
			       .vcpu_power = vm_vcpu_power,
			       .vcpu_start = vm_vcpu_start,
			       .release_memory = vm_release_memory,
			       .handle_exit = vcpu_handle_exit,
			       .mmio_read = vcpu_mmio_read,
			       .mmio_write = vcpu_mmio_write,
			       .irq_flush = vcpu_irq_flush,
			       .irq_sync = vcpu_irq_sync,
			       .irq_set_private = vcpu_irq_set_private,
			       .irq_news = &v->irq_news},
		    .vcpu_id = i,
		    .guest_id = cfg->vcpu_guest_id[i],
		    .vmid = vm->vmid,
		    .list_registers = vm->lr_chip != NULL,
		    .mm = &axvm_hal_get()->mm,
		};
		int err;

		v->vm = vm;
		v->id = i;
		v->guest_id = cfg->vcpu_guest_id[i];
		v->affinity = cfg->vcpu_affinity[i];
		atomic_store(&v->bound_cpu, -1);
		atomic_store(&v->state, AXVM_VCPU_CREATED);
		atomic_store(&v->power, AXVM_VCPU_OFF);
		err = arch_vcpu_create(&axvm_hal_get()->heap, &acfg, &v->arch);
		if (!err)
			err = arch_vcpu_set_stage2(v->arch, vm->as.pt.root, fmt);
		if (!err)
			err = arch_vcpu_setup(v->arch);
		if (err)
			return ax_diag_set(diag, err, "vm %u: vcpu %u: %s", vm->id, i,
					   ax_strerror(err));
		vm->vcpu_count = i + 1;
		vcpu_transition(v, AXVM_VCPU_CREATED, AXVM_VCPU_FREE);
	}
	return AX_OK;
}

static void release(struct axvm *vm)
{
	const struct axvm_hal *hal = axvm_hal_get();

	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		arch_vcpu_destroy(vm->vcpus[i].arch, &hal->heap);
	if (vm->devices_ready)
		axdevice_set_destroy(&vm->devices);
	if (vm->as_ready)
		axaddrspace_destroy(&vm->as);
	vmid_give_back(vm->vmid);
	uncharge(vm);
	ax_free(&hal->heap, vm);
}

int axvm_create(const struct axvm_config *cfg, const struct axvm_images *images, struct axvm **out,
		struct ax_diag *diag)
{
	const struct axvm_hal *hal = axvm_hal_get();
	struct axvm *vm;
	int err;

	if (!hal)
		return ax_diag_set(diag, AXERR_BAD_STATE, "axvm_init was not called");
	if (cfg->vcpu_count == 0 || cfg->vcpu_count > AXVM_MAX_VCPUS)
		return ax_diag_set(diag, AXERR_BAD_CONFIG, "vm %u: %u vcpus", cfg->id,
				   cfg->vcpu_count);
	vm = ax_zalloc(&hal->heap, sizeof(*vm));
	if (!vm)
		return ax_diag_set(diag, AXERR_NO_MEMORY, "vm %u: no memory", cfg->id);
	vm->id = cfg->id;
	memcpy(vm->name, cfg->name, sizeof(vm->name));
	vm->name[AXVM_NAME_LEN - 1] = '\0';
	vm->cfg = *cfg;
	if (images)
		vm->images = *images;
	atomic_store(&vm->state, AXVM_STATE_CREATED);
	spin_lock_init(&vm->stop_lock);
	spin_lock_init(&vm->as_lock);
	spin_lock_init(&vm->device_lock);
	spin_lock_init(&vm->power_lock);
	err = axaddrspace_init(&vm->as, arch_stage2_format(), &hal->mm);
	if (err)
		err = ax_diag_set(diag, err, "vm %u: stage-2 table: %s", vm->id, ax_strerror(err));
	vm->as_ready = !err;
	vm->tlb = (struct pt_tlb){.sync = tlb_sync, .invalidate = tlb_invalidate, .ctx = vm};
	if (!err)
		axaddrspace_set_tlb(&vm->as, &vm->tlb);
	if (!err)
		err = admit(cfg, diag);
	if (!err)
		err = charge(vm, cfg, diag);
	if (!err && vmid_take(&vm->vmid))
		err = ax_diag_set(diag, AXERR_FULL, "vm %u: every stage-2 tag (VMID) is in use",
				  vm->id);
	if (!err)
		err = build_memory(vm, cfg, diag);
	if (!err)
		err = vm_build_devices(vm, diag);
	if (!err)
		err = vm_load_images(vm, diag);
	if (!err)
		err = build_vcpus(vm, cfg, diag);
	if (!err)
		err = table_insert(vm, diag);
	if (err) {
		release(vm);
		return err;
	}
	*out = vm;
	return AX_OK;
}

void axvm_destroy(struct axvm *vm)
{
	for (uint32_t i = 0; i < vm->vcpu_count; i++)
		AX_ASSERT(axvm_vcpu_state(&vm->vcpus[i]) != AXVM_VCPU_RUNNING);
	table_remove(vm);
	release(vm);
}

int axvm_boot(struct axvm *vm)
{
	struct axvm_vcpu *v0 = &vm->vcpus[0];
	struct arch_vcpu_entry e = vm_boot_entry(vm);
	int expected = AXVM_STATE_CREATED;
	int err;

	spin_lock(&vm->power_lock);
	err = atomic_compare_exchange_strong(&vm->state, &expected, AXVM_STATE_RUNNING)
		  ? vcpu_power_on(v0, &e)
		  : AXERR_BAD_STATE;
	spin_unlock(&vm->power_lock);
	if (expected == AXVM_STATE_CREATED)
		vm_state_changed(vm);
	if (err) {
		if (expected == AXVM_STATE_CREATED)
			vm_stop(vm, "vcpu 0 could not be started", true);
		return err;
	}
	axvm_logf("vm %u (%s): booting %u vcpu(s) at 0x%llx", vm->id, vm->name, vm->vcpu_count,
		  (unsigned long long)vm->cfg.entry);
	vcpu_notify(v0);
	return AX_OK;
}

static int change_state(struct axvm *vm, enum axvm_state from, enum axvm_state to)
{
	int expected = from;

	if (!atomic_compare_exchange_strong(&vm->state, &expected, to))
		return AXERR_BAD_STATE;
	vm_state_changed(vm);
	return AX_OK;
}

int axvm_pause(struct axvm *vm)
{
	return change_state(vm, AXVM_STATE_RUNNING, AXVM_STATE_PAUSED);
}

int axvm_resume(struct axvm *vm)
{
	int err = change_state(vm, AXVM_STATE_PAUSED, AXVM_STATE_RUNNING);

	for (uint32_t i = 0; !err && i < vm->vcpu_count; i++)
		vcpu_notify(&vm->vcpus[i]);
	return err;
}

void vm_stop(struct axvm *vm, const char *reason, bool error)
{
	bool first;

	spin_lock(&vm->stop_lock);
	first = axvm_state(vm) != AXVM_STATE_STOPPED;
	if (first) {
		/* The reason is written before the state says STOPPED: whoever sees the stop
		 * reads it. */
		ax_diag_set(&vm->stop_reason, 0, "%s", reason);
		atomic_store(&vm->stopped_by_error, error);
		atomic_store(&vm->state, AXVM_STATE_STOPPED);
	}
	spin_unlock(&vm->stop_lock);
	if (first)
		vm_state_changed(vm);
	/* Every vCPU leaves its CPU: the host reports the stop once they have. */
	for (uint32_t i = 0; first && i < vm->vcpu_count; i++)
		vcpu_notify(&vm->vcpus[i]);
}

void axvm_shutdown(struct axvm *vm, const char *reason)
{
	vm_stop(vm, reason, false);
}

void vm_guest_stop(struct axvm_vcpu *vcpu, const char *what)
{
	char reason[AX_DIAG_LEN];

	ax_snprintf(reason, sizeof(reason), "%s (vcpu %u at pc 0x%llx)", what, vcpu->id,
		    (unsigned long long)arch_vcpu_pc(vcpu->arch));
	vm_stop(vcpu->vm, reason, false);
}

int vm_guest_error(struct axvm *vm, struct axvm_vcpu *vcpu, int err, const char *fmt, ...)
{
	char what[160];
	char reason[AX_DIAG_LEN];
	va_list ap;

	va_start(ap, fmt);
	ax_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ax_snprintf(reason, sizeof(reason), "vcpu %u at pc 0x%llx: %s: %s", vcpu->id,
		    (unsigned long long)arch_vcpu_pc(vcpu->arch), what, ax_strerror(err));
	vm_stop(vm, reason, true);
	return err;
}

uint32_t axvm_id(const struct axvm *vm)
{
	return vm->id;
}

const char *axvm_name(const struct axvm *vm)
{
	return vm->name;
}

enum axvm_state axvm_state(const struct axvm *vm)
{
	return (enum axvm_state)atomic_load(&vm->state);
}

const char *axvm_stop_reason(const struct axvm *vm)
{
	return axvm_state(vm) == AXVM_STATE_STOPPED ? vm->stop_reason.msg : "";
}

bool axvm_stopped_by_error(const struct axvm *vm)
{
	return axvm_state(vm) == AXVM_STATE_STOPPED && atomic_load(&vm->stopped_by_error);
}

uint32_t axvm_vcpu_count(const struct axvm *vm)
{
	return vm->vcpu_count;
}

struct axvm_vcpu *axvm_vcpu_by_guest_id(struct axvm *vm, uint64_t guest_id)
{
	for (uint32_t i = 0; i < vm->vcpu_count; i++) {
		if (vm->vcpus[i].guest_id == guest_id)
			return &vm->vcpus[i];
	}
	return NULL;
}

struct axvm_vcpu *axvm_vcpu_at(struct axvm *vm, uint32_t idx)
{
	return idx < vm->vcpu_count ? &vm->vcpus[idx] : NULL;
}

uint64_t axvm_allocated_bytes(const struct axvm *vm)
{
	return vm->as.alloc_pages * AXADDR_PAGE_SIZE;
}

size_t axvm_console_input(struct axvm *vm, const uint8_t *bytes, size_t n)
{
	size_t taken = 0;

	if (!bytes)
		return 0;
	spin_lock(&vm->device_lock);
	if (vm->console) {
		spin_lock(&vm->console->lock);
		taken = axdevice_uart_receive(vm->console, bytes, n);
		spin_unlock(&vm->console->lock);
	} else {
		for (; taken < n && vm->console_in.count < VM_CONSOLE_IN_SIZE; taken++) {
			vm->console_in.buf[(vm->console_in.head + vm->console_in.count) %
					   VM_CONSOLE_IN_SIZE] = bytes[taken];
			vm->console_in.count++;
		}
	}
	spin_unlock(&vm->device_lock);
	return taken;
}

int axvm_unmap_memory(struct axvm *vm, uint64_t g, uint64_t size)
{
	int err;

	spin_lock(&vm->as_lock);
	err = axaddrspace_unmap(&vm->as, gpa(g), size);
	spin_unlock(&vm->as_lock);
	return err;
}

int axvm_release_memory(struct axvm *vm, uint64_t g, uint64_t size)
{
	int err;

	spin_lock(&vm->as_lock);
	err = axaddrspace_discard(&vm->as, gpa(g), size);
	spin_unlock(&vm->as_lock);
	return err;
}

int axvm_protect_memory(struct axvm *vm, uint64_t g, uint64_t size, uint32_t flags)
{
	int err;

	spin_lock(&vm->as_lock);
	err = axaddrspace_protect(&vm->as, gpa(g), size, flags);
	spin_unlock(&vm->as_lock);
	return err;
}

int axvm_read_guest(struct axvm *vm, uint64_t g, void *buf, size_t len)
{
	int err;

	spin_lock(&vm->as_lock);
	err = axaddrspace_read(&vm->as, gpa(g), buf, len);
	spin_unlock(&vm->as_lock);
	return err;
}

int axvm_write_guest(struct axvm *vm, uint64_t g, const void *buf, size_t len)
{
	int err;

	spin_lock(&vm->as_lock);
	err = axaddrspace_write(&vm->as, gpa(g), buf, len);
	spin_unlock(&vm->as_lock);
	return err;
}
