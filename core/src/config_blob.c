/* Is the configuration blob a well-formed devicetree? The header, then every tag of the
 * structure block: nesting, node names, property names, properties before subnodes, and no
 * property twice in one node (libfdt would silently read the first). */
#include "config_internal.h"

#include <libfdt.h>
#include <string.h>

#include <axvm/error.h>

/* The oldest format accepted: from version 17 the header bounds the structure block. */
#define MIN_VERSION 17

/* Where the walk over the structure block is. */
struct walk {
	const void *fdt;
	struct ax_diag *diag;
	int first_prop;	   /* just after the BEGIN_NODE tag of the node opened last */
	int depth;	   /* nodes open */
	bool root_closed;  /* the root node has ended */
	uint32_t last_tag; /* the last tag other than FDT_NOP */
};

static int bad_structure(const struct walk *w, int offset, const char *what)
{
	return ax_diag_set(w->diag, AXERR_INVALID, "devicetree: structure: %s at offset %d", what,
			   offset);
}

/* The node that the property at offset is in: the last one opened before it at its depth. */
static int owner(const struct walk *w, int offset)
{
	int depth = 0;
	int found = 0;

	for (int node = 0; node >= 0 && node < offset; node = fdt_next_node(w->fdt, node, &depth)) {
		if (depth == w->depth - 1)
			found = node;
	}
	return found;
}

static int bad_property(const struct walk *w, int offset, const char *name, const char *what)
{
	char path[CFG_PATH_LEN];

	cfg_path(w->fdt, owner(w, offset), path);
	return ax_diag_set(w->diag, AXERR_INVALID, "%s: %s: %s", path, name, what);
}

/* Whether a property before offset in the current node is also called name. */
static bool seen_before(const struct walk *w, int offset, const char *name)
{
	int next;

	for (int at = w->first_prop; at < offset; at = next) {
		uint32_t tag = fdt_next_tag(w->fdt, at, &next);
		const char *other = NULL;

		if (next <= at)
			return false;
		if (tag == FDT_PROP && fdt_getprop_by_offset(w->fdt, at, &other, NULL) && other &&
		    strcmp(other, name) == 0)
			return true;
	}
	return false;
}

static int begin_node(struct walk *w, int offset, int next)
{
	int len;
	const char *name = fdt_get_name(w->fdt, offset, &len);

	if (w->root_closed)
		return bad_structure(w, offset, "a second root node");
	if (!name)
		return bad_structure(w, offset, "an unreadable node name");
	if (w->depth > 0 && (len == 0 || memchr(name, '/', (size_t)len)))
		return bad_structure(w, offset, "a node name that is empty or holds '/'");
	w->depth++;
	w->first_prop = next;
	return AX_OK;
}

static int property(struct walk *w, int offset)
{
	const char *name = NULL;
	int len;

	if (w->depth == 0)
		return bad_structure(w, offset, "a property outside any node");
	if (!fdt_getprop_by_offset(w->fdt, offset, &name, &len) || !name)
		return bad_structure(w, offset, "an unreadable property");
	if (w->last_tag == FDT_END_NODE)
		return bad_property(w, offset, name, "property after a subnode");
	if (seen_before(w, offset, name))
		return bad_property(w, offset, name, "duplicate property");
	return AX_OK;
}

static int end_node(struct walk *w, int offset)
{
	if (w->depth == 0)
		return bad_structure(w, offset, "an end of node with no node open");
	w->depth--;
	w->root_closed = w->depth == 0;
	return AX_OK;
}

/* Handles one tag; *done is set at a correct FDT_END. */
static int step(struct walk *w, uint32_t tag, int offset, int next, bool *done)
{
	switch (tag) {
	case FDT_BEGIN_NODE:
		return begin_node(w, offset, next);
	case FDT_PROP:
		return property(w, offset);
	case FDT_END_NODE:
		return end_node(w, offset);
	case FDT_NOP:
		return AX_OK;
	case FDT_END:
		if (!w->root_closed)
			return bad_structure(w, offset, "the end before the root node closed");
		*done = true;
		return AX_OK;
	}
	return bad_structure(w, offset, "an unknown tag");
}

/* Whether the tag at offset, if it is a property, ends inside the structure block. libfdt's
 * fdt_next_tag (Linux 6.1) adds a property's length to an int without checking it, so a huge
 * length must be refused before libfdt sees it. */
static bool property_fits(const void *fdt, int offset)
{
	const fdt32_t *tag = fdt_offset_ptr(fdt, offset, 2 * sizeof(fdt32_t));

	if (!tag || fdt32_ld(tag) != FDT_PROP)
		return true;
	return (uint64_t)offset + sizeof(struct fdt_property) + fdt32_ld(tag + 1) <=
	       fdt_size_dt_struct(fdt);
}

static int check_structure(const void *fdt, struct ax_diag *diag)
{
	struct walk w = {.fdt = fdt, .diag = diag, .last_tag = FDT_NOP};
	bool done = false;
	int offset = 0;

	while (!done) {
		int next;
		uint32_t tag;
		int err;

		if (!property_fits(fdt, offset))
			return ax_diag_set(diag, AXERR_INVALID,
					   "devicetree: structure: a property past the end of the "
					   "block at offset %d",
					   offset);
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0)
			return ax_diag_set(diag, AXERR_INVALID,
					   "devicetree: structure: %s at offset %d",
					   fdt_strerror(next), offset);
		err = step(&w, tag, offset, next, &done);
		if (err)
			return err;
		if (tag != FDT_NOP)
			w.last_tag = tag;
		offset = next;
	}
	return AX_OK;
}

int cfg_check_blob(const void *fdt, struct ax_diag *diag)
{
	int err = fdt_check_header(fdt);

	if (err)
		return ax_diag_set(diag, AXERR_INVALID, "devicetree: header: %s",
				   fdt_strerror(err));
	if (fdt_version(fdt) < MIN_VERSION)
		return ax_diag_set(diag, AXERR_INVALID, "devicetree: header: version %u, need %d",
				   fdt_version(fdt), MIN_VERSION);
	if (fdt_off_dt_struct(fdt) % FDT_TAGSIZE)
		return ax_diag_set(diag, AXERR_INVALID,
				   "devicetree: header: structure block at unaligned offset %u",
				   fdt_off_dt_struct(fdt));
	return check_structure(fdt, diag);
}

int axvm_fdt_check(const void *fdt, size_t size, struct ax_diag *diag)
{
	if (!fdt || size < sizeof(struct fdt_header) || fdt_magic(fdt) != FDT_MAGIC)
		return ax_diag_set(diag, AXERR_INVALID, "devicetree: header: not a devicetree");
	if (fdt_totalsize(fdt) > size)
		return ax_diag_set(diag, AXERR_INVALID,
				   "devicetree: header: totalsize %u, but only %zu bytes are there",
				   fdt_totalsize(fdt), size);
	return cfg_check_blob(fdt, diag);
}
