/* The VM configuration parser: the blob and limit checks, then the root node (identity, vCPUs,
 * entry point) and its sections, each in its own file. docs/config.md has the schema. */
#include <axvm/config.h>

#include "config_internal.h"

#include <libfdt.h>
#include <string.h>

#include <axaddrspace/pt_format.h>
#include <axvm/error.h>

#define ROOT_COMPATIBLE "axvm,vm"
#define ROOT 0 /* the root node's offset */

/* The narrowest guest-physical space that holds a page, and the widest there is. */
#define MIN_GPA_BITS 12
#define MAX_GPA_BITS 64

static const char *const root_props[] = {
    "compatible",   "id",    "vm-name",	 "vcpus",	"cpu-ids",
    "cpu-affinity", "entry", "on-reset", "boot-tables", NULL};
static const char *const chosen_props[] = {"bootargs", NULL};

static int check_limits(const struct axvm_config_limits *limits, struct ax_diag *diag)
{
	if (limits->gpa_bits < MIN_GPA_BITS || limits->gpa_bits > MAX_GPA_BITS)
		return ax_diag_set(diag, AXERR_INVALID, "limits: gpa_bits %u is not within %d..%d",
				   limits->gpa_bits, MIN_GPA_BITS, MAX_GPA_BITS);
	return AX_OK;
}

static int check_compatible(const struct cfg_ctx *c)
{
	const char *first;
	int err = cfg_stringlist(c, ROOT, "compatible", &first);

	if (err)
		return err;
	if (fdt_stringlist_search(c->fdt, ROOT, "compatible", ROOT_COMPATIBLE) >= 0)
		return AX_OK;
	return cfg_fail(c, ROOT, "compatible", "\"%s\" is not \"%s\"", first, ROOT_COMPATIBLE);
}

/* Where a top-level node of that name is recorded, or NULL for a name the schema lacks. */
static int *top_slot(struct cfg_ctx *c, const char *name)
{
	if (strcmp(name, "memory") == 0)
		return &c->memory;
	if (strcmp(name, "images") == 0)
		return &c->images;
	if (strcmp(name, "devices") == 0)
		return &c->devices;
	if (strcmp(name, "passthrough") == 0)
		return &c->passthrough;
	if (strcmp(name, "chosen") == 0)
		return &c->chosen;
	return NULL;
}

/* Records one child of the root; interrupt controllers are left to the devices that use them. */
static int add_top_node(struct cfg_ctx *c, int node)
{
	const char *name = fdt_get_name(c->fdt, node, NULL);
	int *slot = name ? top_slot(c, name) : NULL;

	if (!slot && cfg_has(c, node, "interrupt-controller"))
		return AX_OK;
	if (!slot)
		return cfg_fail(c, node, NULL,
				"unknown node; expected memory, images, devices, passthrough, "
				"chosen or an interrupt controller");
	if (*slot >= 0)
		return cfg_fail(c, node, NULL, "duplicate node");
	*slot = node;
	return AX_OK;
}

static int find_top_nodes(struct cfg_ctx *c)
{
	int node;

	fdt_for_each_subnode (node, c->fdt, ROOT) {
		int err = add_top_node(c, node);

		if (err)
			return err;
	}
	return cfg_children_end(c, ROOT, node);
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.';
}

static int read_name(const struct cfg_ctx *c)
{
	const char *s;
	size_t len;
	int err = cfg_string(c, ROOT, "vm-name", &s);

	if (err)
		return err;
	len = strlen(s);
	if (len >= AXVM_NAME_LEN)
		return cfg_fail(c, ROOT, "vm-name", "%zu characters, at most %d", len,
				AXVM_NAME_LEN - 1);
	for (size_t i = 0; i < len; i++) {
		if (!name_char(s[i]))
			return cfg_fail(c, ROOT, "vm-name",
					"\"%s\" has a character other than a letter, a digit, "
					"'-', '_' or '.'",
					s);
	}
	memcpy(c->cfg->name, s, len + 1);
	return AX_OK;
}

