/* A vCPU's local APIC (x86_vcpu/lapic.h): registers, IA32_APIC_BASE, priorities and IPIs. The
 * timer is in lapic_timer.c. */
#include <x86_vcpu/lapic.h>

#include <axdevice/apic_bus.h>
#include <axvm/error.h>

#define ISR_REG_LAST (X86_LAPIC_ISR + 0x70)
#define TMR_REG_LAST (X86_LAPIC_TMR + 0x70)
#define IRR_REG_LAST (X86_LAPIC_IRR + 0x70)
#define LVT_REG_LAST (X86_LAPIC_LVT + 0x10 * (X86_LVT_COUNT - 1))

#define SVR_WRITABLE 0x3ffu /* vector, enable, focus; no EOI-broadcast suppression */
#define DFR_MODEL_SHIFT 28
#define DFR_ONES 0x0fffffffu
#define ICR_LOW_WRITABLE                                                      \
	0x000ccfffu /* vector, delivery and destination mode, level, trigger, \
		     * shorthand */
#define ICR_X2APIC_WRITABLE (0xffffffff00000000ull | ICR_LOW_WRITABLE)
#define ICR_XAPIC_DEST 0xff000000u
#define DIVIDE_WRITABLE 0xbu

/* ICR delivery modes (bits 10:8). */
#define DM_FIXED 0
#define DM_LOWEST 1
#define DM_NMI 4
#define DM_INIT 5
#define DM_SIPI 6

/* The bits of each LVT a write sets (SDM Figure 11-8). */
static const uint32_t lvt_writable[X86_LVT_COUNT] = {
    [X86_LVT_TIMER] = 0xffu | X86_LVT_MASKED | X86_LVT_TIMER_MODE,
    [X86_LVT_THERMAL] = 0x7ffu | X86_LVT_MASKED,
    [X86_LVT_PERF] = 0x7ffu | X86_LVT_MASKED,
    [X86_LVT_LINT0] = 0x7ffu | 1u << 13 | 1u << 15 | X86_LVT_MASKED,
    [X86_LVT_LINT1] = 0x7ffu | 1u << 13 | 1u << 15 | X86_LVT_MASKED,
    [X86_LVT_ERROR] = 0xffu | X86_LVT_MASKED,
};

static void vec_set(uint32_t *regs, uint8_t vector)
{
	regs[vector / 32] |= 1u << (vector % 32);
}

static void vec_clear(uint32_t *regs, uint8_t vector)
{
	regs[vector / 32] &= ~(1u << (vector % 32));
}

static bool vec_test(const uint32_t *regs, uint8_t vector)
{
	return regs[vector / 32] & 1u << (vector % 32);
}

/* The highest vector set in regs, or -1. */
static int vec_highest(const uint32_t *regs)
{
	for (int i = 7; i >= 0; i--) {
		if (regs[i])
			return i * 32 + 31 - __builtin_clz(regs[i]);
	}
	return -1;
}

/* Records error bit in ESR and raises the error LVT unless masked. */
static void lapic_error(struct x86_lapic *a, uint32_t bit)
{
	uint32_t lvt = a->lvt[X86_LVT_ERROR];
	uint8_t vector = (uint8_t)lvt;

	a->esr_pending |= bit;
	if (lvt & X86_LVT_MASKED)
		return;
	if (vector < 16)
		a->esr_pending |= X86_ESR_RECV_ILLEGAL;
	else
		vec_set(a->irr, vector);
}

void x86_lapic_reset(struct x86_lapic *a, uint32_t id, uint32_t vcpu_count)
{
	*a = (struct x86_lapic){
	    .id = id,
	    .vcpu_count = vcpu_count,
	    .enabled = true,
	    .dfr = 0xffffffffu,
	    .svr = 0xff,
	};
	for (unsigned i = 0; i < X86_LVT_COUNT; i++)
		a->lvt[i] = X86_LVT_MASKED;
}

void x86_lapic_init(struct x86_lapic *a)
{
	bool enabled = a->enabled, x2apic = a->x2apic;

	x86_lapic_reset(a, a->id, a->vcpu_count);
	a->enabled = enabled;
	a->x2apic = x2apic;
}

