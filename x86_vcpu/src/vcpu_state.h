/* The VT-x backend's state: each vCPU's (struct arch_vcpu) and each physical CPU's. */
#ifndef X86_VCPU_VCPU_STATE_H
#define X86_VCPU_VCPU_STATE_H

#include <axvm/arch_vcpu.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <x86_vcpu/insn_decode.h>
#include <x86_vcpu/lapic.h>
#include <x86_vcpu/vmx_controls.h>

/* Physical CPUs the backend keeps state for. */
#define X86_MAX_CPUS 64

/* The guest's general registers, by their number in instructions: rAX, rCX, rDX, rBX, rSP,
 * rBP, rSI, rDI, r8..r15. The VMCS holds RSP: slot 4 is loaded from it only around an
 * emulated access (vmx_entry.S never touches it). */
struct x86_gprs {
	uint64_t r[16];
};

#define GPR_RAX 0
#define GPR_RCX 1
#define GPR_RDX 2
#define GPR_RBX 3
#define GPR_RSP 4
#define GPR_RSI 6
#define GPR_RDI 7

/* MSRs the guest uses without exits that neither the VMCS nor the host switches: swapped when
 * the vCPU is bound and unbound. */
enum x86_swapped_msr {
	SWAP_STAR,
	SWAP_LSTAR,
	SWAP_CSTAR,
	SWAP_SFMASK,
	SWAP_KERNEL_GS_BASE,
	SWAP_TSC_AUX,
	SWAP_MSRS,
};

/* An access exit waiting for arch_vcpu_complete. */
enum x86_pending {
	PENDING_NONE,
	PENDING_MMIO, /* the decoded instruction in access */
	PENDING_IO,   /* IN or OUT: io_in, io_size */
};

/* How a vCPU starts (arch_vcpu_set_entry, a SIPI). */
enum x86_boot_mode {
	X86_BOOT_PROTECTED, /* the Linux boot protocol's 32-bit entry: protected mode, paging off */
	X86_BOOT_LONG,	    /* its 64-bit entry: long mode on the boot tables */
	X86_BOOT_RESET,	    /* as the CPU leaves reset: real mode at the reset vector */
	X86_BOOT_SIPI,	    /* as a SIPI starts a CPU: real mode at the start page */
};

/* The reset vector: an entry there starts the vCPU as the CPU leaves reset (firmware). */
#define X86_RESET_VECTOR 0xfffffff0ull

struct arch_vcpu {
	struct x86_gprs regs; /* first: vmx_entry.S addresses it through the vCPU */
	uint64_t cr2;	      /* not in the VMCS: loaded around each entry */
	struct arch_vcpu_vm_ops vm_ops;
	struct axvm_exit *exit; /* the exit being handled (arch_vcpu_run) */
	uint32_t vm_id;
	uint32_t vcpu_id;
	uint32_t vcpu_count;
	uint16_t vmid; /* the VM's stage-2 tag */
	uint16_t vpid; /* the tag the VMCS gets: vmid, 0 without VPIDs */
	const struct axaddr_mm *mm;
	uint64_t dr[4], dr6; /* the guest's DR0..DR3 and DR6, as it wrote them */
	struct x86_lapic lapic;
	uint64_t vmcs_pa; /* one page each */
	uint64_t xsave_pa;
	void *xsave;
	uint64_t eptp;
	int32_t cpu; /* bound to, or -1 */
	int32_t last_cpu;
	bool bound;
	bool launched;	     /* VMLAUNCH done since the VMCS was last cleared */
	bool vmcs_ready;     /* the controls and host state are written */
	bool state_pending;  /* the boot state (set_entry) is still to be written into the VMCS */
	uint32_t proc;	     /* the primary processor-based controls as written */
	uint32_t entry_ctls; /* the VM-entry controls as written */
	uint64_t rip;	     /* the guest's RIP while unbound, for reports */
	uint64_t xcr0;
	/* IA32_MTRR_DEF_TYPE as the guest wrote it: kept, not applied (EPT memory types are
	 * the host's; MTRRCAP reports no variable or fixed ranges). */
	uint64_t mtrr_def_type;
	uint64_t msrs[SWAP_MSRS];
	/* The boot state for the next bind: entry point, argument, boot tables and mode. */
	uint64_t boot_entry, boot_arg, boot_tables;
	enum x86_boot_mode boot_mode;
	/* An event to inject at the next entry (interruption information, error code,
	 * instruction length), and vectored interrupts waiting (a bit per vector). */
	uint32_t inject_info;
	uint32_t inject_error;
	uint32_t inject_len;
	bool nmi_pending;   /* an NMI IPI arrived */
	bool init_pending;  /* an INIT IPI arrived: the vCPU is to wait for a SIPI */
	bool wait_for_sipi; /* after an INIT: halted, deaf to interrupts, until a SIPI */
	bool sipi_pending;  /* a SIPI arrived for it, with the start page sipi_vector */
	uint8_t sipi_vector;
	/* The access exit being completed. */
	enum x86_pending pending;
	struct x86_mem_access access;
	uint8_t io_size;
	bool io_in;
	bool io_string; /* INS or OUTS: one element at a time */
	bool io_rep;
	uint8_t io_addr_size;
	uint8_t io_first_len; /* the element's bytes in its first page */
	uint64_t io_gpa[2];   /* where they lie in guest memory, and the rest */
	uint8_t insn_len;
	/* The EPT violation being handled, for arch_vcpu_decode_mmio. */
	bool fault_valid;
	bool fault_write;
	bool fault_own; /* the instruction's own data access, not a fetch, walk or delivery */
	uint64_t fault_gpa;
};

