#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <random>
#include <vector>

extern "C" {
#include <axdevice/device_set.h>
#include <axvm/error.h>
}

#include "core/base/tests/malloc_allocator.h"

namespace
{

/* A device that records its last access and answers reads with a pattern of its id. */
struct FakeDevice {
	axdevice dev;
	int id;
	int reads;
	int writes;
	uint32_t last_vcpu;
	uint64_t last_offset;
	unsigned last_width;
	uint64_t last_value;
	int result; /* what every access returns */
	int *destroyed;
};

FakeDevice *ToFake(axdevice *dev)
{
	return AXDEVICE_CONTAINER_OF(dev, FakeDevice, dev);
}

uint64_t Pattern(int id, uint64_t offset)
{
	return 0x0102030405060708ull * static_cast<uint64_t>(id + 1) + offset;
}

int FakeRead(axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width, uint64_t *value)
{
	FakeDevice *f = ToFake(dev);

	f->reads++;
	f->last_vcpu = vcpu;
	f->last_offset = offset;
	f->last_width = width;
	*value = Pattern(f->id, offset);
	return f->result;
}

int FakeWrite(axdevice *dev, uint32_t vcpu, uint64_t offset, unsigned width, uint64_t value)
{
	FakeDevice *f = ToFake(dev);

	f->writes++;
	f->last_vcpu = vcpu;
	f->last_offset = offset;
	f->last_width = width;
	f->last_value = value;
	return f->result;
}

void FakeDestroy(axdevice *dev, const ax_allocator *alloc)
{
	FakeDevice *f = ToFake(dev);

	if (f->destroyed)
		++*f->destroyed;
	ax_free(alloc, f);
}

const axdevice_ops kFakeOps = {"fake", FakeRead, FakeWrite, FakeDestroy};
const axdevice_ops kStaticOps = {"static", FakeRead, FakeWrite, nullptr};

class DeviceSetTest : public ::testing::Test
{
      protected:
	void SetUp() override
	{
		ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
	}

	void TearDown() override
	{
		axdevice_set_destroy(&set);
		EXPECT_EQ(mem.live, 0) << "leaked allocations";
	}

	/* A new fake device from the set's allocator. */
	axdevice *NewDevice(int id)
	{
		auto *f = static_cast<FakeDevice *>(ax_zalloc(&mem.ops, sizeof(FakeDevice)));
		EXPECT_NE(f, nullptr);
		axdevice_init(&f->dev, &kFakeOps, nullptr);
		f->id = id;
		f->destroyed = &destroyed;
		return &f->dev;
	}

	/* Adds a new device; returns it, or nullptr when the set refused (the device is freed). */
	axdevice *Add(axdevice_space space, uint64_t base, uint64_t size, int id,
		      int *err = nullptr)
	{
		axdevice *dev = NewDevice(id);
		int e = axdevice_set_add(&set, space, base, size, dev);
		if (err)
			*err = e;
		if (e != AX_OK) {
			ax_free(&mem.ops, ToFake(dev));
			return nullptr;
		}
		return dev;
	}

