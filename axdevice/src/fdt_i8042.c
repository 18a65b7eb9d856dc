/* The keyboard controller's devicetree model (fdt_i8042.h). */
#include "fdt_i8042.h"

#include <axdevice/i8042.h>
#include <axvm/error.h>

static int create_i8042(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	int err;

	if (ctx->windows != 2)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: %u entries; expected the data port and the command "
				   "port",
				   n->path, ctx->windows);
	err = axdevice_i8042_create(ctx->alloc, ctx->hosts->system, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the i8042: %s", n->path,
				   ax_strerror(err));
	return AX_OK;
}

static const char *const i8042_compatibles[] = {"intel,8042", NULL};

const struct axdevice_model axdevice_i8042_model = {i8042_compatibles, AXDEVICE_ROLE_SYSTEM,
						    create_i8042, NULL};
