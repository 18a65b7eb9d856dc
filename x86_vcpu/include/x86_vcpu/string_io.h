/* INS and OUTS, with or without REP, one element at a time (Intel SDM Vol. 2, INS/OUTS and REP;
 * Vol. 3C 28.2.5, the VM-exit instruction-information field of I/O instructions): the address
 * size an exit reports and the registers an element moves. Pure computation, unit-tested on
 * the host. */
#ifndef X86_VCPU_STRING_IO_H
#define X86_VCPU_STRING_IO_H

#include <stdbool.h>
#include <stdint.h>

/* The address size in bytes (2, 4 or 8) of a string I/O instruction from its VM-exit
 * instruction-information field (bits 9:7); 0 for a value the SDM does not define. */
unsigned x86_string_io_addr_size(uint32_t insn_info);

/* The registers of a string I/O instruction. */
struct x86_string_regs {
	uint64_t rsi, rdi, rcx;
};

/* The iterations a REP prefix asks for: RCX within the address size. */
uint64_t x86_string_io_count(uint64_t rcx, unsigned addr_size);

/* Moves r past one element of size bytes, as the CPU does after it: the index register (RDI
 * for INS, RSI for OUTS) up by size, or down when df (RFLAGS.DF), and RCX down by one for
 * REP, each changed within the address size (2: bits 15:0 only; 4: the 32-bit result
 * zero-extended; 8: all). Returns whether the instruction is over: not REP, or RCX counted
 * down to 0. */
bool x86_string_io_step(struct x86_string_regs *r, bool in, bool rep, bool df, unsigned size,
			unsigned addr_size);

#endif