/* A root property of one cell per vCPU, in *cells; NULL when it is absent. */
static int read_vcpu_cells(const struct cfg_ctx *c, const char *name, const fdt32_t **cells)
{
	const void *val;
	int len;
	int err;

	*cells = NULL;
	if (!cfg_has(c, ROOT, name))
		return AX_OK;
	err = cfg_get(c, ROOT, name, &val, &len);
	if (err)
		return err;
	if ((size_t)len != 4 * (size_t)c->cfg->vcpu_count)
		return cfg_fail(c, ROOT, name, "%d bytes, need %u (one cell per vCPU)", len,
				4 * c->cfg->vcpu_count);
	*cells = val;
	return AX_OK;
}

/* cpu-affinity: one physical CPU per vCPU; without it every vCPU is left to the host (-1). */
static int read_affinity(const struct cfg_ctx *c)
{
	struct axvm_config *cfg = c->cfg;
	const fdt32_t *val;
	int err = read_vcpu_cells(c, "cpu-affinity", &val);

	for (size_t i = 0; i < AXVM_MAX_VCPUS; i++)
		cfg->vcpu_affinity[i] = -1;
	if (err || !val)
		return err;
	for (uint32_t i = 0; i < cfg->vcpu_count; i++) {
		uint32_t cpu = fdt32_ld(val + i);

		if (cpu >= c->limits->host_cpus || cpu > INT32_MAX)
			return cfg_fail(c, ROOT, "cpu-affinity",
					"vCPU %u on CPU %u, but the host has %u CPUs", i, cpu,
					c->limits->host_cpus);
		cfg->vcpu_affinity[i] = (int32_t)cpu;
	}
	return AX_OK;
}

/* cpu-ids: what the guest calls each vCPU (the id its firmware interface and interrupt controllers
 * use), distinct; without it vCPU i is CPU i. */
static int read_cpu_ids(const struct cfg_ctx *c)
{
	struct axvm_config *cfg = c->cfg;
	const fdt32_t *val;
	int err = read_vcpu_cells(c, "cpu-ids", &val);

	for (uint32_t i = 0; i < AXVM_MAX_VCPUS; i++)
		cfg->vcpu_guest_id[i] = i;
	if (err || !val)
		return err;
	for (uint32_t i = 0; i < cfg->vcpu_count; i++) {
		cfg->vcpu_guest_id[i] = fdt32_ld(val + i);
		for (uint32_t j = 0; j < i; j++) {
			if (cfg->vcpu_guest_id[j] == cfg->vcpu_guest_id[i])
				return cfg_fail(c, ROOT, "cpu-ids",
						"vCPUs %u and %u are both 0x%llx", j, i,
						(unsigned long long)cfg->vcpu_guest_id[i]);
		}
	}
	return AX_OK;
}

static int read_vcpus(const struct cfg_ctx *c)
{
	uint32_t limit = c->limits->max_vcpus;
	uint32_t n;
	int err = cfg_u32(c, ROOT, "vcpus", &n);

	if (err)
		return err;
	if (limit > AXVM_MAX_VCPUS)
		limit = AXVM_MAX_VCPUS;
	if (n == 0)
		return cfg_fail(c, ROOT, "vcpus", "0");
	if (n > limit)
		return cfg_fail(c, ROOT, "vcpus", "%u is above the limit of %u", n, limit);
	c->cfg->vcpu_count = n;
	err = read_cpu_ids(c);
	return err ? err : read_affinity(c);
}

/* The entry point must be in executable guest memory. */
static int read_entry(const struct cfg_ctx *c)
{
	struct axvm_config *cfg = c->cfg;
	char region[CFG_PATH_LEN];
	int r;
	int err = cfg_u64(c, ROOT, "entry", &cfg->entry);

	if (err)
		return err;
	r = cfg_region_at(cfg, cfg->entry);
	if (r < 0)
		return cfg_fail(c, ROOT, "entry", "0x%llx is outside guest memory",
				(unsigned long long)cfg->entry);
	if (cfg->memory[r].flags & AXMAP_EXEC)
		return AX_OK;
	cfg_path(c->fdt, c->memory_nodes[r], region);
	return cfg_fail(c, ROOT, "entry", "0x%llx is in %s, which is not executable",
			(unsigned long long)cfg->entry, region);
}

