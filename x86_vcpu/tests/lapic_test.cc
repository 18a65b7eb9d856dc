#include <gtest/gtest.h>

extern "C" {
#include <axvm/error.h>
#include <x86_vcpu/lapic.h>
}

namespace
{

constexpr uint64_t kT0 = 1000000;
constexpr uint64_t kEn = X86_APIC_BASE_EN, kExtd = X86_APIC_BASE_EXTD;
constexpr uint32_t kLvtTimer = X86_LAPIC_LVT + 0x10 * X86_LVT_TIMER;
constexpr uint32_t kLvtThermal = X86_LAPIC_LVT + 0x10 * X86_LVT_THERMAL;
constexpr uint32_t kLvtPerf = X86_LAPIC_LVT + 0x10 * X86_LVT_PERF;
constexpr uint32_t kLvtLint0 = X86_LAPIC_LVT + 0x10 * X86_LVT_LINT0;
constexpr uint32_t kLvtLint1 = X86_LAPIC_LVT + 0x10 * X86_LVT_LINT1;
constexpr uint32_t kLvtError = X86_LAPIC_LVT + 0x10 * X86_LVT_ERROR;

// ICR delivery modes (bits 10:8).
constexpr uint32_t kFixed = 0 << 8, kLowest = 1 << 8, kSmi = 2 << 8, kNmi = 4 << 8, kInit = 5 << 8,
		   kSipi = 6 << 8;

// The x2APIC MSR of the register at xAPIC offset reg.
constexpr uint32_t x2(uint32_t reg)
{
	return X86_MSR_X2APIC_FIRST + (reg >> 4);
}

class Lapic : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		x86_lapic_reset(&a, 1, 4);
	}

	uint32_t rd(uint32_t offset, uint64_t now = kT0)
	{
		uint32_t v = 0xdeadbeef;
		EXPECT_EQ(x86_lapic_mmio_read(&a, offset, 4, now, &v), AX_OK) << offset;
		return v;
	}

	void wr(uint32_t offset, uint32_t value, uint64_t now = kT0)
	{
		EXPECT_EQ(x86_lapic_mmio_write(&a, offset, 4, value, now, &e), AX_OK) << offset;
	}

	uint64_t rdmsr(uint32_t msr, uint64_t now = kT0)
	{
		uint64_t v = 0xdeadbeef;
		EXPECT_EQ(x86_lapic_msr_read(&a, msr, now, &v), AX_OK) << std::hex << msr;
		return v;
	}

	int wrmsr(uint32_t msr, uint64_t value, uint64_t now = kT0)
	{
		return x86_lapic_msr_write(&a, msr, value, now, &e);
	}

	// The ESR after a write latches what accumulated.
	uint32_t esr()
	{
		wr(X86_LAPIC_ESR, 0);
		return rd(X86_LAPIC_ESR);
	}

	void enable()
	{
		wr(X86_LAPIC_SVR, X86_SVR_ENABLE | 0xff);
	}

	void to_x2apic()
	{
		ASSERT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE | kEn | kExtd), AX_OK);
	}

	// An xAPIC IPI: ICR high, then ICR low (which sends).
	x86_lapic_ipi send(uint8_t dest, uint32_t low)
	{
		wr(X86_LAPIC_ICR_HIGH, uint32_t(dest) << 24);
		wr(X86_LAPIC_ICR, low);
		return e.ipi;
	}

	bool in(uint32_t base, uint8_t vector)
	{
		return rd(base + 0x10 * (vector / 32)) & (1u << (vector % 32));
	}

	x86_lapic a;
	x86_lapic_effect e;
};

TEST_F(Lapic, ResetValues)
{
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE | kEn);
	EXPECT_TRUE(x86_lapic_mmio_enabled(&a));
	EXPECT_FALSE(x86_lapic_x2apic(&a));
	EXPECT_EQ(rd(X86_LAPIC_ID), 1u << 24);
	EXPECT_EQ(rd(X86_LAPIC_VERSION), 0x00050014u);
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_APR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_EOI), 0u);
	EXPECT_EQ(rd(X86_LAPIC_RRD), 0u);
	EXPECT_EQ(rd(X86_LAPIC_LDR), 0x02000000u); // flat: bit 1 for APIC 1
	EXPECT_EQ(rd(X86_LAPIC_DFR), 0xffffffffu);
	EXPECT_EQ(rd(X86_LAPIC_SVR), 0xffu);
	for (uint32_t i = 0; i < 8; i++) {
		EXPECT_EQ(rd(X86_LAPIC_ISR + 0x10 * i), 0u);
		EXPECT_EQ(rd(X86_LAPIC_TMR + 0x10 * i), 0u);
		EXPECT_EQ(rd(X86_LAPIC_IRR + 0x10 * i), 0u);
	}
	EXPECT_EQ(rd(X86_LAPIC_ESR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_ICR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_ICR_HIGH), 0u);
	for (uint32_t i = 0; i < X86_LVT_COUNT; i++)
		EXPECT_EQ(rd(X86_LAPIC_LVT + 0x10 * i), 0x00010000u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_INITIAL), 0u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT), 0u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_DIVIDE), 0u);
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), 0u);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	EXPECT_EQ(esr(), 0u); // none of the reads above was an error

	x86_lapic_reset(&a, 0, 1);
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE | kEn | X86_APIC_BASE_BSP);
	EXPECT_EQ(rd(X86_LAPIC_ID), 0u);
}

TEST_F(Lapic, ResetClearsState)
{
	enable();
	wr(X86_LAPIC_TPR, 0x20);
	wr(kLvtTimer, 0x40);
	wr(X86_LAPIC_TIMER_INITIAL, 100);
	x86_lapic_accept(&a, 0x50, true);
	x86_lapic_reset(&a, 1, 4);
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_SVR), 0xffu);
	EXPECT_EQ(rd(kLvtTimer), X86_LVT_MASKED);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_INITIAL), 0u);
	EXPECT_FALSE(in(X86_LAPIC_IRR, 0x50));
	EXPECT_FALSE(in(X86_LAPIC_TMR, 0x50));
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
}

