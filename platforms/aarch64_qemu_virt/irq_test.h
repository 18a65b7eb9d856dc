/* The "irqtest" boot mode: the host's interrupts work, shown on CPUs 0 and 1 once every CPU is
 * online. CPU 0's timer wakes it 1 ms after it was armed, and is consumed by its
 * acknowledgement; a kick from CPU 1 wakes CPU 0, its timer disarmed; a kick from CPU 0 wakes
 * CPU 1; CPU 1's timer wakes it. Any other interrupt, a wake-up too early, or an interrupt
 * still pending after its acknowledgement stops the machine with a failure. */
#ifndef AARCH64_QEMU_VIRT_IRQ_TEST_H
#define AARCH64_QEMU_VIRT_IRQ_TEST_H

#include <stddef.h>

#include <board/host.h>

/* board_ops.run on CPU 0: runs the test (with CPU 1) and returns its status. Needs at least 2
 * CPUs, each with irq_host_init_cpu done. */
enum host_exit irq_test_run(const struct host_boot_info *info);

/* board_ops.secondary_run: CPU 1's part; other CPUs park. */
void irq_test_secondary(size_t index);

#endif
