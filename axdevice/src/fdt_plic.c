#include "fdt_plic.h"

#include <string.h>

#include <axvm/error.h>

/* The number of entries in interrupts-extended: each is a phandle and as many cells as the
 * #interrupt-cells of the controller it names. */
static int count_contexts(const struct axdevice_fdt_node *n, uint32_t *contexts)
{
	int len;
	const fdt32_t *p = fdt_getprop(n->fdt, n->offset, "interrupts-extended", &len);
	uint32_t cells, count = 0;

	if (!p)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: interrupts-extended: missing",
				   n->path);
	if (len <= 0 || len % 4)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: interrupts-extended: %d bytes, not a list of cells",
				   n->path, len);
	cells = (uint32_t)len / 4;
	for (uint32_t i = 0; i < cells; count++) {
		uint32_t phandle = fdt32_ld(&p[i]);
		int target = fdt_node_offset_by_phandle(n->fdt, phandle);
		const fdt32_t *target_cells;
		int target_len;
		uint32_t args;

		if (count == AXDEVICE_PLIC_MAX_CONTEXTS)
			return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
					   "%s: interrupts-extended: more than %u contexts",
					   n->path, AXDEVICE_PLIC_MAX_CONTEXTS);
		if (target < 0)
			return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
					   "%s: interrupts-extended: entry %u: phandle 0x%x names "
					   "no node",
					   n->path, count, phandle);
		target_cells = fdt_getprop(n->fdt, target, "#interrupt-cells", &target_len);
		if (!target_cells || target_len != 4)
			return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
					   "%s: interrupts-extended: entry %u: its controller's "
					   "#interrupt-cells is missing or malformed",
					   n->path, count);
		args = fdt32_ld(target_cells);
		if (args > cells - i - 1)
			return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
					   "%s: interrupts-extended: entry %u: needs %u cells, %u "
					   "left",
					   n->path, count, args, cells - i - 1);
		i += 1 + args;
	}
	*contexts = count;
	return AX_OK;
}

static int read_sources(const struct axdevice_fdt_node *n, uint32_t *sources)
{
	int err;

	if (!fdt_getprop(n->fdt, n->offset, "riscv,ndev", NULL))
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: riscv,ndev: missing", n->path);
	err = axdevice_fdt_read_u32(n, "riscv,ndev", 0, sources);
	if (err)
		return err;
	if (*sources < 1 || *sources > AXDEVICE_PLIC_MAX_SOURCES)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: riscv,ndev: %u is not 1 to %u",
				   n->path, *sources, AXDEVICE_PLIC_MAX_SOURCES);
	return AX_OK;
}

/* The supervisor and machine external interrupts, as interrupts-extended names them. */
#define IRQ_S_EXT 9

/* The hart id of a CPU's interrupt controller node: its parent's reg when that is a CPU node;
 * false otherwise. */
static bool cpu_of_controller(const void *fdt, int controller, uint64_t *hart)
{
	int cpu = fdt_parent_offset(fdt, controller);
	const char *type = cpu >= 0 ? fdt_getprop(fdt, cpu, "device_type", NULL) : NULL;
	const fdt32_t *reg;
	int len;

	if (!type || strcmp(type, "cpu") != 0)
		return false;
	reg = fdt_getprop(fdt, cpu, "reg", &len);
	if (!reg || (len != 4 && len != 8))
		return false;
	*hart = axdevice_fdt_read_cells(reg, len / 4);
	return true;
}

/* Connects each context whose interrupts-extended entry is a supervisor external interrupt to
 * its hart's external line (entries were checked by count_contexts). */
static int route_contexts(const struct axdevice_fdt_node *n, struct axdevice *dev,
			  const struct axdevice_cpu_host *cpu_host)
{
	int len;
	const fdt32_t *p = fdt_getprop(n->fdt, n->offset, "interrupts-extended", &len);
	uint32_t cells = (uint32_t)len / 4;
	uint64_t s_entries = 0;
	uint32_t context = 0;

	for (uint32_t i = 0; i < cells; context++) {
		int target = fdt_node_offset_by_phandle(n->fdt, fdt32_ld(&p[i]));
		uint32_t args = fdt32_ld(fdt_getprop(n->fdt, target, "#interrupt-cells", NULL));
		uint64_t hart;

		if (args >= 1 && fdt32_ld(&p[i + 1]) == IRQ_S_EXT) {
			if (!cpu_of_controller(n->fdt, target, &hart))
				hart = s_entries;
			s_entries++;
			if (axdevice_plic_route(dev, cpu_host, context, hart))
				return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
						   "%s: interrupts-extended: entry %u: hart 0x%llx",
						   n->path, context, (unsigned long long)hart);
		}
		i += 1 + args;
	}
	return AX_OK;
}

static int create_plic(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	const struct axdevice_cpu_host *cpu_host = ctx->hosts->cpu;
	uint64_t reg_size = ctx->size;
	uint32_t sources, contexts;
	int err = read_sources(n, &sources);

	if (!err)
		err = count_contexts(n, &contexts);
	if (err)
		return err;
	if (reg_size < axdevice_plic_size(contexts))
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: size 0x%llx is below the 0x%llx bytes of %u contexts' "
				   "registers",
				   n->path, (unsigned long long)reg_size,
				   (unsigned long long)axdevice_plic_size(contexts), contexts);
	err = axdevice_plic_create(ctx->alloc, ctx->hosts->plic, sources, contexts, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the plic: %s", n->path,
				   ax_strerror(err));
	err = cpu_host ? route_contexts(n, *dev, cpu_host) : AX_OK;
	if (err)
		(*dev)->ops->destroy(*dev, ctx->alloc);
	return err;
}

static const char *const plic_compatibles[] = {"sifive,plic-1.0.0", "riscv,plic0", NULL};

const struct axdevice_model axdevice_plic_model = {plic_compatibles, AXDEVICE_ROLE_IRQCHIP,
						   create_plic, NULL};
