#include "semihosting.h"

#include "asm_defs.h"

void semihosting_exit(uint64_t code)
{
	uint64_t block[2] = {ASM_ADP_STOPPED_APPLICATION_EXIT, code};
	register uint64_t x0 __asm__("x0") = ASM_SEMIHOSTING_SYS_EXIT;
	register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}
