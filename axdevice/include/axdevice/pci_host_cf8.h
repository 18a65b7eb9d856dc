/*
 * A PCI host bridge reached through PCI configuration mechanism #1 (the PCI Local Bus
 * Specification 3.0, 3.2.2.3.2), as the PC's ports 0xcf8-0xcff: one window of 8 bytes.
 *   offset 0  CONFIG_ADDRESS, 32-bit accesses only: bit 31 enable, bits 23:16 bus, 15:11
 *             device, 10:8 function, 7:2 register; bits 30:24 and 1:0 read as 0. Narrower
 *             accesses at offsets 0-3 are not this register (on a PC they reach other ports):
 *             reads return all ones, writes are ignored.
 *   offset 4  CONFIG_DATA: a 1-, 2- or 4-byte access at offset 4 + n, within the dword, reaches
 *             byte n of the addressed dword of the addressed function's configuration space.
 * Bus 0 holds one function, device 0 function 0: the host bridge (vendor 0x1b36 device 0x0008,
 * the virtual PCIe host bridge's ids; class 0x060000), header type 0, no BAR, no capability,
 * no interrupt pin; of its registers only the command register's I/O, memory and bus-master
 * bits and the interrupt line byte are writable. Every other function, and any access with the
 * enable bit clear, reads all ones and ignores writes, as an empty slot does.
 * What a guest needs to find PCI at all: Linux on a PC takes mechanism #1 only when CONFIG_ADDRESS
 * reads back what was written and a host bridge answers on bus 0.
 */
#ifndef AXDEVICE_PCI_HOST_CF8_H
#define AXDEVICE_PCI_HOST_CF8_H

#include <axdevice/device.h>
#include <axvm/alloc.h>

#define AXDEVICE_PCI_HOST_CF8_SIZE 8 /* bytes of its window */
#define AXDEVICE_PCI_HOST_VENDOR 0x1b36
#define AXDEVICE_PCI_HOST_DEVICE 0x0008
#define AXDEVICE_PCI_HOST_CLASS 0x060000 /* bridge, host bridge */

/* Creates the host bridge. Returns 0, AXERR_INVALID for a NULL alloc or out, AXERR_NO_MEMORY. */
int axdevice_pci_host_cf8_create(const struct ax_allocator *alloc, struct axdevice **out);

#endif
