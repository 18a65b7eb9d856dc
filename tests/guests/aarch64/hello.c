/* The first aarch64 guest: console output through the emulated PL011, SMCCC and PSCI calls,
 * emulated loads the hardware does not decode (a writeback form: ESR_EL2.ISV = 0) and ones it
 * does, sign-extended, and a clean power-off through PSCI SYSTEM_OFF. */
#include "guest.h"

/* The PL011's flag register read four ways: ldr w (ISV = 1), ldrsb x with the sign bit of
 * UARTFR's TXFE (bit 7) set, ldr w with pre-index writeback (ISV = 0: the hypervisor decodes
 * the instruction and moves the base), and ldrb into xzr (nothing to write). */
static void mmio_loads(void)
{
	uint64_t plain, sext, pre, base = GUEST_UART;

	__asm__ volatile(
	    "ldr %w[plain], [%[uart], #0x18]\n"
	    "ldrsb %[sext], [%[uart], #0x18]\n"
	    "ldr %w[pre], [%[base], #0x18]!\n"
	    "ldrb wzr, [%[uart], #0x18]\n"
	    : [plain] "=&r"(plain), [sext] "=&r"(sext), [pre] "=&r"(pre), [base] "+&r"(base)
	    : [uart] "r"(GUEST_UART)
	    : "memory");
	guest_printf("emulated loads: ldr 0x%llx, ldrsb 0x%llx, ldr pre-index 0x%llx, base moved "
		     "by 0x%llx\n",
		     (unsigned long long)plain, (unsigned long long)sext, (unsigned long long)pre,
		     (unsigned long long)(base - GUEST_UART));
}

void guest_main(uint64_t cpu, uint64_t x0)
{
	guest_printf("hello from an aarch64 guest: cpu %llu, x0 0x%llx\n", (unsigned long long)cpu,
		     (unsigned long long)x0);
	guest_printf(
	    "psci version 0x%llx, smccc version 0x%llx, psci features(smccc version) %lld\n",
	    (unsigned long long)hvc_call(PSCI_VERSION, 0, 0, 0),
	    (unsigned long long)hvc_call(SMCCC_VERSION, 0, 0, 0),
	    (long long)hvc_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0));
	guest_printf("unknown call 0x%llx\n", (unsigned long long)hvc_call(0xc2000042ul, 0, 0, 0));
	mmio_loads();
	psci_system_off();
}