	MallocAllocator mem;
	axdevice_set set;
	int destroyed = 0;
};

struct RefRange {
	uint64_t base;
	uint64_t size;
	int id;
};

TEST(DeviceSetInit, RejectsNull)
{
	MallocAllocator mem;
	axdevice_set set;

	EXPECT_EQ(axdevice_set_init(nullptr, &mem.ops), AXERR_INVALID);
	EXPECT_EQ(axdevice_set_init(&set, nullptr), AXERR_INVALID);
	ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
	for (int s = 0; s < AXDEVICE_SPACES; s++)
		EXPECT_EQ(axdevice_set_count(&set, static_cast<axdevice_space>(s)), 0u);
	axdevice_set_destroy(&set);
	EXPECT_EQ(mem.live, 0);
}

TEST_F(DeviceSetTest, RandomLayoutMatchesReference)
{
	std::mt19937_64 rng(12345);
	std::vector<RefRange> ref;
	uint64_t cursor = 0;

	/* 600 ranges, some touching (gap 0), some with gaps, one starting at address 0. */
	for (int i = 0; i < 600; i++) {
		uint64_t gap = (i == 0 || rng() % 4 == 0) ? 0 : 1 + rng() % 0x3000;
		uint64_t size = 1 + rng() % 0x2000;

		cursor += gap;
		ref.push_back({cursor, size, i});
		cursor += size;
	}
	std::vector<RefRange> order = ref;
	std::shuffle(order.begin(), order.end(), rng);
	for (const RefRange &r : order)
		ASSERT_NE(Add(AXDEVICE_MMIO, r.base, r.size, r.id), nullptr) << r.id;
	ASSERT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), ref.size());
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_PORT_IO), 0u);

	std::map<uint64_t, RefRange> by_base;
	for (const RefRange &r : ref)
		by_base[r.base] = r;
	/* The reference answer: the id of the range holding addr, or -1. */
	auto expected = [&](uint64_t addr) {
		auto it = by_base.upper_bound(addr);
		if (it == by_base.begin())
			return -1;
		--it;
		return addr - it->second.base < it->second.size ? it->second.id : -1;
	};
	auto check = [&](uint64_t addr) {
		uint64_t offset = ~0ull;
		axdevice *dev = axdevice_set_find(&set, AXDEVICE_MMIO, addr, &offset);
		int want = expected(addr);

		if (want < 0) {
			EXPECT_EQ(dev, nullptr) << std::hex << addr;
			return;
		}
		ASSERT_NE(dev, nullptr) << std::hex << addr;
		EXPECT_EQ(ToFake(dev)->id, want) << std::hex << addr;
		EXPECT_EQ(offset, addr - std::prev(by_base.upper_bound(addr))->first)
		    << std::hex << addr;
	};
	for (const RefRange &r : ref) {
		check(r.base);
		check(r.base + r.size - 1);
		check(r.base + r.size); /* the next range's first byte, or a gap */
		if (r.base > 0)
			check(r.base - 1);
		check(r.base + r.size / 2);
	}
	for (int i = 0; i < 20000; i++)
		check(rng() % (cursor + 0x1000));

	/* Dispatch reaches the right device with the right offset. */
	for (const RefRange &r : ref) {
		uint64_t value = 0;
		uint64_t last = r.base + r.size - 1;

		ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, last, 1, &value), AX_OK);
		EXPECT_EQ(value, Pattern(r.id, r.size - 1) & 0xff);
		FakeDevice *f = ToFake(axdevice_set_find(&set, AXDEVICE_MMIO, r.base, nullptr));
		EXPECT_EQ(f->last_offset, r.size - 1);
		EXPECT_EQ(f->last_width, 1u);
	}
}