uint64_t x86_lapic_base_msr(const struct x86_lapic *a)
{
	return X86_LAPIC_BASE | (a->enabled ? X86_APIC_BASE_EN : 0) |
	       (a->x2apic ? X86_APIC_BASE_EXTD : 0) | (a->id == 0 ? X86_APIC_BASE_BSP : 0);
}

int x86_lapic_set_base_msr(struct x86_lapic *a, uint64_t value)
{
	uint64_t flags = X86_APIC_BASE_EN | X86_APIC_BASE_EXTD | X86_APIC_BASE_BSP;
	bool en = value & X86_APIC_BASE_EN, extd = value & X86_APIC_BASE_EXTD;

	if ((value & ~flags) != X86_LAPIC_BASE || (extd && !en))
		return AXERR_INVALID;
	if ((a->x2apic && en && !extd) || (!a->enabled && extd))
		return AXERR_INVALID;
	if (!en) {
		x86_lapic_reset(a, a->id, a->vcpu_count);
		a->enabled = false;
		return AX_OK;
	}
	if (!a->enabled)
		x86_lapic_reset(a, a->id, a->vcpu_count);
	a->x2apic = extd;
	return AX_OK;
}

bool x86_lapic_x2apic(const struct x86_lapic *a)
{
	return a->x2apic;
}

bool x86_lapic_mmio_enabled(const struct x86_lapic *a)
{
	return a->enabled && !a->x2apic;
}

static enum apic_logical_model logical_model(const struct x86_lapic *a)
{
	if (a->x2apic)
		return APIC_LOGICAL_X2APIC;
	return a->dfr >> DFR_MODEL_SHIFT ? APIC_LOGICAL_FLAT : APIC_LOGICAL_CLUSTER;
}

uint8_t x86_lapic_ppr(const struct x86_lapic *a)
{
	int isrv = vec_highest(a->isr);
	uint8_t isr_class = isrv < 0 ? 0 : (uint8_t)(isrv & 0xf0);

	return (a->tpr & 0xf0) >= isr_class ? a->tpr : isr_class;
}

void x86_lapic_accept(struct x86_lapic *a, uint8_t vector, bool level)
{
	if (!a->enabled)
		return;
	if (vector < 16) {
		lapic_error(a, X86_ESR_RECV_ILLEGAL);
		return;
	}
	vec_set(a->irr, vector);
	if (level)
		vec_set(a->tmr, vector);
	else
		vec_clear(a->tmr, vector);
}

int x86_lapic_deliverable(const struct x86_lapic *a)
{
	int vector = vec_highest(a->irr);

	if (!a->enabled || !(a->svr & X86_SVR_ENABLE) || vector < 0)
		return -1;
	return (vector & 0xf0) > (x86_lapic_ppr(a) & 0xf0) ? vector : -1;
}

void x86_lapic_ack(struct x86_lapic *a, uint8_t vector)
{
	if (!vec_test(a->irr, vector))
		return;
	vec_clear(a->irr, vector);
	vec_set(a->isr, vector);
}

uint8_t x86_lapic_tpr(const struct x86_lapic *a)
{
	return a->tpr;
}

void x86_lapic_set_tpr(struct x86_lapic *a, uint8_t tpr)
{
	a->tpr = tpr;
}

/* An EOI: the highest vector in service ends; a level-triggered one is reported. */
static void lapic_eoi(struct x86_lapic *a, struct x86_lapic_effect *e)
{
	int isrv = vec_highest(a->isr);
	uint8_t vector = (uint8_t)isrv;

	if (isrv < 0)
		return;
	vec_clear(a->isr, vector);
	if (vec_test(a->tmr, vector)) {
		vec_clear(a->tmr, vector);
		e->eoi_level = true;
		e->eoi_vector = vector;
	}
}