TEST_F(Lapic, XapicReadOnlyAndFixedRegisters)
{
	x86_lapic_accept(&a, 0x50, false);
	wr(X86_LAPIC_ID, 0x07000000);
	wr(X86_LAPIC_VERSION, 0);
	wr(X86_LAPIC_APR, 0xff);
	wr(X86_LAPIC_PPR, 0xff);
	wr(X86_LAPIC_RRD, 0xff);
	wr(X86_LAPIC_LDR, 0xff000000);
	wr(X86_LAPIC_IRR + 0x20, 0);
	wr(X86_LAPIC_ISR + 0x20, 0xffffffff);
	wr(X86_LAPIC_TMR + 0x20, 0xffffffff);
	wr(X86_LAPIC_TIMER_CURRENT, 1234);
	EXPECT_EQ(rd(X86_LAPIC_ID), 1u << 24);
	EXPECT_EQ(rd(X86_LAPIC_VERSION), 0x00050014u);
	EXPECT_EQ(rd(X86_LAPIC_APR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_RRD), 0u);
	EXPECT_EQ(rd(X86_LAPIC_LDR), 0x02000000u);
	EXPECT_EQ(rd(X86_LAPIC_IRR + 0x20), 1u << 16);
	EXPECT_EQ(rd(X86_LAPIC_ISR + 0x20), 0u);
	EXPECT_EQ(rd(X86_LAPIC_TMR + 0x20), 0u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT), 0u);
	EXPECT_EQ(esr(), 0u); // read-only registers are not illegal addresses
}

TEST_F(Lapic, XapicWritableRegisters)
{
	wr(X86_LAPIC_TPR, 0xffffff5a);
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0x5au);
	EXPECT_EQ(x86_lapic_tpr(&a), 0x5a);
	x86_lapic_set_tpr(&a, 0x30); // MOV to CR8 3
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0x30u);

	wr(X86_LAPIC_SVR, 0xffffffff); // bit 12 (EOI-broadcast suppression) and up not kept
	EXPECT_EQ(rd(X86_LAPIC_SVR), 0x3ffu);

	wr(X86_LAPIC_DFR, 0x01234567);
	EXPECT_EQ(rd(X86_LAPIC_DFR), 0x0fffffffu);
	wr(X86_LAPIC_DFR, 0x5fffffff); // neither flat nor cluster: acts as flat
	EXPECT_EQ(rd(X86_LAPIC_DFR), 0x5fffffffu);
	EXPECT_EQ(rd(X86_LAPIC_LDR), 0x02000000u);

	wr(X86_LAPIC_ICR_HIGH, 0xffffffff);
	EXPECT_EQ(rd(X86_LAPIC_ICR_HIGH), 0xff000000u);
	wr(X86_LAPIC_ICR, 0xffffffff & ~(7u << 8) & ~(3u << 18)); // fixed to destination 0xff
	EXPECT_EQ(rd(X86_LAPIC_ICR), 0x0000c8ffu);		  // no delivery status, no reserved
	EXPECT_EQ(e.ipi.kind, X86_IPI_FIXED);

	wr(X86_LAPIC_TIMER_DIVIDE, 0xffffffff);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_DIVIDE), 0xbu);
	wr(X86_LAPIC_TIMER_INITIAL, 0xffffffff);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_INITIAL), 0xffffffffu);
	EXPECT_EQ(esr(), 0u);
}

TEST_F(Lapic, XapicLvtWritableBits)
{
	enable();
	wr(kLvtTimer, 0xfffcffff); // mode 0b10, mask clear
	EXPECT_EQ(rd(kLvtTimer), 0x000400ffu);
	wr(kLvtThermal, 0xfffeffff);
	EXPECT_EQ(rd(kLvtThermal), 0x000007ffu);
	wr(kLvtPerf, 0xffffffff);
	EXPECT_EQ(rd(kLvtPerf), 0x000107ffu);
	wr(kLvtLint0, 0xfffeffff); // remote IRR, delivery status read-only
	EXPECT_EQ(rd(kLvtLint0), 0x0000a7ffu);
	wr(kLvtLint1, 0xffffffff);
	EXPECT_EQ(rd(kLvtLint1), 0x0001a7ffu);
	wr(kLvtError, 0xfffeffff);
	EXPECT_EQ(rd(kLvtError), 0x000000ffu);
	EXPECT_EQ(esr(), 0u);
}

TEST_F(Lapic, XapicLdrFollowsDfr)
{
	x86_lapic_reset(&a, 5, 8);
	EXPECT_EQ(rd(X86_LAPIC_LDR), 0x20000000u); // flat: bit 5
	wr(X86_LAPIC_DFR, 0);
	EXPECT_EQ(rd(X86_LAPIC_LDR), 0x12000000u); // cluster 1, bit 1
	x86_lapic_reset(&a, 9, 16);
	EXPECT_EQ(rd(X86_LAPIC_LDR), 0u); // flat names only 8 APICs
}

TEST_F(Lapic, UnknownOffsetsAreIllegalAddresses)
{
	for (uint32_t off : {0x000u, 0x010u, 0x040u, 0x070u, 0x290u, 0x2f0u, 0x3a0u, 0x3d0u, 0x3f0u,
			     0x400u, 0xff0u}) {
		EXPECT_EQ(rd(off), 0u) << off;
		EXPECT_EQ(esr(), X86_ESR_ILLEGAL_REG) << off;
		wr(off, 0xffffffff);
		EXPECT_EQ(esr(), X86_ESR_ILLEGAL_REG) << off;
		EXPECT_EQ(esr(), 0u) << off;
	}
}

TEST_F(Lapic, EsrLatchesOnWrite)
{
	EXPECT_EQ(rd(0x10), 0u);
	EXPECT_EQ(rd(X86_LAPIC_ESR), 0u); // not latched yet
	wr(X86_LAPIC_ESR, 0xffffffff);	  // the value written does not matter
	EXPECT_EQ(rd(X86_LAPIC_ESR), X86_ESR_ILLEGAL_REG);
	x86_lapic_accept(&a, 3, false);
	EXPECT_EQ(rd(X86_LAPIC_ESR), X86_ESR_ILLEGAL_REG); // still the latched value
	wr(X86_LAPIC_ESR, 0);
	EXPECT_EQ(rd(X86_LAPIC_ESR), X86_ESR_RECV_ILLEGAL);
	wr(X86_LAPIC_ESR, 0);
	EXPECT_EQ(rd(X86_LAPIC_ESR), 0u);
}

