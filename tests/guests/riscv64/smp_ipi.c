/* Two harts: hart 0 starts hart 1 with SBI HSM; they trade IPIs (SBI sPI), each waiting with
 * wfi until its supervisor software interrupt is pending; then hart 1 stops itself and hart 0
 * checks that with hart_get_status before powering off. */
#include "guest.h"

#define SBI_EXT_IPI 0x735049
#define SBI_EXT_HSM 0x48534d
#define SIP_SSIP 2ul
#define HSM_STOPPED 1

extern char _start[];

static volatile int hart1_ready;

static void wait_for_ipi(void)
{
	unsigned long sip;

	__asm__ volatile("csrs sie, %0" ::"r"(SIP_SSIP));
	for (;;) {
		__asm__ volatile("csrr %0, sip" : "=r"(sip));
		if (sip & SIP_SSIP)
			break;
		__asm__ volatile("wfi");
	}
	__asm__ volatile("csrc sip, %0" ::"r"(SIP_SSIP));
}

static void hart1(uint64_t opaque)
{
	guest_printf("hart 1 up, opaque 0x%lx\n", (unsigned long)opaque);
	hart1_ready = 1;
	wait_for_ipi();
	guest_printf("hart 1 got an IPI\n");
	sbi_call(SBI_EXT_IPI, 0, 1, 0, 0);
	sbi_call(SBI_EXT_HSM, 1, 0, 0, 0); /* hart_stop */
	guest_printf("hart 1 still running after hart_stop\n");
}

void guest_main(uint64_t hart, uint64_t arg)
{
	struct sbiret r;

	if (hart == 1) {
		hart1(arg);
		return;
	}
	r = sbi_call(SBI_EXT_HSM, 0, 1, (long)_start, 0x1234);
	/* The harts share one UART: hart 0 stays quiet until hart 1 has said its piece. */
	while (!hart1_ready)
		;
	guest_printf("hart 0: hart_start(1) = %ld\n", r.error);
	sbi_call(SBI_EXT_IPI, 0, 2, 0, 0);
	wait_for_ipi();
	guest_printf("hart 0 got an IPI\n");
	do
		r = sbi_call(SBI_EXT_HSM, 2, 1, 0, 0);
	while (r.value != HSM_STOPPED);
	guest_printf("hart 0: hart 1 is stopped\n");
	sbi_shutdown();
}
