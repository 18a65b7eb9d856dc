/* The UART's THR-empty interrupt through the PLIC: enabled at the PLIC for hart 0's S-mode
 * context, taken as a supervisor external interrupt (trap), claimed, silenced at the UART and
 * completed. */
#include "guest.h"

#define PLIC 0x0c000000ul
#define PLIC_PRIORITY(src) (PLIC + 4 * (src))
#define PLIC_ENABLE_CTX1 (PLIC + 0x2080)
#define PLIC_THRESHOLD_CTX1 (PLIC + 0x201000)
#define PLIC_CLAIM_CTX1 (PLIC + 0x201004)
#define UART_IER ((volatile uint8_t *)0x10000001ul)
#define UART_SOURCE 10
#define SIE_SEIE (1ul << 9)
#define SSTATUS_SIE (1ul << 1)
#define IRQ_EXTERNAL ((1ul << 63) | 9)

extern char guest_trap_entry[];
void guest_trap(unsigned long scause);

static volatile int interrupts;
static volatile unsigned claimed;

static void mmio_write32(unsigned long addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

void guest_trap(unsigned long scause)
{
	if (scause != IRQ_EXTERNAL) {
		guest_printf("unexpected trap 0x%lx\n", scause);
		sbi_shutdown();
	}
	claimed = *(volatile uint32_t *)PLIC_CLAIM_CTX1;
	*UART_IER = 0; /* THR empty stays true: silence it at the source */
	mmio_write32(PLIC_CLAIM_CTX1, claimed);
	interrupts++;
}

void guest_main(uint64_t hart, uint64_t dtb)
{
	(void)hart;
	(void)dtb;
	mmio_write32(PLIC_PRIORITY(UART_SOURCE), 1);
	mmio_write32(PLIC_THRESHOLD_CTX1, 0);
	mmio_write32(PLIC_ENABLE_CTX1, 1u << UART_SOURCE);
	__asm__ volatile("csrw stvec, %0" ::"r"(guest_trap_entry));
	__asm__ volatile("csrs sie, %0" ::"r"(SIE_SEIE));
	__asm__ volatile("csrs sstatus, %0" ::"r"(SSTATUS_SIE));
	*UART_IER = 0x02; /* ETBEI */
	while (!interrupts)
		__asm__ volatile("wfi");
	guest_printf("uart interrupt via the plic: source %u, %d interrupt(s)\n", claimed,
		     interrupts);
	sbi_shutdown();
}
