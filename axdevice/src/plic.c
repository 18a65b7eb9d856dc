/* The RISC-V PLIC: level-triggered gateways, per-context priority arbitration, and the
 * register map a guest programs it through. */
#include <axdevice/irqchip.h>
#include <axdevice/plic.h>

#include <axvm/error.h>

#define PRIORITY_BASE 0x000000u
#define PENDING_BASE 0x001000u
#define PENDING_END 0x001080u
#define ENABLE_BASE 0x002000u
#define ENABLE_STRIDE 0x80u
#define CONTEXT_THRESHOLD 0x0u
#define CONTEXT_CLAIM 0x4u

/*
 * A PLIC. The bitmaps hold one bit per source id, 32 to a word, with bit 0 of word 0 (source
 * 0) always clear. pending and claimed never share a bit: a claimed source cannot pend until
 * it is completed. Everything lives in one allocation after the structure.
 */
struct plic {
	struct axdevice dev;
	struct axdevice_plic_host host;
	struct axdevice_cpu_host cpu_host;
	uint64_t *route; /* [contexts]: the guest CPU whose external line a context drives */
	uint32_t sources;
	uint32_t contexts;
	uint32_t words;	    /* bitmap words covering ids 0..sources */
	uint32_t *level;    /* the host's input lines */
	uint32_t *pending;  /* the IP bits */
	uint32_t *claimed;  /* claimed and not yet completed */
	uint32_t *enable;   /* words per context, context after context */
	uint8_t *priority;  /* [sources + 1], priority[0] stays 0 */
	uint8_t *threshold; /* [contexts] */
	bool *output;	    /* [contexts], the level last reported */
};

static const struct axdevice_ops plic_ops;

static struct plic *to_plic(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct plic, dev);
}

static bool test_bit(const uint32_t *map, uint32_t id)
{
	return (map[id / 32] >> (id % 32)) & 1;
}

static void set_bit(uint32_t *map, uint32_t id, bool on)
{
	if (on)
		map[id / 32] |= 1u << (id % 32);
	else
		map[id / 32] &= ~(1u << (id % 32));
}

static uint32_t *context_enable(const struct plic *p, uint32_t context)
{
	return p->enable + (uint64_t)context * p->words;
}

/* The bits of word w that stand for sources 1..sources. */
static uint32_t valid_mask(const struct plic *p, uint32_t w)
{
	uint32_t first = w * 32;
	uint32_t count = p->sources + 1 - first; /* ids first..sources in this word */
	uint32_t mask = count >= 32 ? ~0u : (1u << count) - 1;

	return w == 0 ? mask & ~1u : mask;
}

/* The enabled pending source of highest priority above context's threshold (ties go to the
 * lowest id), or 0 when there is none. */
static uint32_t best_source(const struct plic *p, uint32_t context)
{
	const uint32_t *enable = context_enable(p, context);
	uint32_t best = 0;
	unsigned best_priority = p->threshold[context];

	for (uint32_t w = 0; w < p->words; w++) {
		uint32_t bits = p->pending[w] & enable[w];

		while (bits) {
			unsigned bit = (unsigned)__builtin_ctz(bits);
			uint32_t id = w * 32 + bit;

			if (p->priority[id] > best_priority) {
				best = id;
				best_priority = p->priority[id];
			}
			bits &= bits - 1;
		}
	}
	return best;
}

/* Recomputes context's output and reports it if it changed. */
static void update_context(struct plic *p, uint32_t context)
{
	bool level = best_source(p, context) != 0;

	if (p->output[context] == level)
		return;
	p->output[context] = level;
	if (p->host.set_context_irq)
		p->host.set_context_irq(p->host.ctx, context, level);
	if (p->route[context] != AXDEVICE_PLIC_NO_CPU && p->cpu_host.set_cpu_line)
		p->cpu_host.set_cpu_line(p->cpu_host.ctx, p->route[context], AXDEVICE_CPU_IRQ,
					 level);
}

static void update_all(struct plic *p)
{
	for (uint32_t c = 0; c < p->contexts; c++)
		update_context(p, c);
}

/* The gateway forwards a request when the line is high and the source is neither pending
 * nor in service; returns whether it did. */
static bool gateway_forward(struct plic *p, uint32_t id)
{
	if (!test_bit(p->level, id) || test_bit(p->pending, id) || test_bit(p->claimed, id))
		return false;
	set_bit(p->pending, id, true);
	return true;
}

