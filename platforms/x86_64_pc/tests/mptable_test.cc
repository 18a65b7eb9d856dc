// The guest's MP table, read back the way a kernel's MP parser reads it (checksums, entry
// lengths by type, the order of types), for several CPU counts, and refused inputs.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <axvm/error.h>

#include "platforms/x86_64_pc/bytes.h"

#include "platforms/x86_64_pc/mptable.h"
}

namespace
{

mptable_config Config(uint32_t cpus)
{
	return {cpus, 0x000306c3, 0xbfebfbff, 0xfee00000, 0xfec00000};
}

constexpr uint64_t kGpa = 0x9fc00;

struct Parsed {
	std::vector<int> cpu_ids;
	int bootstrap = -1;
	int buses = 0;
	int ioapic_id = -1;
	uint32_t ioapic_addr = 0;
	std::vector<std::pair<int, int>> isa_irq_to_pin;
	std::vector<std::pair<int, int>> local; // (interrupt type, LINT pin)
};

// What a kernel's MP parser finds in the table at kGpa inside buf.
Parsed Parse(const std::vector<uint8_t> &buf, uint32_t cpus)
{
	Parsed r;
	const uint8_t *f = buf.data();

	EXPECT_EQ(std::string(reinterpret_cast<const char *>(f), 4), "_MP_");
	EXPECT_EQ(byte_sum(f, 16), 0) << "floating pointer checksum";
	EXPECT_EQ(f[8], 1) << "length in 16-byte units";
	EXPECT_EQ(f[9], 4) << "MP 1.4";
	EXPECT_EQ(f[11], 0) << "a configuration table, no default configuration";
	uint64_t table_gpa = le_get(f + 4, 4);
	EXPECT_GE(table_gpa, kGpa + 16);
	const uint8_t *t = f + (table_gpa - kGpa);
	size_t length = le_get(t + 4, 2);
	EXPECT_EQ(std::string(reinterpret_cast<const char *>(t), 4), "PCMP");
	EXPECT_EQ(t[6], 4);
	EXPECT_EQ(byte_sum(t, length), 0) << "base table checksum";
	EXPECT_EQ(le_get(t + 36, 4), 0xfee00000u) << "local APIC address";
	EXPECT_EQ(le_get(t + 40, 2), 0u) << "no extended table";
	EXPECT_LE(table_gpa - kGpa + length, buf.size());
	size_t count = le_get(t + 34, 2);
	const uint8_t *e = t + 44;
	int last_type = 0;
	for (size_t i = 0; i < count; i++) {
		EXPECT_GE(e[0], last_type) << "entries sorted by type";
		last_type = e[0];
		switch (e[0]) {
		case 0:
			r.cpu_ids.push_back(e[1]);
			EXPECT_TRUE(e[3] & 1) << "enabled";
			if (e[3] & 2) {
				EXPECT_EQ(r.bootstrap, -1) << "one bootstrap processor";
				r.bootstrap = e[1];
			}
			EXPECT_EQ(le_get(e + 4, 4), 0x000306c3u);
			EXPECT_EQ(le_get(e + 8, 4), 0xbfebfbffu);
			e += 20;
			break;
		case 1:
			EXPECT_EQ(std::string(reinterpret_cast<const char *>(e + 2), 6), "ISA   ");
			r.buses++;
			e += 8;
			break;
		case 2:
			r.ioapic_id = e[1];
			EXPECT_EQ(e[3] & 1, 1) << "enabled";
			r.ioapic_addr = uint32_t(le_get(e + 4, 4));
			e += 8;
			break;
		case 3:
			EXPECT_EQ(e[1], 0) << "vectored";
			EXPECT_EQ(e[4], 0) << "the ISA bus";
			EXPECT_EQ(e[6], r.ioapic_id);
			r.isa_irq_to_pin.push_back({e[5], e[7]});
			e += 8;
			break;
		case 4:
			EXPECT_EQ(e[6], 0xff) << "every local APIC";
			r.local.push_back({e[1], e[7]});
			e += 8;
			break;
		default:
			ADD_FAILURE() << "entry type " << int(e[0]);
			return r;
		}
	}
	EXPECT_EQ(size_t(e - t), length) << "the entries fill the table";
	(void)cpus;
	return r;
}

TEST(Mptable, ReadsBackAsAKernelReadsIt)
{
	for (uint32_t cpus : {1u, 2u, 4u, 254u}) {
		SCOPED_TRACE(cpus);
		mptable_config c = Config(cpus);
		std::vector<uint8_t> buf(mptable_size(cpus) + 32, 0xee);

		ASSERT_EQ(mptable_write(&c, kGpa, buf.data(), buf.size()), AX_OK);
		EXPECT_EQ(buf[mptable_size(cpus)], 0xee) << "nothing past the table";
		Parsed p = Parse(buf, cpus);
		ASSERT_EQ(p.cpu_ids.size(), cpus);
		for (uint32_t i = 0; i < cpus; i++)
			EXPECT_EQ(p.cpu_ids[i], int(i));
		EXPECT_EQ(p.bootstrap, 0);
		EXPECT_EQ(p.buses, 1);
		EXPECT_EQ(p.ioapic_id, int(cpus)) << "apart from every local APIC ID";
		EXPECT_EQ(p.ioapic_addr, 0xfec00000u);
		ASSERT_EQ(p.isa_irq_to_pin.size(), 15u);
		for (auto [irq, pin] : p.isa_irq_to_pin) {
			EXPECT_NE(irq, 2) << "the cascade has no entry";
			EXPECT_EQ(pin, irq == 0 ? 2 : irq) << "IRQ " << irq;
		}
		ASSERT_EQ(p.local.size(), 2u);
		EXPECT_EQ(p.local[0], std::make_pair(3, 0)) << "ExtINT on LINT0";
		EXPECT_EQ(p.local[1], std::make_pair(1, 1)) << "NMI on LINT1";
	}
}

TEST(Mptable, RefusesWhatCannotBeDescribed)
{
	std::vector<uint8_t> buf(mptable_size(255) + 16, 0xee);
	mptable_config c = Config(0);

	EXPECT_EQ(mptable_write(&c, kGpa, buf.data(), buf.size()), AXERR_INVALID) << "no CPU";
	c = Config(255);
	EXPECT_EQ(mptable_write(&c, kGpa, buf.data(), buf.size()), AXERR_INVALID)
	    << "no APIC ID left for the I/O APIC";
	c = Config(2);
	EXPECT_EQ(mptable_write(&c, kGpa + 8, buf.data(), buf.size()), AXERR_INVALID)
	    << "not on a 16-byte boundary";
	EXPECT_EQ(mptable_write(&c, 0xfffffff0, buf.data(), buf.size()), AXERR_INVALID)
	    << "reaching past 4 GiB";
	EXPECT_EQ(mptable_write(&c, kGpa, buf.data(), mptable_size(2) - 1), AXERR_INVALID)
	    << "buffer too small";
	EXPECT_EQ(buf[0], 0xee) << "nothing written";
	EXPECT_EQ(mptable_write(&c, 0xf0000, buf.data(), mptable_size(2)), AX_OK);
}

} // namespace
