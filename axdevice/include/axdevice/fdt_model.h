/*
 * Device models as a devicetree names them. A model answers to compatible strings, has a role
 * in the VM (a console UART, an interrupt controller) and creates its device from a node.
 * axdevice has its own (the NS16550, the PL011, the PLIC, the I/O APIC, the 8042, the CMOS clock);
 * a backend's interrupt controller or a host's own device lives in its own library and is offered
 * where devices are created, in a struct axdevice_model_list, ahead of axdevice's.
 */
#ifndef AXDEVICE_FDT_MODEL_H
#define AXDEVICE_FDT_MODEL_H

#include <libfdt.h>
#include <stddef.h>
#include <stdint.h>

#include <axdevice/device.h>
#include <axdevice/device_set.h>
#include <axdevice/irqchip.h>
#include <axdevice/plic.h>
#include <axdevice/system.h>
#include <axdevice/uart.h>
#include <axvm/alloc.h>
#include <axvm/diag.h>

/* Room for a node path in messages; a longer one is shown by its name alone. */
#define AXDEVICE_FDT_PATH_LEN 96

/* A node being parsed, its path, and where to report what is wrong with it. */
struct axdevice_fdt_node {
	const void *fdt;
	int offset;
	char path[AXDEVICE_FDT_PATH_LEN];
	struct ax_diag *diag;
};

/* Fills n for the node at offset of fdt (which must be a valid node). */
void axdevice_fdt_node_init(struct axdevice_fdt_node *n, const void *fdt, int offset,
			    struct ax_diag *diag);

/* The big-endian number in cells (1 or 2) cells at p. */
uint64_t axdevice_fdt_read_cells(const fdt32_t *p, int cells);

/* An optional one-cell property into *out, or fallback when it is absent; AXERR_BAD_CONFIG
 * (with a message naming the node and name) when it is not one cell. */
int axdevice_fdt_read_u32(const struct axdevice_fdt_node *n, const char *name, uint32_t fallback,
			  uint32_t *out);

/* What a device model is to the VM around it. */
enum axdevice_role {
	AXDEVICE_ROLE_CONSOLE, /* a UART the VM's console goes through */
	AXDEVICE_ROLE_IRQCHIP, /* an interrupt controller (axdevice/irqchip.h) */
	AXDEVICE_ROLE_OTHER,   /* any other device (a keyboard controller, a clock) */
};

/* The host callbacks of the devices created from nodes. Any may be NULL: that kind of device
 * then reports nothing (as a UART or PLIC created with a NULL host). */
struct axdevice_fdt_hosts {
	/* UARTs: tx, rx_idle, and set_irq for a line whose interrupt parent is no interrupt
	 * controller of the set. */
	const struct axdevice_uart_host *uart;
	/* PLICs: each context's output. */
	const struct axdevice_plic_host *plic;
	/* Interrupt controllers: the guest CPU lines their outputs drive, or the vCPUs their
	 * messages go to (send_vector, vcpu_count). */
	const struct axdevice_cpu_host *cpu;
	/* Models beyond axdevice's own, looked at first (NULL: none). */
	const struct axdevice_model_list *models;
	/* System devices: the VM their resets and power-offs go to. */
	const struct axdevice_system_host *system;
};

/* What a model's create gets for one node. */
struct axdevice_model_ctx {
	const struct axdevice_fdt_node *node;
	const struct ax_allocator *alloc;
	uint64_t size; /* of the node's first reg entry, where the device will be */
	/* Every reg entry is a window of the device (axdevice_window_offset): how many, and
	 * their sizes (window_size[0] is size). */
	unsigned windows;
	uint64_t window_size[AXDEVICE_MAX_WINDOWS];
	/* For a model that is not an interrupt controller: the line of the node's first
	 * interrupts specifier as its parent decodes it (AXDEVICE_IRQ_NONE without interrupts),
	 * and that parent when it is an interrupt controller already created (else NULL: the
	 * line goes to the host's callback). */
	uint32_t irq_line;
	struct axdevice *irq_chip;
	const struct axdevice_fdt_hosts *hosts; /* never NULL */
};

/* One device model. */
struct axdevice_model {
	const char *const *compatibles; /* NULL-terminated */
	enum axdevice_role role;
	/* Creates the device ctx->node describes, from ctx->alloc, into *out. Returns 0, or an
	 * error set with ax_diag_set on ctx->node->diag, naming the node's path and the property
	 * at fault. */
	int (*create)(const struct axdevice_model_ctx *ctx, struct axdevice **out);
	/* System registers the device also answers (the backend's encodings, 0-terminated; NULL:
	 * none): system register k is its window AXDEVICE_MAX_WINDOWS + k, in the SYSREG space
	 * (a GICv3's ICC_SGI1R_EL1, which the CPU traps to the hypervisor). */
	const uint32_t *sysregs;
};

/* Models offered besides axdevice's own. */
struct axdevice_model_list {
	const struct axdevice_model *const *models;
	size_t count;
};

/* The model that answers to compatible: from extra (may be NULL) first, then axdevice's own;
 * NULL when none does. */
const struct axdevice_model *axdevice_model_find(const struct axdevice_model_list *extra,
						 const char *compatible);

/* The model for node of fdt: the first of its compatible strings that has one; NULL if none. */
const struct axdevice_model *axdevice_fdt_model(const struct axdevice_model_list *extra,
						const void *fdt, int node);

/* The UART host a UART model reports to: hosts->uart, with its interrupt line wired to
 * ctx->irq_chip when there is one. */
struct axdevice_uart_host axdevice_model_uart_host(const struct axdevice_model_ctx *ctx);

#endif
