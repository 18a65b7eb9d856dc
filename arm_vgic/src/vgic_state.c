/* The vgic's interrupt state: creation, lookup, the deliverability rules, change tracking with
 * the kicks it implies, and vgic_pending. */
#include "vgic_internal.h"

#include <axvm/error.h>

int vgic_create(const struct ax_allocator *alloc, uint32_t vcpu_count, uint32_t spi_count,
		const struct vgic_host *host, struct vgic **out)
{
	struct vgic *g;
	size_t size;

	if (out)
		*out = NULL;
	if (!alloc || !out || vcpu_count < 1 || vcpu_count > VGIC_MAX_VCPUS ||
	    spi_count < VGIC_MIN_SPIS || spi_count > VGIC_MAX_SPIS || spi_count % 32)
		return AXERR_INVALID;
	size = sizeof(*g) + vcpu_count * sizeof(struct vgic_cpu) +
	       spi_count * sizeof(struct vgic_irq) + spi_count / 32 * sizeof(uint32_t);
	g = ax_zalloc(alloc, size);
	if (!g)
		return AXERR_NO_MEMORY;
	spin_lock_init(&g->lock);
	if (host)
		g->host = *host;
	g->vcpu_count = vcpu_count;
	g->spi_count = spi_count;
	g->cpus = (struct vgic_cpu *)(g + 1);
	g->spis = (struct vgic_irq *)(g->cpus + vcpu_count);
	g->spi_live = (uint32_t *)(g->spis + spi_count);
	for (uint32_t v = 0; v < vcpu_count; v++) {
		struct vgic_cpu *cpu = &g->cpus[v];

		cpu->asleep = true;
		for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++) {
			struct vgic_irq *irq = &cpu->priv[i];

			irq->intid = (uint16_t)i;
			irq->bank = (uint16_t)v;
			irq->target = VGIC_NO_VCPU;
			irq->lr_vcpu = VGIC_NO_VCPU;
			irq->active_vcpu = VGIC_NO_VCPU;
			irq->flags = IRQ_GROUP1 | (i < VGIC_NR_SGIS ? IRQ_EDGE : 0);
		}
	}
	for (uint32_t i = 0; i < spi_count; i++) {
		struct vgic_irq *irq = &g->spis[i];

		irq->intid = (uint16_t)(VGIC_NR_PRIVATE + i);
		irq->bank = VGIC_NO_VCPU;
		irq->target = vgic_route_target(g, 0);
		irq->lr_vcpu = VGIC_NO_VCPU;
		irq->active_vcpu = VGIC_NO_VCPU;
		irq->flags = IRQ_GROUP1;
	}
	*out = g;
	return AX_OK;
}

void vgic_destroy(struct vgic *g, const struct ax_allocator *alloc)
{
	if (g)
		ax_free(alloc, g);
}

uint64_t vgic_redist_size(uint32_t vcpu_count)
{
	if (vcpu_count > VGIC_MAX_VCPUS)
		vcpu_count = VGIC_MAX_VCPUS;
	return (uint64_t)vcpu_count * VGIC_REDIST_STRIDE;
}

void vgic_lock(struct vgic *g, struct vgic_kicks *kicks)
{
	for (size_t i = 0; i < sizeof(kicks->mask) / sizeof(kicks->mask[0]); i++)
		kicks->mask[i] = 0;
	spin_lock(&g->lock);
}

void vgic_unlock(struct vgic *g, struct vgic_kicks *kicks)
{
	spin_unlock(&g->lock);
	if (!g->host.kick)
		return;
	for (size_t w = 0; w < sizeof(kicks->mask) / sizeof(kicks->mask[0]); w++) {
		uint64_t bits = kicks->mask[w];

		while (bits) {
			uint32_t bit = (uint32_t)__builtin_ctzll(bits);

			g->host.kick(g->host.ctx, (uint32_t)w * 64 + bit);
			bits &= bits - 1;
		}
	}
}

void vgic_kick(struct vgic_kicks *kicks, uint32_t vcpu)
{
	if (vcpu < VGIC_MAX_VCPUS)
		kicks->mask[vcpu / 64] |= 1ull << (vcpu % 64);
}

struct vgic_irq *vgic_irq_get(struct vgic *g, uint32_t vcpu, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < g->vcpu_count ? &g->cpus[vcpu].priv[intid] : NULL;
	if (intid - VGIC_NR_PRIVATE < g->spi_count)
		return &g->spis[intid - VGIC_NR_PRIVATE];
	return NULL;
}

bool vgic_irq_pending(const struct vgic_irq *irq)
{
	if (irq->flags & IRQ_LATCH)
		return true;
	return !(irq->flags & IRQ_EDGE) && (irq->flags & IRQ_LINE);
}

bool vgic_group_enabled(const struct vgic *g, const struct vgic_irq *irq)
{
	uint32_t enable = irq->flags & IRQ_GROUP1 ? GICD_CTLR_ENABLE_G1 : GICD_CTLR_ENABLE_G0;

	return (g->ctlr & enable) != 0;
}

uint32_t vgic_irq_owner(const struct vgic_irq *irq)
{
	if (irq->bank != VGIC_NO_VCPU)
		return irq->bank;
	if ((irq->flags & IRQ_ACTIVE) && irq->active_vcpu != VGIC_NO_VCPU)
		return irq->active_vcpu;
	return irq->target;
}

/* Pending, enabled, and its group enabled: what makes an interrupt worth signalling. */
static bool deliverable(const struct vgic *g, const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq) && (irq->flags & IRQ_ENABLED) && vgic_group_enabled(g, irq);
}