TEST_F(Lapic, MmioAccessShape)
{
	uint32_t v = 0;
	e.timer_changed = true;
	EXPECT_EQ(x86_lapic_mmio_read(&a, X86_LAPIC_TPR, 1, kT0, &v), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_mmio_read(&a, X86_LAPIC_TPR, 2, kT0, &v), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_mmio_read(&a, X86_LAPIC_TPR, 8, kT0, &v), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_mmio_read(&a, X86_LAPIC_TPR + 4, 4, kT0, &v), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_mmio_read(&a, X86_LAPIC_SIZE, 4, kT0, &v), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_mmio_write(&a, X86_LAPIC_TPR, 1, 0x20, kT0, &e), AXERR_INVALID);
	EXPECT_FALSE(e.timer_changed); // cleared even when refused
	EXPECT_EQ(x86_lapic_mmio_write(&a, X86_LAPIC_TPR + 8, 4, 0x20, kT0, &e), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_mmio_write(&a, X86_LAPIC_SIZE + 0x80, 4, 0x20, kT0, &e), AXERR_INVALID);
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0u);
	EXPECT_EQ(esr(), 0u);
}

TEST_F(Lapic, BaseMsrValidTransitions)
{
	const uint64_t xapic = X86_LAPIC_BASE | kEn, x2apic = xapic | kExtd;

	wr(X86_LAPIC_TPR, 0x20);
	x86_lapic_accept(&a, 0x40, false);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, xapic), AX_OK); // unchanged: nothing happens
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0x20u);

	EXPECT_EQ(x86_lapic_set_base_msr(&a, x2apic), AX_OK); // xAPIC -> x2APIC keeps state
	EXPECT_EQ(x86_lapic_base_msr(&a), x2apic);
	EXPECT_TRUE(x86_lapic_x2apic(&a));
	EXPECT_FALSE(x86_lapic_mmio_enabled(&a));
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TPR)), 0x20u);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_IRR + 0x20)), 1u);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, x2apic), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TPR)), 0x20u);

	EXPECT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE), AX_OK); // x2APIC -> disabled
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE);
	EXPECT_FALSE(x86_lapic_x2apic(&a));
	EXPECT_FALSE(x86_lapic_mmio_enabled(&a));

	EXPECT_EQ(x86_lapic_set_base_msr(&a, xapic), AX_OK); // disabled -> xAPIC: reset state
	EXPECT_TRUE(x86_lapic_mmio_enabled(&a));
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0u);
	EXPECT_EQ(rd(X86_LAPIC_SVR), 0xffu);
	EXPECT_FALSE(in(X86_LAPIC_IRR, 0x40));

	EXPECT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE), AX_OK); // xAPIC -> disabled
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE), AX_OK); // stays disabled
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE);
}

TEST_F(Lapic, BaseMsrRefused)
{
	const uint64_t xapic = X86_LAPIC_BASE | kEn;

	wr(X86_LAPIC_TPR, 0x20);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, 0xfed00000ull | kEn), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, xapic | 1u << 9), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, xapic | 1u), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, xapic | 1ull << 36), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE | kExtd), AXERR_INVALID); // EXTD only
	EXPECT_EQ(x86_lapic_base_msr(&a), xapic);
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0x20u); // nothing changed

	to_x2apic();
	EXPECT_EQ(x86_lapic_set_base_msr(&a, xapic), AXERR_INVALID); // x2APIC -> xAPIC
	EXPECT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE | kExtd), AXERR_INVALID);
	EXPECT_TRUE(x86_lapic_x2apic(&a));

	ASSERT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE), AX_OK);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, xapic | kExtd), AXERR_INVALID); // disabled -> x2APIC
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE);
}

TEST_F(Lapic, BaseMsrBspFlagIsFixed)
{
	EXPECT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE | kEn | X86_APIC_BASE_BSP), AX_OK);
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE | kEn);
	x86_lapic_reset(&a, 0, 2);
	EXPECT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE | kEn), AX_OK);
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE | kEn | X86_APIC_BASE_BSP);
}

TEST_F(Lapic, GloballyDisabledIsInert)
{
	enable();
	wr(X86_LAPIC_TPR, 0x20);
	x86_lapic_accept(&a, 0x40, false);
	ASSERT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE), AX_OK);
	EXPECT_EQ(rd(X86_LAPIC_SVR), 0u); // reads 0, not the reset value
	EXPECT_EQ(rd(X86_LAPIC_ID), 0u);
	wr(X86_LAPIC_SVR, 0x1ff);
	wr(X86_LAPIC_ICR, kFixed | X86_ICR_ALL | 0x40);
	EXPECT_EQ(e.ipi.kind, X86_IPI_NONE);
	x86_lapic_accept(&a, 0x50, false);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	uint64_t v = 0;
	EXPECT_EQ(x86_lapic_msr_read(&a, x2(X86_LAPIC_TPR), kT0, &v), AXERR_INVALID);
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), 0u);

	ASSERT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE | kEn), AX_OK);
	EXPECT_EQ(rd(X86_LAPIC_SVR), 0xffu); // the SVR write while disabled was dropped
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0u);
	EXPECT_FALSE(in(X86_LAPIC_IRR, 0x40)); // disabling cleared it
	EXPECT_FALSE(in(X86_LAPIC_IRR, 0x50)); // never accepted
}

TEST_F(Lapic, InitKeepsModeResetsRegisters)
{
	to_x2apic();
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_TPR), 0x20), AX_OK);
	x86_lapic_init(&a);
	EXPECT_TRUE(x86_lapic_x2apic(&a));
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TPR)), 0u);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_SVR)), 0xffu);

	ASSERT_EQ(x86_lapic_set_base_msr(&a, X86_LAPIC_BASE), AX_OK);
	x86_lapic_init(&a);
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE); // stays disabled
}

TEST_F(Lapic, X2apicIdentity)
{
	x86_lapic_reset(&a, 17, 40);
	to_x2apic();
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ID)), 17u);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_LDR)), 0x00010002u); // cluster 1, bit 1
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_VERSION)), 0x00050014u);
	EXPECT_EQ(x86_lapic_base_msr(&a), X86_LAPIC_BASE | kEn | kExtd);
	uint32_t v = 1;
	EXPECT_EQ(x86_lapic_mmio_read(&a, X86_LAPIC_TPR, 4, kT0, &v), AX_OK);
	EXPECT_EQ(v, 0u); // the page is not the APIC's in x2APIC mode
}

