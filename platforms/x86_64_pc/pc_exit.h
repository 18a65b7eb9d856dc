/* Stopping the PC: how the host tells Bochs (and a person watching) that it is done. */
#ifndef X86_64_PC_PC_EXIT_H
#define X86_64_PC_PC_EXIT_H

#include <board/host.h>

/* Drains the console, then stops: success is Bochs' magic breakpoint (xchg %bx,%bx; the test
 * runner's debugger script quits with status 0), failure writes "Shutdown" to the Bochs/QEMU
 * shutdown port 0x8900 (status 1). Either way this CPU then halts for good. */
void pc_exit(enum host_exit code) __attribute__((noreturn));

#endif
