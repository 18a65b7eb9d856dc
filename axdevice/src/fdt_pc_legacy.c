/* The PC's legacy devices' devicetree models (fdt_pc_legacy.h). */
#include "fdt_pc_legacy.h"

#include <axdevice/acpi_sleep.h>
#include <axdevice/i8042.h>
#include <axdevice/pci_host_cf8.h>
#include <axdevice/rtc_cmos.h>
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

const struct axdevice_model axdevice_i8042_model = {i8042_compatibles, AXDEVICE_ROLE_OTHER,
						    create_i8042, NULL};

static int create_rtc_cmos(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	int err;

	if (ctx->windows != 1 || ctx->size != AXDEVICE_RTC_CMOS_SIZE)
		return ax_diag_set(
		    n->diag, AXERR_BAD_CONFIG,
		    "%s: reg: expected one entry of %d bytes, the index and data ports", n->path,
		    AXDEVICE_RTC_CMOS_SIZE);
	err = axdevice_rtc_cmos_create(ctx->alloc, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the mc146818: %s", n->path,
				   ax_strerror(err));
	return AX_OK;
}

static const char *const rtc_cmos_compatibles[] = {"motorola,mc146818", NULL};

const struct axdevice_model axdevice_rtc_cmos_model = {rtc_cmos_compatibles, AXDEVICE_ROLE_OTHER,
						       create_rtc_cmos, NULL};

static int create_acpi_sleep(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	int err;

	if (ctx->windows != 1 || ctx->size != AXDEVICE_ACPI_SLEEP_SIZE)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: expected one entry of %d bytes, the sleep control and "
				   "status registers",
				   n->path, AXDEVICE_ACPI_SLEEP_SIZE);
	err = axdevice_acpi_sleep_create(ctx->alloc, ctx->hosts->system, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the ACPI sleep registers: %s",
				   n->path, ax_strerror(err));
	return AX_OK;
}

static const char *const acpi_sleep_compatibles[] = {"axvm,acpi-sleep-registers", NULL};

const struct axdevice_model axdevice_acpi_sleep_model = {
    acpi_sleep_compatibles, AXDEVICE_ROLE_OTHER, create_acpi_sleep, NULL};

static int create_pci_host_cf8(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	const struct axdevice_fdt_node *n = ctx->node;
	int err;

	if (ctx->windows != 1 || ctx->size != AXDEVICE_PCI_HOST_CF8_SIZE)
		return ax_diag_set(n->diag, AXERR_BAD_CONFIG,
				   "%s: reg: expected one entry of %d bytes, CONFIG_ADDRESS and "
				   "CONFIG_DATA",
				   n->path, AXDEVICE_PCI_HOST_CF8_SIZE);
	err = axdevice_pci_host_cf8_create(ctx->alloc, dev);
	if (err)
		return ax_diag_set(n->diag, err, "%s: creating the PCI host bridge: %s", n->path,
				   ax_strerror(err));
	return AX_OK;
}

static const char *const pci_host_cf8_compatibles[] = {"axvm,pci-host-cf8", NULL};

const struct axdevice_model axdevice_pci_host_cf8_model = {
    pci_host_cf8_compatibles, AXDEVICE_ROLE_OTHER, create_pci_host_cf8, NULL};
