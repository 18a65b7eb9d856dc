/* Emulated devices described by devicetree nodes (compatible + reg + interrupts). */
#ifndef AXDEVICE_FDT_DEVICE_H
#define AXDEVICE_FDT_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <axdevice/device_set.h>
#include <axdevice/fdt_model.h>
#include <axvm/diag.h>

/* One register window of a device node: the space it is in and its range there. */
struct axdevice_fdt_window {
	enum axdevice_space space;
	uint64_t base;
	uint64_t size;
};

/* Whether the node at offset node of fdt is an ISA bus: its device_type is "isa". */
bool axdevice_fdt_is_isa_bus(const void *fdt, int node);

/*
 * Reads the windows of the device node at offset node of fdt, one per reg entry (at most
 * AXDEVICE_MAX_WINDOWS), into windows[0..*count). An entry is in the parent's #address-cells
 * and #size-cells (1 or 2 each) and lies in the MMIO space, translated to the root's address
 * space through the ranges of the buses above it (an empty or missing ranges is the identity).
 *
 * Under an ISA bus (the ISA binding, IEEE 1275: a parent with device_type "isa",
 * #address-cells = <2> and #size-cells = <1>) an entry is <space address size>: space 1 is the
 * I/O space, a window in the port space at port address, never translated (an I/O entry of
 * the bus's ranges is not used), every port below 0x10000; space 0 is the memory space, an
 * MMIO window translated through the bus's ranges like any bus child's.
 *
 * Errors, each with a diag message naming the node's path and the property: AXERR_BAD_CONFIG
 * for a bad blob or node, a missing, short or empty reg, a reg outside its bus's ranges, a
 * malformed ranges, an ISA bus with other cells than the binding's, an ISA space other than 0
 * or 1, ports past 0xffff; AXERR_UNSUPPORTED for address or size cells other than 1 or 2 or
 * more than AXDEVICE_MAX_WINDOWS entries; AXERR_INVALID for a NULL fdt, windows or count.
 */
int axdevice_fdt_windows(const void *fdt, int node,
			 struct axdevice_fdt_window windows[AXDEVICE_MAX_WINDOWS], unsigned *count,
			 struct ax_diag *diag);

/*
 * Creates the device for the devicetree node at offset node of fdt and adds it to set at its
 * windows (axdevice_fdt_windows: each reg entry, in the MMIO space or, under an ISA bus, the
 * port space; window i at axdevice_window_offset(i)). The model comes from the first compatible
 * string that has one (axdevice_fdt_model with hosts->models); axdevice's own:
 * - "ns16550a" or "ns16550" (with reg-shift, default 0, and reg-io-width, default 1, which must
 *   be 1, 2 or 4 and at most 1 << reg-shift) or "arm,pl011": the interrupt line is the first
 *   interrupts specifier decoded for the interrupt parent, found as Linux does
 *   (interrupt-parent, else the parent node, up to a node with #interrupt-cells): with 3 cells
 *   (Arm GIC) SPI n is line 32 + n and PPI n is 16 + n; with 1 or 2 cells (a PLIC, an I/O
 *   APIC) it is the first cell. A node without interrupts gets AXDEVICE_IRQ_NONE. When the
 *   interrupt parent is an interrupt controller already in set (created from that node, in
 *   any space), the line is that controller's input line; otherwise hosts->uart's set_irq
 *   gets it. The UART reports its other events to hosts->uart. Its registers are the same in
 *   the port space (an ISA "COM1": reg = <1 0x3f8 8>, reg-shift 0, reg-io-width 1).
 * - "sifive,plic-1.0.0" or "riscv,plic0": a PLIC with riscv,ndev sources and one context per
 *   interrupts-extended entry (context c is entry c), reporting to hosts->plic. An entry whose
 *   interrupt is 9 (the supervisor external interrupt) drives the external line
 *   (AXDEVICE_CPU_IRQ) of a guest CPU, reported to hosts->cpu: the hart whose reg the
 *   controller's parent node holds when that is a CPU node (device_type "cpu"), else the n-th
 *   hart for the n-th such entry (counting from 0), as QEMU's virt numbers them. Entries for
 *   other interrupts (11, the machine external interrupt) drive nothing.
 * - "intel,ce4100-ioapic": an I/O APIC (axdevice/ioapic.h) with #interrupt-cells = <2>, whose
 *   input pin n is the line of a device whose first interrupts cell is n (the second, the
 *   trigger and polarity type, is not used: the guest programs the redirection entries). It
 *   sends its messages through hosts->cpu's send_vector to hosts->cpu's vcpu_count vCPUs.
 * hosts may be NULL. The device is allocated from set's allocator.
 *
 * Errors, each with a diag message naming the node's path and the property: those of
 * axdevice_fdt_windows; AXERR_UNSUPPORTED for a compatible with no model, an interrupt parent
 * with other than 1 to 3 cells or a GIC type other than SPI/PPI; AXERR_BAD_CONFIG for a missing
 * compatible, a reg smaller than the model's registers, a malformed interrupts, reg-shift or
 * reg-io-width, an I/O APIC's #interrupt-cells other than <2>, no interrupt parent, a missing
 * riscv,ndev or one outside 1..AXDEVICE_PLIC_MAX_SOURCES, a missing or malformed
 * interrupts-extended (a phandle that names no node or a controller without a valid
 * #interrupt-cells, a short last entry, more than AXDEVICE_PLIC_MAX_CONTEXTS entries);
 * AXERR_EXISTS when a window overlaps a registered device in its space (two devices may use the
 * same number in different spaces); AXERR_NO_MEMORY. Nothing is added on failure. On success
 * *out (if out is not NULL) is the new device, still owned by the set.
 */
int axdevice_set_add_from_fdt_hosts(struct axdevice_set *set, const void *fdt, int node,
				    const struct axdevice_fdt_hosts *hosts, struct axdevice **out,
				    struct ax_diag *diag);

/* axdevice_set_add_from_fdt_hosts with host for UARTs and no PLIC host (a PLIC it creates
 * reports no context lines). */
int axdevice_set_add_from_fdt(struct axdevice_set *set, const void *fdt, int node,
			      const struct axdevice_uart_host *host, struct axdevice **out,
			      struct ax_diag *diag);

#endif
