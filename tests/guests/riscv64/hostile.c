/*
 * The hostile guest: one misdeed per run, chosen by "hostile=NAME" in its command line (the
 * /chosen bootargs of the devicetree the host generates from its VM config), run next to a good
 * VM by tests/hostile. Scenarios the hypervisor must refuse stop this VM; scenarios the guest
 * must be answered for report the answers and power off. An exception the guest kernel itself
 * receives is reported ("exception N") and ends the run.
 *
 * The misdeeds here are riscv64's own (AMOs, page tables, SBI, user mode, vectors); those any
 * architecture's guest can commit are scenarios of tests/conformance.
 *
 * The VM (tests/hostile/bad_vm.dts.in): 2 harts (the second starts only when a scenario starts
 * it), 16 MiB of RAM at 0x80000000, 1 MiB read-only at 0x81000000, the NS16550A at 0x10000000
 * without an interrupt controller, the host's RTC passed through at 0x50000000; nothing at
 * 0x40000000.
 */
#include <libfdt.h>
#include <string.h>

#include "guest.h"

#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_DBCN 0x4442434e
#define UNMAPPED 0x40000000ul
#define ROM 0x81000000ul
#define UART 0x10000000ul
#define RTC_WINDOW 0x50000000ul
#define HSM_STOPPED 1
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_VS_INITIAL (1ul << 9)

extern char guest_trap_entry[];
extern char _start[];
void guest_trap(unsigned long scause);

static volatile int hart1_runs;

static long sbi(long ext, long fid, long a0, long a1, long a2)
{
	return sbi_call(ext, fid, a0, a1, a2).error;
}

/* Any exception that reaches the guest kernel ends the run, reported (no scenario enables
 * interrupts). */
void guest_trap(unsigned long scause)
{
	unsigned long sepc;

	__asm__ volatile("csrr %0, sepc" : "=r"(sepc));
	guest_printf("hostile: the guest got exception %lu at 0x%lx\n", scause, sepc);
	sbi_shutdown();
}

static void amo_mmio(void)
{
	__asm__ volatile("amoswap.w zero, zero, (%0)" ::"r"(UART) : "memory");
}

/* Paging on (Sv39, identity), with the table for the gigabyte at 0x40000000 placed in the
 * UART: the walk for an access there reads its "page-table entry" from a device. A hart does
 * not walk through device memory: the guest kernel must get the access fault of the access. */
static uint64_t root[512] __attribute__((aligned(4096)));

static void paging_through_the_uart(void)
{
	root[0] = 0xc7;				     /* the first gigabyte, V R W A D */
	root[1] = (UART >> 12) << 10 | 0x01;	     /* next level: in the UART */
	root[2] = (0x80000000ul >> 12) << 10 | 0xcf; /* RAM, V R W X A D */
	__asm__ volatile(
	    "sfence.vma\n csrw satp, %0\n sfence.vma" ::"r"(8ul << 60 | (unsigned long)root >> 12)
	    : "memory");
	guest_printf("hostile: paging on\n");
}

static void page_table_in_mmio(void)
{
	paging_through_the_uart();
	(void)*(volatile uint64_t *)(UNMAPPED + 0x1008);
	guest_printf("hostile: a load through a table in the UART returned\n");
}

static void page_table_in_mmio_fetch(void)
{
	paging_through_the_uart();
	((void (*)(void))(UNMAPPED + 0x1000))();
	guest_printf("hostile: a call through a table in the UART returned\n");
}

static void sbi_unknown(void)
{
	guest_printf("hostile: unknown extension %ld, unknown function %ld\n",
		     sbi(0x0a000000, 0, 0, 0, 0), sbi(SBI_EXT_BASE, 99, 0, 0, 0));
}

static void dbcn_bad(void)
{
	guest_printf("hostile: dbcn write from a device window %ld, wrapping %ld, outside %ld\n",
		     sbi(SBI_EXT_DBCN, 0, 8, RTC_WINDOW, 0), sbi(SBI_EXT_DBCN, 0, 64, -16l, -1),
		     sbi(SBI_EXT_DBCN, 0, 8, 0x70000000, 0));
	guest_printf("hostile: dbcn read into read-only memory %ld, into a device window %ld\n",
		     sbi(SBI_EXT_DBCN, 1, 8, ROM, 0), sbi(SBI_EXT_DBCN, 1, 8, RTC_WINDOW, 0));
}

