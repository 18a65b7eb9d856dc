/* libFuzzer target: the SBI implementation on a random sequence of calls with random register
 * files, from random harts of a VM of random size, against a host environment that checks
 * every callback's arguments: guest memory is touched only through read_guest/write_guest in
 * chunks of at most 64 bytes, harts named to the host exist, fences are well formed, and every
 * result is one the specification allows. */
#include <cstdint>
#include <cstring>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "tools/fuzz/require.h"

extern "C" {
#include <axvm/error.h>
#include <riscv_vcpu/sbi.h>
}

namespace
{

constexpr uint64_t kMemBase = 0x80000000, kMemSize = 0x2000;

struct Host {
	uint8_t mem[kMemSize];
	uint32_t hart_count;
	uint32_t caller;
	sbi_hsm_state states[SBI_MAX_HARTS];
	FuzzedDataProvider *in;
	sbi_env env;
};

Host *Self(void *ctx)
{
	return static_cast<Host *>(ctx);
}

bool Inside(uint64_t gpa, size_t len)
{
	return gpa >= kMemBase && len <= kMemSize && gpa - kMemBase <= kMemSize - len;
}

void CheckFence(const sbi_fence *f)
{
	FuzzRequire(f->kind == SBI_FENCE_I || f->kind == SBI_FENCE_VMA ||
			f->kind == SBI_FENCE_VMA_ASID,
		    "fence kind");
	FuzzRequire(f->size == SBI_FENCE_ALL || (f->size && f->start + (f->size - 1) >= f->start),
		    "a fence range that does not wrap");
}

void InitEnv(Host &h)
{
	sbi_env &e = h.env;
	e.ctx = &h;
	e.set_timer = [](void *, uint64_t) {};
	e.console_putc = [](void *, uint8_t) {};
	e.console_getc = [](void *ctx) {
		FuzzedDataProvider *in = Self(ctx)->in;
		return in->ConsumeBool() ? -1 : (int)in->ConsumeIntegral<uint8_t>();
	};
	e.read_guest = [](void *ctx, uint64_t gpa, void *buf, size_t len) {
		FuzzRequire(len <= 64, "copies of at most 64 bytes");
		if (!Inside(gpa, len))
			return (int)AXERR_NOT_MAPPED;
		std::memcpy(buf, &Self(ctx)->mem[gpa - kMemBase], len);
		return (int)AX_OK;
	};
	e.write_guest = [](void *ctx, uint64_t gpa, const void *buf, size_t len) {
		FuzzRequire(len <= 64, "copies of at most 64 bytes");
		if (!Inside(gpa, len) || gpa < kMemBase + 0x1000) /* the first page is read-only */
			return (int)AXERR_PERMISSION;
		std::memcpy(&Self(ctx)->mem[gpa - kMemBase], buf, len);
		return (int)AX_OK;
	};
	e.hart_state = [](void *ctx, uint64_t hart) {
		FuzzRequire(hart < Self(ctx)->hart_count, "hart_state of an existing hart");
		return Self(ctx)->states[hart];
	};
	e.hart_start = [](void *ctx, uint64_t hart, uint64_t addr, uint64_t) {
		Host *h = Self(ctx);
		FuzzRequire(hart < h->hart_count, "hart_start of an existing hart");
		FuzzRequire(Inside(addr, 2) && !(addr & 1), "a start address in guest memory");
		if (h->states[hart] != SBI_HSM_STOPPED)
			return (int64_t)SBI_ERR_ALREADY_AVAILABLE;
		h->states[hart] = SBI_HSM_START_PENDING;
		return (int64_t)SBI_SUCCESS;
	};
	e.resume_at = [](void *, uint64_t addr, uint64_t) {
		FuzzRequire(Inside(addr, 2) && !(addr & 1), "a resume address in guest memory");
	};
	e.local_fence = [](void *, const sbi_fence *f) { CheckFence(f); };
	e.release_memory = [](void *ctx, uint64_t gpa, uint64_t size) {
		FuzzRequire(size && !((gpa | size) & (SBI_AXVM_PAGE_SIZE - 1)),
			    "page-aligned, nonzero releases");
		return Self(ctx)->in->ConsumeBool() ? (int)AX_OK : (int)AXERR_NOT_MAPPED;
	};
	e.remote_fence = [](void *ctx, const sbi_fence *f, uint64_t mask) {
		Host *h = Self(ctx);
		CheckFence(f);
		FuzzRequire(mask != 0, "a remote fence names harts");
		FuzzRequire(!(mask & (1ull << h->caller)), "never the caller's own hart");
		FuzzRequire(h->hart_count == 64 || mask >> h->hart_count == 0,
			    "only existing harts");
		return h->in->ConsumeBool() ? (int64_t)SBI_SUCCESS : (int64_t)SBI_ERR_FAILED;
	};
}

/* Extension ids worth trying often; anything else comes up too. */
constexpr uint64_t kExtensions[] = {
    SBI_EXT_LEGACY_PUTCHAR,
    SBI_EXT_LEGACY_GETCHAR,
    SBI_EXT_BASE,
    SBI_EXT_TIME,
    SBI_EXT_IPI,
    SBI_EXT_RFENCE,
    SBI_EXT_HSM,
    SBI_EXT_SRST,
    SBI_EXT_DBCN,
};

uint64_t Argument(FuzzedDataProvider &in)
{
	switch (in.ConsumeIntegralInRange(0, 3)) {
	case 0:
		return in.ConsumeIntegralInRange<uint64_t>(0, 70); /* counts, hart ids, types */
	case 1:
		return kMemBase + in.ConsumeIntegralInRange<uint64_t>(0, kMemSize + 64) - 32;
	case 2:
		return UINT64_MAX - in.ConsumeIntegralInRange<uint64_t>(0, 64);
	default:
		return in.ConsumeIntegral<uint64_t>();
	}
}

void CheckResult(const sbi_result &r, const sbi_regs &regs, uint32_t hart_count)
{
	FuzzRequire(r.action == SBI_ACTION_RESUME || r.action == SBI_ACTION_EXIT, "action");
	if (regs.a[7] > SBI_EXT_LEGACY_GETCHAR)
		FuzzRequire(r.error <= 0 && r.error >= -13, "an SBI error code");
	if (r.action == SBI_ACTION_RESUME) {
		FuzzRequire(r.exit.kind == AXVM_EXIT_NOTHING, "no exit when resuming");
		return;
	}
	switch (r.exit.kind) {
	case AXVM_EXIT_SEND_IPI:
		FuzzRequire(r.exit.send_ipi.target_mask != 0, "an IPI to someone");
		FuzzRequire(hart_count == 64 || r.exit.send_ipi.target_mask >> hart_count == 0,
			    "IPIs to existing harts");
		break;
	case AXVM_EXIT_CPU_DOWN:
	case AXVM_EXIT_HALT:
	case AXVM_EXIT_SYSTEM_DOWN:
	case AXVM_EXIT_TIMER:
		break;
	default:
		FuzzRequire(false, "an exit the SBI can make");
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzedDataProvider in(data, size);
	Host h;

	std::memset(h.mem, 0x13, sizeof(h.mem));
	h.in = &in;
	h.hart_count = in.ConsumeIntegralInRange<uint32_t>(1, SBI_MAX_HARTS);
	for (uint32_t i = 0; i < SBI_MAX_HARTS; i++)
		h.states[i] = (sbi_hsm_state)in.ConsumeIntegralInRange<int>(0, 6);
	InitEnv(h);
	while (in.remaining_bytes()) {
		sbi_regs regs;
		sbi_result res;

		h.caller = in.ConsumeIntegralInRange<uint32_t>(0, h.hart_count - 1);
		for (int i = 0; i < 6; i++)
			regs.a[i] = Argument(in);
		regs.a[6] = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint64_t>(0, 8)
					     : in.ConsumeIntegral<uint64_t>();
		regs.a[7] = in.ConsumeBool()
				? kExtensions[in.ConsumeIntegralInRange<size_t>(
				      0, sizeof(kExtensions) / sizeof(kExtensions[0]) - 1)]
				: in.ConsumeIntegral<uint64_t>();
		std::memset(&res, 0xa5, sizeof(res));
		sbi_handle_ecall(&h.env, h.caller, h.hart_count, &regs, &res);
		CheckResult(res, regs, h.hart_count);
	}
	return 0;
}
