/* The x86_64 PC host's part of running VMs: what it gives the shared VM host
 * (board/vm_board.h). */
#ifndef X86_64_PC_VM_HAL_H
#define X86_64_PC_VM_HAL_H

#include <board/host.h>
#include <stdint.h>

/* Records the CPUs' local APIC IDs by CPU index and where GRUB put the VM bundle (size 0:
 * none), and hands the board to the shared VM host; its board_ops are vm_board_run and
 * vm_board_run_secondary. The host's interrupts must be set up (irq_host_init). */
void vm_hal_setup(const struct host_boot_info *info, uint64_t bundle, uint64_t bundle_size);

#endif
