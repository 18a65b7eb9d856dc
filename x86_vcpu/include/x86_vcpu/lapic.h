/*
 * A vCPU's local APIC (Intel SDM Vol. 3A, chapter 11 "Advanced Programmable Interrupt
 * Controller") for the VT-x backend: its registers in xAPIC mode (the page at X86_LAPIC_BASE)
 * and x2APIC mode (MSRs 0x800-0x8ff), IA32_APIC_BASE, the IRR/ISR/TMR priority rules, the
 * interrupt command register's IPIs and the timer in one-shot, periodic and TSC-deadline mode.
 * Plain data and pure computation: the caller delivers what a write asks (struct
 * x86_lapic_effect), arms a host timer for x86_lapic_timer_deadline and injects what
 * x86_lapic_deliverable names. Unit-tested on the host.
 *
 * The APIC ID is the vCPU's index and never changes; the logical ID is derived from it
 * (axdevice/apic_bus.h), so LDR and ID writes are ignored (xAPIC) or refused (x2APIC). Times are
 * TSC values; one timer count lasts as many TSC ticks as the divide configuration says.
 *
 * Choices where the SDM leaves room:
 * - MMIO: only 4-byte accesses at 16-byte-aligned offsets inside the page; any other access
 *   (undefined on hardware) is AXERR_INVALID and the caller stops the VM. Read-only registers
 *   ignore writes; reserved offsets read 0, ignore writes and set ESR bit 7. EOI reads 0.
 * - x2APIC: a write that sets a bit the register does not implement (a reserved bit, or a
 *   read-only bit such as an LVT's delivery status) is a #GP, as SDM 11.12.1.3 says.
 * - LVT timer mode 0b11 (reserved): in xAPIC mode the write keeps the previous mode and takes
 *   the rest; in x2APIC mode it is a #GP. Any change of mode (one-shot, periodic, TSC-deadline)
 *   disarms the timer and clears the initial count and the TSC deadline.
 * - A divide configuration write while counting keeps the current count and counts it down at
 *   the new rate. Periodic mode reloads straight from 1 to the initial count (0 is not seen).
 * - Each write first runs the timer up to `now` (x86_lapic_timer_expire), so a deadline that
 *   passed before it raises its interrupt (or not, if masked at the time) before the write.
 * - The ICR's trigger mode is ignored (IPIs are edge-triggered, SDM Table 11-3 note 2) except
 *   for an INIT level de-assert, which sends nothing. SMI and the reserved delivery modes send
 *   nothing. Shorthands combine with every delivery mode (the SDM calls self and all-including-
 *   self with modes other than fixed invalid); lowest priority picks one of the destinations.
 * - An interrupt from the timer or error LVT with a vector below 16 is dropped as a received
 *   illegal vector (ESR bit 6); for the error LVT itself without raising it again.
 * - Fixed interrupts are accepted into the IRR while the APIC is software-disabled (held there,
 *   SDM 11.4.7.2) but only delivered once it is enabled. DFR models other than 0x0 (cluster)
 *   act as flat. The base address cannot move (another one is a #GP).
 */
#ifndef X86_VCPU_LAPIC_H
#define X86_VCPU_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define X86_LAPIC_BASE 0xfee00000ull
#define X86_LAPIC_SIZE 0x1000u
#define X86_MSR_APIC_BASE 0x1b
#define X86_MSR_TSC_DEADLINE 0x6e0
#define X86_MSR_X2APIC_FIRST 0x800
#define X86_MSR_X2APIC_LAST 0x8ff

/* IA32_APIC_BASE's flags. */
#define X86_APIC_BASE_BSP (1ull << 8)
#define X86_APIC_BASE_EXTD (1ull << 10)
#define X86_APIC_BASE_EN (1ull << 11)

