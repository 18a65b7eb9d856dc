/* An I/O APIC from its devicetree node (Linux's intel,ce4100-ioapic binding). */
#ifndef AXDEVICE_SRC_FDT_IOAPIC_H
#define AXDEVICE_SRC_FDT_IOAPIC_H

#include <axdevice/fdt_model.h>

/*
 * The I/O APIC's model ("intel,ce4100-ioapic"), an interrupt controller (axdevice/ioapic.h)
 * sending its messages through hosts->cpu (send_vector, to its vcpu_count vCPUs; NULL: to no
 * one). The binding's node: interrupt-controller, #interrupt-cells = <2>, reg of the 4 KiB
 * register page. A device whose interrupt parent it is names pin n with its first interrupts
 * cell; the second, the binding's trigger and polarity type, is not used: the guest programs
 * the redirection entries itself. AXERR_BAD_CONFIG, with a message naming the node and
 * property, for #interrupt-cells other than <2> or a reg smaller than the registers
 * (AXDEVICE_IOAPIC_REGS_SIZE); AXERR_NO_MEMORY.
 */
extern const struct axdevice_model axdevice_ioapic_model;

#endif
