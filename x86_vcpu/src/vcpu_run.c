/* Running a VT-x vCPU: entries with the events to inject, and the exits dispatched by their
 * basic reason through a table. A handler answers the exit in the backend (CPUID, control
 * registers, MSRs, hypercalls, exceptions reflected into the guest), makes a decoded access
 * straight through core's device path, or hands core one portable exit; either way it says
 * whether the guest is entered again. A reason without a handler stops the VM, named. */
#include <axvm/error.h>
#include <x86_vcpu/cpuid.h>
#include <x86_vcpu/exit_info.h>
#include <x86_vcpu/guest_regs.h>
#include <x86_vcpu/hypercall.h>

#include "vcpu_exits.h"
#include "vcpu_lapic.h"
#include "vcpu_state.h"
#include "vmcs_fields.h"
#include "vmx_asm.h"

#define EXIT_REASONS 66
#define RFLAGS_IF (1ull << 9)
#define BLOCKING_STI_MOVSS 3u
#define BLOCKING_NMI 8u
#define VECTOR_NMI 2
#define VECTOR_UD 6
#define VECTOR_GP 13
#define VECTOR_AC 17
#define CR4_OSXSAVE_BIT (1ull << 18)
#define CR4_PKE (1ull << 22)

typedef enum axvm_disposition (*exit_handler)(struct arch_vcpu *v);

enum axvm_disposition x86_to_core(struct arch_vcpu *v)
{
	return v->vm_ops.handle_exit(v->vm_ops.ctx, v->exit);
}

enum axvm_disposition x86_stop_vm(struct arch_vcpu *v, uint32_t reason)
{
	v->exit->kind = AXVM_EXIT_GUEST_TRAP;
	v->exit->guest_trap.name = vmx_exit_reason_name(reason);
	v->exit->guest_trap.cause = reason;
	v->exit->guest_trap.info = vmcs_read(VMCS_EXIT_QUALIFICATION);
	return x86_to_core(v);
}

void x86_skip(uint64_t len)
{
	uint64_t blocking = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);

	vmcs_write(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + len);
	/* The instruction is done: an STI or MOV SS shadow ends with it. */
	if (blocking & BLOCKING_STI_MOVSS)
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, blocking & ~(uint64_t)BLOCKING_STI_MOVSS);
}

void x86_skip_insn(void)
{
	x86_skip(vmcs_read(VMCS_EXIT_INSN_LEN));
}

enum axvm_disposition x86_inject_exception(struct arch_vcpu *v, uint32_t vector, uint32_t error)
{
	v->inject_info = vmx_event_exception(vector);
	v->inject_error = error;
	v->inject_len = 0;
	return AXVM_RESUME;
}

unsigned x86_guest_cpl(void)
{
	return (vmcs_read(VMCS_GUEST_SS_AR) >> 5) & 3;
}

uint64_t x86_get_reg(const struct arch_vcpu *v, unsigned n)
{
	return n == GPR_RSP ? vmcs_read(VMCS_GUEST_RSP) : v->regs.r[n & 15];
}

void x86_set_reg(struct arch_vcpu *v, unsigned n, uint64_t value)
{
	if (n == GPR_RSP)
		vmcs_write(VMCS_GUEST_RSP, value);
	else
		v->regs.r[n & 15] = value;
}

/* Vector 2 is a host NMI (nothing here uses them); #AC is reflected (vmcs_setup.c says why);
 * nothing else is in the exception bitmap. */
static enum axvm_disposition exception(struct arch_vcpu *v)
{
	uint32_t info = (uint32_t)vmcs_read(VMCS_EXIT_INTR_INFO);
	uint32_t vector = info & 0xff;

	if (((info >> 8) & 7) == VMX_EVENT_NMI)
		return AXVM_RESUME;
	if (vector == VECTOR_AC)
		return x86_inject_exception(v, VECTOR_AC,
					    (uint32_t)vmcs_read(VMCS_EXIT_INTR_ERROR));
	return x86_stop_vm(v, VMX_EXIT_EXCEPTION_OR_NMI);
}

/* The VMX-preemption timer ran out: the guest had the CPU for a whole period (counted over
 * the exits the backend handled itself) without the host getting it back. The host takes
 * whatever interrupts wait for it (a vector the board cannot mistake for one the exit
 * acknowledged). Bochs 2.7 keeps the host's interrupts from making a guest exit while the
 * guest's RFLAGS.IF is 0, although external-interrupt exiting makes IF irrelevant: without
 * this timer such a guest would keep its CPU from the host for good. */
