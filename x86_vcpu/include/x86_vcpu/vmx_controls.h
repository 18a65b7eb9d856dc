/* The VM-execution, VM-exit and VM-entry controls a vCPU's VMCS gets, computed from the VMX
 * capability MSRs (Intel SDM Vol. 3, Appendix A.3-A.5): what the backend needs, what it would
 * like, and what the CPU insists on. Pure computation on MSR values the privileged code reads,
 * unit-tested on the host. */
#ifndef X86_VCPU_VMX_CONTROLS_H
#define X86_VCPU_VMX_CONTROLS_H

#include <stdint.h>

/* Pin-based VM-execution controls. */
#define VMX_PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define VMX_PIN_NMI_EXITING (1u << 3)
#define VMX_PIN_VIRTUAL_NMIS (1u << 5)
#define VMX_PIN_PREEMPTION_TIMER (1u << 6)

/* Primary processor-based VM-execution controls. */
#define VMX_PROC_INTERRUPT_WINDOW_EXITING (1u << 2)
#define VMX_PROC_USE_TSC_OFFSETTING (1u << 3)
#define VMX_PROC_HLT_EXITING (1u << 7)
#define VMX_PROC_INVLPG_EXITING (1u << 9)
#define VMX_PROC_MWAIT_EXITING (1u << 10)
#define VMX_PROC_RDPMC_EXITING (1u << 11)
#define VMX_PROC_CR3_LOAD_EXITING (1u << 15)
#define VMX_PROC_CR3_STORE_EXITING (1u << 16)
#define VMX_PROC_CR8_LOAD_EXITING (1u << 19)
#define VMX_PROC_CR8_STORE_EXITING (1u << 20)
#define VMX_PROC_NMI_WINDOW_EXITING (1u << 22)
#define VMX_PROC_MOV_DR_EXITING (1u << 23)
#define VMX_PROC_USE_IO_BITMAPS (1u << 25)
#define VMX_PROC_USE_MSR_BITMAPS (1u << 28)
#define VMX_PROC_MONITOR_EXITING (1u << 29)
#define VMX_PROC_ACTIVATE_SECONDARY (1u << 31)

/* Secondary processor-based VM-execution controls. */
#define VMX_PROC2_ENABLE_EPT (1u << 1)
#define VMX_PROC2_ENABLE_RDTSCP (1u << 3)
#define VMX_PROC2_ENABLE_VPID (1u << 5)
#define VMX_PROC2_UNRESTRICTED_GUEST (1u << 7)
#define VMX_PROC2_ENABLE_INVPCID (1u << 12)
#define VMX_PROC2_ENABLE_XSAVES (1u << 20)

/* VM-exit controls. */
#define VMX_EXIT_SAVE_DEBUG_CONTROLS (1u << 2)
#define VMX_EXIT_HOST_ADDRESS_SPACE_SIZE (1u << 9)
#define VMX_EXIT_ACK_INTERRUPT_ON_EXIT (1u << 15)
#define VMX_EXIT_SAVE_PAT (1u << 18)
#define VMX_EXIT_LOAD_PAT (1u << 19)
#define VMX_EXIT_SAVE_EFER (1u << 20)
#define VMX_EXIT_LOAD_EFER (1u << 21)

/* VM-entry controls. */
#define VMX_ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define VMX_ENTRY_IA32E_MODE_GUEST (1u << 9)
#define VMX_ENTRY_LOAD_PAT (1u << 14)
#define VMX_ENTRY_LOAD_EFER (1u << 15)

/* The capability MSRs the controls come from, as read (0 for one the CPU does not have). */
struct vmx_control_msrs {
	uint64_t basic;		 /* IA32_VMX_BASIC (0x480) */
	uint64_t pinbased;	 /* IA32_VMX_PINBASED_CTLS (0x481) */
	uint64_t procbased;	 /* IA32_VMX_PROCBASED_CTLS (0x482) */
	uint64_t exit;		 /* IA32_VMX_EXIT_CTLS (0x483) */
	uint64_t entry;		 /* IA32_VMX_ENTRY_CTLS (0x484) */
	uint64_t procbased2;	 /* IA32_VMX_PROCBASED_CTLS2 (0x48B) */
	uint64_t true_pinbased;	 /* IA32_VMX_TRUE_PINBASED_CTLS (0x48D), ... */
	uint64_t true_procbased; /* (0x48E) */
	uint64_t true_exit;	 /* (0x48F) */
	uint64_t true_entry;	 /* (0x490): these four only when IA32_VMX_BASIC bit 55 says so */
};

/* The five control fields of a vCPU's VMCS. Interrupt- and NMI-window exiting and the IA-32e
 * mode guest entry control are off here: they change while the vCPU runs. */
struct vmx_controls {
	uint32_t pin;
	uint32_t proc;
	uint32_t proc2;
	uint32_t exit;
	uint32_t entry;
};

/* Which field a missing control is in (vmx_controls_compute). */
enum vmx_control_field {
	VMX_FIELD_PIN,
	VMX_FIELD_PROC,
	VMX_FIELD_PROC2,
	VMX_FIELD_EXIT,
	VMX_FIELD_ENTRY,
};

/* One control field from its capability MSR cap: the bits the CPU requires (cap's low half),
 * plus required, plus those of wanted the CPU allows (cap's high half). Returns 0 and sets
 * *value; AXERR_UNSUPPORTED when the CPU does not allow a bit of required, with those bits in
 * *value. */
int vmx_control_value(uint64_t cap, uint32_t required, uint32_t wanted, uint32_t *value);

/* The controls of a vCPU for a host with 64-bit (IA-32e) mode, as the backend runs guests:
 * required, every exit that leaves the CPU to the host (external interrupts, NMIs, HLT, I/O and
 * MSR bitmaps), EPT, VPID and unrestricted guest, EFER and PAT switched on entry and exit, the
 * interrupt acknowledged on exit; wanted, RDTSCP, INVPCID and XSAVES for the guest, virtual
 * NMIs and the VMX-preemption timer. The TRUE MSRs are used when the CPU has them, so that CR3
 * accesses, INVLPG and the debug controls need no exits or loads the CPU would otherwise insist on.
 * Returns 0; or AXERR_UNSUPPORTED with the field and the required bits it lacks in *field and
 * *missing. */
int vmx_controls_compute(const struct vmx_control_msrs *msrs, struct vmx_controls *out,
			 enum vmx_control_field *field, uint32_t *missing);

/* The CR0 bits a guest must keep set (IA32_VMX_CR0_FIXED0), less PE and PG for an unrestricted
 * guest, which may run in real mode and without paging. */
uint64_t vmx_guest_cr0_fixed0(uint64_t cr0_fixed0, uint32_t proc2);

#endif
