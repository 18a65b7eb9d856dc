#include "exception.h"

#include <stdbool.h>

#include <arm_vcpu/esr.h>
#include <axvm/format.h>
#include <board/console.h>
#include <board/host.h>

#include "asm_defs.h"

_Static_assert(sizeof(struct exception_frame) == ASM_FRAME_SIZE, "vectors.S frame layout");

/* The vector table: four groups (vector_sources) of four types (vector_types). */
#define VECTOR_TYPE_SYNC 0
#define VECTOR_TYPE_IRQ 1
#define VECTOR_TYPE_FIQ 2

extern char el2_vectors[];

static const char *const vector_sources[4] = {
    "current EL with SP_EL0",
    "current EL with SP_EL2",
    "lower EL in AArch64",
    "lower EL in AArch32",
};

static const char *const vector_types[4] = {"synchronous", "IRQ", "FIQ", "SError"};

void exception_vectors_install(void)
{
	__asm__ volatile("msr vbar_el2, %0\n\tisb" : : "r"(el2_vectors) : "memory");
}

static void report_abort(uint64_t esr)
{
	struct esr_abort a = esr_decode_abort(esr);
	char reg[4];

	kprintf("  %s abort: %s%s, %cFSC=0x%02x %s%s%s\n", a.data ? "data" : "instruction",
		a.data ? (a.write ? "write" : "read") : "fetch",
		a.cache_maint ? " (cache maintenance)" : "", a.data ? 'D' : 'I', a.fsc,
		esr_fault_status_name(a.fsc), a.external ? ", external" : "",
		a.s1ptw ? ", on a stage-1 table walk" : "");
	if (!a.isv)
		return;
	if (a.srt == 31)
		ax_snprintf(reg, sizeof(reg), "%czr", a.sixty_four ? 'x' : 'w');
	else
		ax_snprintf(reg, sizeof(reg), "%c%u", a.sixty_four ? 'x' : 'w', a.srt);
	kprintf("  access: %u bytes, register %s%s%s\n", a.size, reg,
		a.sign_extend ? ", sign-extended" : "", a.acq_rel ? ", acquire/release" : "");
}

void exception_handler(struct exception_frame *f, unsigned vector)
{
	unsigned type = vector % 4;
	unsigned ec = esr_ec(f->esr);
	bool abort = type == VECTOR_TYPE_SYNC && esr_is_abort(ec);
	bool far_invalid = abort && esr_decode_abort(f->esr).far_invalid;

	if (type == VECTOR_TYPE_IRQ || type == VECTOR_TYPE_FIQ)
		kprintf("EXCEPTION at EL2: unexpected %s\n", vector_types[type]);
	else
		kprintf("EXCEPTION at EL2: %s (ESR_EL2=0x%016llx, EC=0x%02x)\n", esr_ec_name(ec),
			(unsigned long long)f->esr, ec);
	kprintf("  vector: %s, from the %s\n", vector_types[type], vector_sources[vector / 4 % 4]);
	if (abort)
		report_abort(f->esr);
	kprintf("  ELR_EL2=0x%016llx FAR_EL2=0x%016llx%s SPSR_EL2=0x%016llx\n",
		(unsigned long long)f->elr, (unsigned long long)f->far,
		far_invalid ? " (not valid)" : "", (unsigned long long)f->spsr);
	for (int i = 0; i < 31; i++)
		kprintf("  x%-2d=0x%016llx%s", i, (unsigned long long)f->x[i],
			i % 4 == 3 ? "\n" : "");
	kprintf("  sp =0x%016llx\n", (unsigned long long)f->sp);
	host_panic("unhandled exception");
}