static enum axvm_disposition preemption_timer(struct arch_vcpu *v)
{
	v->exit->kind = AXVM_EXIT_EXTERNAL_INTERRUPT;
	v->exit->external_interrupt.vector = X86_EXIT_VECTOR_UNACKNOWLEDGED;
	return x86_to_core(v);
}

/* The host's interrupt (its timer, a kick), acknowledged by the exit: the board's. */
static enum axvm_disposition external_interrupt(struct arch_vcpu *v)
{
	v->exit->kind = AXVM_EXIT_EXTERNAL_INTERRUPT;
	v->exit->external_interrupt.vector = vmcs_read(VMCS_EXIT_INTR_INFO) & 0xff;
	return x86_to_core(v);
}

/* The guest can take what waited (an interrupt, an NMI): the next entry delivers it. */
static enum axvm_disposition event_window(struct arch_vcpu *v)
{
	v->proc &= ~(VMX_PROC_INTERRUPT_WINDOW_EXITING | VMX_PROC_NMI_WINDOW_EXITING);
	vmcs_write(VMCS_PROC_CONTROLS, v->proc);
	return AXVM_RESUME;
}

static enum axvm_disposition cpuid(struct arch_vcpu *v)
{
	uint32_t leaf = (uint32_t)v->regs.r[GPR_RAX], subleaf = (uint32_t)v->regs.r[GPR_RCX];
	uint64_t cr4 = vmcs_read(VMCS_CR4_SHADOW);
	uint32_t proc2 = x86_vmx.controls.proc2;
	struct x86_cpuid_guest g = {
	    .apic_id = v->vcpu_id,
	    .vcpu_count = v->vcpu_count,
	    .tsc_hz = x86_vmx.host->counter_hz,
	    .apic_timer_hz = 0,
	    .osxsave = cr4 & CR4_OSXSAVE_BIT,
	    .ospke = cr4 & CR4_PKE,
	    .rdtscp = proc2 & VMX_PROC2_ENABLE_RDTSCP,
	    .invpcid = proc2 & VMX_PROC2_ENABLE_INVPCID,
	    .xsaves = proc2 & VMX_PROC2_ENABLE_XSAVES,
	};
	uint32_t r[4];
	struct x86_cpuid_regs out;

	x86_cpuid(leaf, subleaf, r);
	out = x86_cpuid_for_guest(leaf, subleaf, (struct x86_cpuid_regs){r[0], r[1], r[2], r[3]},
				  x86_vmx.max_basic, x86_vmx.max_extended, &g);
	v->regs.r[GPR_RAX] = out.eax;
	v->regs.r[GPR_RBX] = out.ebx;
	v->regs.r[GPR_RCX] = out.ecx;
	v->regs.r[GPR_RDX] = out.edx;
	x86_skip_insn();
	return AXVM_RESUME;
}

static enum axvm_disposition hlt(struct arch_vcpu *v)
{
	x86_skip_insn();
	v->exit->kind = AXVM_EXIT_HALT;
	v->exit->halt.suspend = false;
	return x86_to_core(v);
}

static enum axvm_disposition vmcall(struct arch_vcpu *v)
{
	const struct x86_hc_env env = {v->vm_ops.ctx, v->vm_ops.console_putc,
				       v->vm_ops.console_getc, v->vm_ops.release_memory};
	const uint64_t args[5] = {v->regs.r[GPR_RAX], v->regs.r[GPR_RBX], v->regs.r[GPR_RCX],
				  v->regs.r[GPR_RDX], v->regs.r[GPR_RSI]};
	int64_t result;
	enum x86_hc_action action = x86_hypercall(&env, args, x86_guest_cpl(), &result);

	x86_skip_insn();
	switch (action) {
	case X86_HC_RETURN:
		v->regs.r[GPR_RAX] = (uint64_t)result;
		return AXVM_RESUME;
	case X86_HC_OFF:
		v->exit->kind = AXVM_EXIT_CPU_DOWN;
		v->exit->cpu_down.state = 0;
		break;
	case X86_HC_POWER_OFF:
	case X86_HC_RESET:
		v->exit->kind = AXVM_EXIT_SYSTEM_DOWN;
		v->exit->system_down.reset = action == X86_HC_RESET;
		break;
	}
	return x86_to_core(v);
}

/* Instructions the guest is told it does not have (VMX, SMX, MONITOR/MWAIT: CPUID hides
 * them). */
static enum axvm_disposition undefined(struct arch_vcpu *v)
{
	return x86_inject_exception(v, VECTOR_UD, 0);
}

