#include <board/fdt_info.h>

#include <libfdt.h>
#include <string.h>

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* Adds every (address, size) pair of node's reg to set, using the parent's cell sizes. */
static enum fdt_info_err add_reg(const void *fdt, int node, struct mem_ranges *set)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg)
		return FDT_INFO_OK;
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2 || len % (4 * (ac + sc)))
		return FDT_INFO_BAD_REG;
	for (int i = 0; i < len / 4; i += ac + sc) {
		uint64_t base = read_cells(reg + i, ac);
		uint64_t size = read_cells(reg + i + ac, sc);

		if (!mem_ranges_add(set, base, size))
			return FDT_INFO_TOO_MANY;
	}
	return FDT_INFO_OK;
}

static bool first_reg(const void *fdt, int node, uint64_t *base)
{
	int ac = fdt_address_cells(fdt, fdt_parent_offset(fdt, node));
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || len < 4 * ac)
		return false;
	*base = read_cells(reg, ac);
	return true;
}

static enum fdt_info_err parse_memory(const void *fdt, struct fdt_info *info)
{
	int node;
	enum fdt_info_err err;

	fdt_for_each_subnode (node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "memory") != 0)
			continue;
		err = add_reg(fdt, node, &info->memory);
		if (err)
			return err;
	}
	return info->memory.count ? FDT_INFO_OK : FDT_INFO_NO_MEMORY;
}

static enum fdt_info_err parse_reserved(const void *fdt, struct fdt_info *info)
{
	int n = fdt_num_mem_rsv(fdt);
	int resv = fdt_path_offset(fdt, "/reserved-memory");
	int node;

	for (int i = 0; i < n; i++) {
		uint64_t base, size;

		if (fdt_get_mem_rsv(fdt, i, &base, &size) == 0 &&
		    !mem_ranges_add(&info->reserved, base, size))
			return FDT_INFO_TOO_MANY;
	}
	if (resv < 0)
		return FDT_INFO_OK;
	fdt_for_each_subnode (node, fdt, resv) {
		enum fdt_info_err err = add_reg(fdt, node, &info->reserved);

		if (err)
			return err;
	}
	return FDT_INFO_OK;
}

static enum fdt_info_err parse_cpus(const void *fdt, struct fdt_info *info)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node;

	if (cpus < 0)
		return FDT_INFO_NO_CPUS;
	fdt_for_each_subnode (node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const char *status = fdt_getprop(fdt, node, "status", NULL);
		uint64_t id;

		if (!type || strcmp(type, "cpu") != 0)
			continue;
		if (status && strcmp(status, "okay") != 0 && strcmp(status, "ok") != 0)
			continue;
		if (!first_reg(fdt, node, &id))
			return FDT_INFO_BAD_REG;
		if (info->cpu_count == FDT_INFO_MAX_CPUS)
			return FDT_INFO_TOO_MANY;
		info->cpu_ids[info->cpu_count] = id;
		info->cpu_nodes[info->cpu_count] = node;
		info->cpu_count++;
	}
	return info->cpu_count ? FDT_INFO_OK : FDT_INFO_NO_CPUS;
}

/* A /chosen address property: one or two cells, whatever the root's #address-cells. */
static uint64_t chosen_addr(const void *fdt, int chosen, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, chosen, name, &len);

	return p && (len == 4 || len == 8) ? read_cells(p, len / 4) : 0;
}

/* stdout-path is a path or an alias, optionally followed by ":options". */
static void parse_chosen(const void *fdt, struct fdt_info *info)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *path;
	const char *colon;
	int node;

	info->bootargs = "";
	if (chosen < 0)
		return;
	path = fdt_getprop(fdt, chosen, "bootargs", NULL);
	if (path)
		info->bootargs = path;
	info->initrd_start = chosen_addr(fdt, chosen, "linux,initrd-start");
	info->initrd_end = chosen_addr(fdt, chosen, "linux,initrd-end");
	if (info->initrd_end <= info->initrd_start)
		info->initrd_start = info->initrd_end = 0;
	path = fdt_getprop(fdt, chosen, "stdout-path", NULL);
	if (!path)
		return;
	colon = strchr(path, ':');
	node = fdt_path_offset_namelen(fdt, path, colon ? (int)(colon - path) : (int)strlen(path));
	if (node >= 0)
		first_reg(fdt, node, &info->stdout_base);
}

enum fdt_info_err fdt_info_parse(const void *fdt, struct fdt_info *info)
{
	enum fdt_info_err err;

	memset(info, 0, sizeof(*info));
	if (fdt_check_header(fdt) != 0)
		return FDT_INFO_BAD_HEADER;
	info->fdt_size = fdt_totalsize(fdt);
	err = parse_memory(fdt, info);
	if (!err)
		err = parse_reserved(fdt, info);
	if (!err)
		err = parse_cpus(fdt, info);
	if (!err)
		parse_chosen(fdt, info);
	return err;
}

const char *fdt_info_strerror(enum fdt_info_err err)
{
	switch (err) {
	case FDT_INFO_OK:
		return "ok";
	case FDT_INFO_BAD_HEADER:
		return "not a valid devicetree blob";
	case FDT_INFO_NO_MEMORY:
		return "no /memory node with a reg";
	case FDT_INFO_BAD_REG:
		return "malformed reg property";
	case FDT_INFO_TOO_MANY:
		return "too many memory ranges or cpus";
	case FDT_INFO_NO_CPUS:
		return "no enabled cpu under /cpus";
	}
	return "unknown error";
}

bool fdt_find_compatible_reg(const void *fdt, const char *compat, uint64_t *base)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, compat);

	return node >= 0 && first_reg(fdt, node, base);
}

static bool enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

enum fdt_info_err fdt_compatible_ranges(const void *fdt, const char *const *compats,
					struct mem_ranges *set)
{
	for (size_t c = 0; compats[c]; c++) {
		int node;

		for (node = fdt_node_offset_by_compatible(fdt, -1, compats[c]); node >= 0;
		     node = fdt_node_offset_by_compatible(fdt, node, compats[c])) {
			enum fdt_info_err err =
			    enabled(fdt, node) ? add_reg(fdt, node, set) : FDT_INFO_OK;

			if (err)
				return err;
		}
	}
	return FDT_INFO_OK;
}
