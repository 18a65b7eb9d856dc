/* SBI v0.1 console extensions 0x01 (putchar) and 0x02 (getchar): one function each, the
 * result in a0 only. */
#include "sbi_internal.h"

static int64_t console_putchar(const struct sbi_call *call, struct sbi_result *res)
{
	(void)res;
	call->env->console_putc(call->env->ctx, (uint8_t)call->a[0]);
	return 0;
}

/* The byte read, or -1 when there is none. */
static int64_t console_getchar(const struct sbi_call *call, struct sbi_result *res)
{
	(void)res;
	return call->env->console_getc(call->env->ctx);
}

static const sbi_fn putchar_fns[] = {console_putchar};
static const sbi_fn getchar_fns[] = {console_getchar};

const struct sbi_extension sbi_ext_legacy_putchar = {SBI_EXT_LEGACY_PUTCHAR, true, putchar_fns,
						     SBI_ARRAY_SIZE(putchar_fns)};
const struct sbi_extension sbi_ext_legacy_getchar = {SBI_EXT_LEGACY_GETCHAR, true, getchar_fns,
						     SBI_ARRAY_SIZE(getchar_fns)};
