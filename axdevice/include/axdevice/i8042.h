/*
 * The PC's keyboard controller (Intel 8042) as far as a guest without a keyboard uses it: its
 * reset line. Two windows (ports 0x60 and 0x64 on a PC), one byte each:
 *   window 0  data: reads 0 (no byte waiting); writes are ignored
 *   window 1  status on read: AXDEVICE_I8042_STATUS (the system flag; output and input buffers
 *             empty, so a guest waiting to send a command never waits); command on write:
 *             AXDEVICE_I8042_CMD_RESET pulses the reset line (a system reset request to the
 *             host), every other command is ignored
 * Other widths are AXERR_INVALID. This is how Linux reboots a PC without ACPI (reboot=k, its
 * fallback after ACPI): it writes 0xfe to port 0x64 once the input buffer is empty.
 */
#ifndef AXDEVICE_I8042_H
#define AXDEVICE_I8042_H

#include <axdevice/device.h>
#include <axdevice/system.h>
#include <axvm/alloc.h>

#define AXDEVICE_I8042_STATUS 0x04u    /* bit 2: system flag (self-test passed) */
#define AXDEVICE_I8042_CMD_RESET 0xfeu /* pulse output port bit 0, the CPU reset line */

/* Creates the controller, reporting reset requests to host (copied; NULL: nowhere). Returns 0,
 * AXERR_INVALID for a NULL alloc or out, AXERR_NO_MEMORY. */
int axdevice_i8042_create(const struct ax_allocator *alloc, const struct axdevice_system_host *host,
			  struct axdevice **out);

#endif
