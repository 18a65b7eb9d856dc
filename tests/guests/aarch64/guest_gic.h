/* The test guests' side of the emulated GICv3 (QEMU virt's addresses, as the VM configurations
 * place it) and of the architected virtual timer and counter. */
#ifndef TESTS_GUESTS_AARCH64_GUEST_GIC_H
#define TESTS_GUESTS_AARCH64_GUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_GICD 0x08000000ul
#define GUEST_GICR 0x080a0000ul
#define GUEST_GICR_STRIDE 0x20000ul
#define GUEST_VTIMER_PPI 27u

/* The vector table of trap_entry.S; guest_irq is each guest's own. */
extern char guest_vectors[];
void guest_irq(void);

/* The distributor on: group 1, affinity routing. Once, on one vCPU. */
void guest_gic_enable(void);

/* This vCPU (Aff0 cpu): the vector table installed, its redistributor awake with the SGIs and
 * PPIs of enable (bit n: INTID n) enabled, the CPU interface on (priority mask open, group 1
 * enabled), IRQs unmasked. */
void guest_gic_init_cpu(uint64_t cpu, uint32_t enable);

/* Acknowledges the highest-priority pending interrupt (ICC_IAR1_EL1): its INTID. */
uint32_t guest_gic_ack(void);

/* Ends intid (ICC_EOIR1_EL1: priority drop and deactivation). */
void guest_gic_eoi(uint32_t intid);

/* SGI intid to the vCPU with Aff0 target (Aff3..Aff1 0), through ICC_SGI1R_EL1. */
void guest_gic_send_sgi(uint32_t intid, uint32_t target);

/* The virtual counter (CNTVCT_EL0) and its frequency. */
uint64_t guest_counter(void);
uint64_t guest_counter_hz(void);

/* The virtual timer: due at deadline (a CNTVCT_EL0 value), or off. */
void guest_timer_at(uint64_t deadline, bool on);

#endif
