/*
 * The RISC-V Platform-Level Interrupt Controller as a guest sees it (riscv-plic-spec 1.0.0, the
 * "sifive,plic-1.0.0" and "riscv,plic0" of Linux and U-Boot). Sources are level-triggered lines
 * the host drives; each context (a hart's M-mode or S-mode) has one output line, the external
 * interrupt of that hart and mode, whose level is reported whenever it changes.
 *
 * Register map (offsets in the device; every register is 32 bits wide):
 *   0x000000 + 4 * s         priority of source s (1..sources), WARL: the low
 *                            AXDEVICE_PLIC_PRIORITY_BITS bits are kept
 *   0x001000 + 4 * w         pending bits of sources 32w..32w+31, read-only
 *   0x002000 + 0x80 * c      enable bits of context c, 32 sources a word, WARL
 *   0x200000 + 0x1000 * c    priority threshold of context c, WARL as the priorities
 *   0x200004 + 0x1000 * c    claim (read) / complete (write) of context c
 * Only aligned 32-bit accesses work; any other width or alignment is AXERR_INVALID. Any other
 * offset, the priority and bits of source 0 or of sources above `sources`, and the registers
 * of contexts at or above `contexts` read 0 and ignore writes, as do writes to the pending bits.
 *
 * Gateways are level-triggered: a source becomes pending when its level rises (or is high at a
 * completion); a claim clears the pending bit and the source cannot pend again until the guest
 * completes it; a level that falls does not retract a pending request (the guest's handler
 * then finds nothing to do). A context's output is high while an enabled pending source has a
 * priority above the context's threshold; priority 0 never interrupts. A claim returns that
 * source of highest priority (ties go to the lowest id), or 0, as QEMU's does: the threshold
 * masks claims too, where the spec's text lets claims ignore it. A completion of a source that
 * is not claimed or not enabled for the completing context is ignored.
 */
#ifndef AXDEVICE_PLIC_H
#define AXDEVICE_PLIC_H

#include <stdbool.h>
#include <stdint.h>

#include <axdevice/device.h>
#include <axdevice/irqchip.h>
#include <axvm/alloc.h>

/* The most sources a PLIC has: ids 1..1023 (0 means "no interrupt"). */
#define AXDEVICE_PLIC_MAX_SOURCES 1023
/* The most contexts a PLIC has: 15872, the last one's registers end at 0x4000000. */
#define AXDEVICE_PLIC_MAX_CONTEXTS 15872
/* Priorities and thresholds have this many bits (7 levels and 0, as on QEMU's virt). */
#define AXDEVICE_PLIC_PRIORITY_BITS 3
#define AXDEVICE_PLIC_MAX_PRIORITY ((1u << AXDEVICE_PLIC_PRIORITY_BITS) - 1)
/* Where the per-context threshold and claim/complete registers start, and their stride. */
#define AXDEVICE_PLIC_CONTEXT_BASE 0x200000u
#define AXDEVICE_PLIC_CONTEXT_STRIDE 0x1000u

/* What a PLIC needs from the host. The model keeps a copy; a NULL function is skipped. */
struct axdevice_plic_host {
	/* Context's output (the external interrupt of its hart and mode) changed level; called
	 * only on a change. It must not call back into the PLIC. */
	void (*set_context_irq)(void *ctx, uint32_t context, bool level);
	void *ctx;
};

/*
 * Creates a PLIC with sources 1..sources and contexts 0..contexts-1, everything zero: no
 * priority, nothing enabled, thresholds 0, no line high. host may be NULL (outputs go
 * nowhere; the guest can still poll claim). AXERR_INVALID for NULL alloc or out, sources not in
 * 1..AXDEVICE_PLIC_MAX_SOURCES or contexts not in 1..AXDEVICE_PLIC_MAX_CONTEXTS;
 * AXERR_NO_MEMORY.
 */
int axdevice_plic_create(const struct ax_allocator *alloc, const struct axdevice_plic_host *host,
			 uint32_t sources, uint32_t contexts, struct axdevice **out);

/* The MMIO window of a PLIC with contexts contexts, as QEMU's virt sizes it:
 * 0x200000 + 0x1000 * contexts, at most 0x4000000 (AXDEVICE_PLIC_MAX_CONTEXTS). */
uint64_t axdevice_plic_size(uint32_t contexts);

/*
 * The host drives source's interrupt line to level. A rising level pends the source unless it
 * is already pending or claimed; a falling one changes nothing else. Context outputs that
 * change are reported. AXERR_INVALID when plic is not a PLIC or source is 0 or above its
 * sources.
 */
int axdevice_plic_set_level(struct axdevice *plic, uint32_t source, bool level);

/* Stores the current level of context's output in *level. AXERR_INVALID when plic is not a
 * PLIC, level is NULL or context is not below its contexts. */
int axdevice_plic_context_irq(struct axdevice *plic, uint32_t context, bool *level);

/* A context that drives no guest CPU's line (axdevice_plic_route). */
#define AXDEVICE_PLIC_NO_CPU UINT64_MAX

/*
 * Connects context's output to the external interrupt line (AXDEVICE_CPU_IRQ) of the guest CPU
 * cpu_id, reported to cpu_host (one host for every context; the model keeps a copy) besides
 * the PLIC host's set_context_irq. A PLIC is also an interrupt controller: its irqchip input
 * line n is source n. AXERR_INVALID when plic is not a PLIC, cpu_host is NULL, context is not
 * below its contexts or cpu_id is AXDEVICE_PLIC_NO_CPU.
 */
int axdevice_plic_route(struct axdevice *plic, const struct axdevice_cpu_host *cpu_host,
			uint32_t context, uint64_t cpu_id);

/* Which privilege mode of a hart a context interrupts. */
enum axdevice_plic_mode {
	AXDEVICE_PLIC_M_MODE,
	AXDEVICE_PLIC_S_MODE,
};

/*
 * How contexts are numbered for a guest with harts 0..H-1. The PLIC itself only counts
 * contexts; the layout is the host's convention, and the guest's devicetree must say the same
 * in the PLIC's interrupts-extended (context c is its entry c).
 */
enum axdevice_plic_layout {
	/* QEMU virt: 2 contexts per hart, 2h is hart h's M-mode and 2h + 1 its S-mode. */
	AXDEVICE_PLIC_LAYOUT_M_S,
	/* S-mode only: context h is hart h's S-mode. */
	AXDEVICE_PLIC_LAYOUT_S,
};

/* The number of contexts layout gives harts harts; 0 for an unknown layout or a count above
 * AXDEVICE_PLIC_MAX_CONTEXTS. */
uint32_t axdevice_plic_layout_contexts(enum axdevice_plic_layout layout, uint32_t harts);

/* The context of hart's mode in layout, in *context. AXERR_INVALID for an unknown layout or
 * mode, M-mode in an S-only layout, or a context at or above AXDEVICE_PLIC_MAX_CONTEXTS. */
int axdevice_plic_layout_context(enum axdevice_plic_layout layout, uint32_t hart,
				 enum axdevice_plic_mode mode, uint32_t *context);

/* The hart and mode context interrupts in layout. AXERR_INVALID for an unknown layout or a
 * context at or above AXDEVICE_PLIC_MAX_CONTEXTS. */
int axdevice_plic_layout_target(enum axdevice_plic_layout layout, uint32_t context, uint32_t *hart,
				enum axdevice_plic_mode *mode);

#endif