static void hsm_bad(void)
{
	guest_printf("hostile: start self %ld, absent hart %ld, status of absent %ld\n",
		     sbi(SBI_EXT_HSM, 0, 0, (long)_start, 0),
		     sbi(SBI_EXT_HSM, 0, 2, (long)_start, 0), sbi(SBI_EXT_HSM, 2, 7, 0, 0));
	guest_printf("hostile: start at a device window %ld, unmapped %ld, odd %ld\n",
		     sbi(SBI_EXT_HSM, 0, 1, RTC_WINDOW, 0), sbi(SBI_EXT_HSM, 0, 1, UNMAPPED, 0),
		     sbi(SBI_EXT_HSM, 0, 1, (long)_start + 1, 0));
}

static void hsm_cycles(void)
{
	int cycles = 0;

	for (int i = 0; i < 20; i++) {
		if (sbi(SBI_EXT_HSM, 0, 1, (long)_start, i))
			break;
		while (sbi_call(SBI_EXT_HSM, 2, 1, 0, 0).value != HSM_STOPPED)
			;
		cycles++;
	}
	guest_printf("hostile: %d start/stop cycles, hart 1 ran %d times\n", cycles, hart1_runs);
}

static void ipi_bad(void)
{
	guest_printf("hostile: ipi base 2^40 %ld, absent hart %ld\n",
		     sbi(SBI_EXT_IPI, 0, 1, 1l << 40, 0), sbi(SBI_EXT_IPI, 0, 4, 0, 0));
	guest_printf("hostile: fence.i base 2^40 %ld, sfence.vma absent hart %ld\n",
		     sbi(SBI_EXT_RFENCE, 0, 1, 1l << 40, 0), sbi(SBI_EXT_RFENCE, 1, 4, 0, 0));
}

static void dbcn_flood(void)
{
	static char line[256];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 200; i++)
		sbi(SBI_EXT_DBCN, 0, sizeof(line), (long)line, 0);
	guest_printf("hostile: 200 DBCN writes of 256 bytes\n");
}

static void rfence_flood(void)
{
	for (int i = 0; i < 3000; i++)
		sbi(SBI_EXT_RFENCE, 0, 0, -1, 0);
	guest_printf("hostile: 3000 remote fences\n");
}

/* Vector instructions on a hart that has them: vector state is not switched between vCPUs,
 * so the hypervisor keeps them off for guests, whatever the guest sets in its sstatus.VS. */
static void vector(void)
{
	__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_VS_INITIAL));
	__asm__ volatile(".word 0x000572d7" ::: "t0"); /* vsetvli t0, a0, e8, m1, tu, mu */
	guest_printf("hostile: vsetvli ran in a guest\n");
}

/* A user program: an illegal instruction. */
static void user_code(void)
{
	__asm__ volatile("unimp");
	for (;;)
		;
}

static void user_illegal(void)
{
	/* Into VU-mode: the guest kernel gets the user's illegal instruction (exception 2). */
	__asm__ volatile("csrc sstatus, %0\n csrw sepc, %1\n sret" ::"r"(SSTATUS_SPP),
			 "r"(user_code));
}

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
    {"amo_mmio", amo_mmio},
    {"page_table_in_mmio", page_table_in_mmio},
    {"page_table_in_mmio_fetch", page_table_in_mmio_fetch},
    {"sbi_unknown", sbi_unknown},
    {"dbcn_bad", dbcn_bad},
    {"hsm_bad", hsm_bad},
    {"hsm_cycles", hsm_cycles},
    {"ipi_bad", ipi_bad},
    {"dbcn_flood", dbcn_flood},
    {"rfence_flood", rfence_flood},
    {"user_illegal", user_illegal},
    {"vector", vector},
};

/* The scenario named by "hostile=NAME" in /chosen bootargs (the last word). */
static const char *scenario_name(const void *dtb)
{
	static const char key[] = "hostile=";
	int chosen = fdt_path_offset(dtb, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(dtb, chosen, "bootargs", NULL) : NULL;

	for (const char *p = args; p && *p; p++) {
		if (strncmp(p, key, sizeof(key) - 1) == 0)
			return p + sizeof(key) - 1;
	}
	return "";
}

void guest_main(uint64_t hart, uint64_t arg)
{
	const char *name;

	__asm__ volatile("csrw stvec, %0" ::"r"(guest_trap_entry));
	if (hart == 1) {
		/* hsm_cycles starts this hart again and again: it stops itself each time. */
		hart1_runs++;
		sbi(SBI_EXT_HSM, 1, 0, 0, 0);
		return;
	}
	name = scenario_name((const void *)arg);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(name, scenarios[i].name) == 0) {
			guest_printf("hostile: %s\n", name);
			scenarios[i].run();
			guest_printf("hostile: %s done\n", name);
			sbi_shutdown();
		}
	}
	guest_printf("hostile: no scenario \"%s\"\n", name);
	sbi_shutdown();
}
