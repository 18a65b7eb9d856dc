#include "trap.h"

#include <board/console.h>
#include <board/host.h>

#include <riscv_vcpu/trap_cause.h>

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void trap_handler(struct trap_frame *f)
{
	uint64_t htval;

	__asm__ volatile("csrr %0, htval" : "=r"(htval));
	kprintf("EXCEPTION in HS-mode: %s (scause=0x%llx)\n", riscv_trap_cause_name(f->scause),
		(unsigned long long)f->scause);
	kprintf("  sepc=0x%016llx stval=0x%016llx htval=0x%016llx sstatus=0x%016llx\n",
		(unsigned long long)f->sepc, (unsigned long long)f->stval,
		(unsigned long long)htval, (unsigned long long)f->sstatus);
	for (int i = 1; i < 32; i++)
		kprintf("  %-4s=0x%016llx%s", reg_names[i], (unsigned long long)f->x[i],
			i % 4 == 3 ? "\n" : "");
	kprintf("\n");
	host_panic("unhandled exception");
}
