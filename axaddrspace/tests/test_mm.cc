#include "axaddrspace/tests/test_mm.h"

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

extern "C" {
#include <axvm/error.h>
}

TestMm::TestMm(size_t pages)
    : ops_{Alloc, Free, ToVirt, this},
      mem_(static_cast<uint8_t *>(std::aligned_alloc(1 << 21, pages * AXADDR_PAGE_SIZE))),
      used_(pages, false)
{
	/* Garbage, so that code relying on zeroed pages it did not zero fails. */
	std::memset(mem_, 0xa5, pages * AXADDR_PAGE_SIZE);
}

TestMm::~TestMm()
{
	std::free(mem_);
}

uint8_t *TestMm::ptr(uint64_t pa) const
{
	EXPECT_GE(pa, kPhysBase);
	EXPECT_LT(pa, kPhysBase + used_.size() * AXADDR_PAGE_SIZE);
	return mem_ + (pa - kPhysBase);
}

int TestMm::Alloc(void *ctx, size_t count, size_t align_pages, hpa_t *out)
{
	auto *self = static_cast<TestMm *>(ctx);

	if (self->fail_after == 0)
		return AXERR_NO_MEMORY;
	if (self->fail_after > 0)
		self->fail_after--;
	for (size_t i = 0; i + count <= self->used_.size(); i += align_pages) {
		size_t n = 0;
		while (n < count && !self->used_[i + n])
			n++;
		if (n < count)
			continue;
		for (n = 0; n < count; n++)
			self->used_[i + n] = true;
		self->live_ += count;
		*out = hpa(kPhysBase + i * AXADDR_PAGE_SIZE);
		return AX_OK;
	}
	return AXERR_NO_MEMORY;
}

void TestMm::Free(void *ctx, hpa_t pa, size_t count)
{
	auto *self = static_cast<TestMm *>(ctx);
	size_t first = (pa.v - kPhysBase) / AXADDR_PAGE_SIZE;

	ASSERT_EQ((pa.v - kPhysBase) % AXADDR_PAGE_SIZE, 0u);
	for (size_t i = first; i < first + count; i++) {
		ASSERT_LT(i, self->used_.size());
		ASSERT_TRUE(self->used_[i]) << "double free of page " << i;
		self->used_[i] = false;
	}
	self->live_ -= count;
}

hva_t TestMm::ToVirt(void *ctx, hpa_t pa)
{
	return hva(static_cast<TestMm *>(ctx)->ptr(pa.v));
}