/* The registers' xAPIC offsets; the x2APIC MSR is X86_MSR_X2APIC_FIRST + (offset >> 4). */
#define X86_LAPIC_ID 0x20
#define X86_LAPIC_VERSION 0x30
#define X86_LAPIC_TPR 0x80
#define X86_LAPIC_APR 0x90
#define X86_LAPIC_PPR 0xa0
#define X86_LAPIC_EOI 0xb0
#define X86_LAPIC_RRD 0xc0
#define X86_LAPIC_LDR 0xd0
#define X86_LAPIC_DFR 0xe0
#define X86_LAPIC_SVR 0xf0
#define X86_LAPIC_ISR 0x100 /* 8 registers 0x10 apart, vectors 32n..32n+31 in register n */
#define X86_LAPIC_TMR 0x180
#define X86_LAPIC_IRR 0x200
#define X86_LAPIC_ESR 0x280
#define X86_LAPIC_ICR 0x300
#define X86_LAPIC_ICR_HIGH 0x310
#define X86_LAPIC_LVT 0x320 /* X86_LVT_COUNT registers 0x10 apart, in enum x86_lapic_lvt order */
#define X86_LAPIC_TIMER_INITIAL 0x380
#define X86_LAPIC_TIMER_CURRENT 0x390
#define X86_LAPIC_TIMER_DIVIDE 0x3e0
#define X86_LAPIC_SELF_IPI 0x3f0 /* x2APIC only */

/* The version register: version 0x14, 6 LVT entries, no EOI-broadcast suppression. */
#define X86_LAPIC_VERSION_VALUE 0x00050014u

#define X86_SVR_ENABLE (1u << 8)
#define X86_SVR_FOCUS (1u << 9)

#define X86_ESR_SEND_ILLEGAL (1u << 5)
#define X86_ESR_RECV_ILLEGAL (1u << 6)
#define X86_ESR_ILLEGAL_REG (1u << 7)

#define X86_LVT_MASKED (1u << 16)
#define X86_LVT_TIMER_ONESHOT (0u << 17)
#define X86_LVT_TIMER_PERIODIC (1u << 17)
#define X86_LVT_TIMER_DEADLINE (2u << 17)
#define X86_LVT_TIMER_MODE (3u << 17)

#define X86_ICR_LOGICAL (1u << 11)
#define X86_ICR_ASSERT (1u << 14)
#define X86_ICR_LEVEL (1u << 15)
#define X86_ICR_SELF (1u << 18)
#define X86_ICR_ALL (2u << 18)
#define X86_ICR_OTHERS (3u << 18)

enum x86_lapic_lvt {
	X86_LVT_TIMER,
	X86_LVT_THERMAL,
	X86_LVT_PERF,
	X86_LVT_LINT0,
	X86_LVT_LINT1,
	X86_LVT_ERROR,
	X86_LVT_COUNT
};

/* One local APIC. */
struct x86_lapic {
	uint32_t id;	     /* APIC ID: the vCPU's index */
	uint32_t vcpu_count; /* APICs on the bus (at most 64), for IPI destinations */
	bool enabled;	     /* IA32_APIC_BASE.EN: globally enabled */
	bool x2apic;	     /* IA32_APIC_BASE.EXTD */
	uint8_t tpr;
	uint32_t dfr; /* bits 31:28 as written, 27:0 ones */
	uint32_t svr;
	uint32_t isr[8];
	uint32_t tmr[8];
	uint32_t irr[8];
	uint32_t esr;	      /* what ESR reads: the errors latched by the last ESR write */
	uint32_t esr_pending; /* errors since the last ESR write */
	uint64_t icr; /* bits 31:0 ICR low; 63:32 the destination (xAPIC: ICR high as it reads) */
	uint32_t lvt[X86_LVT_COUNT];
	uint32_t timer_initial; /* initial count */
	uint32_t timer_divide;	/* divide configuration (bits 0, 1, 3) */
	bool timer_armed;	/* counting toward timer_next (one-shot, periodic) or a deadline */
	uint64_t timer_next;	/* the next expiry (TSC) while armed */
};

