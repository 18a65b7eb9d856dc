/* The PC's system devices from their devicetree nodes: the keyboard controller (Linux's
 * intel,8042 binding), the CMOS clock (motorola,mc146818), the ACPI sleep registers and the PCI
 * host bridge on ports 0xcf8-0xcff. */
#ifndef AXDEVICE_SRC_FDT_PC_LEGACY_H
#define AXDEVICE_SRC_FDT_PC_LEGACY_H

#include <axdevice/fdt_model.h>

/*
 * The 8042's model ("intel,8042"), a system device (axdevice/i8042.h) whose reset requests go
 * to hosts->system (NULL: nowhere). The node's reg has two entries, the data port and the
 * status and command port (<1 0x60 1>, <1 0x64 1> on a PC's ISA bus). AXERR_BAD_CONFIG, with
 * a message naming the node, for another number of reg entries; AXERR_NO_MEMORY.
 */
extern const struct axdevice_model axdevice_i8042_model;

/*
 * The CMOS clock's model ("motorola,mc146818"; axdevice/rtc_cmos.h). The node's reg: its index
 * and data ports (<1 0x70 2> on a PC's ISA bus). AXERR_BAD_CONFIG, with a message naming the
 * node, for a reg of other than those two bytes; AXERR_NO_MEMORY.
 */
extern const struct axdevice_model axdevice_rtc_cmos_model;

/*
 * The ACPI sleep registers' model ("axvm,acpi-sleep-registers": no binding exists for them, a
 * host describes them in its FADT; axdevice/acpi_sleep.h), whose power-offs go to
 * hosts->system. The node's reg: the two ports (<1 0x600 2>, say). AXERR_BAD_CONFIG, with a
 * message naming the node, for another reg; AXERR_NO_MEMORY.
 */
extern const struct axdevice_model axdevice_acpi_sleep_model;

/*
 * The PCI host bridge's model ("axvm,pci-host-cf8": no binding exists for configuration
 * mechanism #1 on ports; axdevice/pci_host_cf8.h). The node's reg: CONFIG_ADDRESS and
 * CONFIG_DATA (<1 0xcf8 8> on a PC's ISA bus). AXERR_BAD_CONFIG, with a message naming the
 * node, for another reg; AXERR_NO_MEMORY.
 */
extern const struct axdevice_model axdevice_pci_host_cf8_model;

#endif
