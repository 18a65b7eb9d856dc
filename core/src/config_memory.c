/* The guest's memory regions (/memory) and the images loaded into them (/images). */
#include "config_internal.h"

#include <libfdt.h>
#include <string.h>

#include <axaddrspace/pt_format.h>
#include <axvm/error.h>
#include <axvm/range.h>

/* The Devicetree Specification puts a blob at an 8-byte-aligned address. */
#define DTB_ALIGN 8

_Static_assert(AXVM_IMAGE_KINDS <= AXVM_MAX_IMAGES, "one image of each kind must fit");

static const char *const memory_props[] = {"#address-cells", "#size-cells", NULL};
static const char *const region_props[] = {"reg",	"access",	 "device",  "backing",
					   "host-addr", "populate-size", "phandle", NULL};
static const char *const images_props[] = {NULL};
static const char *const image_props[] = {"load-addr", "size", "phandle", NULL};

static const struct {
	const char *name;
	enum axvm_mem_kind kind;
} backings[] = {
    {"alloc", AXVM_MEM_ALLOC},
    {"alloc-lazy", AXVM_MEM_ALLOC_LAZY},
    {"linear", AXVM_MEM_LINEAR},
};

static const char *const image_names[AXVM_IMAGE_KINDS] = {
    [AXVM_IMAGE_KERNEL] = "kernel",
    [AXVM_IMAGE_INITRD] = "initrd",
    [AXVM_IMAGE_DTB] = "dtb",
    [AXVM_IMAGE_BOOT_PARAMS] = "boot-params",
};

const char *axvm_image_name(enum axvm_image_kind kind)
{
	return (unsigned)kind < AXVM_IMAGE_KINDS ? image_names[kind] : "image";
}

static uint32_t access_bit(char c)
{
	switch (c) {
	case 'r':
		return AXMAP_READ;
	case 'w':
		return AXMAP_WRITE;
	case 'x':
		return AXMAP_EXEC;
	}
	return 0;
}

/* access ("rwx", "rw", "rx", ...) and the boolean device. */
static int read_access(const struct cfg_ctx *c, int node, uint32_t *flags)
{
	const char *s;
	int err = cfg_string(c, node, "access", &s);

	if (err)
		return err;
	*flags = 0;
	for (const char *p = s; *p; p++) {
		uint32_t bit = access_bit(*p);

		if (!bit || (*flags & bit))
			return cfg_fail(c, node, "access",
					"\"%s\" is not a combination of r, w and x", s);
		*flags |= bit;
	}
	if ((*flags & AXMAP_WRITE) && !(*flags & AXMAP_READ))
		return cfg_fail(c, node, "access", "\"%s\" writes without reading", s);
	if (!cfg_has(c, node, "device"))
		return AX_OK;
	*flags |= AXMAP_DEVICE;
	return cfg_flag(c, node, "device");
}

static int read_backing(const struct cfg_ctx *c, int node, enum axvm_mem_kind *kind)
{
	const char *s;
	int err;

	*kind = AXVM_MEM_ALLOC_LAZY;
	if (!cfg_has(c, node, "backing"))
		return AX_OK;
	err = cfg_string(c, node, "backing", &s);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(backings) / sizeof(backings[0]); i++) {
		if (strcmp(s, backings[i].name) == 0) {
			*kind = backings[i].kind;
			return AX_OK;
		}
	}
	return cfg_fail(c, node, "backing", "\"%s\" is not alloc, alloc-lazy or linear", s);
}

/* host-addr: required for a linear region, refused for any other. */
static int read_host_addr(const struct cfg_ctx *c, int node, struct axvm_mem_region *r)
{
	bool has = cfg_has(c, node, "host-addr");
	int err;

	if (r->kind != AXVM_MEM_LINEAR)
		return has ? cfg_fail(c, node, "host-addr", "only a linear region has one") : AX_OK;
	if (!has)
		return cfg_fail(c, node, "host-addr", "missing; a linear region needs one");
	err = cfg_u64(c, node, "host-addr", &r->hpa);
	return err ? err : cfg_check_host_range(c, node, "host-addr", r->hpa, r->size);
}

/* populate-size: what one first touch of a lazy region populates (a power of two from 4 KiB to
 * 2 MiB, AXVM_LAZY_UNIT_DEFAULT without it); refused for any other backing. */