/* What an ICR write (or x2APIC SELF IPI is handled internally) asks the caller to deliver. */
enum x86_ipi_kind { X86_IPI_NONE, X86_IPI_FIXED, X86_IPI_NMI, X86_IPI_INIT, X86_IPI_SIPI };

/* An IPI to every vCPU in vcpu_mask (never empty), the sender itself included when named.
 * vector: FIXED's vector, SIPI's start page; 0 for NMI and INIT. */
struct x86_lapic_ipi {
	enum x86_ipi_kind kind;
	uint64_t vcpu_mask;
	uint8_t vector;
};

/* What a register write asks of the caller. */
struct x86_lapic_effect {
	struct x86_lapic_ipi ipi; /* an IPI to send (kind NONE: none) */
	bool timer_changed;	  /* the timer's deadline moved: the host must re-arm */
	bool eoi_level; /* an EOI of a level-triggered vector (TMR set): for the I/O APIC */
	uint8_t eoi_vector;
};

/* Power-on (RESET) state of the APIC of vCPU id (below vcpu_count): xAPIC mode, globally
 * enabled, BSP flag when id is 0, IRR/ISR/TMR clear, every LVT masked, SVR 0xff
 * (software-disabled), DFR all ones, TPR 0, timer disarmed, divide by 2. */
void x86_lapic_reset(struct x86_lapic *a, uint32_t id, uint32_t vcpu_count);

/* An INIT signal: the registers as after x86_lapic_reset, IA32_APIC_BASE (enable, x2APIC mode)
 * kept as it was (SDM 11.12.5.1). */
void x86_lapic_init(struct x86_lapic *a);

/* IA32_APIC_BASE: X86_LAPIC_BASE with EN, EXTD and BSP. */
uint64_t x86_lapic_base_msr(const struct x86_lapic *a);

/* A WRMSR of IA32_APIC_BASE; AXERR_INVALID (the caller raises #GP) for another base address,
 * reserved bits, EXTD without EN, x2APIC to xAPIC and disabled to x2APIC (SDM 11.12.5: only
 * through xAPIC, then disabled). The BSP flag written is ignored. Disabling resets the registers
 * and leaves the APIC inert until re-enabled, which resets it again; xAPIC to x2APIC keeps the
 * state. The caller re-reads x86_lapic_timer_deadline and x86_lapic_deliverable after it. */
int x86_lapic_set_base_msr(struct x86_lapic *a, uint64_t value);

/* Whether the APIC is in x2APIC mode. */
bool x86_lapic_x2apic(const struct x86_lapic *a);

/* Whether the page at X86_LAPIC_BASE is the APIC's: globally enabled and in xAPIC mode. */
bool x86_lapic_mmio_enabled(const struct x86_lapic *a);

/* A guest read of the xAPIC page at offset; AXERR_INVALID for a width other than 4, an offset
 * not 16-byte aligned or past the page. Reads 0 while the page is not the APIC's. */
int x86_lapic_mmio_read(struct x86_lapic *a, uint32_t offset, unsigned width, uint64_t now,
			uint32_t *value);

/* A guest write of the xAPIC page at offset, with the same checks as x86_lapic_mmio_read;
 * ignored while the page is not the APIC's. *e says what the caller must do. */
int x86_lapic_mmio_write(struct x86_lapic *a, uint32_t offset, unsigned width, uint32_t value,
			 uint64_t now, struct x86_lapic_effect *e);

/* A RDMSR of an x2APIC register or IA32_TSC_DEADLINE; AXERR_INVALID (#GP) for x2APIC MSRs
 * outside x2APIC mode, write-only (EOI, SELF IPI) and absent ones (APR, RRD, DFR, ICR high,
 * CMCI, unknown numbers). IA32_TSC_DEADLINE reads the armed deadline, 0 when none. */
