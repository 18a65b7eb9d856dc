/* A PLIC from its devicetree node: riscv,ndev sources, one context per interrupts-extended
 * entry. */
#ifndef AXDEVICE_SRC_FDT_PLIC_H
#define AXDEVICE_SRC_FDT_PLIC_H

#include <stdint.h>

#include <axdevice/plic.h>

#include "fdt_node.h"

/*
 * Creates the PLIC node n describes, reporting to host and (its S-mode contexts, see
 * axdevice_set_add_from_fdt_hosts) cpu_host, which may be NULL, from alloc; reg_size is the size
 * of its reg entry. AXERR_BAD_CONFIG, with a message naming the node and property, for a missing
 * or malformed riscv,ndev (1..AXDEVICE_PLIC_MAX_SOURCES) or interrupts-extended (entries whose
 * phandles name controllers with a valid #interrupt-cells, 1..AXDEVICE_PLIC_MAX_CONTEXTS of
 * them), or a reg smaller than the contexts' registers; AXERR_NO_MEMORY.
 */
int axdevice_fdt_create_plic(const struct fdt_node *n, const struct ax_allocator *alloc,
			     const struct axdevice_plic_host *host,
			     const struct axdevice_cpu_host *cpu_host, uint64_t reg_size,
			     struct axdevice **dev);

#endif