TEST_F(Lapic, X2apicWritableRegisters)
{
	to_x2apic();
	EXPECT_EQ(wrmsr(x2(X86_LAPIC_TPR), 0x5a), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TPR)), 0x5au);
	EXPECT_EQ(wrmsr(x2(X86_LAPIC_SVR), 0x3ff), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_SVR)), 0x3ffu);
	EXPECT_EQ(wrmsr(x2(X86_LAPIC_ICR), 0x0000000300004050ull), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ICR)), 0x0000000300004050ull);
	EXPECT_EQ(wrmsr(x2(X86_LAPIC_TIMER_DIVIDE), 0xb), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TIMER_DIVIDE)), 0xbu);
	EXPECT_EQ(wrmsr(x2(X86_LAPIC_TIMER_INITIAL), 0xffffffff), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TIMER_INITIAL)), 0xffffffffu);
	EXPECT_EQ(wrmsr(x2(kLvtLint0), 0x0001a7ff), AX_OK);
	EXPECT_EQ(rdmsr(x2(kLvtLint0)), 0x0001a7ffu);
	EXPECT_EQ(wrmsr(x2(kLvtTimer), 0x000400ff), AX_OK);
	EXPECT_EQ(rdmsr(x2(kLvtTimer)), 0x000400ffu);
	EXPECT_EQ(wrmsr(x2(kLvtError), 0x000100ff), AX_OK);
	EXPECT_EQ(rdmsr(x2(kLvtError)), 0x000100ffu);
	EXPECT_EQ(wrmsr(x2(kLvtThermal), 0x000107ff), AX_OK);
	EXPECT_EQ(wrmsr(x2(kLvtPerf), 0x000107ff), AX_OK);
	EXPECT_EQ(rdmsr(x2(kLvtPerf)), 0x000107ffu);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_PPR)), 0x5au);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TIMER_CURRENT)), 0u);
}

TEST_F(Lapic, X2apicReservedBitsFault)
{
	to_x2apic();
	struct {
		uint32_t reg;
		uint64_t value;
	} cases[] = {
	    {X86_LAPIC_TPR, 0x100},
	    {X86_LAPIC_TPR, 1ull << 32},
	    {X86_LAPIC_SVR, 1u << 12}, // EOI-broadcast suppression not supported
	    {X86_LAPIC_EOI, 1},
	    {X86_LAPIC_ESR, 1},
	    {X86_LAPIC_ICR, 1u << 12}, // delivery status
	    {X86_LAPIC_ICR, 1u << 20},
	    {kLvtTimer, 3u << 17}, // mode 0b11
	    {kLvtTimer, 1u << 12},
	    {kLvtLint0, 1u << 14}, // remote IRR
	    {kLvtError, 1u << 8},
	    {kLvtThermal, 1u << 13},
	    {X86_LAPIC_TIMER_INITIAL, 1ull << 32},
	    {X86_LAPIC_TIMER_DIVIDE, 4},
	    {X86_LAPIC_SELF_IPI, 0x100},
	};
	for (const auto &c : cases)
		EXPECT_EQ(wrmsr(x2(c.reg), c.value), AXERR_INVALID)
		    << std::hex << c.reg << " " << c.value;
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TPR)), 0u);
	EXPECT_EQ(rdmsr(x2(kLvtTimer)), X86_LVT_MASKED);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ICR)), 0u);
}

TEST_F(Lapic, X2apicAccessRules)
{
	uint64_t v;
	// MSRs of x2APIC registers fault outside x2APIC mode.
	EXPECT_EQ(x86_lapic_msr_read(&a, x2(X86_LAPIC_TPR), kT0, &v), AXERR_INVALID);
	EXPECT_EQ(wrmsr(x2(X86_LAPIC_TPR), 0x20), AXERR_INVALID);
	EXPECT_EQ(rd(X86_LAPIC_TPR), 0u);

	to_x2apic();
	for (uint32_t reg :
	     {X86_LAPIC_ID, X86_LAPIC_VERSION, X86_LAPIC_PPR, X86_LAPIC_LDR, X86_LAPIC_ISR,
	      X86_LAPIC_TMR + 0x70, X86_LAPIC_IRR + 0x30, X86_LAPIC_TIMER_CURRENT})
		EXPECT_EQ(wrmsr(x2(reg), 0), AXERR_INVALID) << std::hex << reg; // read-only
	for (uint32_t reg : {X86_LAPIC_EOI, X86_LAPIC_SELF_IPI})
		EXPECT_EQ(x86_lapic_msr_read(&a, x2(reg), kT0, &v), AXERR_INVALID)
		    << std::hex << reg; // write-only
	for (uint32_t reg : {0x000, 0x010, X86_LAPIC_APR, X86_LAPIC_RRD, X86_LAPIC_DFR,
			     X86_LAPIC_ICR_HIGH, 0x2f0, 0x3a0, 0xff0}) {
		EXPECT_EQ(x86_lapic_msr_read(&a, x2(reg), kT0, &v), AXERR_INVALID)
		    << std::hex << reg; // absent in x2APIC mode
		EXPECT_EQ(wrmsr(x2(reg), 0), AXERR_INVALID) << std::hex << reg;
	}
	EXPECT_EQ(x86_lapic_msr_read(&a, X86_MSR_X2APIC_LAST + 1, kT0, &v), AXERR_INVALID);
	EXPECT_EQ(x86_lapic_msr_read(&a, X86_MSR_APIC_BASE, kT0, &v), AXERR_INVALID);
	EXPECT_EQ(wrmsr(X86_MSR_X2APIC_FIRST - 1, 0), AXERR_INVALID);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ESR)), 0u); // x2APIC faults do not touch ESR
	EXPECT_EQ(wrmsr(x2(X86_LAPIC_ESR), 0), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ESR)), 0u);
}

TEST_F(Lapic, X2apicEsrAndEoi)
{
	to_x2apic();
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_SVR), 0x1ff), AX_OK);
	x86_lapic_accept(&a, 7, false);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ESR)), 0u);
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_ESR), 0), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ESR)), X86_ESR_RECV_ILLEGAL);

	x86_lapic_accept(&a, 0x70, true);
	ASSERT_EQ(x86_lapic_deliverable(&a), 0x70);
	x86_lapic_ack(&a, 0x70);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ISR + 0x30)), 1u << 16);
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_EOI), 0), AX_OK);
	EXPECT_TRUE(e.eoi_level);
	EXPECT_EQ(e.eoi_vector, 0x70);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ISR + 0x30)), 0u);
}

TEST_F(Lapic, X2apicSelfIpi)
{
	to_x2apic();
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_SVR), 0x1ff), AX_OK);
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_SELF_IPI), 0x55), AX_OK);
	EXPECT_EQ(e.ipi.kind, X86_IPI_NONE); // handled here, not by the caller
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_IRR + 0x20)), 1u << 21);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TMR + 0x20)), 0u);
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x55);

	ASSERT_EQ(wrmsr(x2(X86_LAPIC_SELF_IPI), 0x0f), AX_OK);
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_ESR), 0), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_ESR)), X86_ESR_SEND_ILLEGAL);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_IRR)), 0u);
}

