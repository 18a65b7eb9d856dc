/* VMCALL dispatch (x86_vcpu/hypercall.h). */
#include <axvm/error.h>
#include <x86_vcpu/hypercall.h>

#define PAGE_MASK 0xfffull

static int64_t memory_release(const struct x86_hc_env *env, uint64_t base, uint64_t size)
{
	if (!size || ((base | size) & PAGE_MASK))
		return X86_HC_EINVAL;
	switch (env->release_memory(env->ctx, base, size)) {
	case AX_OK:
		return 0;
	case AXERR_INVALID:
		return X86_HC_EINVAL;
	case AXERR_NOT_MAPPED:
	case AXERR_UNSUPPORTED:
		return X86_HC_EFAULT;
	default:
		return X86_HC_ENOMEM;
	}
}

enum x86_hc_action x86_hypercall(const struct x86_hc_env *env, const uint64_t args[5], unsigned cpl,
				 int64_t *result)
{
	int byte;

	*result = 0;
	if (cpl) {
		*result = X86_HC_EPERM;
		return X86_HC_RETURN;
	}
	switch (args[0]) {
	case X86_HC_VERSION:
		*result = X86_HC_ABI_VERSION;
		return X86_HC_RETURN;
	case X86_HC_CONSOLE_PUTC:
		env->console_putc(env->ctx, (uint8_t)args[1]);
		return X86_HC_RETURN;
	case X86_HC_CONSOLE_GETC:
		byte = env->console_getc(env->ctx);
		*result = byte < 0 ? X86_HC_EAGAIN : byte;
		return X86_HC_RETURN;
	case X86_HC_SYSTEM_OFF:
		return X86_HC_POWER_OFF;
	case X86_HC_SYSTEM_RESET:
		return X86_HC_RESET;
	case X86_HC_CPU_OFF:
		return X86_HC_OFF;
	case X86_HC_MEMORY_RELEASE:
		*result = memory_release(env, args[1], args[2]);
		return X86_HC_RETURN;
	default:
		*result = X86_HC_ENOSYS;
		return X86_HC_RETURN;
	}
}
