/*
 * The sleep control and status registers of a hardware-reduced ACPI platform (ACPI 6.0,
 * 4.8.3.7 and 4.8.3.8), the way such a guest powers off: one window of two bytes (I/O ports,
 * the FADT's SLEEP_CONTROL_REG and SLEEP_STATUS_REG), byte accesses only (other widths are
 * AXERR_INVALID).
 *   offset 0  sleep control: a write with SLP_EN (bit 5) and SLP_TYP (bits 4:2) of S5
 *             (AXDEVICE_ACPI_SLEEP_S5_TYPE, what the host's \_S5 says) asks the host to power
 *             the VM off; any other sleep type is ignored (the host offers no sleep state).
 *             Reads 0.
 *   offset 1  sleep status: reads 0 (WAK_STS clear: the VM never wakes from a sleep state);
 *             writes (WAK_STS to clear it) are ignored
 */
#ifndef AXDEVICE_ACPI_SLEEP_H
#define AXDEVICE_ACPI_SLEEP_H

#include <axdevice/device.h>
#include <axdevice/system.h>
#include <axvm/alloc.h>

#define AXDEVICE_ACPI_SLEEP_SIZE 2
#define AXDEVICE_ACPI_SLEEP_S5_TYPE 5
#define AXDEVICE_ACPI_SLEEP_EN (1u << 5)
#define AXDEVICE_ACPI_SLEEP_TYPE_SHIFT 2
#define AXDEVICE_ACPI_SLEEP_TYPE_MASK 0x7u

/* Creates the registers, reporting power-offs to host (copied; NULL: nowhere). Returns 0,
 * AXERR_INVALID for a NULL alloc or out, AXERR_NO_MEMORY. */
int axdevice_acpi_sleep_create(const struct ax_allocator *alloc,
			       const struct axdevice_system_host *host, struct axdevice **out);

#endif
