/* The riscv64 host's part of running VMs: what it gives the shared VM host (board/vm_board.h). */
#ifndef RISCV64_QEMU_VIRT_VM_HAL_H
#define RISCV64_QEMU_VIRT_VM_HAL_H

#include <board/host.h>
#include <stddef.h>
#include <stdint.h>

/* Records what the VM host needs from boot (hart ids by CPU index, the timebase, where QEMU
 * put the VM bundle (0 size: none), the device windows VMs may be given) and hands the board to
 * the shared VM host; its board_ops are vm_board_run and vm_board_run_secondary. */
void vm_hal_setup(const struct host_boot_info *info, uint64_t timebase_hz, const char *isa,
		  uint64_t bundle, uint64_t bundle_size, const struct mem_ranges *devices);

#endif