/* The vCPUs the ICR's shorthand or destination names. */
static uint64_t icr_destinations(const struct x86_lapic *a)
{
	uint32_t low = (uint32_t)a->icr, dest = (uint32_t)(a->icr >> 32);
	uint32_t n = a->vcpu_count > 64 ? 64 : a->vcpu_count;
	uint64_t all = n == 64 ? ~0ull : (1ull << n) - 1, self = 1ull << a->id;

	switch (low & X86_ICR_OTHERS) {
	case X86_ICR_SELF:
		return self;
	case X86_ICR_ALL:
		return all;
	case X86_ICR_OTHERS:
		return all & ~self;
	default:
		break;
	}
	if (!a->x2apic)
		dest >>= 24;
	return apic_dest_mask(dest, low & X86_ICR_LOGICAL, logical_model(a), a->vcpu_count);
}

/* An ICR write: the IPI it sends, if any. */
static void lapic_send(struct x86_lapic *a, struct x86_lapic_ipi *ipi)
{
	uint32_t low = (uint32_t)a->icr;
	uint8_t vector = (uint8_t)low;
	unsigned mode = (low >> 8) & 7;
	uint64_t mask = icr_destinations(a);
	enum x86_ipi_kind kind;

	switch (mode) {
	case DM_FIXED:
	case DM_LOWEST:
		if (vector < 16) {
			lapic_error(a, X86_ESR_SEND_ILLEGAL);
			return;
		}
		if (mode == DM_LOWEST)
			mask = apic_lowest_priority(mask);
		kind = X86_IPI_FIXED;
		break;
	case DM_NMI:
		kind = X86_IPI_NMI;
		vector = 0;
		break;
	case DM_INIT:
		if ((low & X86_ICR_LEVEL) && !(low & X86_ICR_ASSERT))
			return; /* INIT level de-assert */
		kind = X86_IPI_INIT;
		vector = 0;
		break;
	case DM_SIPI:
		kind = X86_IPI_SIPI;
		break;
	default:
		return; /* SMI and the reserved modes */
	}
	if (!mask)
		return;
	*ipi = (struct x86_lapic_ipi){.kind = kind, .vcpu_mask = mask, .vector = vector};
}

/* Reads register reg (16-byte aligned) in the current mode; false for one that does not exist or
 * is write-only there. */
static bool reg_read(const struct x86_lapic *a, uint32_t reg, uint64_t now, uint64_t *value)
{
	bool x2 = a->x2apic;

	switch (reg) {
	case X86_LAPIC_ID:
		*value = x2 ? a->id : a->id << 24;
		return true;
	case X86_LAPIC_VERSION:
		*value = X86_LAPIC_VERSION_VALUE;
		return true;
	case X86_LAPIC_TPR:
		*value = a->tpr;
		return true;
	case X86_LAPIC_APR:
	case X86_LAPIC_RRD:
	case X86_LAPIC_EOI:
		*value = 0;
		return !x2;
	case X86_LAPIC_PPR:
		*value = x86_lapic_ppr(a);
		return true;
	case X86_LAPIC_LDR:
		*value = x2 ? apic_logical_id(a->id, APIC_LOGICAL_X2APIC)
			    : apic_logical_id(a->id, logical_model(a)) << 24;
		return true;
	case X86_LAPIC_DFR:
		*value = a->dfr;
		return !x2;
	case X86_LAPIC_SVR:
		*value = a->svr;
		return true;
	case X86_LAPIC_ESR:
		*value = a->esr;
		return true;
	case X86_LAPIC_ICR:
		*value = x2 ? a->icr : (uint32_t)a->icr;
		return true;
	case X86_LAPIC_ICR_HIGH:
		*value = a->icr >> 32;
		return !x2;
	case X86_LAPIC_TIMER_INITIAL:
		*value = a->timer_initial;
		return true;
	case X86_LAPIC_TIMER_CURRENT:
		*value = x86_lapic_timer_current(a, now);
		return true;
	case X86_LAPIC_TIMER_DIVIDE:
		*value = a->timer_divide;
		return true;
	default:
		break;
	}
	if (reg >= X86_LAPIC_ISR && reg <= ISR_REG_LAST)
		*value = a->isr[(reg - X86_LAPIC_ISR) / 0x10];
	else if (reg >= X86_LAPIC_TMR && reg <= TMR_REG_LAST)
		*value = a->tmr[(reg - X86_LAPIC_TMR) / 0x10];
	else if (reg >= X86_LAPIC_IRR && reg <= IRR_REG_LAST)
		*value = a->irr[(reg - X86_LAPIC_IRR) / 0x10];
	else if (reg >= X86_LAPIC_LVT && reg <= LVT_REG_LAST)
		*value = a->lvt[(reg - X86_LAPIC_LVT) / 0x10];
	else
		return false;
	return true;
}