static int read_populate_size(const struct cfg_ctx *c, int node, struct axvm_mem_region *r)
{
	bool has = cfg_has(c, node, "populate-size");
	uint64_t v;
	int err;

	r->lazy_unit = AXVM_LAZY_UNIT_DEFAULT;
	if (r->kind != AXVM_MEM_ALLOC_LAZY)
		return has ? cfg_fail(c, node, "populate-size", "only an alloc-lazy region has one")
			   : AX_OK;
	if (!has)
		return AX_OK;
	err = cfg_u64(c, node, "populate-size", &v);
	if (err)
		return err;
	if (v < 0x1000 || v > 0x200000 || (v & (v - 1)))
		return cfg_fail(c, node, "populate-size",
				"0x%llx is not a power of two from 0x1000 to 0x200000",
				(unsigned long long)v);
	r->lazy_unit = v;
	return AX_OK;
}

/* Rejects a region sharing guest addresses, or host addresses of linear memory, with another. */
static int check_region_overlaps(const struct cfg_ctx *c, int node, const struct axvm_mem_region *r)
{
	const struct axvm_config *cfg = c->cfg;
	char other[CFG_PATH_LEN];

	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *o = &cfg->memory[i];
		bool both_linear = r->kind == AXVM_MEM_LINEAR && o->kind == AXVM_MEM_LINEAR;

		if (ax_ranges_overlap(r->gpa, r->size, o->gpa, o->size)) {
			cfg_path(c->fdt, c->memory_nodes[i], other);
			return cfg_fail(c, node, "reg", "[0x%llx, +0x%llx) overlaps %s",
					(unsigned long long)r->gpa, (unsigned long long)r->size,
					other);
		}
		if (both_linear && ax_ranges_overlap(r->hpa, r->size, o->hpa, o->size)) {
			cfg_path(c->fdt, c->memory_nodes[i], other);
			return cfg_fail(
			    c, node, "host-addr", "[0x%llx, +0x%llx) overlaps the host range of %s",
			    (unsigned long long)r->hpa, (unsigned long long)r->size, other);
		}
	}
	return AX_OK;
}

static int add_region(struct cfg_ctx *c, int node, const struct cfg_cells *cells)
{
	struct axvm_config *cfg = c->cfg;
	struct axvm_mem_region r = {0};
	int err;

	if (cfg->memory_count == AXVM_MAX_MEMORY_REGIONS)
		return cfg_fail(c, node, NULL, "too many memory regions, at most %d",
				AXVM_MAX_MEMORY_REGIONS);
	err = cfg_check_props(c, node, region_props);
	if (!err)
		err = cfg_reg(c, node, cells, &r.gpa, &r.size);
	if (!err)
		err = cfg_check_guest_range(c, node, "reg", r.gpa, r.size, true);
	if (!err)
		err = read_access(c, node, &r.flags);
	if (!err)
		err = read_backing(c, node, &r.kind);
	if (!err)
		err = read_host_addr(c, node, &r);
	if (!err)
		err = read_populate_size(c, node, &r);
	if (!err)
		err = check_region_overlaps(c, node, &r);
	if (err)
		return err;
	c->memory_nodes[cfg->memory_count] = node;
	cfg->memory[cfg->memory_count++] = r;
	return AX_OK;
}

int cfg_parse_memory(struct cfg_ctx *c)
{
	struct cfg_cells cells;
	int node;
	int err;

	if (c->memory < 0)
		return ax_diag_set(c->diag, AXERR_BAD_CONFIG, "/memory: missing node");
	err = cfg_check_props(c, c->memory, memory_props);
	if (!err)
		err = cfg_cells(c, c->memory, &cells);
	if (err)
		return err;
	fdt_for_each_subnode (node, c->fdt, c->memory) {
		err = add_region(c, node, &cells);
		if (err)
			return err;
	}
	err = cfg_children_end(c, c->memory, node);
	if (!err && c->cfg->memory_count == 0)
		return cfg_fail(c, c->memory, NULL, "no region");
	return err;
}