TEST_F(Lapic, TprMasksAClass)
{
	enable();
	x86_lapic_accept(&a, 0x45, false);
	x86_lapic_accept(&a, 0x35, false);
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x45); // the highest
	wr(X86_LAPIC_TPR, 0x40);
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0x40u);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1); // class 4 is not above 4
	wr(X86_LAPIC_TPR, 0x3f);
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x45);
	x86_lapic_set_tpr(&a, 0x50);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	x86_lapic_set_tpr(&a, 0);

	wr(X86_LAPIC_SVR, 0xff); // software-disabled: held, not delivered
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	x86_lapic_accept(&a, 0x60, false);
	EXPECT_TRUE(in(X86_LAPIC_IRR, 0x60));
	enable();
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x60);
}

TEST_F(Lapic, NestedServiceAndEoiOrder)
{
	enable();
	x86_lapic_accept(&a, 0x45, false);
	ASSERT_EQ(x86_lapic_deliverable(&a), 0x45);
	x86_lapic_ack(&a, 0x45);
	EXPECT_FALSE(in(X86_LAPIC_IRR, 0x45));
	EXPECT_TRUE(in(X86_LAPIC_ISR, 0x45));
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0x40u);

	x86_lapic_accept(&a, 0x41, false); // same class as the one in service: waits
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	x86_lapic_accept(&a, 0x50, false); // higher class: nests
	ASSERT_EQ(x86_lapic_deliverable(&a), 0x50);
	x86_lapic_ack(&a, 0x50);
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0x50u);
	EXPECT_EQ(x86_lapic_ppr(&a), 0x50);
	wr(X86_LAPIC_TPR, 0x25); // below the class in service
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0x50u);
	wr(X86_LAPIC_TPR, 0x55);
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0x55u);
	wr(X86_LAPIC_TPR, 0);

	wr(X86_LAPIC_EOI, 0); // ends 0x50, the highest in service
	EXPECT_FALSE(e.eoi_level);
	EXPECT_FALSE(in(X86_LAPIC_ISR, 0x50));
	EXPECT_TRUE(in(X86_LAPIC_ISR, 0x45));
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	wr(X86_LAPIC_EOI, 0xffffffff); // any value in xAPIC mode
	EXPECT_FALSE(in(X86_LAPIC_ISR, 0x45));
	EXPECT_EQ(rd(X86_LAPIC_PPR), 0u);
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x41);
	wr(X86_LAPIC_EOI, 0); // nothing in service
	EXPECT_FALSE(e.eoi_level);
	EXPECT_TRUE(in(X86_LAPIC_IRR, 0x41));

	x86_lapic_ack(&a, 0x99); // not requested: nothing moves
	EXPECT_FALSE(in(X86_LAPIC_ISR, 0x99));
}

TEST_F(Lapic, LevelTriggeredEoi)
{
	enable();
	x86_lapic_accept(&a, 0x61, true);
	EXPECT_TRUE(in(X86_LAPIC_TMR, 0x61));
	x86_lapic_ack(&a, 0x61);
	wr(X86_LAPIC_EOI, 0);
	EXPECT_TRUE(e.eoi_level);
	EXPECT_EQ(e.eoi_vector, 0x61);
	EXPECT_FALSE(in(X86_LAPIC_TMR, 0x61));
	EXPECT_FALSE(in(X86_LAPIC_ISR, 0x61));

	x86_lapic_accept(&a, 0x62, true);
	x86_lapic_accept(&a, 0x62, false); // an edge acceptance clears the TMR bit
	EXPECT_FALSE(in(X86_LAPIC_TMR, 0x62));
	x86_lapic_ack(&a, 0x62);
	wr(X86_LAPIC_EOI, 0);
	EXPECT_FALSE(e.eoi_level);
}

TEST_F(Lapic, AcceptIllegalVectors)
{
	enable();
	for (unsigned v = 0; v < 16; v++)
		x86_lapic_accept(&a, uint8_t(v), false);
	EXPECT_EQ(rd(X86_LAPIC_IRR), 0u);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	EXPECT_EQ(esr(), X86_ESR_RECV_ILLEGAL);
	x86_lapic_accept(&a, 16, false);
	EXPECT_EQ(rd(X86_LAPIC_IRR), 1u << 16);
	EXPECT_EQ(esr(), 0u);
}

TEST_F(Lapic, ErrorLvtRaises)
{
	enable();
	x86_lapic_accept(&a, 1, false); // masked: recorded only
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	wr(kLvtError, 0xe0);
	x86_lapic_accept(&a, 1, false);
	EXPECT_EQ(x86_lapic_deliverable(&a), 0xe0);
	x86_lapic_ack(&a, 0xe0);
	wr(X86_LAPIC_EOI, 0);
	EXPECT_EQ(rd(0x50), 0u); // illegal register address
	EXPECT_EQ(x86_lapic_deliverable(&a), 0xe0);
	x86_lapic_ack(&a, 0xe0);
	wr(X86_LAPIC_EOI, 0);
	send(0, kFixed | X86_ICR_SELF | 2); // illegal vector sent
	EXPECT_EQ(x86_lapic_deliverable(&a), 0xe0);
	EXPECT_EQ(esr(), X86_ESR_RECV_ILLEGAL | X86_ESR_ILLEGAL_REG | X86_ESR_SEND_ILLEGAL);

	wr(kLvtError, 0x05); // an illegal vector of its own: dropped, recorded
	x86_lapic_ack(&a, 0xe0);
	wr(X86_LAPIC_EOI, 0);
	EXPECT_EQ(rd(0x50), 0u);
	EXPECT_EQ(rd(X86_LAPIC_IRR), 0u);
	EXPECT_FALSE(in(X86_LAPIC_IRR, 0xe0));
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
	EXPECT_EQ(esr(), X86_ESR_ILLEGAL_REG | X86_ESR_RECV_ILLEGAL);
}