/* Whether value sets bits outside writable in x2APIC mode (#GP there; xAPIC drops them). */
static bool reserved(const struct x86_lapic *a, uint64_t value, uint64_t writable)
{
	return a->x2apic && (value & ~writable);
}

/* Writes LVT i; AXERR_INVALID for reserved bits in x2APIC mode. */
static int lvt_write(struct x86_lapic *a, unsigned i, uint64_t value)
{
	uint32_t v = (uint32_t)value & lvt_writable[i];

	if (reserved(a, value, lvt_writable[i]))
		return AXERR_INVALID;
	if (i == X86_LVT_TIMER && (v & X86_LVT_TIMER_MODE) == X86_LVT_TIMER_MODE) {
		if (a->x2apic)
			return AXERR_INVALID;
		v = (v & ~X86_LVT_TIMER_MODE) | (a->lvt[i] & X86_LVT_TIMER_MODE);
	}
	if (!(a->svr & X86_SVR_ENABLE))
		v |= X86_LVT_MASKED;
	if (i == X86_LVT_TIMER)
		x86_lapic_timer_set_lvt(a, v);
	else
		a->lvt[i] = v;
	return AX_OK;
}

/* Writes register reg in the current mode; AXERR_INVALID for one that does not exist there and,
 * in x2APIC mode, for read-only registers and reserved bits. */
static int reg_write(struct x86_lapic *a, uint32_t reg, uint64_t value, uint64_t now,
		     struct x86_lapic_effect *e)
{
	bool x2 = a->x2apic;
	uint64_t ignored;

	switch (reg) {
	case X86_LAPIC_TPR:
		if (reserved(a, value, 0xff))
			return AXERR_INVALID;
		a->tpr = (uint8_t)value;
		return AX_OK;
	case X86_LAPIC_EOI:
		if (x2 && value)
			return AXERR_INVALID;
		lapic_eoi(a, e);
		return AX_OK;
	case X86_LAPIC_DFR:
		if (x2)
			return AXERR_INVALID;
		a->dfr = (uint32_t)value | DFR_ONES;
		return AX_OK;
	case X86_LAPIC_SVR:
		if (reserved(a, value, SVR_WRITABLE))
			return AXERR_INVALID;
		a->svr = (uint32_t)value & SVR_WRITABLE;
		if (!(a->svr & X86_SVR_ENABLE)) {
			for (unsigned i = 0; i < X86_LVT_COUNT; i++)
				a->lvt[i] |= X86_LVT_MASKED;
		}
		return AX_OK;
	case X86_LAPIC_ESR:
		if (x2 && value)
			return AXERR_INVALID;
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		return AX_OK;
	case X86_LAPIC_ICR:
		if (reserved(a, value, ICR_X2APIC_WRITABLE))
			return AXERR_INVALID;
		if (x2)
			a->icr = value;
		else
			a->icr = (a->icr & ~0xffffffffull) | ((uint32_t)value & ICR_LOW_WRITABLE);
		lapic_send(a, &e->ipi);
		return AX_OK;
	case X86_LAPIC_ICR_HIGH:
		if (x2)
			return AXERR_INVALID;
		a->icr = (uint32_t)a->icr | (uint64_t)((uint32_t)value & ICR_XAPIC_DEST) << 32;
		return AX_OK;
	case X86_LAPIC_TIMER_INITIAL:
		if (reserved(a, value, 0xffffffffu))
			return AXERR_INVALID;
		x86_lapic_timer_set_initial(a, (uint32_t)value, now);
		return AX_OK;
	case X86_LAPIC_TIMER_DIVIDE:
		if (reserved(a, value, DIVIDE_WRITABLE))
			return AXERR_INVALID;
		x86_lapic_timer_set_divide(a, (uint32_t)value & DIVIDE_WRITABLE, now);
		return AX_OK;
	case X86_LAPIC_SELF_IPI:
		if (!x2 || reserved(a, value, 0xff))
			return AXERR_INVALID;
		if (value < 16)
			lapic_error(a, X86_ESR_SEND_ILLEGAL);
		else
			x86_lapic_accept(a, (uint8_t)value, false);
		return AX_OK;
	default:
		break;
	}
	if (reg >= X86_LAPIC_LVT && reg <= LVT_REG_LAST)
		return lvt_write(a, (reg - X86_LAPIC_LVT) / 0x10, value);
	/* What is left that exists is read-only: ignored in xAPIC mode, #GP in x2APIC mode. */
	if (!reg_read(a, reg, now, &ignored) || x2)
		return AXERR_INVALID;
	return AX_OK;
}

