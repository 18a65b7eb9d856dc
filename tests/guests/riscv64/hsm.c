/*
 * SBI HSM as the spec has it, on two harts. Hart 1 is started, turns paging and interrupts on
 * and stops; started again, it must begin with satp = 0, sstatus.SIE = 0, a0 = its hart id and
 * a1 = the new opaque. Then it suspends (retentive, with junk in the upper half of
 * suspend_type, which is 32 bits wide) while hart 0 watches its status say SUSPENDED and wakes
 * it with an IPI; then it suspends non-retentively and must resume at the given address in the
 * start state, and stops.
 */
#include "guest.h"

#define SBI_EXT_IPI 0x735049
#define SBI_EXT_HSM 0x48534d
#define HSM_START 0
#define HSM_STOP 1
#define HSM_STATUS 2
#define HSM_SUSPEND 3
#define STATUS_STOPPED 1
#define STATUS_SUSPENDED 4
#define SIE_SSIE 2ul
#define SIP_SSIP 2ul
#define SSTATUS_SIE 2ul
#define FIRST 0x1111
#define AGAIN 0x2222
#define RESUMED 0x3333

extern char _start[];

static uint64_t page_table[512] __attribute__((aligned(4096)));
static volatile int stage;

static unsigned long read_satp(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, satp" : "=r"(v));
	return v;
}

static unsigned long read_sie_bit(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, sstatus" : "=r"(v));
	return v & SSTATUS_SIE;
}

/* Identity-maps the UART's and RAM's gigabytes (Sv39) and turns paging on. */
static void paging_on(void)
{
	page_table[0] = (0x0ul >> 12) << 10 | 0xc7;	   /* V R W A D */
	page_table[2] = (0x80000000ul >> 12) << 10 | 0xcf; /* V R W X A D */
	__asm__ volatile("sfence.vma\n csrw satp, %0\n sfence.vma" ::"r"(
			     8ul << 60 | (unsigned long)page_table >> 12)
			 : "memory");
}

static void report_start(const char *how, uint64_t hart, uint64_t opaque)
{
	guest_printf("hart 1: %s: a0 %lu, opaque 0x%lx, satp 0x%lx, sie %lu\n", how,
		     (unsigned long)hart, (unsigned long)opaque, read_satp(), read_sie_bit());
}

static void hart1(uint64_t hart, uint64_t opaque)
{
	struct sbiret r;

	if (opaque == FIRST) {
		report_start("started", hart, opaque);
		paging_on();
		__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
		guest_printf("hart 1: paging and interrupts on (satp 0x%lx), stopping\n",
			     read_satp());
		stage = 1;
		sbi_call(SBI_EXT_HSM, HSM_STOP, 0, 0, 0);
		guest_printf("hart 1: still running after hart_stop\n");
		return;
	}
	if (opaque == AGAIN) {
		report_start("started again", hart, opaque);
		__asm__ volatile("csrs sie, %0" ::"r"(SIE_SSIE));
		stage = 2;
		r = sbi_call(SBI_EXT_HSM, HSM_SUSPEND, (long)0xffffffff00000000ul, 0, 0);
		__asm__ volatile("csrc sip, %0" ::"r"(SIP_SSIP));
		guest_printf("hart 1: back from a retentive suspend: error %ld\n", r.error);
		paging_on();
		__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
		stage = 3;
		r = sbi_call(SBI_EXT_HSM, HSM_SUSPEND, 0x80000000l, (long)_start, RESUMED);
		guest_printf("hart 1: non-retentive suspend returned: error %ld\n", r.error);
		return;
	}
	report_start("resumed", hart, opaque);
	stage = 4;
	sbi_call(SBI_EXT_HSM, HSM_STOP, 0, 0, 0);
}

/* Polls hart 1's status until it is `want`. */
static void wait_status(long want, const char *name)
{
	struct sbiret r;

	do
		r = sbi_call(SBI_EXT_HSM, HSM_STATUS, 1, 0, 0);
	while (r.error || r.value != want);
	guest_printf("hart 0: hart 1 is %s\n", name);
}

void guest_main(uint64_t hart, uint64_t opaque)
{
	struct sbiret r, again;

	if (hart == 1) {
		hart1(hart, opaque);
		return;
	}
	r = sbi_call(SBI_EXT_HSM, HSM_START, 1, (long)_start, FIRST);
	while (stage < 1)
		;
	wait_status(STATUS_STOPPED, "stopped");
	again = sbi_call(SBI_EXT_HSM, HSM_START, 1, (long)_start, AGAIN);
	while (stage < 2)
		;
	guest_printf("hart 0: hart_start(1) = %ld, again = %ld\n", r.error, again.error);
	wait_status(STATUS_SUSPENDED, "suspended");
	sbi_call(SBI_EXT_IPI, 0, 2, 0, 0);
	while (stage < 3)
		;
	wait_status(STATUS_SUSPENDED, "suspended again");
	sbi_call(SBI_EXT_IPI, 0, 2, 0, 0);
	while (stage < 4)
		;
	wait_status(STATUS_STOPPED, "stopped again");
	sbi_shutdown();
}