TEST_F(Lapic, IcrDeliveryModes)
{
	x86_lapic_ipi ipi = send(2, kFixed | 0x40);
	EXPECT_EQ(ipi.kind, X86_IPI_FIXED);
	EXPECT_EQ(ipi.vcpu_mask, 0x4u);
	EXPECT_EQ(ipi.vector, 0x40);
	EXPECT_EQ(rd(X86_LAPIC_ICR), kFixed | 0x40); // delivery status reads idle

	ipi = send(0x0c, kLowest | X86_ICR_LOGICAL | 0x41); // flat: APICs 2 and 3
	EXPECT_EQ(ipi.kind, X86_IPI_FIXED);
	EXPECT_EQ(ipi.vcpu_mask, 0x4u); // one of them
	EXPECT_EQ(ipi.vector, 0x41);

	ipi = send(3, kNmi | 0x42);
	EXPECT_EQ(ipi.kind, X86_IPI_NMI);
	EXPECT_EQ(ipi.vcpu_mask, 0x8u);
	EXPECT_EQ(ipi.vector, 0);

	ipi = send(3, kInit | X86_ICR_ASSERT);
	EXPECT_EQ(ipi.kind, X86_IPI_INIT);
	EXPECT_EQ(ipi.vcpu_mask, 0x8u);
	ipi = send(3, kInit | X86_ICR_LEVEL | X86_ICR_ASSERT); // level assert: an INIT
	EXPECT_EQ(ipi.kind, X86_IPI_INIT);
	ipi = send(3, kInit | X86_ICR_LEVEL); // level de-assert
	EXPECT_EQ(ipi.kind, X86_IPI_NONE);

	ipi = send(3, kSipi | X86_ICR_ASSERT | 0x9a);
	EXPECT_EQ(ipi.kind, X86_IPI_SIPI);
	EXPECT_EQ(ipi.vcpu_mask, 0x8u);
	EXPECT_EQ(ipi.vector, 0x9a);

	EXPECT_EQ(send(3, kSmi | 0x40).kind, X86_IPI_NONE);
	EXPECT_EQ(send(3, (3u << 8) | 0x40).kind, X86_IPI_NONE); // reserved
	EXPECT_EQ(send(3, (7u << 8) | 0x40).kind, X86_IPI_NONE); // reserved

	ipi = send(2, kFixed | X86_ICR_LEVEL | X86_ICR_ASSERT | 0x43); // level: sent as edge
	EXPECT_EQ(ipi.kind, X86_IPI_FIXED);
	EXPECT_EQ(ipi.vector, 0x43);

	wr(X86_LAPIC_TPR, 0x10); // any other write reports no IPI
	EXPECT_EQ(e.ipi.kind, X86_IPI_NONE);
	EXPECT_EQ(esr(), 0u);
}

TEST_F(Lapic, IcrShorthands)
{
	x86_lapic_ipi ipi = send(3, kFixed | X86_ICR_SELF | 0x40); // destination field ignored
	EXPECT_EQ(ipi.kind, X86_IPI_FIXED);
	EXPECT_EQ(ipi.vcpu_mask, 0x2u);
	EXPECT_EQ(send(3, kFixed | X86_ICR_ALL | 0x40).vcpu_mask, 0xfu);
	EXPECT_EQ(send(3, kFixed | X86_ICR_OTHERS | 0x40).vcpu_mask, 0xdu);
	EXPECT_EQ(send(0, kInit | X86_ICR_ASSERT | X86_ICR_OTHERS).vcpu_mask, 0xdu);
	EXPECT_EQ(send(0, kSipi | X86_ICR_OTHERS | 0x10).vcpu_mask, 0xdu);
	ipi = send(0, kLowest | X86_ICR_OTHERS | 0x40);
	EXPECT_EQ(ipi.kind, X86_IPI_FIXED);
	EXPECT_EQ(ipi.vcpu_mask, 0x1u);
	EXPECT_EQ(send(0xff, kFixed | 0x40).vcpu_mask, 0xfu); // physical broadcast
	EXPECT_EQ(send(0xff, kFixed | X86_ICR_LOGICAL | 0x40).vcpu_mask, 0xfu);
	EXPECT_EQ(send(9, kFixed | 0x40).kind, X86_IPI_NONE); // nobody there

	x86_lapic_reset(&a, 0, 1);
	EXPECT_EQ(send(0, kFixed | X86_ICR_OTHERS | 0x40).kind, X86_IPI_NONE);
	EXPECT_EQ(send(0, kFixed | X86_ICR_SELF | 0x40).vcpu_mask, 0x1u);
}

TEST_F(Lapic, IcrLogicalDestinations)
{
	x86_lapic_reset(&a, 1, 8);
	EXPECT_EQ(send(0x06, kFixed | X86_ICR_LOGICAL | 0x40).vcpu_mask, 0x6u); // flat
	EXPECT_EQ(send(0x06, kFixed | 0x40).vcpu_mask, 0x40u);			// physical 6
	wr(X86_LAPIC_DFR, 0x0fffffff);						// cluster
	EXPECT_EQ(send(0x13, kFixed | X86_ICR_LOGICAL | 0x40).vcpu_mask, 0x30u);
	EXPECT_EQ(send(0x0f, kFixed | X86_ICR_LOGICAL | 0x40).vcpu_mask, 0x0fu);
	EXPECT_EQ(send(0x13, kLowest | X86_ICR_LOGICAL | 0x40).vcpu_mask, 0x10u);

	x86_lapic_reset(&a, 1, 40);
	to_x2apic();
	auto x2send = [&](uint32_t dest, uint32_t low) {
		EXPECT_EQ(wrmsr(x2(X86_LAPIC_ICR), uint64_t(dest) << 32 | low), AX_OK);
		return e.ipi;
	};
	x86_lapic_ipi ipi = x2send(2u << 16 | 0x5, kFixed | X86_ICR_LOGICAL | 0x40);
	EXPECT_EQ(ipi.kind, X86_IPI_FIXED);
	EXPECT_EQ(ipi.vcpu_mask, 1ull << 32 | 1ull << 34);
	EXPECT_EQ(x2send(33, kNmi).vcpu_mask, 1ull << 33);
	EXPECT_EQ(x2send(0xffffffff, kFixed | 0x40).vcpu_mask, (1ull << 40) - 1);
	EXPECT_EQ(x2send(0, kFixed | X86_ICR_OTHERS | 0x40).vcpu_mask, ((1ull << 40) - 1) & ~2ull);
	EXPECT_EQ(x2send(0x05, kFixed | X86_ICR_LOGICAL | 0x40).vcpu_mask, 0x5u); // cluster 0
	EXPECT_EQ(x2send(0xff, kFixed | 0x40).kind, X86_IPI_NONE); // not a broadcast in x2APIC
}

TEST_F(Lapic, IllegalVectorSends)
{
	for (uint32_t mode : {kFixed, kLowest}) {
		for (uint32_t vector : {0u, 5u, 15u}) {
			EXPECT_EQ(send(2, mode | vector).kind, X86_IPI_NONE);
			EXPECT_EQ(esr(), X86_ESR_SEND_ILLEGAL);
		}
	}
	EXPECT_EQ(send(2, kSipi | 0x01).kind, X86_IPI_SIPI); // start page 1 is fine
	EXPECT_EQ(send(2, kNmi).kind, X86_IPI_NMI);
	EXPECT_EQ(esr(), 0u);
}