/* boot-tables, when given, must be in guest memory; the backend checks their alignment. */
static int read_boot_tables(const struct cfg_ctx *c)
{
	struct axvm_config *cfg = c->cfg;
	int err;

	cfg->boot_tables = 0;
	if (!cfg_has(c, ROOT, "boot-tables"))
		return AX_OK;
	err = cfg_u64(c, ROOT, "boot-tables", &cfg->boot_tables);
	if (err)
		return err;
	if (!cfg->boot_tables || cfg_region_at(cfg, cfg->boot_tables) < 0)
		return cfg_fail(c, ROOT, "boot-tables", "0x%llx is outside guest memory",
				(unsigned long long)cfg->boot_tables);
	return AX_OK;
}

/* on-reset: what a guest's reset request does; the VM restarts unless it says "stop". */
static int read_on_reset(const struct cfg_ctx *c)
{
	const char *s;
	int err;

	c->cfg->on_reset = AXVM_RESET_RESTART;
	if (!cfg_has(c, ROOT, "on-reset"))
		return AX_OK;
	err = cfg_string(c, ROOT, "on-reset", &s);
	if (err)
		return err;
	if (strcmp(s, "stop") == 0)
		c->cfg->on_reset = AXVM_RESET_STOP;
	else if (strcmp(s, "restart") != 0)
		return cfg_fail(c, ROOT, "on-reset", "\"%s\" is neither \"restart\" nor \"stop\"",
				s);
	return AX_OK;
}

/* /chosen: what the guest's devicetree passes on, its command line. */
static int read_chosen(const struct cfg_ctx *c)
{
	int err;

	c->cfg->bootargs = "";
	if (c->chosen < 0)
		return AX_OK;
	err = cfg_check_props(c, c->chosen, chosen_props);
	if (!err && fdt_first_subnode(c->fdt, c->chosen) >= 0)
		err = cfg_fail(c, fdt_first_subnode(c->fdt, c->chosen), NULL, "unknown node");
	if (!err && cfg_has(c, c->chosen, "bootargs"))
		err = cfg_string(c, c->chosen, "bootargs", &c->cfg->bootargs);
	return err;
}

static int parse(struct cfg_ctx *c)
{
	int err = check_compatible(c);

	if (!err)
		err = cfg_check_props(c, ROOT, root_props);
	if (!err)
		err = find_top_nodes(c);
	if (!err)
		err = cfg_u32(c, ROOT, "id", &c->cfg->id);
	if (!err)
		err = read_name(c);
	if (!err)
		err = read_vcpus(c);
	if (!err)
		err = read_on_reset(c);
	if (!err)
		err = read_chosen(c);
	if (!err)
		err = cfg_parse_memory(c);
	if (!err)
		err = cfg_parse_images(c);
	if (!err)
		err = read_entry(c);
	if (!err)
		err = read_boot_tables(c);
	if (!err)
		err = cfg_parse_devices(c);
	if (!err)
		err = cfg_parse_passthrough(c);
	return err;
}

int axvm_config_parse(const void *fdt, const struct axvm_config_limits *limits,
		      struct axvm_config *cfg, struct ax_diag *diag)
{
	struct cfg_ctx c = {.fdt = fdt,
			    .limits = limits,
			    .cfg = cfg,
			    .diag = diag,
			    .memory = -1,
			    .images = -1,
			    .devices = -1,
			    .passthrough = -1,
			    .chosen = -1};
	int err;

	if (!fdt || !limits || !cfg)
		return ax_diag_set(diag, AXERR_INVALID, "axvm_config_parse: a NULL argument");
	memset(cfg, 0, sizeof(*cfg));
	err = check_limits(limits, diag);
	if (!err)
		err = cfg_check_blob(fdt, diag);
	if (err)
		return err;
	cfg->fdt = fdt;
	cfg->device_models = limits->device_models;
	err = parse(&c);
	if (err)
		memset(cfg, 0, sizeof(*cfg));
	return err;
}
