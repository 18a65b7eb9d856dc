/* Busy-wait delays timed by channel 2 of the 8254 PIT (the PC speaker timer). */
#ifndef X86_64_PC_PIT_DELAY_H
#define X86_64_PC_PIT_DELAY_H

#include <stdint.h>

/* Waits at least us microseconds (up to about 54 ms in one call). */
void pit_delay_us(uint32_t us);

#endif
