/* axvm-c's hypercalls for x86 guests: VMCALL with the call's number in RAX and its arguments in
 * RBX, RCX, RDX and RSI, the result in RAX (KVM's convention); a negative result is an error.
 * Only the guest kernel (CPL 0) may call. Pure dispatch on the guest's registers, unit-tested on
 * the host; the backend runs what a call asks of the VM. */
#ifndef X86_VCPU_HYPERCALL_H
#define X86_VCPU_HYPERCALL_H

#include <stdint.h>

/* Call numbers. */
#define X86_HC_VERSION 0	/* () -> X86_HC_ABI_VERSION */
#define X86_HC_CONSOLE_PUTC 1	/* (byte) -> 0: one byte to the VM's console */
#define X86_HC_CONSOLE_GETC 2	/* () -> a byte of console input, or X86_HC_EAGAIN */
#define X86_HC_SYSTEM_OFF 3	/* () powers the VM off; does not return */
#define X86_HC_SYSTEM_RESET 4	/* () resets the VM; does not return */
#define X86_HC_MEMORY_RELEASE 5 /* (base, size) -> 0: gives the range back, as a balloon does */
#define X86_HC_CPU_OFF 6	/* () turns the calling vCPU off; a SIPI starts it again */

#define X86_HC_ABI_VERSION 1

/* Errors (negative results). */
#define X86_HC_EPERM (-1)     /* called from user mode */
#define X86_HC_EAGAIN (-11)   /* no console input now */
#define X86_HC_EINVAL (-22)   /* a bad argument: a range not 4 KiB aligned, of size 0 */
#define X86_HC_EFAULT (-14)   /* a range outside the VM's host-allocated memory */
#define X86_HC_ENOMEM (-12)   /* the host has no memory for the change */
#define X86_HC_ENOSYS (-1000) /* no such call */

/* What the calls need from the VM (the backend's vm_ops). */
struct x86_hc_env {
	void *ctx;
	void (*console_putc)(void *ctx, uint8_t byte);
	int (*console_getc)(void *ctx);
	int (*release_memory)(void *ctx, uint64_t gpa, uint64_t size);
};

/* What a call leaves for the backend besides its result. */
enum x86_hc_action {
	X86_HC_RETURN,	  /* RAX = the result, past the VMCALL */
	X86_HC_POWER_OFF, /* the VM stops */
	X86_HC_RESET,	  /* the VM resets */
	X86_HC_OFF,	  /* the calling vCPU turns off */
};

/* Runs the call in args[0] (RAX) with args[1..4] (RBX, RCX, RDX, RSI) for a guest at privilege
 * level cpl; *result is what RAX gets when the action is X86_HC_RETURN. */
enum x86_hc_action x86_hypercall(const struct x86_hc_env *env, const uint64_t args[5], unsigned cpl,
				 int64_t *result);

#endif
