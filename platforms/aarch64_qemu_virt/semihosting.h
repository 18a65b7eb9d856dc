/* Arm semihosting calls (QEMU -semihosting): how the host reports its exit status. */
#ifndef AARCH64_QEMU_VIRT_SEMIHOSTING_H
#define AARCH64_QEMU_VIRT_SEMIHOSTING_H

#include <stdint.h>

/* SYS_EXIT with ADP_Stopped_ApplicationExit and code: QEMU exits with status code. Returns
 * only if the debugger lets the program go on; without semihosting the HLT is undefined and
 * traps. */
void semihosting_exit(uint64_t code);

#endif
