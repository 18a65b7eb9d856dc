/* The first guest: console output through the emulated NS16550, an SBI round trip, emulated
 * loads into registers of every kind, and a clean power-off through SBI SRST. */
#include "guest.h"

/* The UART's line status (THRE and TEMT: 0x60) loaded into a caller-saved register (a5, t6)
 * and into callee-saved ones (s1, s11), which the hypervisor's exit path handles apart, and by
 * a 32-bit load at a pc that is not 4-byte aligned (t5: the hypervisor fetches it in two
 * halves); s2, set before, must keep its value. */
static void mmio_loads(void)
{
	unsigned long s1, s11, t6, a5, s2, t5;

	__asm__ volatile(".balign 4\n"
			 "c.nop\n"
			 "lbu t5, 5(%[uart])\n"
			 "li s2, 0x5a5a\n"
			 "lbu s1, 5(%[uart])\n"
			 "lbu s11, 5(%[uart])\n"
			 "lbu t6, 5(%[uart])\n"
			 "lbu a5, 5(%[uart])\n"
			 "mv %[s1], s1\n"
			 "mv %[s11], s11\n"
			 "mv %[t6], t6\n"
			 "mv %[a5], a5\n"
			 "mv %[s2], s2\n"
			 "mv %[t5], t5\n"
			 : [s1] "=&r"(s1), [s11] "=&r"(s11), [t6] "=&r"(t6), [a5] "=&r"(a5),
			   [s2] "=&r"(s2), [t5] "=&r"(t5)
			 : [uart] "r"(0x10000000ul)
			 : "s1", "s2", "s11", "t5", "t6", "a5", "memory");
	guest_printf(
	    "emulated loads: s1 0x%lx, s11 0x%lx, t6 0x%lx, a5 0x%lx, t5 at pc 4n+2 0x%lx; "
	    "s2 kept 0x%lx\n",
	    s1, s11, t6, a5, t5, s2);
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	struct sbiret spec = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0);

	guest_printf("hello from a guest: hart %lu, dtb 0x%lx\n", (unsigned long)hart,
		     (unsigned long)dtb);
	guest_printf("sbi spec version 0x%lx (error %ld)\n", spec.value, spec.error);
	mmio_loads();
	sbi_shutdown();
}
