/* A PLIC from its devicetree node: riscv,ndev sources, one context per interrupts-extended
 * entry. */
#ifndef AXDEVICE_SRC_FDT_PLIC_H
#define AXDEVICE_SRC_FDT_PLIC_H

#include <stdint.h>

#include <axdevice/plic.h>

#include <axdevice/fdt_model.h>

/*
 * The PLIC's model ("sifive,plic-1.0.0", "riscv,plic0"), an interrupt controller: a node with
 * riscv,ndev sources and one context per interrupts-extended entry, reporting to hosts->plic
 * and driving the external line of the guest CPUs its S-mode contexts name through
 * hosts->cpu (both may be NULL). AXERR_BAD_CONFIG, with a message naming the node and property,
 * for a missing or malformed riscv,ndev (1..AXDEVICE_PLIC_MAX_SOURCES) or interrupts-extended
 * (entries whose phandles name controllers with a valid #interrupt-cells,
 * 1..AXDEVICE_PLIC_MAX_CONTEXTS of them), or a reg smaller than the contexts' registers;
 * AXERR_NO_MEMORY.
 */
extern const struct axdevice_model axdevice_plic_model;

#endif
