#include "pit_delay.h"

#include "x86.h"

#define PIT_HZ 1193182u
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_LOHI_MODE0 0xb0 /* channel 2, low then high byte, interrupt on terminal count */
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define MAX_COUNT 0xffffu

void pit_delay_us(uint32_t us)
{
	uint64_t count = (uint64_t)us * PIT_HZ / 1000000 + 1;

	if (count > MAX_COUNT)
		count = MAX_COUNT;
	/* Gate on, speaker off; counting starts once the count is written. */
	outb(PORT_B, (inb(PORT_B) & (uint8_t)~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_CH2_LOHI_MODE0);
	outb(PIT_CHANNEL2, (uint8_t)count);
	outb(PIT_CHANNEL2, (uint8_t)(count >> 8));
	/* In mode 0, OUT2 goes high when the count reaches zero. */
	while (!(inb(PORT_B) & PORT_B_OUT2))
		cpu_pause();
}
