#include <axvm/hal.h>

#include <axvm/error.h>
#include <axvm/format.h>
#include <axvm/vm.h>

#include "vm_internal.h"

static const struct axvm_hal *installed;

int axvm_init(const struct axvm_hal *hal)
{
	if (!hal || !hal->mm.alloc_pages || !hal->mm.free_pages || !hal->mm.phys_to_virt ||
	    !hal->heap.alloc || !hal->heap.free || !hal->current_cpu || !hal->vcpu_notify ||
	    !hal->log)
		return AXERR_INVALID;
	installed = hal;
	return AX_OK;
}

const struct axvm_hal *axvm_hal_get(void)
{
	return installed;
}

void axvm_logf(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	ax_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	installed->log(line);
}
