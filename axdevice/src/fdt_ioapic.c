/* The I/O APIC's devicetree model (fdt_ioapic.h). */
#include "fdt_ioapic.h"

#include <axdevice/ioapic.h>
#include <axvm/error.h>

/* The binding's #interrupt-cells: the pin and its trigger and polarity type. */
#define IOAPIC_INTERRUPT_CELLS 2

static int create_ioapic(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	int len;
	const fdt32_t *cells = fdt_getprop(n->fdt, n->offset, "#interrupt-cells", &len);
	int err;

	if (!cells || len != 4 || fdt32_ld(cells) != IOAPIC_INTERRUPT_CELLS)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: #interrupt-cells: missing or not <%d> (the pin and its "
				   "type)",
				   n->path, IOAPIC_INTERRUPT_CELLS);
	if (ctx->size < AXDEVICE_IOAPIC_REGS_SIZE)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: size 0x%llx is below the 0x%x bytes of the registers",
				   n->path, (unsigned long long)ctx->size,
				   AXDEVICE_IOAPIC_REGS_SIZE);
	err = axdevice_ioapic_create(ctx->alloc, ctx->hosts->cpu, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the ioapic: %s", n->path,
				   ax_strerror(err));
	return AX_OK;
}

static const char *const ioapic_compatibles[] = {"intel,ce4100-ioapic", NULL};

const struct axdevice_model axdevice_ioapic_model = {ioapic_compatibles, AXDEVICE_ROLE_IRQCHIP,
						     create_ioapic, NULL};
