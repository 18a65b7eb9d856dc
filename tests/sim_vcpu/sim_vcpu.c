#include <sim_vcpu/sim_vcpu.h>

#include <axaddrspace/formats.h>
#include <axvm/error.h>

#define SIM_MAX_LIVE 64

struct arch_vcpu {
	struct sim_vcpu s;
	struct arch_vcpu_vm_ops ops;
	unsigned read_width; /* the pending access's, 0 for a write */
	sim_guest_fn guest;
	void *guest_ctx;
};

static sim_guest_fn next_guest;
static void *next_guest_ctx;
static bool direct_mmio;
static const struct pt_format *stage2 = &pt_format_sv39x4;
static struct arch_vcpu *live[SIM_MAX_LIVE];
static bool enabled;
static uint32_t vmid_count = 64;
static uint32_t flushes[256];

void sim_set_vmid_count(uint32_t count)
{
	vmid_count = count;
}

uint32_t sim_vmid_flushes(uint32_t vmid)
{
	return vmid < 256 ? flushes[vmid] : 0;
}

uint32_t arch_vmid_count(void)
{
	return vmid_count;
}

void arch_vmid_flush(uint32_t vmid)
{
	if (vmid < 256)
		flushes[vmid]++;
}

static uint32_t syncs;
static struct sim_invalidation invalidations[SIM_MAX_INVALIDATIONS];
static size_t invalidation_count;

void arch_stage2_sync(void)
{
	syncs++;
}

void arch_stage2_invalidate(uint32_t vmid, gpa_t g, uint64_t size)
{
	if (invalidation_count < SIM_MAX_INVALIDATIONS)
		invalidations[invalidation_count++] = (struct sim_invalidation){vmid, g.v, size};
}

size_t sim_stage2_invalidations(const struct sim_invalidation **out)
{
	*out = invalidations;
	return invalidation_count;
}

void sim_stage2_reset(void)
{
	invalidation_count = 0;
	syncs = 0;
}

uint32_t sim_stage2_syncs(void)
{
	return syncs;
}

void sim_set_direct_mmio(bool on)
{
	direct_mmio = on;
}

void sim_set_guest(sim_guest_fn fn, void *ctx)
{
	next_guest = fn;
	next_guest_ctx = ctx;
}

void sim_set_stage2_format(const struct pt_format *fmt)
{
	stage2 = fmt;
}

struct sim_vcpu *sim_vcpu_find(uint32_t vm_id, uint32_t vcpu_id)
{
	for (int i = 0; i < SIM_MAX_LIVE; i++) {
		if (live[i] && live[i]->s.vm_id == vm_id && live[i]->s.vcpu_id == vcpu_id)
			return &live[i]->s;
	}
	return NULL;
}

int sim_vcpu_console_getc(struct sim_vcpu *s)
{
	struct arch_vcpu *v = (struct arch_vcpu *)(void *)s;

	return v->ops.console_getc ? v->ops.console_getc(v->ops.ctx) : -1;
}

int sim_vcpu_release_memory(struct sim_vcpu *s, uint64_t gpa, uint64_t size)
{
	struct arch_vcpu *v = (struct arch_vcpu *)(void *)s;

	return v->ops.release_memory(v->ops.ctx, gpa, size);
}

bool sim_hardware_enabled(void)
{
	return enabled;
}

bool arch_has_hardware_support(void)
{
	return true;
}

int arch_hardware_enable(uint32_t cpu, uint64_t hw_id, const struct arch_cpu_host *host)
{
	(void)cpu;
	(void)hw_id;
	(void)host;
	if (enabled)
		return AXERR_BAD_STATE;
	enabled = true;
	return AX_OK;
}

int arch_hardware_disable(void)
{
	if (!enabled)
		return AXERR_BAD_STATE;
	enabled = false;
	return AX_OK;
}

const struct pt_format *arch_stage2_format(void)
{
	return stage2;
}

int arch_vcpu_create(const struct ax_allocator *alloc, const struct arch_vcpu_create_config *cfg,
		     struct arch_vcpu **out)
{
	struct arch_vcpu *v = ax_zalloc(alloc, sizeof(*v));
	int slot = -1;