/* RDPMC: the guest has no performance counters. */
static enum axvm_disposition general_protection(struct arch_vcpu *v)
{
	return x86_inject_exception(v, VECTOR_GP, 0);
}

/* INVD and WBINVD: the caches are coherent; nothing to do. */
static enum axvm_disposition nop(struct arch_vcpu *v)
{
	(void)v;
	x86_skip_insn();
	return AXVM_RESUME;
}

static enum axvm_disposition xsetbv(struct arch_vcpu *v)
{
	uint64_t value = (v->regs.r[GPR_RDX] & 0xffffffff) << 32 | (uint32_t)v->regs.r[GPR_RAX];

	if ((uint32_t)v->regs.r[GPR_RCX] != 0 || !x86_xcr0_valid(value, x86_vmx.xcr0_supported))
		return x86_inject_exception(v, VECTOR_GP, 0);
	v->xcr0 = value;
	x86_xsetbv(0, value);
	x86_skip_insn();
	return AXVM_RESUME;
}

static const exit_handler exit_handlers[EXIT_REASONS] = {
    [VMX_EXIT_EXCEPTION_OR_NMI] = exception,
    [VMX_EXIT_EXTERNAL_INTERRUPT] = external_interrupt,
    [VMX_EXIT_INTERRUPT_WINDOW] = event_window,
    [VMX_EXIT_NMI_WINDOW] = event_window,
    [VMX_EXIT_CPUID] = cpuid,
    [VMX_EXIT_HLT] = hlt,
    [VMX_EXIT_INVD] = nop,
    [VMX_EXIT_RDPMC] = general_protection,
    [VMX_EXIT_VMCALL] = vmcall,
    [19] = undefined, /* VMCLEAR */
    [20] = undefined, /* VMLAUNCH */
    [21] = undefined, /* VMPTRLD */
    [22] = undefined, /* VMPTRST */
    [23] = undefined, /* VMREAD */
    [24] = undefined, /* VMRESUME */
    [25] = undefined, /* VMWRITE */
    [26] = undefined, /* VMXOFF */
    [27] = undefined, /* VMXON */
    [VMX_EXIT_CR_ACCESS] = x86_exit_cr_access,
    [VMX_EXIT_DR_ACCESS] = x86_exit_dr_access,
    [VMX_EXIT_IO_INSTRUCTION] = x86_exit_io,
    [VMX_EXIT_RDMSR] = x86_exit_rdmsr,
    [VMX_EXIT_WRMSR] = x86_exit_wrmsr,
    [VMX_EXIT_MWAIT] = undefined,
    [VMX_EXIT_MONITOR] = undefined,
    [VMX_EXIT_EPT_VIOLATION] = x86_exit_ept_violation,
    [VMX_EXIT_PREEMPTION_TIMER] = preemption_timer,
    [50] = undefined, /* INVEPT */
    [53] = undefined, /* INVVPID */
    [VMX_EXIT_WBINVD] = nop,
    [VMX_EXIT_XSETBV] = xsetbv,
};

