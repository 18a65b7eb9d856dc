/* The riscv64 host's HAL for core and its VM-running hooks. */
#ifndef RISCV64_QEMU_VIRT_VM_HAL_H
#define RISCV64_QEMU_VIRT_VM_HAL_H

#include <board/host.h>
#include <stddef.h>
#include <stdint.h>

/* Records what the VM host needs from boot: hart ids by CPU index, the timebase, where QEMU
 * put the VM bundle (0 size: none), and the device windows VMs may be given. */
void vm_hal_setup(const struct host_boot_info *info, uint64_t timebase_hz, const char *isa,
		  uint64_t bundle, uint64_t bundle_size, const struct mem_ranges *devices);

/* board_ops.run: creates the bundle's VMs and runs CPU 0's vCPUs until all have stopped. */
enum host_exit vm_hal_run(const struct host_boot_info *info);

/* board_ops.secondary_run: runs the vCPUs pinned to CPU index. */
void vm_hal_secondary_run(size_t index);

#endif