TEST_F(DeviceSetTest, RejectsEveryKindOfOverlap)
{
	ASSERT_NE(Add(AXDEVICE_MMIO, 0x1000, 0x1000, 1), nullptr);
	ASSERT_NE(Add(AXDEVICE_MMIO, 0x4000, 0x1000, 2), nullptr);

	const struct {
		uint64_t base, size;
		const char *what;
	} overlaps[] = {
	    {0x1000, 0x1000, "identical"},
	    {0x1000, 0x10, "same base, shorter"},
	    {0x1000, 0x2000, "same base, longer"},
	    {0x1800, 0x800, "same end"},
	    {0x1400, 0x100, "inside"},
	    {0x0800, 0x3000, "contains"},
	    {0x0800, 0x0801, "straddles the start by one byte"},
	    {0x1fff, 0x0002, "straddles the end by one byte"},
	    {0x1fff, 0x0001, "the last byte"},
	    {0x1000, 0x0001, "the first byte"},
	    {0x1800, 0x3000, "spans the gap into the next"},
	    {0x0000, 0x10000, "covers both"},
	    {0x3000, 0x1001, "reaches into the next"},
	};
	for (const auto &o : overlaps) {
		int err = 0;
		EXPECT_EQ(Add(AXDEVICE_MMIO, o.base, o.size, 9, &err), nullptr) << o.what;
		EXPECT_EQ(err, AXERR_EXISTS) << o.what;
		EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 2u) << o.what;
	}
	/* Touching is fine, on either side and filling a gap exactly. */
	EXPECT_NE(Add(AXDEVICE_MMIO, 0x0000, 0x1000, 3), nullptr);
	EXPECT_NE(Add(AXDEVICE_MMIO, 0x2000, 0x2000, 4), nullptr);
	EXPECT_NE(Add(AXDEVICE_MMIO, 0x5000, 0x1000, 5), nullptr);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 5u);
	/* The same range in another space is no overlap. */
	EXPECT_NE(Add(AXDEVICE_PORT_IO, 0x1000, 0x1000, 6), nullptr);
	EXPECT_NE(Add(AXDEVICE_SYSREG, 0x1000, 0x1000, 7), nullptr);
}

TEST_F(DeviceSetTest, RejectsInvalidRegistrations)
{
	int err = 0;
	axdevice_ops no_read = kFakeOps;
	no_read.read = nullptr;

	EXPECT_EQ(Add(AXDEVICE_MMIO, 0x1000, 0, 1, &err), nullptr);
	EXPECT_EQ(err, AXERR_INVALID) << "size 0";
	EXPECT_EQ(Add(AXDEVICE_MMIO, UINT64_MAX - 0xfff, 0x1001, 1, &err), nullptr);
	EXPECT_EQ(err, AXERR_INVALID) << "wraps past 2^64";
	EXPECT_EQ(Add(AXDEVICE_SPACES, 0x1000, 0x10, 1, &err), nullptr);
	EXPECT_EQ(err, AXERR_INVALID) << "unknown space";
	EXPECT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0x1000, 0x10, nullptr), AXERR_INVALID);

	axdevice *dev = NewDevice(1);
	dev->ops = &no_read;
	EXPECT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0x1000, 0x10, dev), AXERR_INVALID);
	dev->ops = &kFakeOps;
	ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0x1000, 0x10, dev), AX_OK);
	EXPECT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0x2000, 0x10, dev), AXERR_BUSY);
	EXPECT_EQ(axdevice_set_add(&set, AXDEVICE_PORT_IO, 0x2000, 0x10, dev), AXERR_BUSY);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 1u);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_PORT_IO), 0u);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_SPACES), 0u);
}

TEST_F(DeviceSetTest, EdgesOfTheAddressSpace)
{
	uint64_t value = 0;

	ASSERT_NE(Add(AXDEVICE_MMIO, 0, 1, 1), nullptr);
	ASSERT_NE(Add(AXDEVICE_MMIO, UINT64_MAX - 0xfff, 0x1000, 2), nullptr);
	EXPECT_EQ(ToFake(axdevice_set_find(&set, AXDEVICE_MMIO, 0, nullptr))->id, 1);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, 1, nullptr), nullptr);
	EXPECT_EQ(ToFake(axdevice_set_find(&set, AXDEVICE_MMIO, UINT64_MAX, nullptr))->id, 2);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, UINT64_MAX - 7, 8, &value), AX_OK);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, UINT64_MAX - 3, 8, &value),
		  AXERR_INVALID);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, UINT64_MAX, 1, &value), AX_OK);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0, 2, &value), AXERR_INVALID);
}

