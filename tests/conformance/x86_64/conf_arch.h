/* The x86_64 conformance VM's layout (x86_64/vm.dts.in): RAM from 0 (the SIPI's start page
 * below 1 MiB in it), the other regions, the hole and the UART where the riscv64 and aarch64
 * VMs have them. */
#ifndef TESTS_CONFORMANCE_X86_64_CONF_ARCH_H
#define TESTS_CONFORMANCE_X86_64_CONF_ARCH_H

#define CONF_MAX_CPUS 2
#define CONF_LAZY_BASE 0x84000000ul /* populated a page at a time on first touch */
#define CONF_LAZY_SIZE 0x400000ul
#define CONF_READONLY 0x81000000ul /* 64 KiB of memory the guest may only read */
#define CONF_NOEXEC 0x81100000ul   /* 64 KiB it may read and write, not execute */
#define CONF_HOLE 0x40000000ul	   /* neither memory nor a device */
#define CONF_UART 0x10000000ul	   /* the NS16550A: byte registers, reg-shift 0 */
#define CONF_UART_SIZE 0x100ul	   /* its register window */

#endif
