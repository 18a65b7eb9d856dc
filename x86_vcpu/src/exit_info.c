/* Exit qualifications and interruption information (exit_info.h). */
#include <x86_vcpu/exit_info.h>

#include <stddef.h>

#define EVENT_VECTOR_MASK 0xffu
#define EVENT_TYPE_SHIFT 8
#define EVENT_TYPE_MASK 7u
#define NMI_VECTOR 2u

/* Appendix C, by number; NULL where the SDM defines none. */
static const char *const exit_reason_names[] = {
    [0] = "exception or NMI",
    [1] = "external interrupt",
    [2] = "triple fault",
    [3] = "INIT signal",
    [4] = "start-up IPI",
    [5] = "I/O SMI",
    [6] = "other SMI",
    [7] = "interrupt window",
    [8] = "NMI window",
    [9] = "task switch",
    [10] = "CPUID",
    [11] = "GETSEC",
    [12] = "HLT",
    [13] = "INVD",
    [14] = "INVLPG",
    [15] = "RDPMC",
    [16] = "RDTSC",
    [17] = "RSM",
    [18] = "VMCALL",
    [19] = "VMCLEAR",
    [20] = "VMLAUNCH",
    [21] = "VMPTRLD",
    [22] = "VMPTRST",
    [23] = "VMREAD",
    [24] = "VMRESUME",
    [25] = "VMWRITE",
    [26] = "VMXOFF",
    [27] = "VMXON",
    [28] = "control-register access",
    [29] = "MOV DR",
    [30] = "I/O instruction",
    [31] = "RDMSR",
    [32] = "WRMSR",
    [33] = "VM-entry failure: invalid guest state",
    [34] = "VM-entry failure: MSR loading",
    [36] = "MWAIT",
    [37] = "monitor trap flag",
    [39] = "MONITOR",
    [40] = "PAUSE",
    [41] = "VM-entry failure: machine-check event",
    [43] = "TPR below threshold",
    [44] = "APIC access",
    [45] = "virtualized EOI",
    [46] = "GDTR or IDTR access",
    [47] = "LDTR or TR access",
    [48] = "EPT violation",
    [49] = "EPT misconfiguration",
    [50] = "INVEPT",
    [51] = "RDTSCP",
    [52] = "VMX-preemption timer expired",
    [53] = "INVVPID",
    [54] = "WBINVD",
    [55] = "XSETBV",
    [56] = "APIC write",
    [57] = "RDRAND",
    [58] = "INVPCID",
    [59] = "VMFUNC",
    [60] = "ENCLS",
    [61] = "RDSEED",
    [62] = "page-modification log full",
    [63] = "XSAVES",
    [64] = "XRSTORS",
    [65] = "PCONFIG",
    [66] = "SPP-related event",
    [67] = "UMWAIT",
    [68] = "TPAUSE",
    [69] = "LOADIWKEY",
    [70] = "ENCLV",
    [72] = "ENQCMD PASID translation failure",
    [73] = "ENQCMDS PASID translation failure",
    [74] = "bus lock",
    [75] = "instruction timeout",
};

const char *vmx_exit_reason_name(uint32_t basic)
{
	if (basic < sizeof(exit_reason_names) / sizeof(exit_reason_names[0]) &&
	    exit_reason_names[basic])
		return exit_reason_names[basic];
	return "unknown exit reason";
}

bool vmx_decode_io_exit(uint64_t qualification, struct vmx_io_exit *out)
{
	unsigned size_code = (unsigned)(qualification & 7);

	if (size_code != 0 && size_code != 1 && size_code != 3)
		return false;
	out->size = (uint8_t)(size_code + 1);
	out->in = qualification >> 3 & 1;
	out->string = qualification >> 4 & 1;
	out->rep = qualification >> 5 & 1;
	out->port = (uint16_t)(qualification >> 16);
	return true;
}

struct vmx_cr_exit vmx_decode_cr_exit(uint64_t qualification)
{
	return (struct vmx_cr_exit){
	    .cr = (uint8_t)(qualification & 0xf),
	    .type = (enum vmx_cr_access_type)(qualification >> 4 & 3),
	    .gpr = (uint8_t)(qualification >> 8 & 0xf),
	    .lmsw_memory = qualification >> 6 & 1,
	    .lmsw_source = (uint16_t)(qualification >> 16),
	};
}

struct vmx_ept_violation vmx_decode_ept_violation(uint64_t qualification)
{
	bool linear_valid = qualification >> 7 & 1;

	return (struct vmx_ept_violation){
	    .read = qualification & 1,
	    .write = qualification >> 1 & 1,
	    .fetch = qualification >> 2 & 1,
	    .readable = qualification >> 3 & 1,
	    .writable = qualification >> 4 & 1,
	    .executable = qualification >> 5 & 1,
	    .linear_valid = linear_valid,
	    /* Bit 8 means something only with a valid linear address; without one (a
	     * MOV to CR3 loading PDPTEs, say) the access is not of a page walk either. */
	    .final_translation = linear_valid ? qualification >> 8 & 1 : true,
	};
}

static uint32_t event(enum vmx_event_type type, uint32_t vector)
{
	return VMX_EVENT_VALID | (uint32_t)type << EVENT_TYPE_SHIFT | (vector & EVENT_VECTOR_MASK);
}

uint32_t vmx_event_external_interrupt(uint32_t vector)
{
	if (vector < 32 || vector > 255)
		return 0;
	return event(VMX_EVENT_EXTERNAL_INTERRUPT, vector);
}

uint32_t vmx_event_exception(uint32_t vector)
{
	switch (vector) {
	case NMI_VECTOR:
		return event(VMX_EVENT_NMI, vector);
	case 3: /* #BP */
	case 4: /* #OF */
		return event(VMX_EVENT_SOFTWARE_EXCEPTION, vector);
	case 8:	 /* #DF */
	case 10: /* #TS */
	case 11: /* #NP */
	case 12: /* #SS */
	case 13: /* #GP */
	case 14: /* #PF */
	case 17: /* #AC */
	case 21: /* #CP */
		return event(VMX_EVENT_HARDWARE_EXCEPTION, vector) | VMX_EVENT_ERROR_CODE;
	default:
		break;
	}
	if (vector > 31)
		return 0;
	return event(VMX_EVENT_HARDWARE_EXCEPTION, vector);
}

uint32_t vmx_event_reinjection(uint32_t idt_info, bool *needs_instruction_length)
{
	enum vmx_event_type type;

	*needs_instruction_length = false;
	if (!(idt_info & VMX_EVENT_VALID))
		return 0;
	type = (enum vmx_event_type)(idt_info >> EVENT_TYPE_SHIFT & EVENT_TYPE_MASK);
	*needs_instruction_length = type == VMX_EVENT_SOFTWARE_INTERRUPT ||
				    type == VMX_EVENT_PRIVILEGED_SOFTWARE_EXCEPTION ||
				    type == VMX_EVENT_SOFTWARE_EXCEPTION;
	/* Bits 30:12 are reserved in the entry field (bit 12 is NMI unblocking on exit). */
	return idt_info & (VMX_EVENT_VALID | VMX_EVENT_ERROR_CODE |
			   EVENT_TYPE_MASK << EVENT_TYPE_SHIFT | EVENT_VECTOR_MASK);
}
