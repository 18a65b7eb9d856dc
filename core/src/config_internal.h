/* Shared by the files of the VM configuration parser: the parse context, messages that name a
 * node and a property, and property readers that check what they read. Not a public header. */
#ifndef AXVM_CONFIG_INTERNAL_H
#define AXVM_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <axvm/config.h>

/* Room for a node path in messages; a longer one is shown by its name alone. */
#define CFG_PATH_LEN 96

/* What the parsing steps share. */
struct cfg_ctx {
	const void *fdt;
	const struct axvm_config_limits *limits;
	struct axvm_config *cfg;
	struct ax_diag *diag;
	/* The top-level nodes, -1 where absent. */
	int memory;
	int images;
	int devices;
	int passthrough;
	int chosen;
	/* The node behind each entry of cfg's tables, for messages. */
	int memory_nodes[AXVM_MAX_MEMORY_REGIONS];
	int image_nodes[AXVM_MAX_IMAGES];
	int passthrough_nodes[AXVM_MAX_PASSTHROUGH];
};

/* The #address-cells and #size-cells of a node that holds reg-carrying children. */
struct cfg_cells {
	int address;
	int size;
};

/* Checks the blob's header and the whole structure block, so that the parser's libfdt calls
 * only ever see a well-formed tree. AXERR_INVALID with a message when it is not one. */
int cfg_check_blob(const void *fdt, struct ax_diag *diag);

/* Writes node's path, or its name when the path does not fit, into buf. */
void cfg_path(const void *fdt, int node, char buf[CFG_PATH_LEN]);

/* Sets the diag to "<path of node>: <prop>: <message>" ("<path>: <message>" when prop is NULL)
 * and returns AXERR_BAD_CONFIG. */
int cfg_fail(const struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether node has the property name (a malformed one counts: its reader reports it). */
bool cfg_has(const struct cfg_ctx *c, int node, const char *name);

/* Rejects a property of node that is not in the NULL-terminated list allowed. */
int cfg_check_props(const struct cfg_ctx *c, int node, const char *const *allowed);

/* Rejects the end of a fdt_for_each_subnode loop over parent that was not the last child. */
int cfg_children_end(const struct cfg_ctx *c, int parent, int end);

/* Finds node's required property name: its value and length in bytes. */
int cfg_get(const struct cfg_ctx *c, int node, const char *name, const void **val, int *len);

/* Reads a required one-cell property. */
int cfg_u32(const struct cfg_ctx *c, int node, const char *name, uint32_t *out);

/* Reads a required 64-bit property: two cells, most significant first. */
int cfg_u64(const struct cfg_ctx *c, int node, const char *name, uint64_t *out);

/* Reads a required property holding one non-empty NUL-terminated string. */
int cfg_string(const struct cfg_ctx *c, int node, const char *name, const char **out);

/* Checks a required list of non-empty NUL-terminated strings; returns its first string. */
int cfg_stringlist(const struct cfg_ctx *c, int node, const char *name, const char **first);

/* Checks a boolean property: present, with no value. */
int cfg_flag(const struct cfg_ctx *c, int node, const char *name);

/* Reads the required #address-cells and #size-cells of node, each 1 or 2. */
int cfg_cells(const struct cfg_ctx *c, int node, struct cfg_cells *cells);

/* Reads node's reg: exactly one address and size in cells. */
/* Node's reg as 1 to max entries of an address and a size, into base[] and size[], their
 * number in *count. */
int cfg_reg_entries(const struct cfg_ctx *c, int node, const struct cfg_cells *cells,
		    uint64_t *base, uint64_t *size, uint32_t max, uint32_t *count);

int cfg_reg(const struct cfg_ctx *c, int node, const struct cfg_cells *cells, uint64_t *base,
	    uint64_t *size);

/* Checks a guest-physical range from node's property prop: not empty, not wrapping, inside the
 * limits' guest-physical space, and page-aligned when page_aligned. */
int cfg_check_guest_range(const struct cfg_ctx *c, int node, const char *prop, uint64_t base,
			  uint64_t size, bool page_aligned);

/* Checks a host-physical range from node's property prop: page-aligned and not wrapping. */
int cfg_check_host_range(const struct cfg_ctx *c, int node, const char *prop, uint64_t base,
			 uint64_t size);

/* Parses /memory into cfg->memory. */
int cfg_parse_memory(struct cfg_ctx *c);

/* The index of the memory region holding gpa, or -1. */
int cfg_region_at(const struct axvm_config *cfg, uint64_t gpa);

/* Parses /images into cfg->images. Needs the memory regions. */
int cfg_parse_images(struct cfg_ctx *c);

/* Parses /devices into cfg->devices. Needs the memory regions. */
int cfg_parse_devices(struct cfg_ctx *c);

/* Parses /passthrough into cfg->passthrough. Needs the memory regions and the devices. */
int cfg_parse_passthrough(struct cfg_ctx *c);

#endif