// Divide configuration values and their divisors.
const struct {
	uint32_t config;
	uint64_t divisor;
} kDivisors[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
		 {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};

TEST_F(Lapic, OneShotTimerEachDivisor)
{
	for (const auto &d : kDivisors) {
		SCOPED_TRACE(d.config);
		x86_lapic_reset(&a, 1, 4);
		enable();
		wr(kLvtTimer, 0x30);
		wr(X86_LAPIC_TIMER_DIVIDE, d.config);
		wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
		EXPECT_TRUE(e.timer_changed);
		const uint64_t deadline = kT0 + 100 * d.divisor;
		EXPECT_EQ(x86_lapic_timer_deadline(&a), deadline);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0), 100u);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 10 * d.divisor), 90u);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, deadline - 1), 1u);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, deadline), 0u);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, deadline + 1000), 0u);
		EXPECT_FALSE(x86_lapic_timer_expire(&a, deadline - 1));
		EXPECT_EQ(x86_lapic_deliverable(&a), -1);
		EXPECT_TRUE(x86_lapic_timer_expire(&a, deadline));
		EXPECT_EQ(x86_lapic_deliverable(&a), 0x30);
		EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
		EXPECT_FALSE(x86_lapic_timer_expire(&a, deadline + 100 * d.divisor));
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, deadline + 1), 0u);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_INITIAL), 100u);
	}
}

TEST_F(Lapic, PeriodicTimerEachDivisor)
{
	for (const auto &d : kDivisors) {
		SCOPED_TRACE(d.config);
		x86_lapic_reset(&a, 1, 4);
		enable();
		wr(kLvtTimer, X86_LVT_TIMER_PERIODIC | 0x31);
		wr(X86_LAPIC_TIMER_DIVIDE, d.config);
		wr(X86_LAPIC_TIMER_INITIAL, 10, kT0);
		const uint64_t period = 10 * d.divisor;
		EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + period);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 3 * d.divisor), 7u);
		EXPECT_TRUE(x86_lapic_timer_expire(&a, kT0 + period));
		EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 2 * period);
		// Counting wraps even before the next expire call.
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 2 * period), 10u);
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 2 * period + 2 * d.divisor), 8u);
		x86_lapic_ack(&a, 0x31);
		wr(X86_LAPIC_EOI, 0);

		// Late by several periods: one interrupt, the next deadline on the period grid.
		EXPECT_TRUE(x86_lapic_timer_expire(&a, kT0 + 5 * period + 1));
		EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 6 * period);
		EXPECT_EQ(x86_lapic_deliverable(&a), 0x31);
		x86_lapic_ack(&a, 0x31);
		EXPECT_EQ(x86_lapic_deliverable(&a), -1);
		EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 6 * period - 1));
		EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 6 * period - d.divisor), 1u);
	}
}

TEST_F(Lapic, TimerStopsOnZeroInitialCount)
{
	enable();
	wr(kLvtTimer, X86_LVT_TIMER_PERIODIC | 0x31);
	wr(X86_LAPIC_TIMER_INITIAL, 10, kT0);
	wr(X86_LAPIC_TIMER_INITIAL, 0, kT0 + 5);
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 6), 0u);
	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 100));
}

TEST_F(Lapic, TimerRestartsOnInitialCountWrite)
{
	enable();
	wr(kLvtTimer, 0x30);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	wr(X86_LAPIC_TIMER_INITIAL, 50, kT0 + 20);
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 20 + 100);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 20), 50u);
}

TEST_F(Lapic, MaskedTimerCountsButDoesNotFire)
{
	enable();
	wr(kLvtTimer, X86_LVT_MASKED | 0x30);
	wr(X86_LAPIC_TIMER_DIVIDE, 0xb);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	EXPECT_FALSE(e.timer_changed); // nothing to wake for
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 40), 60u);
	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 100));
	EXPECT_EQ(rd(X86_LAPIC_IRR + 0x10), 0u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 100), 0u);
	wr(kLvtTimer, 0x30, kT0 + 101); // unmasking later raises nothing
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);

	// Unmasked before the deadline: the host must now arm it.
	wr(kLvtTimer, X86_LVT_MASKED | 0x30, kT0 + 200);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0 + 200);
	wr(kLvtTimer, 0x30, kT0 + 250);
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 300);

	// Masked again, and the deadline passes unseen before the unmasking write.
	wr(kLvtTimer, X86_LVT_MASKED | 0x30, kT0 + 260);
	EXPECT_TRUE(e.timer_changed);
	wr(kLvtTimer, 0x30, kT0 + 400);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
}

TEST_F(Lapic, MaskedPeriodicTimerKeepsItsGrid)
{
	enable();
	wr(kLvtTimer, X86_LVT_MASKED | X86_LVT_TIMER_PERIODIC | 0x30);
	wr(X86_LAPIC_TIMER_DIVIDE, 0xb);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 250));
	wr(kLvtTimer, X86_LVT_TIMER_PERIODIC | 0x30, kT0 + 260);
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 300);
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
}

TEST_F(Lapic, PassedDeadlineFiresBeforeAWrite)
{
	enable();
	wr(kLvtTimer, 0x30);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	// The host was late: the deadline passed before this write, which runs the timer first.
	wr(X86_LAPIC_TPR, 0, kT0 + 300);
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x30);
}

TEST_F(Lapic, TscDeadlineTimer)
{
	enable();
	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, kT0 + 500), AX_OK); // one-shot mode: ignored
	EXPECT_FALSE(e.timer_changed);
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), 0u);

	wr(kLvtTimer, X86_LVT_TIMER_DEADLINE | 0x32);
	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, kT0 + 500), AX_OK);
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), kT0 + 500);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 500);
	wr(X86_LAPIC_TIMER_INITIAL, 100); // ignored in TSC-deadline mode
	EXPECT_FALSE(e.timer_changed);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_INITIAL), 0u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT), 0u);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 500);

	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 499));
	EXPECT_TRUE(x86_lapic_timer_expire(&a, kT0 + 500));
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x32);
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), 0u); // disarmed
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	x86_lapic_ack(&a, 0x32);
	wr(X86_LAPIC_EOI, 0);

	// A deadline already in the past fires on the next expire call.
	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, kT0 - 10, kT0 + 1000), AX_OK);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 - 10);
	EXPECT_TRUE(x86_lapic_timer_expire(&a, kT0 + 1000));
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x32);

	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, kT0 + 5000), AX_OK);
	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, 0), AX_OK); // disarms
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 6000));
}

