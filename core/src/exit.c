#include <axvm/exit.h>

const char *axvm_exit_name(enum axvm_exit_kind kind)
{
	static const char *const names[AXVM_EXIT_KINDS] = {
	    [AXVM_EXIT_NOTHING] = "nothing",
	    [AXVM_EXIT_HYPERCALL] = "hypercall",
	    [AXVM_EXIT_MMIO_READ] = "mmio-read",
	    [AXVM_EXIT_MMIO_WRITE] = "mmio-write",
	    [AXVM_EXIT_SYSREG_READ] = "sysreg-read",
	    [AXVM_EXIT_SYSREG_WRITE] = "sysreg-write",
	    [AXVM_EXIT_IO_READ] = "io-read",
	    [AXVM_EXIT_IO_WRITE] = "io-write",
	    [AXVM_EXIT_EXTERNAL_INTERRUPT] = "external-interrupt",
	    [AXVM_EXIT_NESTED_PAGE_FAULT] = "nested-page-fault",
	    [AXVM_EXIT_HALT] = "halt",
	    [AXVM_EXIT_CPU_UP] = "cpu-up",
	    [AXVM_EXIT_CPU_DOWN] = "cpu-down",
	    [AXVM_EXIT_SYSTEM_DOWN] = "system-down",
	    [AXVM_EXIT_SEND_IPI] = "send-ipi",
	    [AXVM_EXIT_FAIL_ENTRY] = "fail-entry",
	    [AXVM_EXIT_TIMER] = "timer",
	    [AXVM_EXIT_GUEST_TRAP] = "guest-trap",
	};

	return (unsigned)kind < AXVM_EXIT_KINDS ? names[kind] : "unknown";
}
