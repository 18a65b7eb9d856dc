#include "lapic.h"

#include "boot_layout.h"
#include "pit_delay.h"
#include "x86.h"

#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDR_MASK 0xffffff000ull

#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_IRR 0x200
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310

#define SVR_ENABLE 0x100
#define SVR_SPURIOUS_VECTOR 0xff
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define TIMER_DIVIDE_BY_1 0xb
#define ICR_FIXED 0x000
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_DEST_SHIFT 24
#define ICR_DELIVERY_POLLS 1000000u

#define INIT_DELAY_US 10000
#define STARTUP_DELAY_US 200

static volatile uint32_t *lapic;

static uint32_t reg_read(uint32_t off)
{
	return lapic[off / 4];
}

static void reg_write(uint32_t off, uint32_t v)
{
	lapic[off / 4] = v;
}

bool lapic_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	uint64_t addr = base & APIC_BASE_ADDR_MASK;

	if (!(base & APIC_BASE_ENABLE) || (base & APIC_BASE_X2APIC))
		return false;
	if (addr < BOOT_MAP_UNCACHED_FROM || addr >= (1ull << 32))
		return false;
	lapic = (volatile uint32_t *)(uintptr_t)addr;
	reg_write(LAPIC_SVR, reg_read(LAPIC_SVR) | SVR_ENABLE | SVR_SPURIOUS_VECTOR);
	return true;
}

uint32_t lapic_id(void)
{
	return reg_read(LAPIC_ID) >> 24;
}

/* Sends one IPI and waits until the local APIC has delivered it. */
static bool send_ipi(uint32_t apic_id, uint32_t command)
{
	reg_write(LAPIC_ICR_HIGH, apic_id << ICR_DEST_SHIFT);
	reg_write(LAPIC_ICR_LOW, command);
	for (uint32_t i = 0; i < ICR_DELIVERY_POLLS; i++) {
		if (!(reg_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING))
			return true;
		cpu_pause();
	}
	return false;
}

void lapic_init_cpu(uint8_t timer_vector, bool tsc_deadline)
{
	reg_write(LAPIC_SVR, reg_read(LAPIC_SVR) | SVR_ENABLE | SVR_SPURIOUS_VECTOR);
	reg_write(LAPIC_TPR, 0);
	/* The legacy PIC's output (virtual-wire mode, as the BIOS leaves it) is not wanted. */
	reg_write(LAPIC_LVT_LINT0, reg_read(LAPIC_LVT_LINT0) | LVT_MASKED);
	reg_write(LAPIC_TIMER_INITIAL, 0);
	reg_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	/* Unmasked: the timer is disarmed (no deadline, no count) until it is armed. */
	reg_write(LAPIC_LVT_TIMER, timer_vector | (tsc_deadline ? LVT_TIMER_TSC_DEADLINE : 0));
}

void lapic_eoi(void)
{
	reg_write(LAPIC_EOI, 0);
}

bool lapic_send_vector(uint32_t apic_id, uint8_t vector)
{
	return send_ipi(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

bool lapic_pending(uint8_t vector)
{
	return reg_read(LAPIC_IRR + (vector / 32u) * 0x10) >> (vector % 32u) & 1;
}

void lapic_timer_oneshot(uint32_t count)
{
	reg_write(LAPIC_TIMER_INITIAL, count);
}

uint32_t lapic_timer_current(void)
{
	return reg_read(LAPIC_TIMER_CURRENT);
}

bool lapic_start_cpu(uint32_t apic_id, uint32_t entry)
{
	if (!send_ipi(apic_id, ICR_INIT | ICR_ASSERT))
		return false;
	pit_delay_us(INIT_DELAY_US);
	for (int i = 0; i < 2; i++) {
		if (!send_ipi(apic_id, ICR_STARTUP | ICR_ASSERT | (entry >> 12)))
			return false;
		pit_delay_us(STARTUP_DELAY_US);
	}
	return true;
}
