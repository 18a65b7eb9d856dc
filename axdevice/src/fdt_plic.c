#include "fdt_plic.h"

#include <axvm/error.h>

/* The number of entries in interrupts-extended: each is a phandle and as many cells as the
 * #interrupt-cells of the controller it names. */
static int count_contexts(const struct fdt_node *n, uint32_t *contexts)
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

static int read_sources(const struct fdt_node *n, uint32_t *sources)
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

int axdevice_fdt_create_plic(const struct fdt_node *n, const struct ax_allocator *alloc,
			     const struct axdevice_plic_host *host, uint64_t reg_size,
			     struct axdevice **dev)
{
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
	err = axdevice_plic_create(alloc, host, sources, contexts, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the plic: %s", n->path,
				   ax_strerror(err));
	return AX_OK;
}