TEST_F(DeviceSetTest, NothingThereIsNotFound)
{
	uint64_t value = 7;

	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1000, 4, &value), AXERR_NOT_FOUND);
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x1000, 4, 1), AXERR_NOT_FOUND);
	axdevice *dev = Add(AXDEVICE_MMIO, 0x1000, 0x100, 1);
	ASSERT_NE(dev, nullptr);
	value = 7;
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0xfff, 1, &value), AXERR_NOT_FOUND);
	EXPECT_EQ(value, 0u);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1100, 1, &value), AXERR_NOT_FOUND);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x1100, 1, 1), AXERR_NOT_FOUND);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0x1000, 1, &value), AXERR_NOT_FOUND);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, 0x1100, nullptr), nullptr);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_SPACES, 0x1000, nullptr), nullptr);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_SPACES, 0, 0x1000, 1, &value), AXERR_INVALID);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1000, 1, nullptr), AXERR_INVALID);
	EXPECT_EQ(ToFake(dev)->reads + ToFake(dev)->writes, 0);
}

TEST_F(DeviceSetTest, RejectsBadWidthsWithoutCallingTheDevice)
{
	axdevice *dev = Add(AXDEVICE_MMIO, 0x1000, 0x100, 1);
	ASSERT_NE(dev, nullptr);

	for (unsigned width : {0u, 3u, 5u, 6u, 7u, 9u, 16u, 0x80000000u}) {
		uint64_t value = 7;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1000, width, &value),
			  AXERR_INVALID)
		    << width;
		EXPECT_EQ(value, 0u);
		EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x1000, width, 1),
			  AXERR_INVALID)
		    << width;
	}
	EXPECT_EQ(ToFake(dev)->reads + ToFake(dev)->writes, 0);
	for (unsigned width : {1u, 2u, 4u, 8u}) {
		uint64_t value = 0;
		EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1010, width, &value), AX_OK);
		EXPECT_EQ(ToFake(dev)->last_width, width);
		EXPECT_EQ(ToFake(dev)->last_offset, 0x10u);
	}
}

TEST_F(DeviceSetTest, RejectsAccessesCrossingTheEnd)
{
	axdevice *a = Add(AXDEVICE_MMIO, 0x1000, 8, 1);
	axdevice *b = Add(AXDEVICE_MMIO, 0x1008, 8, 2);
	uint64_t value = 0;
	ASSERT_NE(a, nullptr);
	ASSERT_NE(b, nullptr);

	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1000, 8, &value), AX_OK);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1001, 8, &value), AXERR_INVALID);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x1006, 4, 0), AXERR_INVALID);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1007, 2, &value), AXERR_INVALID);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1007, 1, &value), AX_OK);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x100c, 8, &value), AXERR_INVALID);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, 0, 0x100c, 4, 0), AX_OK);
	EXPECT_EQ(ToFake(a)->reads, 2);
	EXPECT_EQ(ToFake(a)->writes, 0);
	EXPECT_EQ(ToFake(b)->reads, 0);
	EXPECT_EQ(ToFake(b)->writes, 1);
	EXPECT_EQ(ToFake(b)->last_offset, 4u);
}

TEST_F(DeviceSetTest, MasksValuesToTheAccessWidth)
{
	axdevice *dev = Add(AXDEVICE_PORT_IO, 0x3f8, 8, 4);
	uint64_t value = 0;
	ASSERT_NE(dev, nullptr);

	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, 0x3f8, 2, 0xffffffffffffffffull),
		  AX_OK);
	EXPECT_EQ(ToFake(dev)->last_value, 0xffffu);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_PORT_IO, 0, 0x3f8, 8, 0xffffffffffffffffull),
		  AX_OK);
	EXPECT_EQ(ToFake(dev)->last_value, 0xffffffffffffffffull);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0x3f9, 1, &value), AX_OK);
	EXPECT_EQ(value, Pattern(4, 1) & 0xff);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0x3fa, 4, &value), AX_OK);
	EXPECT_EQ(value, Pattern(4, 2) & 0xffffffff);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_PORT_IO, 0, 0x3f8, 8, &value), AX_OK);
	EXPECT_EQ(value, Pattern(4, 0));
}