	for (int i = 0; i < SIM_MAX_LIVE && slot < 0; i++) {
		if (!live[i])
			slot = i;
	}
	if (!v || slot < 0) {
		ax_free(alloc, v);
		return AXERR_NO_MEMORY;
	}
	v->s.vm_id = cfg->vm_id;
	v->s.vcpu_id = cfg->vcpu_id;
	v->s.guest_id = cfg->guest_id;
	v->s.vmid = cfg->vmid;
	v->s.timer_deadline = UINT64_MAX;
	v->ops = cfg->vm_ops;
	v->guest = next_guest;
	v->guest_ctx = next_guest_ctx;
	live[slot] = v;
	*out = v;
	return AX_OK;
}

void arch_vcpu_destroy(struct arch_vcpu *v, const struct ax_allocator *alloc)
{
	for (int i = 0; i < SIM_MAX_LIVE; i++) {
		if (live[i] == v)
			live[i] = NULL;
	}
	ax_free(alloc, v);
}

int arch_vcpu_set_entry(struct arch_vcpu *v, const struct arch_vcpu_entry *e)
{
	if (v->s.bound)
		return AXERR_BAD_STATE;
	if (e->boot_tables.v % SIM_BOOT_TABLES_ALIGN)
		return AXERR_INVALID;
	v->s.entry = e->pc.v;
	v->s.entry_arg = e->arg;
	v->s.entry_tables = e->boot_tables.v;
	v->s.entry_set = true;
	v->s.pc = e->pc.v;
	v->s.irq_pending = false;
	v->s.timer_deadline = UINT64_MAX;
	v->s.entry_resets++;
	return AX_OK;
}

int arch_vcpu_set_stage2(struct arch_vcpu *v, hpa_t root, const struct pt_format *fmt)
{
	v->s.stage2_root = root;
	v->s.stage2_fmt = fmt;
	return AX_OK;
}

int arch_vcpu_setup(struct arch_vcpu *v)
{
	if (!v->s.stage2_fmt)
		return AXERR_BAD_STATE;
	v->s.setup_done = true;
	return AX_OK;
}

int arch_vcpu_bind(struct arch_vcpu *v, uint32_t cpu)
{
	if (v->s.bound)
		return AXERR_BAD_STATE;
	v->s.bound_cpu = cpu;
	v->s.bound = true;
	return AX_OK;
}

int arch_vcpu_unbind(struct arch_vcpu *v)
{
	if (!v->s.bound)
		return AXERR_BAD_STATE;
	v->s.bound = false;
	return AX_OK;
}

/* Records the access exit e (if it is one) for arch_vcpu_complete. */
static void note_access(struct arch_vcpu *v, const struct axvm_exit *e)
{
	v->s.access_pending = e->kind == AXVM_EXIT_MMIO_WRITE || e->kind == AXVM_EXIT_IO_WRITE ||
			      e->kind == AXVM_EXIT_SYSREG_WRITE;
	v->read_width = 0;
	if (e->kind == AXVM_EXIT_MMIO_READ)
		v->read_width = e->mmio_read.width;
	else if (e->kind == AXVM_EXIT_IO_READ)
		v->read_width = e->io_read.width;
	else if (e->kind == AXVM_EXIT_SYSREG_READ)
		v->read_width = 8;
	v->s.access_pending |= v->read_width != 0;
}

/* The MMIO access exit e made the way a backend that decodes it makes it: straight through
 * vm_ops.mmio_read/mmio_write, completed here. */
static enum axvm_disposition direct_access(struct arch_vcpu *v, const struct axvm_exit *e)
{
	struct axvm_mmio_value r = {0, AXVM_MMIO_RETRY};

	v->s.direct_accesses++;
	if (e->kind == AXVM_EXIT_MMIO_WRITE)
		r.result = v->ops.mmio_write(v->ops.ctx, e->mmio_write.addr, e->mmio_write.width,
					     e->mmio_write.data);
	else
		r = v->ops.mmio_read(v->ops.ctx, e->mmio_read.addr, e->mmio_read.width);
	if (r.result & AXVM_MMIO_DONE)
		arch_vcpu_complete(v, r.value);
	else
		v->s.access_pending = false; /* the guest retries, or the VM stopped */
	return r.result & AXVM_MMIO_LEAVE ? AXVM_LEAVE : AXVM_RESUME;
}

