#include "lapic.h"

#include "boot_layout.h"
#include "pit_delay.h"
#include "x86.h"

#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDR_MASK 0xffffff000ull

#define LAPIC_ID 0x020
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310

#define SVR_ENABLE 0x100
#define SVR_SPURIOUS_VECTOR 0xff
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
