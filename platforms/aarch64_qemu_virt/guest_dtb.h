/* The devicetree an aarch64 guest boots with, generated from its VM configuration. */
#ifndef AARCH64_QEMU_VIRT_GUEST_DTB_H
#define AARCH64_QEMU_VIRT_GUEST_DTB_H

#include <axvm/config.h>
#include <stddef.h>
#include <stdint.h>

/* What the host adds to the configuration. */
struct guest_dtb_params {
	uint32_t timer_hz;  /* CNTFRQ_EL0 */
	size_t initrd_size; /* bytes of the initrd the VM loads (0: none) */
};

/*
 * Writes into buf (size bytes) a devicetree for cfg (a Linux arm64 / U-Boot guest on our virtual
 * platform), laid out as QEMU's virt ("linux,dummy-virt"): /psci (1.0 and 0.2, over HVC), /cpus
 * with one "arm,armv8" CPU per vCPU (reg: the vCPU's index, its MPIDR Aff0; started by PSCI), a
 * /memory node per RAM region (device regions excluded), and the configured devices with their
 * compatible and reg: a PL011 with its 24 MHz apb-pclk, an NS16550 with its clock-frequency, and
 * the GICv3 when cfg has an "arm,gic-v3" device, whose config node's reg gives the distributor
 * and one redistributor region. With a GIC the root's interrupt-parent is the GIC, /timer holds
 * the architected timer's PPIs and each device with an SPI or PPI in its config node has it;
 * without one the guest gets no timer node and no device interrupts (it polls). /chosen holds
 * stdout-path (the first UART), bootargs and, when initrd_size is not 0, linux,initrd-start/end
 * at cfg's initrd image. p->timer_hz is not written: the guest reads CNTFRQ_EL0.
 *
 * Returns 0, AXERR_NO_MEMORY if buf is too small, or AXERR_BAD_CONFIG for a configuration the
 * generator cannot describe: no vCPU or more than AXVM_MAX_VCPUS, no RAM region, two GICs, a
 * GIC whose config node does not give two reg entries (a 64 KiB-aligned distributor of at least
 * 64 KiB and a 64 KiB-aligned redistributor region with a 128 KiB frame per vCPU), another
 * interrupt controller (a PLIC, a GICv2), a device interrupt that is not a 3-cell GIC SPI or PPI,
 * or an initrd_size without an initrd image in cfg.
 */
int arm_guest_dtb(const struct axvm_config *cfg, const struct guest_dtb_params *p, void *buf,
		  size_t size);

#endif
