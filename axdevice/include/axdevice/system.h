/* What a device may ask of the whole VM: a reset (a keyboard controller's reset line, a reset
 * register) or a power-off. The host decides what a reset does (a restart, or a stop). */
#ifndef AXDEVICE_SYSTEM_H
#define AXDEVICE_SYSTEM_H

#include <stdint.h>

enum axdevice_system_request {
	AXDEVICE_SYSTEM_RESET,
	AXDEVICE_SYSTEM_OFF,
};

/* The VM around the devices. */
struct axdevice_system_host {
	/* The guest, through vCPU vcpu's access (AXDEVICE_VCPU_HOST: the host's own), asks for
	 * req. Called with the device's lock held. */
	void (*request)(void *ctx, uint32_t vcpu, enum axdevice_system_request req);
	void *ctx;
};

#endif
