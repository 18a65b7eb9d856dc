// The guest's CPUID: what is hidden, what is added, and the topology and timing leaves, for
// host answers of a Haswell-like CPU.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

extern "C" {
#include <x86_vcpu/cpuid.h>
}

namespace
{

constexpr uint32_t kAllOnes = 0xffffffffu;
const x86_cpuid_regs kOnes = {kAllOnes, kAllOnes, kAllOnes, kAllOnes};

x86_cpuid_guest Guest(uint32_t apic_id = 1, uint32_t count = 2)
{
	x86_cpuid_guest g{};

	g.apic_id = apic_id;
	g.vcpu_count = count;
	g.tsc_hz = 2500000000ull;
	g.apic_timer_hz = 1000000000;
	return g;
}

x86_cpuid_regs Cpuid(uint32_t leaf, uint32_t subleaf, const x86_cpuid_guest &g,
		     x86_cpuid_regs host = kOnes, uint32_t max_basic = 0xd,
		     uint32_t max_extended = 0x80000008)
{
	return x86_cpuid_for_guest(leaf, subleaf, host, max_basic, max_extended, &g);
}

void ExpectZero(const x86_cpuid_regs &r, const char *what)
{
	EXPECT_EQ(r.eax, 0u) << what;
	EXPECT_EQ(r.ebx, 0u) << what;
	EXPECT_EQ(r.ecx, 0u) << what;
	EXPECT_EQ(r.edx, 0u) << what;
}

TEST(Cpuid, HighestLeafAndVendor)
{
	x86_cpuid_guest g = Guest();
	x86_cpuid_regs vendor = {0xd, 0x756e6547, 0x6c65746e, 0x49656e69}; // GenuineIntel

	x86_cpuid_regs r = Cpuid(0, 0, g, vendor);
	EXPECT_EQ(r.eax, 0x16u) << "raised to the TSC leaves";
	EXPECT_EQ(r.ebx, vendor.ebx);
	EXPECT_EQ(r.ecx, vendor.ecx);
	EXPECT_EQ(r.edx, vendor.edx);
	g.tsc_hz = 0;
	EXPECT_EQ(Cpuid(0, 0, g, vendor, 0x5).eax, 0xbu) << "raised to the topology leaf";
	EXPECT_EQ(Cpuid(0, 0, g, vendor, 0x20).eax, 0x20u);
	ExpectZero(Cpuid(0x17, 0, Guest(), kOnes, 0xd), "past the highest leaf");
}

TEST(Cpuid, Leaf1HidesWhatIsNotVirtualized)
{
	x86_cpuid_guest g = Guest(1, 2);
	x86_cpuid_regs r = Cpuid(1, 0, g);

	EXPECT_EQ(r.eax, kAllOnes) << "family, model, stepping as the host's";
	EXPECT_EQ(r.ebx >> 24, 1u) << "its own APIC ID";
	EXPECT_EQ(r.ebx >> 16 & 0xff, 2u) << "logical processor IDs in the package";
	EXPECT_EQ(r.ebx & 0xffff, 0xffffu);
	EXPECT_FALSE(r.ecx & (1u << 5)) << "VMX";
	EXPECT_FALSE(r.ecx & (1u << 6)) << "SMX";
	EXPECT_FALSE(r.ecx & (1u << 3)) << "MONITOR";
	EXPECT_FALSE(r.ecx & (1u << 15)) << "PDCM";
	EXPECT_FALSE(r.ecx & (1u << 27)) << "OSXSAVE follows the guest's CR4";
	EXPECT_TRUE(r.ecx & (1u << 31)) << "hypervisor";
	EXPECT_TRUE(r.ecx & (1u << 24)) << "TSC deadline";
	EXPECT_TRUE(r.ecx & (1u << 21)) << "x2APIC";
	EXPECT_TRUE(r.edx & (1u << 28)) << "HTT with two vCPUs";
	EXPECT_FALSE(r.edx & (1u << 7)) << "MCE";
	EXPECT_FALSE(r.edx & (1u << 14)) << "MCA";
	EXPECT_FALSE(r.edx & (1u << 22)) << "ACPI thermal";
	g.osxsave = true;
	EXPECT_TRUE(Cpuid(1, 0, g).ecx & (1u << 27));
	EXPECT_TRUE(Cpuid(1, 0, g, {0, 0, 0, 0}).ecx & (1u << 31)) << "set even from nothing";
	EXPECT_FALSE(Cpuid(1, 0, Guest(0, 1), {0, 0, 0, 0}).edx & (1u << 28)) << "one vCPU: no HTT";
}

TEST(Cpuid, LeavesOfFeaturesNotOfferedAreZero)
{
	x86_cpuid_guest g = Guest();

	for (uint32_t leaf : {3u, 5u, 8u, 9u, 0xau, 0xcu}) {
		SCOPED_TRACE(leaf);
		ExpectZero(Cpuid(leaf, 0, g), "hidden leaf");
	}
	for (uint32_t leaf : {0xfu, 0x10u, 0x12u, 0x14u, 0x18u, 0x19u, 0x1bu}) {
		SCOPED_TRACE(leaf);
		ExpectZero(Cpuid(leaf, 0, g, kOnes, 0x20), "hidden leaf");
	}
	x86_cpuid_regs r = Cpuid(6, 0, g);
	EXPECT_EQ(r.eax, 1u << 2) << "ARAT only";
	EXPECT_EQ(r.ecx, 0u);
}

TEST(Cpuid, Leaf7)
{
	x86_cpuid_guest g = Guest();
	x86_cpuid_regs r = Cpuid(7, 0, g);

	EXPECT_EQ(r.eax, 0u) << "no subleaf 1";
	EXPECT_FALSE(r.ebx & (1u << 1)) << "TSC_ADJUST: its MSR is not emulated";
	EXPECT_FALSE(r.ebx & (1u << 2)) << "SGX";
	EXPECT_FALSE(r.ebx & (1u << 25)) << "processor trace";
	EXPECT_FALSE(r.ebx & (1u << 14)) << "MPX";
	EXPECT_FALSE(r.ebx & (1u << 10)) << "INVPCID not enabled";
	EXPECT_TRUE(r.ebx & (1u << 5)) << "AVX2 stays";
	EXPECT_FALSE(r.ecx & (1u << 4)) << "OSPKE";
	EXPECT_FALSE(r.ecx & (1u << 5)) << "WAITPKG";
	EXPECT_FALSE(r.ecx & (1u << 22)) << "RDPID without RDTSCP";
	EXPECT_EQ(r.edx, (1u << 4) | (1u << 10));
	g.invpcid = g.rdtscp = g.ospke = true;
	r = Cpuid(7, 0, g);
	EXPECT_TRUE(r.ebx & (1u << 10));
	EXPECT_TRUE(r.ecx & (1u << 22));
	EXPECT_TRUE(r.ecx & (1u << 4));
	EXPECT_FALSE(Cpuid(7, 0, g, {0, 0, 0, 0}).ecx & (1u << 4)) << "OSPKE needs PKU";
	ExpectZero(Cpuid(7, 1, g), "subleaf 1");
}

TEST(Cpuid, TopologyOfVcpuCountCores)
{
	for (uint32_t count : {1u, 2u, 3u, 4u, 5u, 64u, 200u}) {
		SCOPED_TRACE(count);
		x86_cpuid_guest g = Guest(count - 1, count);
		uint32_t shift = 0;

		while ((1u << shift) < count)
			shift++;
		x86_cpuid_regs smt = Cpuid(0xb, 0, g);
		EXPECT_EQ(smt.eax, 0u);
		EXPECT_EQ(smt.ebx, 1u);
		EXPECT_EQ(smt.ecx, 0x100u);
		EXPECT_EQ(smt.edx, count - 1);
		x86_cpuid_regs core = Cpuid(0xb, 1, g);
		EXPECT_EQ(core.eax, shift);
		EXPECT_EQ(core.ebx, count);
		EXPECT_EQ(core.ecx, 0x201u);
		EXPECT_EQ(core.edx, count - 1);
		x86_cpuid_regs end = Cpuid(0xb, 2, g);
		EXPECT_EQ(end.ebx, 0u);
		EXPECT_EQ(end.ecx, 2u) << "level number, type invalid";
		EXPECT_EQ(end.edx, count - 1);
		EXPECT_EQ(Cpuid(4, 0, g).eax >> 26,
			  (1u << shift) - 1 > 63 ? 63 : (1u << shift) - 1);
		EXPECT_EQ(Cpuid(4, 0, g).eax >> 14 & 0xfff, 0u) << "caches not shared";
	}
}

TEST(Cpuid, TscRateForCalibration)
{
	x86_cpuid_guest g = Guest();
	x86_cpuid_regs r = Cpuid(0x15, 0, g);

	// Linux: tsc_khz = crystal_khz * ebx / eax.
	EXPECT_EQ(uint64_t(r.ecx / 1000) * r.ebx / r.eax, 2500000u);
	EXPECT_EQ(Cpuid(0x16, 0, g).eax, 2500u);
	x86_cpuid_regs t = Cpuid(0x40000010, 0, g);
	EXPECT_EQ(t.eax, 2500000u);
	EXPECT_EQ(t.ebx, 1000000u);
	g.tsc_hz = 0;
	x86_cpuid_regs host = {1, 2, 3, 4};
	EXPECT_EQ(Cpuid(0x15, 0, g, host, 0x16).ebx, 2u) << "the host's own, unknown rate";
}

TEST(Cpuid, HypervisorLeaves)
{
	x86_cpuid_guest g = Guest();
	x86_cpuid_regs r = Cpuid(0x40000000, 0, g);
	char sig[13] = {};

	EXPECT_EQ(r.eax, 0x40000010u);
	std::memcpy(sig, &r.ebx, 4);
	std::memcpy(sig + 4, &r.ecx, 4);
	std::memcpy(sig + 8, &r.edx, 4);
	EXPECT_EQ(std::string(sig), "axvm-c");
	ExpectZero(Cpuid(0x40000001, 0, g), "unused hypervisor leaf");
	ExpectZero(Cpuid(0x40000011, 0, g), "past the hypervisor's leaves");
	ExpectZero(Cpuid(0x40000100, 0, g), "another hypervisor's range");
}

TEST(Cpuid, ExtendedLeaves)
{
	x86_cpuid_guest g = Guest();
	x86_cpuid_regs r = Cpuid(0x80000001, 0, g);

	EXPECT_FALSE(r.ecx & (1u << 2)) << "SVM";
	EXPECT_FALSE(r.edx & (1u << 27)) << "RDTSCP not enabled";
	EXPECT_TRUE(r.edx & (1u << 29)) << "long mode";
	g.rdtscp = true;
	EXPECT_TRUE(Cpuid(0x80000001, 0, g).edx & (1u << 27));
	r = Cpuid(0x80000007, 0, g);
	EXPECT_EQ(r.edx, 1u << 8) << "invariant TSC only";
	EXPECT_EQ(Cpuid(0x80000008, 0, g).eax, kAllOnes) << "address sizes";
	ExpectZero(Cpuid(0x80000009, 0, g), "past the host's highest");
	ExpectZero(Cpuid(0x80000000, 0, g, kOnes, 0xd, 0), "no extended leaves");
	ExpectZero(Cpuid(0xc0000000, 0, g), "another vendor's range");
}

// Whatever the host answers, the guest never sees VMX or misses the hypervisor bit.
TEST(Cpuid, AnyHostAnswer)
{
	x86_cpuid_guest g = Guest(3, 4);
	uint32_t seed = 1;

	for (int i = 0; i < 10000; i++) {
		x86_cpuid_regs host;
		seed = seed * 1103515245 + 12345;
		host = {seed, seed * 3, seed * 5, seed * 7};
		x86_cpuid_regs r = Cpuid(1, 0, g, host, seed % 0x30, 0x80000000 | (seed & 0xf));
		ASSERT_FALSE(r.ecx & (1u << 5));
		ASSERT_TRUE(r.ecx & (1u << 31));
		ASSERT_EQ(r.ebx >> 24, 3u);
	}
}

} // namespace
