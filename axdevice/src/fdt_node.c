#include <axdevice/fdt_model.h>

#include <axvm/error.h>
#include <axvm/format.h>

void axdevice_fdt_node_init(struct axdevice_fdt_node *n, const void *fdt, int offset,
			    struct ax_diag *diag)
{
	const char *name;

	n->fdt = fdt;
	n->offset = offset;
	n->diag = diag;
	if (fdt_get_path(fdt, offset, n->path, sizeof(n->path)) == 0)
		return;
	name = fdt_get_name(fdt, offset, NULL);
	ax_snprintf(n->path, sizeof(n->path), "%s", name ? name : "?");
}

uint64_t axdevice_fdt_read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_ld(&p[i]);
	return v;
}

int axdevice_fdt_read_u32(const struct axdevice_fdt_node *n, const char *name, uint32_t fallback,
			  uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(n->fdt, n->offset, name, &len);

	*out = fallback;
	if (!p)
		return AX_OK;
	if (len != 4)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG, "%s: %s: %d bytes, need one cell",
				   n->path, name, len);
	*out = fdt32_ld(p);
	return AX_OK;
}
