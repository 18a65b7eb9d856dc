/* The aarch64 host's part of running VMs: what it gives the shared VM host (board/vm_board.h). */
#ifndef AARCH64_QEMU_VIRT_VM_HAL_H
#define AARCH64_QEMU_VIRT_VM_HAL_H

#include <board/host.h>
#include <stddef.h>
#include <stdint.h>

/* Records what the VM host needs from boot (the CPUs' MPIDR affinities by CPU index, where
 * QEMU put the VM bundle (0 size: none), the device windows VMs may be given) and hands the
 * board to the shared VM host; its board_ops are vm_board_run and vm_board_run_secondary. The
 * GIC and the timer must be set up (irq_host_init). */
void vm_hal_setup(const struct host_boot_info *info, uint64_t bundle, uint64_t bundle_size,
		  const struct mem_ranges *devices);

#endif
