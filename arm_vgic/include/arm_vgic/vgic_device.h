/* The emulated GICv3 as a VM device: the axdevice model "arm,gic-v3", an interrupt controller
 * that delivers through the CPUs' list registers (axdevice/irqchip.h). A board offers it in
 * vm_board.device_models. */
#ifndef ARM_VGIC_VGIC_DEVICE_H
#define ARM_VGIC_VGIC_DEVICE_H

#include <axdevice/fdt_model.h>

/*
 * Its node: compatible "arm,gic-v3", reg = the distributor (at least 64 KiB) and the
 * redistributors (128 KiB per vCPU: their number is the window's size over that), as a
 * devicetree describes a GICv3; optional "arm,spi-count" (a multiple of 32, 32..960; default
 * 64). Device interrupts name SPIs as <0 n flags> (line 32 + n). The device also answers the
 * trapped ICC_SGI1R_EL1 (the backend's encoding ARM_SYSREG(3, 0, 12, 11, 5)).
 */
extern const struct axdevice_model arm_vgic_model;

#endif