TEST_F(Lapic, TscDeadlineMasked)
{
	enable();
	wr(kLvtTimer, X86_LVT_MASKED | X86_LVT_TIMER_DEADLINE | 0x32);
	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, kT0 + 500), AX_OK);
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), kT0 + 500);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 500));
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), 0u); // expired all the same
	EXPECT_EQ(x86_lapic_deliverable(&a), -1);
}

TEST_F(Lapic, X2apicTimerAndTscDeadline)
{
	to_x2apic();
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_SVR), 0x1ff), AX_OK);
	ASSERT_EQ(wrmsr(x2(kLvtTimer), X86_LVT_TIMER_PERIODIC | 0x33), AX_OK);
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_TIMER_DIVIDE), 0x1), AX_OK);
	ASSERT_EQ(wrmsr(x2(X86_LAPIC_TIMER_INITIAL), 25, kT0), AX_OK);
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 100);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TIMER_CURRENT), kT0 + 8), 23u);
	ASSERT_EQ(wrmsr(x2(kLvtTimer), X86_LVT_TIMER_DEADLINE | 0x33), AX_OK);
	EXPECT_EQ(rdmsr(x2(X86_LAPIC_TIMER_INITIAL)), 0u);
	ASSERT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, kT0 + 7), AX_OK);
	EXPECT_TRUE(x86_lapic_timer_expire(&a, kT0 + 7));
	EXPECT_EQ(x86_lapic_deliverable(&a), 0x33);
}

TEST_F(Lapic, ModeSwitchesDisarm)
{
	enable();
	wr(kLvtTimer, 0x30);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	wr(kLvtTimer, 0x31, kT0 + 1); // same mode, new vector: keeps counting
	EXPECT_FALSE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 200);

	wr(kLvtTimer, X86_LVT_TIMER_PERIODIC | 0x31, kT0 + 2); // one-shot -> periodic
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_INITIAL), 0u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 3), 0u);

	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0 + 10);
	wr(kLvtTimer, X86_LVT_TIMER_DEADLINE | 0x31, kT0 + 11); // periodic -> TSC deadline
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_INITIAL), 0u);
	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 1000));

	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, kT0 + 2000), AX_OK);
	wr(kLvtTimer, 0x31, kT0 + 20); // TSC deadline -> one-shot clears the deadline
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	wr(kLvtTimer, X86_LVT_TIMER_DEADLINE | 0x31, kT0 + 21);
	EXPECT_EQ(rdmsr(X86_MSR_TSC_DEADLINE), 0u);
}

TEST_F(Lapic, ReservedTimerModeKeepsTheMode)
{
	enable();
	wr(kLvtTimer, X86_LVT_TIMER_PERIODIC | 0x30);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	wr(kLvtTimer, X86_LVT_TIMER_MODE | 0x34, kT0 + 1);
	EXPECT_EQ(rd(kLvtTimer), X86_LVT_TIMER_PERIODIC | 0x34);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 200); // still counting
}

TEST_F(Lapic, DivideChangeWhileCounting)
{
	enable();
	wr(kLvtTimer, 0x30);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0); // divide by 2
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 50), 75u);
	wr(X86_LAPIC_TIMER_DIVIDE, 0x1, kT0 + 50); // by 4 from here
	EXPECT_TRUE(e.timer_changed);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 50), 75u);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 54), 74u);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 50 + 300);

	// Periodic: the next periods use the new divisor.
	wr(kLvtTimer, X86_LVT_TIMER_PERIODIC | 0x30, kT0 + 400);
	wr(X86_LAPIC_TIMER_INITIAL, 10, kT0 + 400); // period 40
	wr(X86_LAPIC_TIMER_DIVIDE, 0xb, kT0 + 420); // 5 counts left, by 1
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 425);
	EXPECT_TRUE(x86_lapic_timer_expire(&a, kT0 + 425));
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 435);
}

TEST_F(Lapic, TimerIllegalVector)
{
	enable();
	wr(kLvtTimer, 0x05);
	wr(X86_LAPIC_TIMER_INITIAL, 1, kT0);
	EXPECT_FALSE(x86_lapic_timer_expire(&a, kT0 + 2));
	EXPECT_EQ(rd(X86_LAPIC_IRR), 0u);
	EXPECT_EQ(esr(), X86_ESR_RECV_ILLEGAL);
}

TEST_F(Lapic, SoftwareDisableMasksLvts)
{
	enable();
	for (uint32_t i = 0; i < X86_LVT_COUNT; i++)
		wr(X86_LAPIC_LVT + 0x10 * i, 0x40 + i);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	ASSERT_EQ(x86_lapic_timer_deadline(&a), kT0 + 200);

	wr(X86_LAPIC_SVR, 0xff, kT0 + 10);
	EXPECT_TRUE(e.timer_changed); // masked: nothing to wake for
	for (uint32_t i = 0; i < X86_LVT_COUNT; i++)
		EXPECT_EQ(rd(X86_LAPIC_LVT + 0x10 * i), X86_LVT_MASKED | (0x40 + i)) << i;
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
	EXPECT_EQ(rd(X86_LAPIC_TIMER_CURRENT, kT0 + 20), 90u); // still counting

	wr(kLvtLint0, 0x700, kT0 + 30); // unmasking is ignored while disabled
	EXPECT_EQ(rd(kLvtLint0), X86_LVT_MASKED | 0x700);
	wr(kLvtTimer, 0x40, kT0 + 30);
	EXPECT_EQ(rd(kLvtTimer), X86_LVT_MASKED | 0x40);

	enable(); // re-enabling leaves the masks set
	EXPECT_EQ(rd(kLvtLint0), X86_LVT_MASKED | 0x700);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), UINT64_MAX);
}

TEST_F(Lapic, UnrelatedWritesLeaveTheTimer)
{
	enable();
	wr(kLvtTimer, 0x30);
	wr(X86_LAPIC_TIMER_INITIAL, 100, kT0);
	wr(X86_LAPIC_TPR, 0x10, kT0 + 5);
	EXPECT_FALSE(e.timer_changed);
	EXPECT_EQ(wrmsr(X86_MSR_TSC_DEADLINE, 123, kT0 + 6), AX_OK); // not in deadline mode
	EXPECT_FALSE(e.timer_changed);
	EXPECT_EQ(x86_lapic_timer_deadline(&a), kT0 + 200);
}

} // namespace
