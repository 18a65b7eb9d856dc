/* The VMCS controls from the capability MSRs (vmx_controls.h). */
#include <x86_vcpu/vmx_controls.h>

#include <axvm/error.h>
#include <stdbool.h>
#include <stddef.h>

#define BASIC_TRUE_CONTROLS (1ull << 55)
#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)

int vmx_control_value(uint64_t cap, uint32_t required, uint32_t wanted, uint32_t *value)
{
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);
	/* A bit the CPU both requires and forbids is as unusable as a required one it forbids. */
	uint32_t lacking = (required | must) & ~may;

	if (lacking) {
		*value = lacking;
		return AXERR_UNSUPPORTED;
	}
	*value = must | required | (wanted & may);
	return AX_OK;
}

/* What the backend asks of one field. Dynamic bits are switched while the vCPU runs: the CPU
 * must allow them, and they start off. */
struct control_policy {
	enum vmx_control_field field;
	uint32_t required;
	uint32_t wanted;
	uint32_t dynamic;
};

static const struct control_policy policies[] = {
    /* Virtual NMIs: the guest's NMI blocking is tracked, and the NMI window exists. */
    {VMX_FIELD_PIN, VMX_PIN_EXTERNAL_INTERRUPT_EXITING | VMX_PIN_NMI_EXITING | VMX_PIN_VIRTUAL_NMIS,
     VMX_PIN_PREEMPTION_TIMER, 0},
    /* The guest may not sleep the CPU (MWAIT, MONITOR), read the host's performance counters,
     * reach the debug registers the VMCS does not switch or set the local APIC's task
     * priority (CR8, without a TPR shadow). */
    {VMX_FIELD_PROC,
     VMX_PROC_HLT_EXITING | VMX_PROC_MWAIT_EXITING | VMX_PROC_MONITOR_EXITING |
	 VMX_PROC_CR8_LOAD_EXITING | VMX_PROC_CR8_STORE_EXITING | VMX_PROC_RDPMC_EXITING |
	 VMX_PROC_MOV_DR_EXITING | VMX_PROC_USE_IO_BITMAPS | VMX_PROC_USE_MSR_BITMAPS |
	 VMX_PROC_ACTIVATE_SECONDARY,
     VMX_PROC_USE_TSC_OFFSETTING, VMX_PROC_INTERRUPT_WINDOW_EXITING | VMX_PROC_NMI_WINDOW_EXITING},
    {VMX_FIELD_PROC2, VMX_PROC2_ENABLE_EPT,
     VMX_PROC2_ENABLE_VPID | VMX_PROC2_UNRESTRICTED_GUEST | VMX_PROC2_ENABLE_RDTSCP |
	 VMX_PROC2_ENABLE_INVPCID | VMX_PROC2_ENABLE_XSAVES,
     0},
    {VMX_FIELD_EXIT,
     VMX_EXIT_SAVE_DEBUG_CONTROLS | VMX_EXIT_HOST_ADDRESS_SPACE_SIZE |
	 VMX_EXIT_ACK_INTERRUPT_ON_EXIT | VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT |
	 VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER,
     0, 0},
    {VMX_FIELD_ENTRY, VMX_ENTRY_LOAD_DEBUG_CONTROLS | VMX_ENTRY_LOAD_PAT | VMX_ENTRY_LOAD_EFER, 0,
     VMX_ENTRY_IA32E_MODE_GUEST},
};

/* The capability MSR of field: its TRUE version when the CPU has those. */
static uint64_t field_cap(const struct vmx_control_msrs *m, enum vmx_control_field field)
{
	bool true_msrs = m->basic & BASIC_TRUE_CONTROLS;

	switch (field) {
	case VMX_FIELD_PIN:
		return true_msrs ? m->true_pinbased : m->pinbased;
	case VMX_FIELD_PROC:
		return true_msrs ? m->true_procbased : m->procbased;
	case VMX_FIELD_PROC2:
		return m->procbased2;
	case VMX_FIELD_EXIT:
		return true_msrs ? m->true_exit : m->exit;
	case VMX_FIELD_ENTRY:
		break;
	}
	return true_msrs ? m->true_entry : m->entry;
}

static uint32_t *field_of(struct vmx_controls *c, enum vmx_control_field field)
{
	switch (field) {
	case VMX_FIELD_PIN:
		return &c->pin;
	case VMX_FIELD_PROC:
		return &c->proc;
	case VMX_FIELD_PROC2:
		return &c->proc2;
	case VMX_FIELD_EXIT:
		return &c->exit;
	case VMX_FIELD_ENTRY:
		break;
	}
	return &c->entry;
}

int vmx_controls_compute(const struct vmx_control_msrs *msrs, struct vmx_controls *out,
			 enum vmx_control_field *field, uint32_t *missing)
{
	struct vmx_controls c = {0};

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		const struct control_policy *p = &policies[i];
		uint64_t cap = field_cap(msrs, p->field);
		uint32_t value;
		int err = vmx_control_value(cap, p->required | p->dynamic, p->wanted, &value);

		if (err) {
			*field = p->field;
			*missing = value;
			return err;
		}
		/* Off to start with, unless the CPU insists. */
		*field_of(&c, p->field) = value & ~(p->dynamic & ~(uint32_t)cap);
	}
	*out = c;
	return AX_OK;
}

uint64_t vmx_guest_cr0_fixed0(uint64_t cr0_fixed0, uint32_t proc2)
{
	if (proc2 & VMX_PROC2_UNRESTRICTED_GUEST)
		return cr0_fixed0 & ~(CR0_PE | CR0_PG);
	return cr0_fixed0;
}