int arch_vcpu_run(struct arch_vcpu *v, struct axvm_exit *exit)
{
	if (!v->s.bound || !v->s.setup_done || !v->s.entry_set)
		return AXERR_BAD_STATE;
	for (;;) {
		enum axvm_disposition d;
		int err = AX_OK;

		v->s.runs++;
		if (v->guest)
			err = v->guest(v->guest_ctx, &v->s, exit);
		else
			exit->kind = AXVM_EXIT_HALT;
		if (err)
			return err;
		note_access(v, exit);
		if (direct_mmio &&
		    (exit->kind == AXVM_EXIT_MMIO_READ || exit->kind == AXVM_EXIT_MMIO_WRITE))
			d = direct_access(v, exit);
		else
			d = v->ops.handle_exit(v->ops.ctx, exit);
		if (d == AXVM_LEAVE)
			return AX_OK;
	}
}

int arch_vcpu_decode_mmio(struct arch_vcpu *v, struct axvm_exit *exit)
{
	struct axvm_exit decoded = v->s.decoded_mmio;

	v->s.decoded_mmio.kind = AXVM_EXIT_NOTHING;
	if (exit->kind == AXVM_EXIT_NESTED_PAGE_FAULT && v->s.decode_reflects) {
		v->s.decode_reflects = false;
		v->s.reflected++;
		exit->kind = AXVM_EXIT_NOTHING;
		return AX_OK;
	}
	if (exit->kind != AXVM_EXIT_NESTED_PAGE_FAULT || decoded.kind == AXVM_EXIT_NOTHING)
		return AXERR_INVALID;
	*exit = decoded;
	note_access(v, exit);
	return AX_OK;
}

/* A read's value as its destination register receives it. */
static uint64_t load_result(uint64_t value, unsigned width, const struct sim_dest *d)
{
	unsigned bits = width * 8;

	if (bits < 64) {
		value &= (1ull << bits) - 1;
		if (d->sign_extend && (value >> (bits - 1)) & 1)
			value |= ~0ull << bits;
	}
	if (d->reg_width && d->reg_width < 8)
		value &= (1ull << (d->reg_width * 8)) - 1;
	return value;
}

int arch_vcpu_complete(struct arch_vcpu *v, uint64_t value)
{
	if (!v->s.access_pending)
		return AXERR_BAD_STATE;
	if (v->read_width && v->s.dest.reg >= SIM_GPRS)
		return AXERR_INVALID;
	if (v->read_width)
		v->s.gpr[v->s.dest.reg] = load_result(value, v->read_width, &v->s.dest);
	v->s.access_pending = false;
	v->s.pc_advances++;
	return AX_OK;
}

void arch_vcpu_set_return_value(struct arch_vcpu *v, uint64_t value)
{
	v->s.return_value = value;
}

int arch_vcpu_set_irq_line(struct arch_vcpu *v, enum axvm_irq_line line, bool level)
{
	if ((unsigned)line >= AXVM_IRQ_LINES)
		return AXERR_INVALID;
	v->s.line[line] = level;
	v->s.line_changes++;
	return AX_OK;
}

int arch_vcpu_inject_interrupt(struct arch_vcpu *v, uint32_t vector)
{
	if (vector >= SIM_MAX_VECTOR)
		return AXERR_INVALID;
	if (v->s.injected_count < SIM_MAX_INJECTED)
		v->s.injected[v->s.injected_count++] = vector;
	return AX_OK;
}

bool arch_vcpu_interrupt_pending(const struct arch_vcpu *v)
{
	return v->s.irq_pending;
}

uint64_t arch_vcpu_timer_deadline(const struct arch_vcpu *v, bool *soft)
{
	*soft = v->s.timer_soft;
	return v->s.timer_deadline;
}

uint64_t arch_vcpu_pc(const struct arch_vcpu *v)
{
	return v->s.pc;
}
