/* Property readers for the configuration parser: each checks the property's length and shape
 * and, on a mismatch, names the node's path and the property in the diag message. */
#include "config_internal.h"

#include <libfdt.h>
#include <string.h>

#include <axaddrspace/mm.h>
#include <axvm/error.h>
#include <axvm/format.h>

void cfg_path(const void *fdt, int node, char buf[CFG_PATH_LEN])
{
	const char *name;

	if (fdt_get_path(fdt, node, buf, CFG_PATH_LEN) == 0)
		return;
	name = fdt_get_name(fdt, node, NULL);
	ax_snprintf(buf, CFG_PATH_LEN, "%s", name ? name : "?");
}

int cfg_fail(const struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
{
	char path[CFG_PATH_LEN];
	char msg[AX_DIAG_LEN];
	va_list ap;

	cfg_path(c->fdt, node, path);
	va_start(ap, fmt);
	ax_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!prop)
		return ax_diag_set(c->diag, AXERR_BAD_CONFIG, "%s: %s", path, msg);
	return ax_diag_set(c->diag, AXERR_BAD_CONFIG, "%s: %s: %s", path, prop, msg);
}

bool cfg_has(const struct cfg_ctx *c, int node, const char *name)
{
	int len;

	return fdt_getprop(c->fdt, node, name, &len) || len != -FDT_ERR_NOTFOUND;
}

static bool listed(const char *name, const char *const *list)
{
	for (; *list; list++) {
		if (strcmp(name, *list) == 0)
			return true;
	}
	return false;
}

int cfg_check_props(const struct cfg_ctx *c, int node, const char *const *allowed)
{
	int prop;

	fdt_for_each_property_offset (prop, c->fdt, node) {
		const char *name = NULL;

		if (!fdt_getprop_by_offset(c->fdt, prop, &name, NULL) || !name)
			return cfg_fail(c, node, NULL, "unreadable property");
		if (!listed(name, allowed))
			return cfg_fail(c, node, name, "unknown property");
	}
	if (prop != -FDT_ERR_NOTFOUND)
		return cfg_fail(c, node, NULL, "properties unreadable (%s)", fdt_strerror(prop));
	return AX_OK;
}

int cfg_children_end(const struct cfg_ctx *c, int parent, int end)
{
	if (end != -FDT_ERR_NOTFOUND)
		return cfg_fail(c, parent, NULL, "subnodes unreadable (%s)", fdt_strerror(end));
	return AX_OK;
}

int cfg_get(const struct cfg_ctx *c, int node, const char *name, const void **val, int *len)
{
	*val = fdt_getprop(c->fdt, node, name, len);
	if (*val)
		return AX_OK;
	if (*len == -FDT_ERR_NOTFOUND)
		return cfg_fail(c, node, name, "missing");
	return cfg_fail(c, node, name, "unreadable (%s)", fdt_strerror(*len));
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_ld(&p[i]);
	return v;
}

int cfg_u32(const struct cfg_ctx *c, int node, const char *name, uint32_t *out)
{
	const void *val;
	int len;
	int err = cfg_get(c, node, name, &val, &len);

	if (err)
		return err;
	if (len != 4)
		return cfg_fail(c, node, name, "%d bytes, need 4 (one cell)", len);
	*out = fdt32_ld(val);
	return AX_OK;
}

int cfg_u64(const struct cfg_ctx *c, int node, const char *name, uint64_t *out)
{
	const void *val;
	int len;
	int err = cfg_get(c, node, name, &val, &len);

	if (err)
		return err;
	if (len != 8)
		return cfg_fail(c, node, name, "%d bytes, need 8 (two cells)", len);
	*out = read_cells(val, 2);
	return AX_OK;
}

int cfg_string(const struct cfg_ctx *c, int node, const char *name, const char **out)
{
	const void *raw;
	const char *val;
	int len;
	int err = cfg_get(c, node, name, &raw, &len);

	if (err)
		return err;
	val = raw;
	if (len == 0 || val[len - 1] != '\0')
		return cfg_fail(c, node, name, "not a NUL-terminated string");
	if (len == 1)
		return cfg_fail(c, node, name, "empty");
	if (strlen(val) != (size_t)len - 1)
		return cfg_fail(c, node, name, "more than one string");
	*out = val;
	return AX_OK;
}

