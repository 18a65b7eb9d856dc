/* What the devicetree parsers inside axdevice share: a node with its path for messages, and
 * readers for cells and one-cell properties. */
#ifndef AXDEVICE_SRC_FDT_NODE_H
#define AXDEVICE_SRC_FDT_NODE_H

#include <libfdt.h>
#include <stdint.h>

#include <axvm/diag.h>

/* Room for a node path in messages; a longer one is shown by its name alone. */
#define FDT_NODE_PATH_LEN 96

/* A node being parsed, its path, and where to report what is wrong with it. */
struct fdt_node {
	const void *fdt;
	int offset;
	char path[FDT_NODE_PATH_LEN];
	struct ax_diag *diag;
};

/* Fills n for the node at offset of fdt (which must be a valid node). */
void axdevice_fdt_node_init(struct fdt_node *n, const void *fdt, int offset, struct ax_diag *diag);

/* The big-endian number in cells (1 or 2) cells at p. */
uint64_t axdevice_fdt_read_cells(const fdt32_t *p, int cells);

/* An optional one-cell property into *out, or fallback when it is absent; AXERR_BAD_CONFIG
 * (with a message naming the node and name) when it is not one cell. */
int axdevice_fdt_read_u32(const struct fdt_node *n, const char *name, uint32_t fallback,
			  uint32_t *out);

#endif