static uint32_t claim(struct plic *p, uint32_t context)
{
	uint32_t id = best_source(p, context);

	if (!id)
		return 0;
	set_bit(p->pending, id, false);
	set_bit(p->claimed, id, true);
	update_all(p);
	return id;
}

/* A completion for a source that is not enabled for context or not claimed is ignored. */
static void complete(struct plic *p, uint32_t context, uint32_t id)
{
	if (id == 0 || id > p->sources || !test_bit(context_enable(p, context), id) ||
	    !test_bit(p->claimed, id))
		return;
	set_bit(p->claimed, id, false);
	if (gateway_forward(p, id))
		update_all(p);
}

static uint32_t read_context(struct plic *p, uint32_t context, uint32_t reg)
{
	if (reg == CONTEXT_THRESHOLD)
		return p->threshold[context];
	if (reg == CONTEXT_CLAIM)
		return claim(p, context);
	return 0;
}

static void write_context(struct plic *p, uint32_t context, uint32_t reg, uint32_t value)
{
	if (reg == CONTEXT_THRESHOLD) {
		p->threshold[context] = (uint8_t)(value & AXDEVICE_PLIC_MAX_PRIORITY);
		update_context(p, context);
	} else if (reg == CONTEXT_CLAIM) {
		complete(p, context, value);
	}
}

/* Which register an offset names. */
enum reg_kind {
	REG_NONE,
	REG_PRIORITY,
	REG_PENDING,
	REG_ENABLE,
	REG_CONTEXT,
};

/* A decoded offset: the register, its source id or word index, its context. */
struct reg {
	enum reg_kind kind;
	uint32_t index;
	uint32_t context;
};

/* Decodes an aligned offset; REG_NONE for one that names nothing this PLIC has. */
static struct reg decode(const struct plic *p, uint64_t offset)
{
	struct reg r = {REG_NONE, 0, 0};

	if (offset < PENDING_BASE) {
		r.index = (uint32_t)((offset - PRIORITY_BASE) / 4);
		if (r.index >= 1 && r.index <= p->sources)
			r.kind = REG_PRIORITY;
	} else if (offset < PENDING_END) {
		r.index = (uint32_t)((offset - PENDING_BASE) / 4);
		if (r.index < p->words)
			r.kind = REG_PENDING;
	} else if (offset >= ENABLE_BASE && offset < AXDEVICE_PLIC_CONTEXT_BASE) {
		r.context = (uint32_t)((offset - ENABLE_BASE) / ENABLE_STRIDE);
		r.index = (uint32_t)((offset - ENABLE_BASE) % ENABLE_STRIDE / 4);
		if (r.context < p->contexts && r.index < p->words)
			r.kind = REG_ENABLE;
	} else if (offset >= AXDEVICE_PLIC_CONTEXT_BASE &&
		   offset < axdevice_plic_size(p->contexts)) {
		r.kind = REG_CONTEXT;
		r.context = (uint32_t)((offset - AXDEVICE_PLIC_CONTEXT_BASE) /
				       AXDEVICE_PLIC_CONTEXT_STRIDE);
		r.index = (uint32_t)(offset % AXDEVICE_PLIC_CONTEXT_STRIDE);
	}
	return r;
}

static int plic_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		     uint64_t *value)
{
	(void)vcpu;
	struct plic *p = to_plic(dev);
	struct reg r;

	*value = 0;
	if (width != 4 || offset % 4)
		return AXERR_INVALID;
	r = decode(p, offset);
	switch (r.kind) {
	case REG_PRIORITY:
		*value = p->priority[r.index];
		break;
	case REG_PENDING:
		*value = p->pending[r.index];
		break;
	case REG_ENABLE:
		*value = context_enable(p, r.context)[r.index];
		break;
	case REG_CONTEXT:
		*value = read_context(p, r.context, r.index);
		break;
	case REG_NONE:
		break;
	}
	return AX_OK;
}

