/* Guest consoles on the host's one console: each VM's output goes out a line at a time, led by
 * "[vmN] ", so that lines of VMs printing at the same time never interleave. A partial line
 * waits for its newline unless the VM waits for input (a prompt must show), halts, stops, or
 * fills the line buffer. Safe on every CPU. */
#ifndef BOARD_CONSOLE_MUX_H
#define BOARD_CONSOLE_MUX_H

#include <stdint.h>

/* Longest line kept back; a longer one goes out in pieces. */
#define CONSOLE_MUX_LINE 240

/* Most VMs with a console at once; output of further VMs goes out unbuffered. */
#define CONSOLE_MUX_VMS 16

/* One byte of VM vm_id's console output ('\r' is dropped). */
void console_mux_putc(uint32_t vm_id, uint8_t byte);

/* Shows VM vm_id's partial line now. */
void console_mux_flush(uint32_t vm_id);

#endif
