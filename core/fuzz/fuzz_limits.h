/* The limits the configuration parser is fuzzed under: 8 vCPUs, 4 host CPUs, 39-bit
 * guest-physical addresses, and every device model the framework has. */
#ifndef CORE_FUZZ_FUZZ_LIMITS_H
#define CORE_FUZZ_FUZZ_LIMITS_H

extern "C" {
#include <axvm/config.h>
}

inline const axvm_config_limits &FuzzConfigLimits()
{
	static const char *const devices[] = {"ns16550a", "arm,pl011", "sifive,plic-1.0.0",
					      nullptr};
	static const axvm_config_limits limits = {8, 4, 39, nullptr, devices};
	return limits;
}

#endif