bool vgic_can_take(const struct vgic *g, const struct vgic_irq *irq, uint32_t vcpu)
{
	uint32_t owner;

	if (irq->lr_vcpu != VGIC_NO_VCPU)
		return false;
	owner = vgic_irq_owner(irq);
	if (owner != vcpu && owner != VGIC_ANY_VCPU)
		return false;
	return (irq->flags & IRQ_ACTIVE) || deliverable(g, irq);
}

uint32_t vgic_any_target(const struct vgic *g)
{
	for (uint32_t v = 0; v < g->vcpu_count; v++) {
		if (!g->cpus[v].asleep)
			return v;
	}
	return 0;
}

uint32_t vgic_wake_target(const struct vgic *g, const struct vgic_irq *irq)
{
	uint32_t owner;

	if (irq->lr_vcpu != VGIC_NO_VCPU || !deliverable(g, irq))
		return VGIC_NO_VCPU;
	owner = vgic_irq_owner(irq);
	return owner == VGIC_ANY_VCPU ? vgic_any_target(g) : owner;
}

uint16_t vgic_route_target(const struct vgic *g, uint64_t route)
{
	uint64_t aff0 = route & 0xff;

	if (route & IROUTER_IRM)
		return VGIC_ANY_VCPU;
	/* vCPU i is affinity 0.0.0.i: Aff1, Aff2 and Aff3 must be zero. */
	if ((route & IROUTER_MASK & ~IROUTER_IRM) != aff0 || aff0 >= g->vcpu_count)
		return VGIC_NO_VCPU;
	return (uint16_t)aff0;
}

void vgic_update_live(struct vgic *g, const struct vgic_irq *irq)
{
	bool live = vgic_irq_pending(irq) || (irq->flags & IRQ_ACTIVE);
	uint32_t *word;
	uint32_t bit;

	if (irq->bank != VGIC_NO_VCPU) {
		word = &g->cpus[irq->bank].live;
		bit = 1u << irq->intid;
	} else {
		uint32_t i = irq->intid - VGIC_NR_PRIVATE;

		word = &g->spi_live[i / 32];
		bit = 1u << (i % 32);
	}
	/* Under the lock; atomic for vgic_flush's look without it. */
	if (live)
		__atomic_fetch_or(word, bit, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(word, ~bit, __ATOMIC_RELEASE);
}

struct vgic_change vgic_change_begin(const struct vgic *g, const struct vgic_irq *irq)
{
	struct vgic_change c = {
	    .wake = vgic_wake_target(g, irq),
	    .flags = irq->flags,
	    .priority = irq->priority,
	    .route = irq->route,
	};

	return c;
}

void vgic_change_end(struct vgic *g, struct vgic_irq *irq, const struct vgic_change *before,
		     struct vgic_kicks *kicks)
{
	uint32_t wake;

	vgic_update_live(g, irq);
	wake = vgic_wake_target(g, irq);
	if (wake != VGIC_NO_VCPU && wake != before->wake)
		vgic_kick(kicks, wake);
	/* The holder's list register no longer tells the whole story: have it synced. */
	if (irq->lr_vcpu != VGIC_NO_VCPU &&
	    (irq->flags != before->flags || irq->priority != before->priority ||
	     irq->route != before->route))
		vgic_kick(kicks, irq->lr_vcpu);
}

/* Kicks for one interrupt after a global change: its holder, or whoever it is deliverable to. */
static void kick_one(const struct vgic *g, const struct vgic_irq *irq, struct vgic_kicks *kicks)
{
	uint32_t wake;

	if (irq->lr_vcpu != VGIC_NO_VCPU) {
		vgic_kick(kicks, irq->lr_vcpu);
		return;
	}
	wake = vgic_wake_target(g, irq);
	if (wake != VGIC_NO_VCPU)
		vgic_kick(kicks, wake);
}

void vgic_kick_all(struct vgic *g, struct vgic_kicks *kicks)
{
	for (uint32_t v = 0; v < g->vcpu_count; v++) {
		for (uint32_t i = 0; i < VGIC_NR_PRIVATE; i++)
			kick_one(g, &g->cpus[v].priv[i], kicks);
	}
	for (uint32_t i = 0; i < g->spi_count; i++)
		kick_one(g, &g->spis[i], kicks);
}

/* Whether irq, not held by anyone, is deliverable to vcpu. */
static bool pending_for(const struct vgic *g, const struct vgic_irq *irq, uint32_t vcpu)
{
	uint32_t owner = vgic_irq_owner(irq);

	return irq->lr_vcpu == VGIC_NO_VCPU && (owner == vcpu || owner == VGIC_ANY_VCPU) &&
	       deliverable(g, irq);
}

bool vgic_pending(struct vgic *g, uint32_t vcpu)
{
	struct vgic_kicks kicks;
	bool found = false;
	uint32_t bits;

	if (!g || vcpu >= g->vcpu_count)
		return false;
	vgic_lock(g, &kicks);
	bits = g->cpus[vcpu].live;
	while (bits && !found) {
		uint32_t i = (uint32_t)__builtin_ctz(bits);

		found = pending_for(g, &g->cpus[vcpu].priv[i], vcpu);
		bits &= bits - 1;
	}
	for (uint32_t w = 0; w < g->spi_count / 32 && !found; w++) {
		bits = g->spi_live[w];
		while (bits && !found) {
			uint32_t i = (uint32_t)__builtin_ctz(bits);

			found = pending_for(g, &g->spis[w * 32 + i], vcpu);
			bits &= bits - 1;
		}
	}
	vgic_unlock(g, &kicks);
	return found;
}