TEST_F(DeviceSetTest, TheDeviceLearnsWhichVcpuAccessesIt)
{
	axdevice *dev = Add(AXDEVICE_MMIO, 0x1000, 0x100, 1);
	uint64_t value;

	ASSERT_NE(dev, nullptr);
	ASSERT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 3, 0x1010, 4, &value), AX_OK);
	EXPECT_EQ(ToFake(dev)->last_vcpu, 3u);
	ASSERT_EQ(axdevice_set_write(&set, AXDEVICE_MMIO, AXDEVICE_VCPU_HOST, 0x1010, 4, 1), AX_OK);
	EXPECT_EQ(ToFake(dev)->last_vcpu, AXDEVICE_VCPU_HOST);
}

/* A device with windows in two spaces: each access reaches it at its window's offsets;
 * removing it by any window's base removes every window; destroying the set destroys it once. */
TEST_F(DeviceSetTest, ADeviceMayHaveSeveralWindows)
{
	axdevice *d = Add(AXDEVICE_MMIO, 0x1000, 0x100, 4);
	axdevice *other = NewDevice(5);
	uint64_t value = 0;

	ASSERT_NE(d, nullptr);
	EXPECT_EQ(axdevice_set_add_window(&set, AXDEVICE_MMIO, 0x8000, 0x200, d,
					  axdevice_window_offset(1)),
		  AX_OK);
	EXPECT_EQ(axdevice_set_add_window(&set, AXDEVICE_SYSREG, axdevice_sysreg_addr(0xc65d), 8, d,
					  axdevice_window_offset(2)),
		  AX_OK);
	EXPECT_EQ(axdevice_set_add_window(&set, AXDEVICE_MMIO, 0x1080, 0x100, d,
					  axdevice_window_offset(3)),
		  AXERR_EXISTS)
	    << "windows may not overlap";
	EXPECT_EQ(axdevice_set_add_window(&set, AXDEVICE_MMIO, 0x9000, 0x100, other,
					  axdevice_window_offset(1)),
		  AXERR_NOT_FOUND)
	    << "only a device in the set gets windows";
	ax_free(&mem.ops, ToFake(other));
	EXPECT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0x9000, 0x100, d), AXERR_BUSY);

	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x1010, 4, &value), AX_OK);
	EXPECT_EQ(ToFake(d)->last_offset, 0x10u);
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x8010, 4, &value), AX_OK);
	EXPECT_EQ(ToFake(d)->last_offset, axdevice_window_offset(1) + 0x10);
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_SYSREG, 1, axdevice_sysreg_addr(0xc65d), 8, 7),
		  AX_OK);
	EXPECT_EQ(ToFake(d)->last_offset, axdevice_window_offset(2));
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x81fe, 4, &value), AXERR_INVALID)
	    << "past the window's end";
	uint64_t offset = 0;
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, 0x8004, &offset), d);
	EXPECT_EQ(offset, axdevice_window_offset(1) + 4);

	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0x8000), AX_OK);
	EXPECT_EQ(destroyed, 1);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 0u) << "every window went";
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_SYSREG), 0u);

	axdevice *e = Add(AXDEVICE_MMIO, 0x1000, 0x100, 6);
	ASSERT_NE(e, nullptr);
	EXPECT_EQ(
	    axdevice_set_add_window(&set, AXDEVICE_PORT_IO, 0x3f8, 8, e, axdevice_window_offset(1)),
	    AX_OK);
	axdevice_set_destroy(&set);
	EXPECT_EQ(destroyed, 2) << "destroyed once, not once per window";
	ASSERT_EQ(axdevice_set_init(&set, &mem.ops), AX_OK);
}