int cfg_stringlist(const struct cfg_ctx *c, int node, const char *name, const char **first)
{
	const void *raw;
	const char *val;
	int len;
	int err = cfg_get(c, node, name, &raw, &len);

	if (err)
		return err;
	val = raw;
	if (len == 0 || val[len - 1] != '\0')
		return cfg_fail(c, node, name, "not a list of NUL-terminated strings");
	for (int i = 0; i < len; i += (int)strlen(val + i) + 1) {
		if (val[i] == '\0')
			return cfg_fail(c, node, name, "an empty string in the list");
	}
	*first = val;
	return AX_OK;
}

int cfg_flag(const struct cfg_ctx *c, int node, const char *name)
{
	const void *val;
	int len;
	int err = cfg_get(c, node, name, &val, &len);

	if (err)
		return err;
	if (len != 0)
		return cfg_fail(c, node, name, "%d bytes; a boolean property has no value", len);
	return AX_OK;
}

static int cell_count(const struct cfg_ctx *c, int node, const char *name, int *out)
{
	uint32_t v;
	int err = cfg_u32(c, node, name, &v);

	if (err)
		return err;
	if (v < 1 || v > 2)
		return cfg_fail(c, node, name, "%u, need 1 or 2", v);
	*out = (int)v;
	return AX_OK;
}

int cfg_cells(const struct cfg_ctx *c, int node, struct cfg_cells *cells)
{
	int err = cell_count(c, node, "#address-cells", &cells->address);

	return err ? err : cell_count(c, node, "#size-cells", &cells->size);
}

int cfg_reg(const struct cfg_ctx *c, int node, const struct cfg_cells *cells, uint64_t *base,
	    uint64_t *size)
{
	const void *val;
	int len;
	int want = 4 * (cells->address + cells->size);
	int err = cfg_get(c, node, "reg", &val, &len);

	if (err)
		return err;
	if (len != want)
		return cfg_fail(c, node, "reg", "%d bytes, need %d (one address and size)", len,
				want);
	*base = read_cells(val, cells->address);
	*size = read_cells((const fdt32_t *)val + cells->address, cells->size);
	return AX_OK;
}

int cfg_reg_entries(const struct cfg_ctx *c, int node, const struct cfg_cells *cells,
		    uint64_t *base, uint64_t *size, uint32_t max, uint32_t *count)
{
	const void *val;
	int len;
	int entry = 4 * (cells->address + cells->size);
	int err = cfg_get(c, node, "reg", &val, &len);

	if (err)
		return err;
	if (len < entry || len % entry || len / entry > (int)max)
		return cfg_fail(c, node, "reg", "%d bytes, need 1 to %u entries of %d", len,
				(unsigned)max, entry);
	*count = (uint32_t)(len / entry);
	for (uint32_t i = 0; i < *count; i++) {
		const fdt32_t *p = (const fdt32_t *)val + i * (cells->address + cells->size);

		base[i] = read_cells(p, cells->address);
		size[i] = read_cells(p + cells->address, cells->size);
	}
	return AX_OK;
}

static bool page_aligned(uint64_t v)
{
	return (v & (AXADDR_PAGE_SIZE - 1)) == 0;
}

int cfg_check_guest_range(const struct cfg_ctx *c, int node, const char *prop, uint64_t base,
			  uint64_t size, bool aligned)
{
	unsigned bits = c->limits->gpa_bits;
	unsigned long long b = base, s = size;

	if (size == 0)
		return cfg_fail(c, node, prop, "size 0");
	if (aligned && !(page_aligned(base) && page_aligned(size)))
		return cfg_fail(c, node, prop, "[0x%llx, +0x%llx) is not aligned to 4 KiB", b, s);
	if (size - 1 > UINT64_MAX - base)
		return cfg_fail(c, node, prop, "[0x%llx, +0x%llx) wraps around", b, s);
	if (bits < 64 && (base + (size - 1)) >> bits)
		return cfg_fail(c, node, prop,
				"[0x%llx, +0x%llx) is beyond the %u-bit guest-physical space", b, s,
				bits);
	return AX_OK;
}

int cfg_check_host_range(const struct cfg_ctx *c, int node, const char *prop, uint64_t base,
			 uint64_t size)
{
	unsigned long long b = base, s = size;

	if (!page_aligned(base))
		return cfg_fail(c, node, prop, "0x%llx is not aligned to 4 KiB", b);
	if (size - 1 > UINT64_MAX - base)
		return cfg_fail(c, node, prop, "[0x%llx, +0x%llx) wraps around", b, s);
	return AX_OK;
}
