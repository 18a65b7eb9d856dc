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

/* The hypervisor keeps the guest's s0-s11 in the registers through most exits and saves them
 * only for a store fault: a store from s3 of a value that changes (read back from the UART's
 * scratch register) and s4, s10 across an SBI call must see the guest's current values. */
static void callee_saved_across_exits(void)
{
	unsigned long first, second, s4, s10;

	__asm__ volatile(
	    "li s3, 0x3c\n"
	    "sb s3, 7(%[uart])\n"
	    "lbu %[first], 7(%[uart])\n"
	    "li s3, 0xc3\n"
	    "sb s3, 7(%[uart])\n"
	    "lbu %[second], 7(%[uart])\n"
	    "li s4, 0x1234\n"
	    "li s10, 0x5678\n"
	    "li a7, 0x10\n" /* base extension: get_spec_version */
	    "li a6, 0\n"
	    "ecall\n"
	    "mv %[s4], s4\n"
	    "mv %[s10], s10\n"
	    : [first] "=&r"(first), [second] "=&r"(second), [s4] "=&r"(s4), [s10] "=&r"(s10)
	    : [uart] "r"(0x10000000ul)
	    : "s3", "s4", "s10", "a0", "a1", "a6", "a7", "memory");
	guest_printf(
	    "s registers across exits: stored 0x%lx 0x%lx, after an SBI call 0x%lx 0x%lx\n", first,
	    second, s4, s10);
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	struct sbiret spec = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0);

	guest_printf("hello from a guest: hart %lu, dtb 0x%lx\n", (unsigned long)hart,
		     (unsigned long)dtb);
	guest_printf("sbi spec version 0x%lx (error %ld)\n", spec.value, spec.error);
	mmio_loads();
	callee_saved_across_exits();
	sbi_shutdown();
}