int cfg_region_at(const struct axvm_config *cfg, uint64_t gpa)
{
	for (size_t i = 0; i < cfg->memory_count; i++) {
		const struct axvm_mem_region *r = &cfg->memory[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return (int)i;
	}
	return -1;
}

static int image_kind(const struct cfg_ctx *c, int node, enum axvm_image_kind *kind)
{
	const char *name = fdt_get_name(c->fdt, node, NULL);

	for (int k = 0; name && k < AXVM_IMAGE_KINDS; k++) {
		if (strcmp(name, image_names[k]) == 0) {
			*kind = (enum axvm_image_kind)k;
			return AX_OK;
		}
	}
	return cfg_fail(c, node, NULL,
			"unknown image; expected kernel, initrd, dtb or boot-params");
}

/* The image must start, and when its size is given also end, inside one memory region. */
static int check_image_in_memory(const struct cfg_ctx *c, int node, const struct axvm_image *img)
{
	int r = cfg_region_at(c->cfg, img->load_gpa);
	const struct axvm_mem_region *m;
	char region[CFG_PATH_LEN];

	if (r < 0)
		return cfg_fail(c, node, "load-addr", "0x%llx is outside guest memory",
				(unsigned long long)img->load_gpa);
	m = &c->cfg->memory[r];
	if (img->size == 0 || img->size - 1 <= m->size - 1 - (img->load_gpa - m->gpa))
		return AX_OK;
	cfg_path(c->fdt, c->memory_nodes[r], region);
	return cfg_fail(c, node, "size", "[0x%llx, +0x%llx) runs past the end of %s",
			(unsigned long long)img->load_gpa, (unsigned long long)img->size, region);
}

/* Images whose sizes are both known must not overwrite each other. */
static int check_image_overlaps(const struct cfg_ctx *c, int node, const struct axvm_image *img)
{
	const struct axvm_config *cfg = c->cfg;
	char other[CFG_PATH_LEN];

	for (size_t i = 0; img->size && i < cfg->image_count; i++) {
		const struct axvm_image *o = &cfg->images[i];

		if (!o->size || !ax_ranges_overlap(img->load_gpa, img->size, o->load_gpa, o->size))
			continue;
		cfg_path(c->fdt, c->image_nodes[i], other);
		return cfg_fail(c, node, "load-addr", "[0x%llx, +0x%llx) overlaps %s",
				(unsigned long long)img->load_gpa, (unsigned long long)img->size,
				other);
	}
	return AX_OK;
}

/* load-addr, the optional size, and the alignment of a devicetree or boot parameters. */
static int read_image(const struct cfg_ctx *c, int node, struct axvm_image *img)
{
	int err = cfg_check_props(c, node, image_props);

	if (!err)
		err = cfg_u64(c, node, "load-addr", &img->load_gpa);
	if (!err && cfg_has(c, node, "size")) {
		err = cfg_u64(c, node, "size", &img->size);
		if (!err && img->size == 0)
			return cfg_fail(c, node, "size", "0; leave it out for the supplied size");
	}
	if (!err && (img->kind == AXVM_IMAGE_DTB || img->kind == AXVM_IMAGE_BOOT_PARAMS) &&
	    img->load_gpa % DTB_ALIGN)
		return cfg_fail(c, node, "load-addr", "0x%llx is not %d-byte aligned",
				(unsigned long long)img->load_gpa, DTB_ALIGN);
	return err;
}

/* The images whose address vCPU 0 starts with. */
static bool boot_arg_image(enum axvm_image_kind kind)
{
	return kind == AXVM_IMAGE_DTB || kind == AXVM_IMAGE_BOOT_PARAMS;
}

static int add_image(struct cfg_ctx *c, int node)
{
	struct axvm_config *cfg = c->cfg;
	struct axvm_image img = {0};
	int err = image_kind(c, node, &img.kind);

	if (err)
		return err;
	for (size_t i = 0; i < cfg->image_count; i++) {
		if (cfg->images[i].kind == img.kind)
			return cfg_fail(c, node, NULL, "duplicate image");
		if (boot_arg_image(cfg->images[i].kind) && boot_arg_image(img.kind))
			return cfg_fail(c, node, NULL, "a VM loads a dtb or boot-params, not both");
	}
	err = read_image(c, node, &img);
	if (!err)
		err = check_image_in_memory(c, node, &img);
	if (!err)
		err = check_image_overlaps(c, node, &img);
	if (err)
		return err;
	c->image_nodes[cfg->image_count] = node;
	cfg->images[cfg->image_count++] = img;
	return AX_OK;
}

int cfg_parse_images(struct cfg_ctx *c)
{
	int node;
	int err;

	if (c->images < 0)
		return AX_OK;
	err = cfg_check_props(c, c->images, images_props);
	if (err)
		return err;
	fdt_for_each_subnode (node, c->fdt, c->images) {
		err = add_image(c, node);
		if (err)
			return err;
	}
	return cfg_children_end(c, c->images, node);
}
