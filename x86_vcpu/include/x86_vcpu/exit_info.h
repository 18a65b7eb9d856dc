/* What a VM exit says, and what a VM entry injects (Intel SDM Vol. 3, chapter 28 "VM Exits",
 * 28.2 exit information, Appendix C exit reasons, and 26.6 event injection): decoders of the
 * exit qualifications the backend handles and encoders of the interruption-information field.
 * Pure computation on VMCS field values, unit-tested on the host. */
#ifndef X86_VCPU_EXIT_INFO_H
#define X86_VCPU_EXIT_INFO_H

#include <stdbool.h>
#include <stdint.h>

/* Basic exit reasons (bits 15:0 of the exit-reason field) the backend names or handles. */
enum vmx_exit_reason {
	VMX_EXIT_EXCEPTION_OR_NMI = 0,
	VMX_EXIT_EXTERNAL_INTERRUPT = 1,
	VMX_EXIT_TRIPLE_FAULT = 2,
	VMX_EXIT_INIT = 3,
	VMX_EXIT_SIPI = 4,
	VMX_EXIT_INTERRUPT_WINDOW = 7,
	VMX_EXIT_NMI_WINDOW = 8,
	VMX_EXIT_TASK_SWITCH = 9,
	VMX_EXIT_CPUID = 10,
	VMX_EXIT_HLT = 12,
	VMX_EXIT_INVD = 13,
	VMX_EXIT_RDPMC = 15,
	VMX_EXIT_VMCALL = 18,
	VMX_EXIT_CR_ACCESS = 28,
	VMX_EXIT_DR_ACCESS = 29,
	VMX_EXIT_IO_INSTRUCTION = 30,
	VMX_EXIT_RDMSR = 31,
	VMX_EXIT_WRMSR = 32,
	VMX_EXIT_INVALID_GUEST_STATE = 33,
	VMX_EXIT_MSR_LOADING = 34,
	VMX_EXIT_MWAIT = 36,
	VMX_EXIT_MONITOR = 39,
	VMX_EXIT_PAUSE = 40,
	VMX_EXIT_MACHINE_CHECK = 41,
	VMX_EXIT_EPT_VIOLATION = 48,
	VMX_EXIT_EPT_MISCONFIG = 49,
	VMX_EXIT_PREEMPTION_TIMER = 52,
	VMX_EXIT_WBINVD = 54,
	VMX_EXIT_XSETBV = 55,
};

/* The vector the backend reports in an AXVM_EXIT_EXTERNAL_INTERRUPT exit when no interrupt was
 * acknowledged by the exit (the VMX-preemption timer ran out): the host takes whatever is
 * pending itself (vm_host_cpu_ops.ack_interrupt). */
#define X86_EXIT_VECTOR_UNACKNOWLEDGED 256

/* The exit-reason field: the basic reason, and whether VM entry failed (bit 31). */
#define VMX_EXIT_REASON_BASIC(field) ((field)&0xffffu)
#define VMX_EXIT_REASON_ENTRY_FAILURE (1u << 31)

/* The SDM's name of a basic exit reason ("EPT violation"), or "unknown exit reason" for a
 * number it does not define: what a VM's stop report says. */
const char *vmx_exit_reason_name(uint32_t basic);

/* An I/O instruction exit (Table 28-5). */
struct vmx_io_exit {
	uint16_t port;
	uint8_t size; /* bytes: 1, 2, 4 */
	bool in;
	bool string; /* INS or OUTS */
	bool rep;
};

/* Decodes an I/O instruction's exit qualification. Returns false for a malformed size
 * (qualification bits 2:0 other than 0, 1, 3). */
bool vmx_decode_io_exit(uint64_t qualification, struct vmx_io_exit *out);

/* A control-register access exit (Table 28-3). */
enum vmx_cr_access_type {
	VMX_CR_MOV_TO = 0,
	VMX_CR_MOV_FROM = 1,
	VMX_CR_CLTS = 2,
	VMX_CR_LMSW = 3,
};

struct vmx_cr_exit {
	uint8_t cr; /* 0, 3, 4 or 8 */
	enum vmx_cr_access_type type;
	uint8_t gpr;	      /* MOV: the general register, 0..15 = rAX..r15 */
	bool lmsw_memory;     /* LMSW: the operand was in memory */
	uint16_t lmsw_source; /* LMSW: the 16-bit operand */
};

/* Decodes a control-register access's exit qualification. */
struct vmx_cr_exit vmx_decode_cr_exit(uint64_t qualification);

/* An EPT violation (Table 28-7). */
struct vmx_ept_violation {
	bool read, write, fetch;	     /* the access that faulted */
	bool readable, writable, executable; /* what the EPT entries allowed */
	bool linear_valid;		     /* the guest-linear address field is valid */
	bool final_translation;		     /* of the access itself, not of a guest page walk */
};

/* Decodes an EPT violation's exit qualification. */
struct vmx_ept_violation vmx_decode_ept_violation(uint64_t qualification);

/* Interruption-information fields (VM-entry injection, exit interruption, IDT vectoring). */
enum vmx_event_type {
	VMX_EVENT_EXTERNAL_INTERRUPT = 0,
	VMX_EVENT_NMI = 2,
	VMX_EVENT_HARDWARE_EXCEPTION = 3,
	VMX_EVENT_SOFTWARE_INTERRUPT = 4,
	VMX_EVENT_PRIVILEGED_SOFTWARE_EXCEPTION = 5,
	VMX_EVENT_SOFTWARE_EXCEPTION = 6,
};

#define VMX_EVENT_VALID (1u << 31)
#define VMX_EVENT_ERROR_CODE (1u << 11)

/* An external interrupt with vector (32..255) for the VM-entry interruption-information field;
 * 0 for a vector below 32, which no interrupt controller delivers. */
uint32_t vmx_event_external_interrupt(uint32_t vector);

/* A hardware exception vector (0..31: #DE, #GP, #PF...; 2, NMI, as an NMI) for the VM-entry
 * interruption-information field, with the deliver-error-code bit for the exceptions that push
 * one (#DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP). #BP and #OF are software exceptions (INT3,
 * INTO): the entry needs the instruction length for them. 0 for a vector above 31. */
uint32_t vmx_event_exception(uint32_t vector);

/* What a VM entry must inject again after an exit that interrupted the delivery of an event
 * (the IDT-vectoring information field idt_info is valid): the interruption information for
 * the entry (bit 12, NMI unblocking, cleared), and whether the entry needs the exit's
 * instruction length (a software interrupt or exception). 0 when nothing was being
 * delivered. */
uint32_t vmx_event_reinjection(uint32_t idt_info, bool *needs_instruction_length);

#endif
