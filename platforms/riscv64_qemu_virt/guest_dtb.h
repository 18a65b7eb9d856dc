/* The devicetree a riscv64 guest boots with, generated from its VM configuration. */
#ifndef RISCV64_QEMU_VIRT_GUEST_DTB_H
#define RISCV64_QEMU_VIRT_GUEST_DTB_H

#include <axvm/config.h>
#include <stddef.h>
#include <stdint.h>

/* What the host adds to the configuration. */
struct guest_dtb_params {
	uint32_t timebase_hz; /* the time CSR's rate */
	const char *isa;      /* riscv,isa of every guest hart (riscv_guest_isa) */
	size_t initrd_size;   /* bytes of the initrd the VM loads (0: none) */
};

/*
 * Writes into buf (size bytes) a devicetree for cfg: /cpus with one hart per vCPU (riscv,isa and
 * the same as riscv,isa-base and riscv,isa-extensions, mmu-type, the hart's interrupt
 * controller) and timebase-frequency, a /memory node per RAM
 * region (device regions excluded), the configured devices under /soc with their compatible
 * and reg (NS16550s with a clock-frequency; a PLIC as QEMU virt lays it out, with the UARTs'
 * interrupts routed to it), and /chosen with stdout-path at the first UART and bootargs. Returns 0,
 * or AXERR_NO_MEMORY if buf is too small.
 */
int riscv_guest_dtb(const struct axvm_config *cfg, const struct guest_dtb_params *p, void *buf,
		    size_t size);

#endif
