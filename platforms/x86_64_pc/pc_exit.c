#include "pc_exit.h"

#include "uart_com1.h"
#include "x86.h"

#define SHUTDOWN_PORT 0x8900

void pc_exit(enum host_exit code)
{
	com1_flush();
	if (code == HOST_EXIT_SUCCESS) {
		__asm__ volatile("xchg %%bx, %%bx" : : : "memory");
	} else {
		for (const char *p = "Shutdown"; *p; p++)
			outb(SHUTDOWN_PORT, (uint8_t)*p);
	}
	cpu_halt_forever();
}
