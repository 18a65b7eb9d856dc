/* A guest that triple-faults: an IDT of limit 0 and an undefined instruction. Its VM stops,
 * reported; the hypervisor and any other VM go on. */
#include "guest.h"

void guest_main(uint64_t arg)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} empty = {0, 0};

	(void)arg;
	guest_printf("triple fault: loading an empty IDT, then ud2\n");
	__asm__ volatile("lidt %0; ud2" : : "m"(empty));
	guest_printf("the guest survived its triple fault\n");
}
