#include "psci.h"

#include <libfdt.h>
#include <string.h>

#define PSCI_0_2_FN64_CPU_ON 0xc4000003u
#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008u

static bool usable;
static uint32_t fn_cpu_on = PSCI_0_2_FN64_CPU_ON;

/* An SMC Calling Convention call: x0 = function id, x1..x3 arguments; returns x0. SMCCC 1.0
 * lets the firmware corrupt x4..x17. */
static int64_t smc_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

/* The psci node: newer bindings may list only "arm,psci-1.0" or "arm,psci-0.2". */
static int find_psci_node(const void *fdt)
{
	static const char *const compatibles[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
	int node = -1;

	for (size_t i = 0; i < sizeof(compatibles) / sizeof(compatibles[0]) && node < 0; i++)
		node = fdt_node_offset_by_compatible(fdt, -1, compatibles[i]);
	return node;
}

bool psci_init(const void *fdt, const char **why)
{
	int node = find_psci_node(fdt);
	const char *method;
	const fdt32_t *cpu_on;
	int len;

	usable = false;
	if (node < 0) {
		*why = "no psci node in the devicetree";
		return false;
	}
	method = fdt_getprop(fdt, node, "method", NULL);
	if (!method || strcmp(method, "smc") != 0) {
		*why = method && strcmp(method, "hvc") == 0
			   ? "method \"hvc\" would trap to this host at EL2"
			   : "no usable method (need \"smc\")";
		return false;
	}
	cpu_on = fdt_getprop(fdt, node, "cpu_on", &len);
	if (cpu_on && len == sizeof(*cpu_on))
		fn_cpu_on = fdt32_to_cpu(*cpu_on);
	usable = true;
	return true;
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	if (!usable)
		return PSCI_NOT_SUPPORTED;
	return smc_call(fn_cpu_on, mpidr, entry, context);
}

void psci_system_off(void)
{
	if (usable)
		smc_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
}
