/* Delivery through the list registers: vgic_flush picks what a vCPU should see and hands it
 * over in ICH_LR<n>_EL2 format; vgic_sync takes it back as the guest left it. Between the two
 * the vCPU holds those interrupts (vgic_irq.lr_vcpu): nobody else may list them. */
#include "vgic_internal.h"

/* The best candidates of a flush, best first, and how many there were in all. */
struct pick {
	struct vgic_irq *best[VGIC_MAX_LRS];
	size_t count; /* filled entries of best */
	size_t room;  /* entries best may hold */
	size_t total; /* candidates seen */
};

/* Whether a goes before b: active ones first (the guest must find them to deactivate them),
 * then the higher priority (the lower value), then the lower INTID. */
static bool before(const struct vgic_irq *a, const struct vgic_irq *b)
{
	bool a_active = a->flags & IRQ_ACTIVE;
	bool b_active = b->flags & IRQ_ACTIVE;

	if (a_active != b_active)
		return a_active;
	if (a->priority != b->priority)
		return a->priority < b->priority;
	return a->intid < b->intid;
}

static void consider(struct pick *p, struct vgic_irq *irq)
{
	size_t i;

	p->total++;
	if (p->count == p->room && (p->room == 0 || !before(irq, p->best[p->count - 1])))
		return;
	if (p->count < p->room)
		p->count++;
	/* Insertion into the sorted array, dropping the last one when full. */
	for (i = p->count - 1; i > 0 && before(irq, p->best[i - 1]); i--)
		p->best[i] = p->best[i - 1];
	p->best[i] = irq;
}

/* Hands irq to vcpu's list registers: returns the value, and moves the pending latch and the
 * active state into it. A pending state that is not deliverable (disabled) stays behind. */
static uint64_t hold(struct vgic *g, struct vgic_irq *irq, uint32_t vcpu)
{
	struct vgic_cpu *cpu = &g->cpus[vcpu];
	bool pending =
	    vgic_irq_pending(irq) && (irq->flags & IRQ_ENABLED) && vgic_group_enabled(g, irq);
	bool active = irq->flags & IRQ_ACTIVE;
	uint64_t lr = irq->intid | (uint64_t)irq->priority << VGIC_LR_PRIORITY_SHIFT;

	irq->lr_flags = 0;
	if (irq->flags & IRQ_GROUP1)
		lr |= VGIC_LR_GROUP;
	if (pending) {
		lr |= VGIC_LR_STATE_PENDING;
		irq->lr_flags |= LR_PENDING;
		if (irq->flags & IRQ_LATCH) {
			irq->lr_flags |= LR_LATCH;
			irq->flags &= (uint8_t)~IRQ_LATCH;
		}
	}
	if (active) {
		lr |= VGIC_LR_STATE_ACTIVE;
		irq->lr_flags |= LR_ACTIVE;
		irq->flags &= (uint8_t)~IRQ_ACTIVE;
		irq->active_vcpu = VGIC_NO_VCPU;
	}
	irq->lr_vcpu = (uint16_t)vcpu;
	vgic_update_live(g, irq);
	cpu->lr_intid[cpu->lr_count++] = irq->intid;
	return lr;
}

/* Takes irq back from vcpu with list-register state state (VGIC_LR_STATE_*), merging what
 * happened to it meanwhile, and kicks whoever it is now deliverable to. */
static void fold(struct vgic *g, struct vgic_irq *irq, uint32_t vcpu, uint64_t state,
		 struct vgic_kicks *kicks)
{
	bool pending = (state & VGIC_LR_STATE_PENDING) && !(irq->lr_flags & LR_CLR_PENDING);
	bool active = (state & VGIC_LR_STATE_ACTIVE) && !(irq->lr_flags & LR_CLR_ACTIVE);
	uint32_t wake;

	/* Not acknowledged yet: the latch it was flushed with (an edge's, or a level's software
	 * pending) is still there. A level's line speaks for itself. */
	if (pending && (irq->lr_flags & LR_LATCH))
		irq->flags |= IRQ_LATCH;
	if (active) {
		irq->flags |= IRQ_ACTIVE;
		if (irq->bank == VGIC_NO_VCPU)
			irq->active_vcpu = (uint16_t)vcpu;
	}
	irq->lr_vcpu = VGIC_NO_VCPU;
	irq->lr_flags = 0;
	vgic_update_live(g, irq);
	wake = vgic_wake_target(g, irq);
	if (wake != VGIC_NO_VCPU && wake != vcpu)
		vgic_kick(kicks, wake);
}

