/* The PC's legacy devices' devicetree models (fdt_pc_legacy.h). */
#include "fdt_pc_legacy.h"

#include <axdevice/acpi_sleep.h>
#include <axdevice/i8042.h>
#include <axdevice/pci_host_cf8.h>
#include <axdevice/rtc_cmos.h>
#include <axvm/error.h>

/* Checks that the node's reg is one window of size bytes, which are what (for the message). */
static int check_one_window(const struct axdevice_model_ctx *ctx, uint64_t size, const char *what)
{
	if (ctx->windows == 1 && ctx->size == size)
		return AX_OK;
	return ax_diag_set(ctx->node->diag, AXERR_BAD_CONFIG,
			   "%s: reg: expected one entry of %llu bytes, %s", ctx->node->path,
			   (unsigned long long)size, what);
}

/* err, from creating the model called name, with a message naming the node. */
static int created(const struct axdevice_model_ctx *ctx, int err, const char *name)
{
	if (!err)
		return AX_OK;
	return ax_diag_set(ctx->node->diag, err, "%s: creating the %s: %s", ctx->node->path, name,
			   ax_strerror(err));
}

static int create_i8042(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	if (ctx->windows != 2)
		return ax_diag_set(ctx->node->diag, AXERR_BAD_CONFIG,
				   "%s: reg: %u entries; expected the data port and the command "
				   "port",
				   ctx->node->path, ctx->windows);
	return created(ctx, axdevice_i8042_create(ctx->alloc, ctx->hosts->system, dev), "i8042");
}

static const char *const i8042_compatibles[] = {"intel,8042", NULL};

const struct axdevice_model axdevice_i8042_model = {i8042_compatibles, AXDEVICE_ROLE_OTHER,
						    create_i8042, NULL};

static int create_rtc_cmos(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	int err = check_one_window(ctx, AXDEVICE_RTC_CMOS_SIZE, "the index and data ports");

	return err ? err : created(ctx, axdevice_rtc_cmos_create(ctx->alloc, dev), "mc146818");
}

static const char *const rtc_cmos_compatibles[] = {"motorola,mc146818", NULL};

const struct axdevice_model axdevice_rtc_cmos_model = {rtc_cmos_compatibles, AXDEVICE_ROLE_OTHER,
						       create_rtc_cmos, NULL};

static int create_acpi_sleep(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	int err = check_one_window(ctx, AXDEVICE_ACPI_SLEEP_SIZE,
				   "the sleep control and status registers");

	return err ? err
		   : created(ctx, axdevice_acpi_sleep_create(ctx->alloc, ctx->hosts->system, dev),
			     "ACPI sleep registers");
}

static const char *const acpi_sleep_compatibles[] = {"axvm,acpi-sleep-registers", NULL};

const struct axdevice_model axdevice_acpi_sleep_model = {
    acpi_sleep_compatibles, AXDEVICE_ROLE_OTHER, create_acpi_sleep, NULL};

static int create_pci_host_cf8(const struct axdevice_model_ctx *ctx, struct axdevice **dev)
{
	int err =
	    check_one_window(ctx, AXDEVICE_PCI_HOST_CF8_SIZE, "CONFIG_ADDRESS and CONFIG_DATA");

	return err ? err
		   : created(ctx, axdevice_pci_host_cf8_create(ctx->alloc, dev), "PCI host bridge");
}

static const char *const pci_host_cf8_compatibles[] = {"axvm,pci-host-cf8", NULL};

const struct axdevice_model axdevice_pci_host_cf8_model = {
    pci_host_cf8_compatibles, AXDEVICE_ROLE_OTHER, create_pci_host_cf8, NULL};
