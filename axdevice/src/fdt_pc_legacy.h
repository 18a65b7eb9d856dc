/* The PC's legacy devices from their devicetree nodes: the keyboard controller (Linux's
 * intel,8042 binding) and the CMOS clock (motorola,mc146818). */
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

#endif