TEST_F(DeviceSetTest, ARangeFoundOnceServesLaterAccesses)
{
	axdevice *a = Add(AXDEVICE_MMIO, 0x1000, 0x100, 1);
	axdevice *b = Add(AXDEVICE_MMIO, 0x2000, 0x100, 2);
	uint64_t value = 0;

	ASSERT_NE(a, nullptr);
	ASSERT_NE(b, nullptr);
	const axdevice_range *r = axdevice_set_lookup(&set, AXDEVICE_MMIO, 0x1010);
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(r->dev, a);
	EXPECT_EQ(axdevice_set_lookup(&set, AXDEVICE_MMIO, 0x1800), nullptr);
	EXPECT_EQ(axdevice_range_read(r, 0, 0x1020, 4, &value), AX_OK);
	EXPECT_EQ(value, Pattern(1, 0x20)) << "as the device returned it: the backend cuts it";
	EXPECT_EQ(axdevice_range_write(r, 0, 0x10fc, 4, 7), AX_OK);
	EXPECT_EQ(ToFake(a)->last_offset, 0xfcu);
	EXPECT_EQ(axdevice_range_read(r, 0, 0x2000, 4, &value), AXERR_NOT_FOUND)
	    << "another device's address";
	EXPECT_EQ(axdevice_range_read(r, 0, 0x10fe, 4, &value), AXERR_INVALID) << "past the end";
	EXPECT_EQ(axdevice_range_read(r, 0, 0x1000, 3, &value), AXERR_INVALID);
	EXPECT_EQ(axdevice_range_read(nullptr, 0, 0x1000, 4, &value), AXERR_NOT_FOUND);
	EXPECT_EQ(ToFake(b)->reads, 0);
}

TEST_F(DeviceSetTest, PassesDeviceErrorsOn)
{
	axdevice *dev = Add(AXDEVICE_SYSREG, 0xc000, 1, 1);
	uint64_t value = 7;
	ASSERT_NE(dev, nullptr);

	ToFake(dev)->result = AXERR_UNSUPPORTED;
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_SYSREG, 0, 0xc000, 1, &value),
		  AXERR_UNSUPPORTED);
	EXPECT_EQ(value, 0u) << "no value leaks out of a failed read";
	EXPECT_EQ(axdevice_set_write(&set, AXDEVICE_SYSREG, 0, 0xc000, 1, 0), AXERR_UNSUPPORTED);
}

TEST_F(DeviceSetTest, SpacesAreSeparate)
{
	ASSERT_NE(Add(AXDEVICE_MMIO, 0x100, 0x10, 1), nullptr);
	ASSERT_NE(Add(AXDEVICE_PORT_IO, 0x100, 0x10, 2), nullptr);
	ASSERT_NE(Add(AXDEVICE_SYSREG, 0x100, 0x10, 3), nullptr);
	for (int s = 0; s < AXDEVICE_SPACES; s++) {
		auto space = static_cast<axdevice_space>(s);
		EXPECT_EQ(ToFake(axdevice_set_find(&set, space, 0x105, nullptr))->id, s + 1);
	}
}

TEST_F(DeviceSetTest, RemoveDestroysTheDeviceAndFreesItsRange)
{
	ASSERT_NE(Add(AXDEVICE_MMIO, 0x1000, 0x100, 1), nullptr);
	ASSERT_NE(Add(AXDEVICE_MMIO, 0x2000, 0x100, 2), nullptr);
	ASSERT_NE(Add(AXDEVICE_MMIO, 0x3000, 0x100, 3), nullptr);
	long live = mem.live;

	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0x2010), AXERR_NOT_FOUND)
	    << "only a range's base removes it";
	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0x5000), AXERR_NOT_FOUND);
	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_PORT_IO, 0x2000), AXERR_NOT_FOUND);
	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_SPACES, 0x2000), AXERR_INVALID);
	EXPECT_EQ(destroyed, 0);

	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0x2000), AX_OK);
	EXPECT_EQ(destroyed, 1);
	EXPECT_EQ(mem.live, live - 1);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 2u);
	EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, 0x2000, nullptr), nullptr);
	EXPECT_EQ(ToFake(axdevice_set_find(&set, AXDEVICE_MMIO, 0x1000, nullptr))->id, 1);
	EXPECT_EQ(ToFake(axdevice_set_find(&set, AXDEVICE_MMIO, 0x30ff, nullptr))->id, 3);
	EXPECT_NE(Add(AXDEVICE_MMIO, 0x1100, 0x1f00, 4), nullptr) << "the freed range is free";

	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0x1000), AX_OK);
	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0x3000), AX_OK);
	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0x1100), AX_OK);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 0u);
	EXPECT_EQ(destroyed, 4);
}

