/* The guest's MP table (mptable.h). */
#include "mptable.h"

#include <axvm/error.h>
#include <string.h>

#include "bytes.h"

#define FLOATING_SIZE 16
#define HEADER_SIZE 44
#define PROCESSOR_SIZE 20
#define ENTRY_SIZE 8 /* bus, I/O APIC and interrupt assignment entries */
#define ISA_IRQS 16
#define IO_INTERRUPTS (ISA_IRQS - 1) /* no entry for the cascade, IRQ 2 */
#define LOCAL_INTERRUPTS 2

#define SPEC_REV_1_4 4
#define ENTRY_PROCESSOR 0
#define ENTRY_BUS 1
#define ENTRY_IOAPIC 2
#define ENTRY_IO_INTERRUPT 3
#define ENTRY_LOCAL_INTERRUPT 4
#define CPU_ENABLED (1u << 0)
#define CPU_BOOTSTRAP (1u << 1)
#define LAPIC_VERSION 0x14
#define IOAPIC_VERSION 0x20 /* the I/O APIC model's (axdevice/ioapic.h) */
#define IOAPIC_ENABLED 1
#define INT_VECTORED 0
#define INT_NMI 1
#define INT_EXTINT 3
#define ISA_BUS 0
#define ALL_LAPICS 0xff
#define FOUR_GIB (1ull << 32)

size_t mptable_size(uint32_t cpu_count)
{
	return FLOATING_SIZE + HEADER_SIZE + (size_t)cpu_count * PROCESSOR_SIZE +
	       (2 + IO_INTERRUPTS + LOCAL_INTERRUPTS) * ENTRY_SIZE;
}

/* An interrupt assignment entry: type, interrupt type, flags 0 (the bus's polarity and trigger),
 * source bus and IRQ, destination APIC ID and its input pin. */
static uint8_t *interrupt_entry(uint8_t *p, uint8_t entry, uint8_t kind, uint8_t irq, uint8_t apic,
				uint8_t pin)
{
	const uint8_t e[ENTRY_SIZE] = {entry, kind, 0, 0, ISA_BUS, irq, apic, pin};

	memcpy(p, e, ENTRY_SIZE);
	return p + ENTRY_SIZE;
}

int mptable_write(const struct mptable_config *c, uint64_t gpa, uint8_t *buf, size_t len)
{
	size_t size = mptable_size(c->cpu_count);
	uint8_t *table = buf + FLOATING_SIZE, *p = table + HEADER_SIZE;
	uint8_t ioapic_id = (uint8_t)c->cpu_count;

	if (!c->cpu_count || c->cpu_count > MPTABLE_MAX_CPUS || (gpa & 15) ||
	    gpa + size > FOUR_GIB || len < size)
		return AXERR_INVALID;
	memset(buf, 0, size);
	for (uint32_t i = 0; i < c->cpu_count; i++, p += PROCESSOR_SIZE) {
		p[0] = ENTRY_PROCESSOR;
		p[1] = (uint8_t)i;
		p[2] = LAPIC_VERSION;
		p[3] = CPU_ENABLED | (i == 0 ? CPU_BOOTSTRAP : 0);
		le_put(p + 4, 4, c->cpu_signature);
		le_put(p + 8, 4, c->cpu_features);
	}
	memcpy(p, (const uint8_t[ENTRY_SIZE]){ENTRY_BUS, ISA_BUS, 'I', 'S', 'A', ' ', ' ', ' '},
	       ENTRY_SIZE);
	p += ENTRY_SIZE;
	p[0] = ENTRY_IOAPIC;
	p[1] = ioapic_id;
	p[2] = IOAPIC_VERSION;
	p[3] = IOAPIC_ENABLED;
	le_put(p + 4, 4, c->ioapic_addr);
	p += ENTRY_SIZE;
	for (uint8_t irq = 0; irq < ISA_IRQS; irq++) {
		if (irq == 2)
			continue;
		p = interrupt_entry(p, ENTRY_IO_INTERRUPT, INT_VECTORED, irq, ioapic_id,
				    irq == 0 ? 2 : irq);
	}
	p = interrupt_entry(p, ENTRY_LOCAL_INTERRUPT, INT_EXTINT, 0, ALL_LAPICS, 0);
	interrupt_entry(p, ENTRY_LOCAL_INTERRUPT, INT_NMI, 0, ALL_LAPICS, 1);

	memcpy(table, "PCMP", 4);
	le_put(table + 4, 2, size - FLOATING_SIZE);
	table[6] = SPEC_REV_1_4;
	memcpy(table + 8, "AXVM-C  ", 8);
	memcpy(table + 16, "VIRTUAL PC  ", 12);
	le_put(table + 34, 2, c->cpu_count + 2 + IO_INTERRUPTS + LOCAL_INTERRUPTS);
	le_put(table + 36, 4, c->lapic_addr);
	set_checksum(table, size - FLOATING_SIZE, 7);

	memcpy(buf, "_MP_", 4);
	le_put(buf + 4, 4, gpa + FLOATING_SIZE);
	buf[8] = 1; /* 16-byte units */
	buf[9] = SPEC_REV_1_4;
	set_checksum(buf, FLOATING_SIZE, 10);
	return AX_OK;
}