/* The start of a write: *e cleared, the timer run up to now. Returns the deadline before. */
static uint64_t write_begin(struct x86_lapic *a, uint64_t now, struct x86_lapic_effect *e)
{
	uint64_t before = x86_lapic_timer_deadline(a);

	*e = (struct x86_lapic_effect){0};
	x86_lapic_timer_expire(a, now);
	return before;
}

int x86_lapic_mmio_read(struct x86_lapic *a, uint32_t offset, unsigned width, uint64_t now,
			uint32_t *value)
{
	uint64_t v = 0;

	if (width != 4 || offset >= X86_LAPIC_SIZE || offset % 0x10)
		return AXERR_INVALID;
	if (x86_lapic_mmio_enabled(a) && !reg_read(a, offset, now, &v))
		lapic_error(a, X86_ESR_ILLEGAL_REG);
	*value = (uint32_t)v;
	return AX_OK;
}

int x86_lapic_mmio_write(struct x86_lapic *a, uint32_t offset, unsigned width, uint32_t value,
			 uint64_t now, struct x86_lapic_effect *e)
{
	uint64_t before = write_begin(a, now, e);

	if (width != 4 || offset >= X86_LAPIC_SIZE || offset % 0x10)
		return AXERR_INVALID;
	if (x86_lapic_mmio_enabled(a) && reg_write(a, offset, value, now, e))
		lapic_error(a, X86_ESR_ILLEGAL_REG);
	e->timer_changed = x86_lapic_timer_deadline(a) != before;
	return AX_OK;
}

/* Whether msr is an x2APIC register MSR that exists in the current mode. */
static bool x2apic_msr(const struct x86_lapic *a, uint32_t msr)
{
	return a->x2apic && msr >= X86_MSR_X2APIC_FIRST && msr <= X86_MSR_X2APIC_LAST;
}

int x86_lapic_msr_read(struct x86_lapic *a, uint32_t msr, uint64_t now, uint64_t *value)
{
	if (msr == X86_MSR_TSC_DEADLINE) {
		*value = x86_lapic_tsc_deadline(a);
		return AX_OK;
	}
	if (!x2apic_msr(a, msr) || !reg_read(a, (msr - X86_MSR_X2APIC_FIRST) << 4, now, value))
		return AXERR_INVALID;
	return AX_OK;
}

int x86_lapic_msr_write(struct x86_lapic *a, uint32_t msr, uint64_t value, uint64_t now,
			struct x86_lapic_effect *e)
{
	uint64_t before = write_begin(a, now, e);
	int err = AXERR_INVALID;

	if (msr == X86_MSR_TSC_DEADLINE) {
		x86_lapic_set_tsc_deadline(a, value);
		err = AX_OK;
	} else if (x2apic_msr(a, msr)) {
		err = reg_write(a, (msr - X86_MSR_X2APIC_FIRST) << 4, value, now, e);
	}
	e->timer_changed = x86_lapic_timer_deadline(a) != before;
	return err;
}
