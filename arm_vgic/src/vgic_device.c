/* The GICv3 model (vgic.h) behind the axdevice interfaces: its register windows, the trapped
 * SGI register, device input lines and list-register delivery. */
#include <arm_vgic/vgic_device.h>

#include <arm_vgic/vgic.h>
#include <axvm/error.h>

#define ICC_SGI1R_EL1 0xc65du /* op0 3, op1 0, CRn 12, CRm 11, op2 5 */
#define DEFAULT_SPIS 64u
#define WINDOW_MASK ((1ull << 48) - 1)

enum { WINDOW_DIST, WINDOW_REDIST, WINDOW_SGI1R = AXDEVICE_MAX_WINDOWS };

struct vgic_device {
	struct axdevice dev;
	struct vgic *g;
	struct axdevice_cpu_host host;
};

static struct vgic_device *to_vgic(struct axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, struct vgic_device, dev);
}

static int vgic_device_read(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
			    uint64_t *value)
{
	struct vgic *g = to_vgic(dev)->g;

	switch (offset >> 48) {
	case WINDOW_DIST:
		return vgic_dist_read(g, vcpu, offset & WINDOW_MASK, width, value);
	case WINDOW_REDIST:
		return vgic_redist_read(g, vcpu, offset & WINDOW_MASK, width, value);
	default: /* ICC_SGI1R_EL1 is write-only */
		*value = 0;
		return AX_OK;
	}
}

static int vgic_device_write(struct axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width,
			     uint64_t value)
{
	struct vgic *g = to_vgic(dev)->g;

	switch (offset >> 48) {
	case WINDOW_DIST:
		return vgic_dist_write(g, vcpu, offset & WINDOW_MASK, width, value);
	case WINDOW_REDIST:
		return vgic_redist_write(g, vcpu, offset & WINDOW_MASK, width, value);
	case WINDOW_SGI1R:
		if (vcpu != AXDEVICE_VCPU_HOST)
			vgic_send_sgi(g, vcpu, value);
		return AX_OK;
	default:
		return AX_OK;
	}
}

static void vgic_device_destroy(struct axdevice *dev, const struct ax_allocator *alloc)
{
	struct vgic_device *d = to_vgic(dev);

	vgic_destroy(d->g, alloc);
	ax_free(alloc, d);
}

static const struct axdevice_ops vgic_device_ops = {
    .model = "arm,gic-v3",
    .read = vgic_device_read,
    .write = vgic_device_write,
    .destroy = vgic_device_destroy,
};

static int vgic_set_line(struct axdevice *chip, uint32_t line, bool level)
{
	return vgic_set_spi(to_vgic(chip)->g, line, level);
}

static size_t vgic_cpu_flush(struct axdevice *chip, uint32_t cpu, uint64_t *lrs, size_t max,
			     bool *underflow)
{
	return vgic_flush(to_vgic(chip)->g, cpu, lrs, max, underflow);
}

static void vgic_cpu_sync(struct axdevice *chip, uint32_t cpu, const uint64_t *lrs, size_t n)
{
	vgic_sync(to_vgic(chip)->g, cpu, lrs, n);
}

static bool vgic_cpu_pending(struct axdevice *chip, uint32_t cpu)
{
	return vgic_pending(to_vgic(chip)->g, cpu);
}

static int vgic_set_private_line(struct axdevice *chip, uint32_t cpu, uint32_t line, bool level)
{
	return vgic_set_ppi(to_vgic(chip)->g, cpu, line, level);
}

static const struct axdevice_irqchip_ops vgic_irqchip_ops = {
    .set_line = vgic_set_line,
    .cpu_flush = vgic_cpu_flush,
    .cpu_sync = vgic_cpu_sync,
    .cpu_pending = vgic_cpu_pending,
    .set_private_line = vgic_set_private_line,
};

/* The model's news for a vCPU goes to the VM's host. */
static void vgic_kick(void *ctx, uint32_t vcpu)
{
	struct vgic_device *d = ctx;

	if (d->host.kick_cpu)
		d->host.kick_cpu(d->host.ctx, vcpu);
}

static int create_vgic(const struct axdevice_model_ctx *ctx, struct axdevice **out)
{
	const struct axdevice_fdt_node *n = ctx->node;
	struct vgic_device *d;
	uint32_t spis;
	uint64_t redist = ctx->windows == 2 ? ctx->window_size[WINDOW_REDIST] : 0;
	int err;

	if (ctx->windows != 2 || ctx->window_size[WINDOW_DIST] < VGIC_DIST_SIZE || !redist ||
	    redist % VGIC_REDIST_STRIDE || redist / VGIC_REDIST_STRIDE > VGIC_MAX_VCPUS)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: need the distributor (64 KiB) and the redistributors "
				   "(128 KiB per vCPU, at most %u)",
				   n->path, VGIC_MAX_VCPUS);
	err = axdevice_fdt_read_u32(n, "arm,spi-count", DEFAULT_SPIS, &spis);
	if (err)
		return err;
	d = ax_zalloc(ctx->alloc, sizeof(*d));
	if (!d)
		return ax_diag_set(n->diag, AXERR_NO_MEMORY, "%s: no memory", n->path);
	if (ctx->hosts->cpu)
		d->host = *ctx->hosts->cpu;
	err = vgic_create(ctx->alloc, (uint32_t)(redist / VGIC_REDIST_STRIDE), spis,
			  &(struct vgic_host){.ctx = d, .kick = vgic_kick}, &d->g);
	if (err) {
		ax_free(ctx->alloc, d);
		return ax_diag_set(n->diag, err,
				   "%s: arm,spi-count: %u is not 32..960 in steps of 32", n->path,
				   spis);
	}
	axdevice_init(&d->dev, &vgic_device_ops, &vgic_irqchip_ops);
	*out = &d->dev;
	return AX_OK;
}

static const char *const vgic_compatibles[] = {"arm,gic-v3", NULL};
static const uint32_t vgic_sysregs[] = {ICC_SGI1R_EL1, 0};

const struct axdevice_model arm_vgic_model = {
    .compatibles = vgic_compatibles,
    .role = AXDEVICE_ROLE_IRQCHIP,
    .create = create_vgic,
    .sysregs = vgic_sysregs,
};