/* One physical CPU's VMX state. */
struct x86_cpu {
	uint64_t vmxon_pa;
	bool enabled;
	struct arch_vcpu *last_vcpu; /* the vCPU that last ran here */
	/* The stage-2 tag + 1 of the guest running here now (0: none), and the last
	 * invalidation generation this CPU acted on (hw_enable.c). */
	_Atomic uint32_t in_guest;
	_Atomic uint32_t seen_gen;
};

extern struct x86_cpu x86_cpus[X86_MAX_CPUS];

/* What every CPU was found to have (hw_enable.c), the same on all. */
struct x86_vmx_host {
	struct vmx_controls controls;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint32_t revision;
	bool below_4g; /* VMX structures must lie below 4 GiB */
	bool vpid;
	bool invvpid_single;
	uint64_t xcr0_supported;
	uint32_t xsave_size;
	uint64_t msr_bitmap_pa;
	uint64_t io_bitmap_pa; /* two pages: A then B */
	uint32_t max_basic, max_extended;
	/* The longest a guest runs (in TSC ticks) before arch_vcpu_run returns to the host, by
	 * the VMX-preemption timer, which counts TSC ticks shifted right by preemption_shift; 0
	 * when the CPU has no such timer (vcpu_run.c says why it runs). */
	uint64_t preemption_period;
	unsigned preemption_shift;
	const struct arch_cpu_host *host;
};

extern struct x86_vmx_host x86_vmx;

/* Enters the guest of the current VMCS with v's registers (VMLAUNCH unless launched), and
 * returns 0 after the VM exit with them saved, or 1 when the entry failed (VMfail), in
 * vmx_entry.S. */
int x86_vmx_enter(struct x86_gprs *regs, uint64_t launched);

/* Where VM exits land (VMCS host RIP). */
void x86_vmx_exit(void);

/* Before an entry on CPU c: marks c as running tag vmid's guest and catches up with the
 * invalidations made since it last entered (hw_enable.c). After the exit: clears the mark. */
void x86_cpu_enter_guest(struct x86_cpu *c, uint16_t vmid);
void x86_cpu_leave_guest(struct x86_cpu *c);

/* Writes the controls and the host state into v's VMCS, current on this CPU (vmcs_setup.c). */
void x86_vmcs_init(struct arch_vcpu *v);

/* Writes v's boot state (arch_vcpu_set_entry) into its VMCS, current on this CPU. */
void x86_vmcs_boot_state(struct arch_vcpu *v);

/* Puts bound vCPU v in its boot state at entry now (vcpu.c): a SIPI's start. */
void x86_vcpu_restart(struct arch_vcpu *v, uint64_t entry);

/* The host state of the calling CPU that differs between CPUs (vmcs_setup.c). */
void x86_vmcs_host_cpu(void);

#endif