TEST_F(DeviceSetTest, DestroyFreesEverythingAndLeavesTheSetUsable)
{
	for (int i = 0; i < 100; i++)
		ASSERT_NE(
		    Add(static_cast<axdevice_space>(i % AXDEVICE_SPACES), 0x1000u * i, 0x10, i),
		    nullptr);
	axdevice_set_destroy(&set);
	EXPECT_EQ(destroyed, 100);
	EXPECT_EQ(mem.live, 0);
	for (int s = 0; s < AXDEVICE_SPACES; s++)
		EXPECT_EQ(axdevice_set_count(&set, static_cast<axdevice_space>(s)), 0u);
	EXPECT_NE(Add(AXDEVICE_MMIO, 0, 0x10, 1), nullptr);
}

TEST_F(DeviceSetTest, StaticDevicesAreNotFreed)
{
	FakeDevice statics[2] = {};
	statics[0].dev.ops = &kStaticOps;
	statics[1].dev.ops = &kStaticOps;

	ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0, 0x10, &statics[0].dev), AX_OK);
	ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0x10, 0x10, &statics[1].dev), AX_OK);
	EXPECT_EQ(axdevice_set_remove(&set, AXDEVICE_MMIO, 0), AX_OK);
	uint64_t value = 0;
	EXPECT_EQ(axdevice_set_read(&set, AXDEVICE_MMIO, 0, 0x10, 1, &value), AX_OK);
	EXPECT_EQ(statics[1].reads, 1);
	/* TearDown destroys the set: nothing to free for static devices. */
}

TEST_F(DeviceSetTest, AllocationFailureLeavesTheSetUnchanged)
{
	/* The very first allocation of an empty bus. */
	axdevice *first = NewDevice(0);
	mem.fail_after = 0;
	EXPECT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0, 0x10, first), AXERR_NO_MEMORY);
	EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO), 0u);
	mem.fail_after = -1;
	ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0, 0x10, first), AX_OK);

	/* Fill the array up, then make growing it fail, again and again as the set grows. */
	int added = 1;
	for (int round = 0; round < 6; round++) {
		while (true) {
			axdevice *dev = NewDevice(added);
			mem.fail_after = 0;
			int err = axdevice_set_add(&set, AXDEVICE_MMIO, 0x100u * added, 0x10, dev);
			mem.fail_after = -1;
			if (err == AX_OK) {
				added++;
				continue;
			}
			ASSERT_EQ(err, AXERR_NO_MEMORY);
			EXPECT_EQ(axdevice_set_count(&set, AXDEVICE_MMIO),
				  static_cast<size_t>(added));
			for (int i = 0; i < added; i++) {
				axdevice *found = axdevice_set_find(&set, AXDEVICE_MMIO,
								    0x100u * i + 0xf, nullptr);
				ASSERT_NE(found, nullptr) << i;
				EXPECT_EQ(ToFake(found)->id, i);
			}
			EXPECT_EQ(axdevice_set_find(&set, AXDEVICE_MMIO, 0x100u * added, nullptr),
				  nullptr);
			/* With memory back, the same device goes in. */
			ASSERT_EQ(axdevice_set_add(&set, AXDEVICE_MMIO, 0x100u * added, 0x10, dev),
				  AX_OK);
			added++;
			break;
		}
	}
	EXPECT_GE(added, 8 << 5);
	EXPECT_EQ(destroyed, 0);
}

} // namespace