/* Whether the guest takes an external interrupt now: IF set, no STI or MOV SS shadow. */
static bool interruptible(void)
{
	return (vmcs_read(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmcs_read(VMCS_GUEST_INTERRUPTIBILITY) & BLOCKING_STI_MOVSS);
}

/* Exits once the guest can take a waiting interrupt (the interrupt window) or NMI (the NMI
 * window: no NMI blocking, no STI or MOV SS shadow). */
static void set_windows(struct arch_vcpu *v, bool interrupt, bool nmi)
{
	uint32_t proc =
	    v->proc & ~(VMX_PROC_INTERRUPT_WINDOW_EXITING | VMX_PROC_NMI_WINDOW_EXITING);

	proc |= (interrupt ? VMX_PROC_INTERRUPT_WINDOW_EXITING : 0) |
		(nmi ? VMX_PROC_NMI_WINDOW_EXITING : 0);

	if (proc != v->proc) {
		v->proc = proc;
		vmcs_write(VMCS_PROC_CONTROLS, proc);
	}
}

/* Before an entry: the event to deliver again or the exception a handler raised, else an NMI
 * or the local APIC's highest interrupt when the guest can take one; an exit (the interrupt or
 * NMI window) once it can take what still waits. */
static void prepare_events(struct arch_vcpu *v)
{
	uint64_t blocking;
	int vector;

	x86_lapic_before_entry(v);
	if (v->inject_info & VMX_EVENT_VALID) {
		vmcs_write(VMCS_ENTRY_INTR_INFO, v->inject_info);
		if (v->inject_info & VMX_EVENT_ERROR_CODE)
			vmcs_write(VMCS_ENTRY_EXCEPTION_ERROR, v->inject_error);
		if (v->inject_len)
			vmcs_write(VMCS_ENTRY_INSN_LEN, v->inject_len);
		v->inject_info = 0;
		set_windows(v, x86_lapic_deliverable(&v->lapic) >= 0, v->nmi_pending);
		return;
	}
	blocking = vmcs_read(VMCS_GUEST_INTERRUPTIBILITY);
	if (v->nmi_pending && !(blocking & (BLOCKING_STI_MOVSS | BLOCKING_NMI))) {
		v->nmi_pending = false;
		vmcs_write(VMCS_ENTRY_INTR_INFO, vmx_event_exception(VECTOR_NMI));
		set_windows(v, x86_lapic_deliverable(&v->lapic) >= 0, false);
		return;
	}
	if (interruptible() && (vector = x86_lapic_take(v)) >= 0)
		vmcs_write(VMCS_ENTRY_INTR_INFO, vmx_event_external_interrupt((uint32_t)vector));
	set_windows(v, x86_lapic_deliverable(&v->lapic) >= 0, v->nmi_pending);
}

/* An exit that interrupted the delivery of an event: the event goes in again at the next
 * entry. */
static void note_vectoring(struct arch_vcpu *v)
{
	uint32_t idt = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_INFO);
	bool needs_len;

	if (!(idt & VMX_EVENT_VALID))
		return;
	v->inject_info = vmx_event_reinjection(idt, &needs_len);
	v->inject_error = (uint32_t)vmcs_read(VMCS_IDT_VECTORING_ERROR);
	v->inject_len = needs_len ? (uint32_t)vmcs_read(VMCS_EXIT_INSN_LEN) : 0;
}

/* An entry that failed, with the VM-instruction error or the exit reason. */
static enum axvm_disposition entry_failed(struct arch_vcpu *v, uint64_t reason)
{
	v->exit->kind = AXVM_EXIT_FAIL_ENTRY;
	v->exit->fail_entry.reason = reason;
	return x86_to_core(v);
}

/* One exit, by its basic reason. */
static enum axvm_disposition handle_exit(struct arch_vcpu *v)
{
	uint32_t reason = (uint32_t)vmcs_read(VMCS_EXIT_REASON);
	uint32_t basic = VMX_EXIT_REASON_BASIC(reason);
	exit_handler h;

	if (reason & VMX_EXIT_REASON_ENTRY_FAILURE)
		return entry_failed(v, reason);
	note_vectoring(v);
	h = basic < EXIT_REASONS ? exit_handlers[basic] : NULL;
	return h ? h(v) : x86_stop_vm(v, basic);
}

/* The VMX-preemption timer for what is left of this run's period (0: an exit at once). */
static void arm_preemption(uint64_t budget_end)
{
	uint64_t now = __builtin_ia32_rdtsc();
	uint64_t left = budget_end > now ? (budget_end - now) >> x86_vmx.preemption_shift : 0;

	vmcs_write(VMCS_PREEMPTION_TIMER, left > UINT32_MAX ? UINT32_MAX : left);
}

int arch_vcpu_run(struct arch_vcpu *v, struct axvm_exit *exit)
{
	uint64_t budget_end = __builtin_ia32_rdtsc() + x86_vmx.preemption_period;
	struct x86_cpu *c;

	if (!v->bound)
		return AXERR_BAD_STATE;
	v->exit = exit;
	c = &x86_cpus[v->cpu];
	for (;;) {
		int failed;

		if ((v->init_pending || v->wait_for_sipi) && !x86_lapic_init_sipi(v)) {
			/* Waiting for a SIPI: halted until one comes (interrupt_pending). */
			exit->kind = AXVM_EXIT_HALT;
			exit->halt.suspend = false;
			if (x86_to_core(v) == AXVM_LEAVE)
				break;
			continue;
		}
		prepare_events(v);
		if (x86_vmx.preemption_period)
			arm_preemption(budget_end);
		if (x86_read_cr2() != v->cr2)
			x86_write_cr2(v->cr2);
		x86_cpu_enter_guest(c, v->vmid);
		failed = x86_vmx_enter(&v->regs, v->launched);
		x86_cpu_leave_guest(c);
		v->cr2 = x86_read_cr2();
		if (failed) {
			entry_failed(v, vmcs_read(VMCS_INSTRUCTION_ERROR));
			break;
		}
		v->launched = true;
		if (handle_exit(v) == AXVM_LEAVE)
			break;
	}
	return AX_OK;
}
