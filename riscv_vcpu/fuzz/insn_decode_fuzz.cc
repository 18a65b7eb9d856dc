/* libFuzzer target: trapped-access decoding as arch_vcpu_decode_mmio does it — htinst, the
 * instruction bits at the faulting pc, the implicit-access test and the MMIO exit — on
 * arbitrary values. Whatever is accepted must be an access the run loop can carry out. */
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tools/fuzz/require.h"

extern "C" {
#include <axvm/error.h>
#include <axvm/exit.h>
#include <riscv_vcpu/insn_decode.h>
}

namespace
{

void CheckAccess(int err, const riscv_mem_access &a, uint32_t insn_bits)
{
	FuzzRequire(err == AX_OK || err == AXERR_INVALID || err == AXERR_UNSUPPORTED ||
			err == AXERR_NOT_FOUND,
		    "a documented error");
	if (err)
		return;
	FuzzRequire(a.width == 1 || a.width == 2 || a.width == 4 || a.width == 8, "width");
	FuzzRequire(a.reg < 32, "register");
	FuzzRequire(a.insn_len == 2 || a.insn_len == 4, "length");
	FuzzRequire((a.insn_len == 4) == ((insn_bits & 3) == 3), "length follows bits 1:0");
	FuzzRequire(!(a.store && a.sign_extend) && !(a.width == 8 && a.sign_extend),
		    "sign extension only for narrow loads");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t in[4] = {};
	riscv_mem_access a;
	axvm_exit exit;

	std::memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
	uint32_t insn = (uint32_t)in[0];
	uint64_t htinst = in[1], stval = in[2], htval = in[3] >> 2;

	std::memset(&a, 0x5a, sizeof(a));
	int err = riscv_decode_mem_insn(insn, &a);
	CheckAccess(err, a, insn);
	FuzzRequire(err != AXERR_NOT_FOUND, "the instruction decoder never says not found");
	if (!err) {
		uint64_t gpa = riscv_fault_gpa(htval, stval);
		FuzzRequire((gpa & 3) == (stval & 3) && gpa >> 2 == (htval & (UINT64_MAX >> 2)),
			    "gpa from htval and stval");
		riscv_mem_access_exit(&a, gpa, stval, &exit);
		if (a.store) {
			FuzzRequire(exit.kind == AXVM_EXIT_MMIO_WRITE &&
					exit.mmio_write.width == a.width,
				    "a store becomes a write");
			FuzzRequire(a.width == 8 || exit.mmio_write.data >> (8 * a.width) == 0,
				    "store data cut to its width");
		} else {
			uint64_t reg = riscv_load_value(&a, stval);
			FuzzRequire(exit.kind == AXVM_EXIT_MMIO_READ &&
					exit.mmio_read.width == a.width,
				    "a load becomes a read");
			FuzzRequire(a.width == 8 || a.sign_extend || reg >> (8 * a.width) == 0,
				    "a zero-extending load clears the register above its width");
			FuzzRequire(!a.sign_extend || (int64_t)(reg << (64 - 8 * a.width)) >>
							      (64 - 8 * a.width) ==
							  (int64_t)reg,
				    "a sign-extending load fills the register with its top bit");
		}
	}

	std::memset(&a, 0x5a, sizeof(a));
	err = riscv_decode_htinst(htinst, &a);
	/* A transformed instruction: bit 1 clear stands for a compressed original. */
	CheckAccess(err, a, (htinst & 2) ? 3 : 1);
	if (htinst != 0 && !(htinst >> 32) && (htinst & 3) == 0)
		FuzzRequire(err == AXERR_UNSUPPORTED &&
				!riscv_fault_is_explicit(htinst, stval, stval),
			    "pseudoinstructions are implicit accesses");
	if (htinst == 0)
		FuzzRequire(riscv_fault_is_explicit(0, stval, stval),
			    "bare translation is explicit");
	uint64_t cause = riscv_access_fault_cause(in[3] & 0x3f);
	FuzzRequire(cause == 0 || cause == 1 || cause == 5 || cause == 7, "an access-fault cause");
	return 0;
}