/* The state the list registers report for intid, or as it was flushed when none names it. */
static uint64_t lr_state(const struct vgic_irq *irq, const uint64_t *lrs, size_t n)
{
	uint64_t state = 0;

	for (size_t i = 0; i < n; i++) {
		if (vgic_lr_intid(lrs[i]) == irq->intid)
			return vgic_lr_state(lrs[i]);
	}
	if (irq->lr_flags & LR_PENDING)
		state |= VGIC_LR_STATE_PENDING;
	if (irq->lr_flags & LR_ACTIVE)
		state |= VGIC_LR_STATE_ACTIVE;
	return state;
}

/* Takes back everything vcpu holds. */
static void release(struct vgic *g, uint32_t vcpu, const uint64_t *lrs, size_t n,
		    struct vgic_kicks *kicks)
{
	struct vgic_cpu *cpu = &g->cpus[vcpu];

	for (uint32_t k = 0; k < cpu->lr_count; k++) {
		struct vgic_irq *irq = vgic_irq_get(g, vcpu, cpu->lr_intid[k]);

		if (irq && irq->lr_vcpu == vcpu)
			fold(g, irq, vcpu, lr_state(irq, lrs, n), kicks);
	}
	cpu->lr_count = 0;
}

/* Whether vcpu may have anything to flush, read without the lock (the common case at an entry
 * is nothing). A change after these reads kicks the vCPU it concerns once it is made, and the
 * kick makes that vCPU exit and flush again. */
static bool may_flush(const struct vgic *g, const struct vgic_cpu *cpu)
{
	if (cpu->lr_count || __atomic_load_n(&cpu->live, __ATOMIC_ACQUIRE))
		return true;
	for (uint32_t w = 0; w < g->spi_count / 32; w++) {
		if (__atomic_load_n(&g->spi_live[w], __ATOMIC_ACQUIRE))
			return true;
	}
	return false;
}

/* vgic_flush when vcpu may have something to flush. */
__attribute__((noinline)) static size_t flush(struct vgic *g, uint32_t vcpu, uint64_t *lrs,
					      size_t nr_lrs, bool *underflow)
{
	struct vgic_kicks kicks;
	struct pick p = {.count = 0, .room = 0, .total = 0};
	struct vgic_cpu *cpu = &g->cpus[vcpu];
	uint32_t bits;

	p.room = lrs ? (nr_lrs < VGIC_MAX_LRS ? nr_lrs : VGIC_MAX_LRS) : 0;
	vgic_lock(g, &kicks);
	if (cpu->lr_count)
		release(g, vcpu, NULL, 0, &kicks);
	bits = cpu->live;
	while (bits) {
		struct vgic_irq *irq = &cpu->priv[__builtin_ctz(bits)];

		if (vgic_can_take(g, irq, vcpu))
			consider(&p, irq);
		bits &= bits - 1;
	}
	for (uint32_t w = 0; w < g->spi_count / 32; w++) {
		bits = g->spi_live[w];
		while (bits) {
			struct vgic_irq *irq = &g->spis[w * 32 + (uint32_t)__builtin_ctz(bits)];

			if (vgic_can_take(g, irq, vcpu))
				consider(&p, irq);
			bits &= bits - 1;
		}
	}
	for (size_t i = 0; i < p.count; i++)
		lrs[i] = hold(g, p.best[i], vcpu);
	if (underflow)
		*underflow = p.total > p.count;
	vgic_unlock(g, &kicks);
	return p.count;
}

size_t vgic_flush(struct vgic *g, uint32_t vcpu, uint64_t *lrs, size_t nr_lrs, bool *underflow)
{
	if (underflow)
		*underflow = false;
	if (!g || vcpu >= g->vcpu_count || !may_flush(g, &g->cpus[vcpu]))
		return 0;
	return flush(g, vcpu, lrs, nr_lrs, underflow);
}

void vgic_sync(struct vgic *g, uint32_t vcpu, const uint64_t *lrs, size_t n)
{
	struct vgic_kicks kicks;

	if (!g || vcpu >= g->vcpu_count)
		return;
	if (!lrs)
		n = 0;
	vgic_lock(g, &kicks);
	release(g, vcpu, lrs, n, &kicks);
	vgic_unlock(g, &kicks);
}
