/*
 * A guest kernel gets the exceptions its own code and its user programs cause, as it would on a
 * machine without the H extension: illegal instructions and a machine CSR in VS-mode; then, in
 * VU-mode, an illegal instruction, a wfi, a supervisor CSR, a misaligned AMO and a system call.
 * Each is caught by the guest's handler, which reports it and skips the instruction. Some come
 * straight from the hardware (delegated), some from the hypervisor (virtual-instruction traps
 * handed on as illegal instructions); the VM never stops.
 */
#include "guest.h"

#define SSTATUS_SPP (1ul << 8)
#define CAUSE_USER_ECALL 8

extern char guest_trap_entry[];
void guest_trap(unsigned long scause);

static volatile int traps;
static volatile unsigned long misaligned_word[2];

static unsigned long csr_sepc(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, sepc" : "=r"(v));
	return v;
}

static unsigned long csr_sstatus(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, sstatus" : "=r"(v));
	return v;
}

static void finish(void) __attribute__((noreturn));

void guest_trap(unsigned long scause)
{
	unsigned long sepc = csr_sepc();
	const char *mode = csr_sstatus() & SSTATUS_SPP ? "VS" : "VU";
	uint16_t first = *(volatile uint16_t *)sepc;

	traps++;
	guest_printf("trap %d: scause %lu from %s\n", traps, scause, mode);
	if (scause == CAUSE_USER_ECALL) {
		/* The user program is done: back to VS-mode in finish(). */
		__asm__ volatile("csrw sepc, %0\n csrs sstatus, %1" ::"r"(finish),
				 "r"(SSTATUS_SPP));
		return;
	}
	__asm__ volatile("csrw sepc, %0" ::"r"(sepc + ((first & 3) == 3 ? 4 : 2)));
}

/* Runs in VU-mode. */
static void user_program(void)
{
	unsigned long v;

	__asm__ volatile("unimp");
	__asm__ volatile("wfi");
	__asm__ volatile("csrr %0, sstatus" : "=r"(v));
	__asm__ volatile("amoadd.w zero, zero, (%0)" ::"r"((char *)misaligned_word + 1) : "memory");
	__asm__ volatile("ecall");
	for (;;)
		;
}

static void finish(void)
{
	guest_printf("traps: %d caught, the guest still runs\n", traps);
	sbi_shutdown();
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	(void)hart;
	(void)dtb;
	__asm__ volatile("csrw stvec, %0" ::"r"(guest_trap_entry));
	__asm__ volatile("unimp");
	__asm__ volatile("csrr t0, mstatus" ::: "t0");
	__asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, x0"); /* hfence.gvma */
	/* Into VU-mode at user_program. */
	__asm__ volatile("csrc sstatus, %0\n csrw sepc, %1\n sret" ::"r"(SSTATUS_SPP),
			 "r"(user_program));
	for (;;)
		;
}
