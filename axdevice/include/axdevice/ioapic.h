/*
 * The x86 I/O APIC as a guest sees it (Intel 82093AA datasheet, with the version-0x20 register
 * set of the I/O APICs in Intel's ICH and PCH chipsets: the EOI register). 24 input pins, each
 * with a redirection entry that turns the pin's interrupt into a message to local APICs; the
 * message reaches the VM's vCPUs through the host's send_vector (axdevice/irqchip.h).
 *
 * Direct registers (offsets in the device; only 32-bit accesses at these three offsets work,
 * any other width or offset is AXERR_INVALID):
 *   0x00  IOREGSEL  bits 7:0 select the indirect register IOWIN reaches; the rest read 0
 *   0x10  IOWIN     the selected indirect register
 *   0x40  EOI       write-only (reads 0): a write of vector v clears Remote IRR of every
 *                   level-triggered entry whose vector is v
 * Indirect registers (selected through IOREGSEL; any other index reads 0 and ignores writes):
 *   0x00         ID: bits 27:24 the I/O APIC's ID, writable; 0 at reset
 *   0x01         version, read-only: AXDEVICE_IOAPIC_VERSION_VALUE (23, the highest entry,
 *                in bits 23:16; version 0x20 in bits 7:0)
 *   0x02         arbitration ID, read-only: the ID
 *   0x10 + 2n    redirection entry n, bits 31:0
 *   0x11 + 2n    redirection entry n, bits 63:32
 * A redirection entry (the AXDEVICE_IOAPIC_RTE_* bits): vector 7:0, delivery mode 10:8,
 * destination mode 11 (logical when set), delivery status 12 (read-only, always 0: a message
 * is delivered at once), polarity 13 (active low when set), Remote IRR 14 (read-only), trigger
 * mode 15 (level when set), mask 16, destination 63:56. The other bits are reserved: they read
 * 0 and ignore writes, as writes to the read-only bits are ignored. At reset every entry is
 * masked (0x10000) and everything else is 0.
 *
 * Inputs: irqchip line n (0..23) is pin n; its level is inverted for an active-low entry. An
 * edge-triggered entry sends a message on a rising edge of its pin while unmasked (an edge
 * while masked is lost, as the datasheet says). A level-triggered one sends while its pin is
 * asserted, unmasked and Remote IRR is clear, and then sets Remote IRR; an EOI clears Remote
 * IRR and sends again if the pin is still asserted. Each write to an entry re-examines it:
 * unmasking a level-triggered entry whose pin is asserted sends. Writing an entry as
 * edge-triggered clears its Remote IRR, as KVM's and QEMU's do and as guests expect of I/O
 * APICs without an EOI register (Linux switches such an entry to edge and back to end it).
 *
 * Messages: only the fixed (000) and lowest-priority (001) delivery modes are delivered; SMI
 * (010), NMI (100), INIT (101), ExtINT (111) and the reserved modes are not: their messages,
 * and those with a vector below 16 (illegal on the APIC bus), go nowhere. The destination is
 * resolved with apic_dest_mask (axdevice/apic_bus.h) among the host's vcpu_count local APICs:
 * physical, APIC ID (0xff: all); logical, in the xAPIC flat model (bit n for APIC ID n, n below
 * 8). The model cannot see the local APICs' DFR: it assumes flat, their model at reset (DFR all
 * ones); a guest using the cluster model reaches the wrong vCPUs with logical messages.
 * Lowest priority goes to the lowest-numbered vCPU the destination names
 * (apic_lowest_priority). A message whose destination names no vCPU is dropped and, for a
 * level-triggered entry, leaves Remote IRR clear: it is sent when the guest next writes the
 * entry or the pin rises again. Otherwise it goes to host->send_vector as an edge-triggered
 * fixed interrupt: the local APIC does not mark a level-triggered one in its TMR and broadcasts
 * no EOI for it, so a guest ends a level-triggered interrupt through the EOI register, as
 * Linux does for one that arrives as edge-triggered (its ioapic_ack_level).
 *
 * An I/O APIC is an interrupt controller (irqchip set_line only): it drives no CPU line and has
 * no list registers.
 */
#ifndef AXDEVICE_IOAPIC_H
#define AXDEVICE_IOAPIC_H

#include <stdint.h>

#include <axdevice/device.h>
#include <axdevice/irqchip.h>
#include <axvm/alloc.h>

/* Input pins and redirection entries. */
#define AXDEVICE_IOAPIC_PINS 24u
/* The MMIO window of an I/O APIC (a 4 KiB page, as the devicetree binding's reg gives it). */
#define AXDEVICE_IOAPIC_SIZE 0x1000u

/* Direct registers. */
#define AXDEVICE_IOAPIC_IOREGSEL 0x00u
#define AXDEVICE_IOAPIC_IOWIN 0x10u
#define AXDEVICE_IOAPIC_EOI 0x40u
/* The bytes the registers need: up to the end of EOI. */
#define AXDEVICE_IOAPIC_REGS_SIZE (AXDEVICE_IOAPIC_EOI + 4u)

/* Indirect registers (IOREGSEL values). */
#define AXDEVICE_IOAPIC_REG_ID 0x00u
#define AXDEVICE_IOAPIC_REG_VERSION 0x01u
#define AXDEVICE_IOAPIC_REG_ARB 0x02u
#define AXDEVICE_IOAPIC_REG_REDTBL 0x10u /* entry n: 0x10 + 2n (low), 0x11 + 2n (high) */

/* The ID register's writable bits, and the version register's value. */
#define AXDEVICE_IOAPIC_ID_MASK 0x0f000000u
#define AXDEVICE_IOAPIC_VERSION_VALUE 0x00170020u

/* Redirection entry fields. */
#define AXDEVICE_IOAPIC_RTE_VECTOR 0xffull
#define AXDEVICE_IOAPIC_RTE_DELIVERY_SHIFT 8
#define AXDEVICE_IOAPIC_RTE_DELIVERY (7ull << AXDEVICE_IOAPIC_RTE_DELIVERY_SHIFT)
#define AXDEVICE_IOAPIC_RTE_LOGICAL (1ull << 11)
#define AXDEVICE_IOAPIC_RTE_DELIVERY_STATUS (1ull << 12)
#define AXDEVICE_IOAPIC_RTE_ACTIVE_LOW (1ull << 13)
#define AXDEVICE_IOAPIC_RTE_REMOTE_IRR (1ull << 14)
#define AXDEVICE_IOAPIC_RTE_LEVEL (1ull << 15)
#define AXDEVICE_IOAPIC_RTE_MASKED (1ull << 16)
#define AXDEVICE_IOAPIC_RTE_DEST_SHIFT 56
#define AXDEVICE_IOAPIC_RTE_DEST (0xffull << AXDEVICE_IOAPIC_RTE_DEST_SHIFT)

/* Delivery modes (bits 10:8) the model delivers. */
#define AXDEVICE_IOAPIC_DELIVERY_FIXED 0u
#define AXDEVICE_IOAPIC_DELIVERY_LOWEST 1u

/*
 * Creates an I/O APIC in its reset state, sending its messages through host->send_vector to
 * the host's host->vcpu_count vCPUs (the model keeps a copy of host). host may be NULL, or
 * without send_vector or vCPUs: messages then go nowhere (the guest still sees the registers
 * and Remote IRR stays clear). AXERR_INVALID for NULL alloc or out, AXERR_NO_MEMORY.
 */
int axdevice_ioapic_create(const struct ax_allocator *alloc, const struct axdevice_cpu_host *host,
			   struct axdevice **out);

#endif
