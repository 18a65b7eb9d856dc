/* How contexts are numbered for harts and modes: QEMU virt's M/S pairs, or S-mode only. */
#include <axdevice/plic.h>

#include <axvm/error.h>

uint32_t axdevice_plic_layout_contexts(enum axdevice_plic_layout layout, uint32_t harts)
{
	uint32_t per_hart;

	if (layout == AXDEVICE_PLIC_LAYOUT_M_S)
		per_hart = 2;
	else if (layout == AXDEVICE_PLIC_LAYOUT_S)
		per_hart = 1;
	else
		return 0;
	if (harts > AXDEVICE_PLIC_MAX_CONTEXTS / per_hart)
		return 0;
	return harts * per_hart;
}

int axdevice_plic_layout_context(enum axdevice_plic_layout layout, uint32_t hart,
				 enum axdevice_plic_mode mode, uint32_t *context)
{
	uint64_t c;

	if (!context || (mode != AXDEVICE_PLIC_M_MODE && mode != AXDEVICE_PLIC_S_MODE))
		return AXERR_INVALID;
	if (layout == AXDEVICE_PLIC_LAYOUT_M_S)
		c = 2 * (uint64_t)hart + (mode == AXDEVICE_PLIC_S_MODE);
	else if (layout == AXDEVICE_PLIC_LAYOUT_S && mode == AXDEVICE_PLIC_S_MODE)
		c = hart;
	else
		return AXERR_INVALID;
	if (c >= AXDEVICE_PLIC_MAX_CONTEXTS)
		return AXERR_INVALID;
	*context = (uint32_t)c;
	return AX_OK;
}

int axdevice_plic_layout_target(enum axdevice_plic_layout layout, uint32_t context, uint32_t *hart,
				enum axdevice_plic_mode *mode)
{
	if (!hart || !mode || context >= AXDEVICE_PLIC_MAX_CONTEXTS)
		return AXERR_INVALID;
	if (layout == AXDEVICE_PLIC_LAYOUT_M_S) {
		*hart = context / 2;
		*mode = context % 2 ? AXDEVICE_PLIC_S_MODE : AXDEVICE_PLIC_M_MODE;
	} else if (layout == AXDEVICE_PLIC_LAYOUT_S) {
		*hart = context;
		*mode = AXDEVICE_PLIC_S_MODE;
	} else {
		return AXERR_INVALID;
	}
	return AX_OK;
}
