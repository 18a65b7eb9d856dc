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

/* What the feature ID registers tell a guest (they trap to the hypervisor: HCR_EL2.TID3): no
 * EL2, SVE, SME, MTE or pointer authentication, which it does not switch for guests, and the
 * GIC system-register interface. */
static void id_registers(void)
{
	uint64_t pfr0, pfr1, isar1;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	__asm__ volatile("mrs %0, id_aa64pfr1_el1" : "=r"(pfr1));
	__asm__ volatile("mrs %0, id_aa64isar1_el1" : "=r"(isar1));
	guest_printf(
	    "id registers: EL2 %llu, SVE %llu, GIC %llu, SME %llu, MTE %llu, APA %llu, API "
	    "%llu\n",
	    (unsigned long long)(pfr0 >> 8) & 0xf, (unsigned long long)(pfr0 >> 32) & 0xf,
	    (unsigned long long)(pfr0 >> 24) & 0xf, (unsigned long long)(pfr1 >> 24) & 0xf,
	    (unsigned long long)(pfr1 >> 8) & 0xf, (unsigned long long)(isar1 >> 4) & 0xf,
	    (unsigned long long)(isar1 >> 8) & 0xf);
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
	id_registers();
	psci_system_off();
}
