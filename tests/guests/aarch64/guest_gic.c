#include "guest_gic.h"

#define GICD_CTLR 0x0
#define GICD_CTLR_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICR_WAKER 0x14
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_ISENABLER0 (0x10000 + 0x100)

static void w32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static uint32_t r32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

void guest_gic_enable(void)
{
	w32(GUEST_GICD + GICD_CTLR, GICD_CTLR_GRP1 | GICD_CTLR_ARE);
}

void guest_gic_init_cpu(uint64_t cpu, uint32_t enable)
{
	uint64_t rd = GUEST_GICR + cpu * GUEST_GICR_STRIDE;

	__asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(guest_vectors));
	w32(rd + GICR_WAKER, r32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	while (r32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP)
		;
	w32(rd + GICR_ISENABLER0, enable);
	__asm__ volatile("msr icc_sre_el1, %0\n\tisb" ::"r"((uint64_t)1));
	__asm__ volatile("msr icc_pmr_el1, %0" ::"r"((uint64_t)0xff));
	__asm__ volatile("msr icc_igrpen1_el1, %0\n\tisb" ::"r"((uint64_t)1));
	__asm__ volatile("msr daifclr, #2");
}

uint32_t guest_gic_ack(void)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(iar));
	return (uint32_t)iar & 0xffffffu;
}

void guest_gic_eoi(uint32_t intid)
{
	__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" ::"r"((uint64_t)intid));
}

void guest_gic_send_sgi(uint32_t intid, uint32_t target)
{
	__asm__ volatile(
	    "msr icc_sgi1r_el1, %0\n\tisb" ::"r"((uint64_t)intid << 24 | 1u << target));
}

uint64_t guest_counter(void)
{
	uint64_t now;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(now));
	return now;
}

uint64_t guest_counter_hz(void)
{
	uint64_t freq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	return freq;
}

void guest_timer_at(uint64_t deadline, bool on)
{
	__asm__ volatile("msr cntv_cval_el0, %0" ::"r"(deadline));
	__asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"((uint64_t)(on ? 1 : 0)));
}