static int plic_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
		      uint64_t value)
{
	(void)vcpu;
	struct plic *p = to_plic(dev);
	uint32_t v = (uint32_t)value;
	struct reg r;

	if (width != 4 || offset % 4)
		return AXERR_INVALID;
	r = decode(p, offset);
	switch (r.kind) {
	case REG_PRIORITY:
		p->priority[r.index] = (uint8_t)(v & AXDEVICE_PLIC_MAX_PRIORITY);
		update_all(p);
		break;
	case REG_ENABLE:
		context_enable(p, r.context)[r.index] = v & valid_mask(p, r.index);
		update_context(p, r.context);
		break;
	case REG_CONTEXT:
		write_context(p, r.context, r.index, v);
		break;
	case REG_PENDING: /* read-only */
	case REG_NONE:
		break;
	}
	return AX_OK;
}

static void plic_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	ax_free(alloc, to_plic(dev));
}

static const struct axdevice_ops plic_ops = {
    .model = "plic",
    .read = plic_read,
    .write = plic_write,
    .destroy = plic_destroy,
};

static int plic_set_line(struct axdevice *dev, uint32_t line, bool level)
{
	return axdevice_plic_set_level(dev, line, level);
}

static const struct axdevice_irqchip_ops plic_irqchip_ops = {
    .set_line = plic_set_line,
};

int axdevice_plic_create(const struct ax_allocator *alloc, const struct axdevice_plic_host *host,
			 uint32_t sources, uint32_t contexts, struct axdevice **out)
{
	struct plic *p;
	uint32_t words = sources / 32 + 1;
	size_t map_words = (size_t)(3 + contexts) * words;
	size_t size;

	if (out)
		*out = NULL;
	if (!alloc || !out || sources < 1 || sources > AXDEVICE_PLIC_MAX_SOURCES || contexts < 1 ||
	    contexts > AXDEVICE_PLIC_MAX_CONTEXTS)
		return AXERR_INVALID;
	size = sizeof(*p) + contexts * sizeof(uint64_t) + map_words * sizeof(uint32_t) +
	       (sources + 1) + contexts + contexts * sizeof(bool);
	p = ax_zalloc(alloc, size);
	if (!p)
		return AXERR_NO_MEMORY;
	axdevice_init(&p->dev, &plic_ops, &plic_irqchip_ops);
	if (host)
		p->host = *host;
	p->sources = sources;
	p->contexts = contexts;
	p->words = words;
	p->route = (uint64_t *)(p + 1);
	for (uint32_t c = 0; c < contexts; c++)
		p->route[c] = AXDEVICE_PLIC_NO_CPU;
	p->level = (uint32_t *)(p->route + contexts);
	p->pending = p->level + words;
	p->claimed = p->pending + words;
	p->enable = p->claimed + words;
	p->priority = (uint8_t *)(p->level + map_words);
	p->threshold = p->priority + sources + 1;
	p->output = (bool *)(p->threshold + contexts);
	*out = &p->dev;
	return AX_OK;
}

uint64_t axdevice_plic_size(uint32_t contexts)
{
	if (contexts > AXDEVICE_PLIC_MAX_CONTEXTS)
		contexts = AXDEVICE_PLIC_MAX_CONTEXTS;
	return AXDEVICE_PLIC_CONTEXT_BASE + (uint64_t)contexts * AXDEVICE_PLIC_CONTEXT_STRIDE;
}

/* The PLIC behind dev, or NULL when dev is not one. */
static struct plic *as_plic(struct axdevice *dev)
{
	return dev && dev->ops == &plic_ops ? to_plic(dev) : NULL;
}

int axdevice_plic_set_level(struct axdevice *plic, uint32_t source, bool level)
{
	struct plic *p = as_plic(plic);

	if (!p || source == 0 || source > p->sources)
		return AXERR_INVALID;
	if (test_bit(p->level, source) == level)
		return AX_OK;
	set_bit(p->level, source, level);
	if (gateway_forward(p, source))
		update_all(p);
	return AX_OK;
}

int axdevice_plic_context_irq(struct axdevice *plic, uint32_t context, bool *level)
{
	struct plic *p = as_plic(plic);

	if (!p || !level || context >= p->contexts)
		return AXERR_INVALID;
	*level = p->output[context];
	return AX_OK;
}

int axdevice_plic_route(struct axdevice *plic, const struct axdevice_cpu_host *cpu_host,
			uint32_t context, uint64_t cpu_id)
{
	struct plic *p = as_plic(plic);

	if (!p || !cpu_host || context >= p->contexts || cpu_id == AXDEVICE_PLIC_NO_CPU)
		return AXERR_INVALID;
	p->cpu_host = *cpu_host;
	p->route[context] = cpu_id;
	return AX_OK;
}
