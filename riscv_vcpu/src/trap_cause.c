#include <riscv_vcpu/trap_cause.h>

#include <stddef.h>

static const char *const exception_names[] = {
    [0] = "instruction address misaligned",
    [1] = "instruction access fault",
    [2] = "illegal instruction",
    [3] = "breakpoint",
    [4] = "load address misaligned",
    [5] = "load access fault",
    [6] = "store/AMO address misaligned",
    [7] = "store/AMO access fault",
    [8] = "environment call from U-mode or VU-mode",
    [9] = "environment call from HS-mode",
    [10] = "environment call from VS-mode",
    [11] = "environment call from M-mode",
    [12] = "instruction page fault",
    [13] = "load page fault",
    [15] = "store/AMO page fault",
    [20] = "instruction guest-page fault",
    [21] = "load guest-page fault",
    [22] = "virtual instruction",
    [23] = "store/AMO guest-page fault",
};

static const char *const interrupt_names[] = {
    [1] = "supervisor software interrupt",	  [2] = "virtual supervisor software interrupt",
    [5] = "supervisor timer interrupt",		  [6] = "virtual supervisor timer interrupt",
    [9] = "supervisor external interrupt",	  [10] = "virtual supervisor external interrupt",
    [12] = "supervisor guest external interrupt",
};

const char *riscv_trap_cause_name(uint64_t scause)
{
	uint64_t code = scause & ~SCAUSE_INTERRUPT;
	const char *const *names = exception_names;
	size_t count = sizeof(exception_names) / sizeof(exception_names[0]);
	const char *name;

	if (scause & SCAUSE_INTERRUPT) {
		names = interrupt_names;
		count = sizeof(interrupt_names) / sizeof(interrupt_names[0]);
	}
	name = code < count ? names[code] : NULL;
	if (name)
		return name;
	return scause & SCAUSE_INTERRUPT ? "unknown interrupt" : "unknown exception";
}