int x86_lapic_msr_read(struct x86_lapic *a, uint32_t msr, uint64_t now, uint64_t *value);

/* A WRMSR of an x2APIC register or IA32_TSC_DEADLINE; AXERR_INVALID (#GP) as for reads, and
 * for read-only registers, reserved bits set, a nonzero EOI or ESR value. ICR is 64 bits
 * (destination in 63:32); SELF IPI puts its vector in this APIC's own IRR. IA32_TSC_DEADLINE
 * arms the timer in TSC-deadline mode (0 disarms) and is ignored in the other modes. */
int x86_lapic_msr_write(struct x86_lapic *a, uint32_t msr, uint64_t value, uint64_t now,
			struct x86_lapic_effect *e);

/* A fixed interrupt arrives: into the IRR, the TMR bit set when level-triggered (else cleared).
 * Vectors 0-15 are dropped with ESR bit 6. Ignored while globally disabled. */
void x86_lapic_accept(struct x86_lapic *a, uint8_t vector, bool level);

/* The highest IRR vector whose priority class is above PPR's, while the APIC is enabled
 * globally and in SVR; else -1. */
int x86_lapic_deliverable(const struct x86_lapic *a);

/* The processor took vector (from x86_lapic_deliverable): it moves from the IRR to the ISR. */
void x86_lapic_ack(struct x86_lapic *a, uint8_t vector);

/* The processor priority: TPR, or the class of the highest vector in service if that is
 * higher. */
uint8_t x86_lapic_ppr(const struct x86_lapic *a);

/* At now, the timer's deadline having passed: its vector goes to the IRR unless the timer LVT is
 * masked; one-shot and TSC-deadline disarm, periodic re-arms one period after the last deadline
 * it has not reached (missed periods raise one interrupt). Whether the IRR got the vector. The
 * caller re-reads x86_lapic_timer_deadline after it. */
bool x86_lapic_timer_expire(struct x86_lapic *a, uint64_t now);

/* When the timer next fires (TSC); UINT64_MAX when disarmed or masked (nothing to wake for). */
uint64_t x86_lapic_timer_deadline(const struct x86_lapic *a);

/* The timer's registers, as the register writes use them once the timer has run up to now
 * (x86_lapic_timer_expire). */

/* The current count register at now: 0 when stopped, expired (one-shot) or in TSC-deadline
 * mode. */
uint32_t x86_lapic_timer_current(const struct x86_lapic *a, uint64_t now);

/* Writes the initial count at now: counting starts (0 stops it); ignored in TSC-deadline mode. */
void x86_lapic_timer_set_initial(struct x86_lapic *a, uint32_t count, uint64_t now);

/* Writes the divide configuration at now (bits 0, 1, 3): the current count carries on at the
 * new rate. */
void x86_lapic_timer_set_divide(struct x86_lapic *a, uint32_t divide, uint64_t now);

/* Writes the timer LVT with value (only writable bits, mode not 0b11): a new mode disarms the
 * timer and clears the initial count and the TSC deadline. */
void x86_lapic_timer_set_lvt(struct x86_lapic *a, uint32_t value);

/* IA32_TSC_DEADLINE as it reads: the armed deadline in TSC-deadline mode, else 0. */
uint64_t x86_lapic_tsc_deadline(const struct x86_lapic *a);

/* Writes IA32_TSC_DEADLINE: arms the timer for deadline (0 disarms) in TSC-deadline mode; ignored
 * in the other modes. */
void x86_lapic_set_tsc_deadline(struct x86_lapic *a, uint64_t deadline);

/* The task priority register (CR8 is TPR[7:4]: the caller converts). */
uint8_t x86_lapic_tpr(const struct x86_lapic *a);

/* Sets the task priority register (a MOV to CR8). */
void x86_lapic_set_tpr(struct x86_lapic *a, uint8_t tpr);

#endif
