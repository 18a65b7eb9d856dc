/*
 * The PC's CMOS real-time clock (Motorola MC146818, as in every PC chipset) as its index and
 * data ports (0x70 and 0x71 on a PC): one window of two bytes, byte accesses only (other
 * widths are AXERR_INVALID).
 *   offset 0  index: a write selects register bits 6:0 (bit 7, the PC's NMI mask, is kept but
 *             has no effect); a read returns the last write
 *   offset 1  data: the selected register
 * Registers: 0x00-0x09 the time and alarm bytes, as written (the chip does not re-encode them
 * when the guest changes format); 0x0a register A, UIP (bit 7) always 0: never mid-update;
 * 0x0b register B; 0x0c register C, the interrupt flags: reads 0 (no interrupt is raised) and
 * ignores writes; 0x0d register D: 0x80 (valid RAM and time), read-only; 0x0e-0x7f the CMOS
 * RAM, read-write, zero at reset. At reset the clock reads 2000-01-01 00:00:00, a Saturday, in
 * BCD and 24-hour mode (register B 0x02), register A 0x26 (32.768 kHz, 1024 Hz rate). The
 * clock does not advance: the host gives it no time of day. It answers what Linux reads at
 * boot instead of a bus of 0xff (a clock forever mid-update, on which Linux waits for seconds).
 */
#ifndef AXDEVICE_RTC_CMOS_H
#define AXDEVICE_RTC_CMOS_H

#include <axdevice/device.h>
#include <axvm/alloc.h>

#define AXDEVICE_RTC_CMOS_SIZE 2 /* bytes of its window: index and data */
#define AXDEVICE_RTC_CMOS_REG_A 0x0a
#define AXDEVICE_RTC_CMOS_REG_B 0x0b
#define AXDEVICE_RTC_CMOS_REG_C 0x0c
#define AXDEVICE_RTC_CMOS_REG_D 0x0d

/* Creates the clock. Returns 0, AXERR_INVALID for a NULL alloc or out, AXERR_NO_MEMORY. */
int axdevice_rtc_cmos_create(const struct ax_allocator *alloc, struct axdevice **out);

#endif
