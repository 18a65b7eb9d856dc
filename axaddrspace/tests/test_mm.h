/* An axaddr_mm for host tests: a bitmap page allocator over one aligned buffer whose "physical"
 * addresses start at kPhysBase, far from its host addresses, so that confusing the two crashes. */
#ifndef AXADDRSPACE_TESTS_TEST_MM_H
#define AXADDRSPACE_TESTS_TEST_MM_H

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" {
#include <axaddrspace/mm.h>
}

class TestMm
{
      public:
	static constexpr uint64_t kPhysBase = 0x80000000ull;

	explicit TestMm(size_t pages = 16384);
	~TestMm();
	TestMm(const TestMm &) = delete;
	TestMm &operator=(const TestMm &) = delete;

	/* Pass this to the code under test. */
	const axaddr_mm *mm() const
	{
		return &ops_;
	}
	/* Pages currently allocated. */
	size_t live() const
	{
		return live_;
	}
	/* Allocation calls allowed before every further one fails; negative: never fail. */
	long fail_after = -1;
	/* Host pointer for a physical address of this provider. */
	uint8_t *ptr(uint64_t pa) const;

      private:
	static int Alloc(void *ctx, size_t count, size_t align_pages, hpa_t *out);
	static void Free(void *ctx, hpa_t pa, size_t count);
	static hva_t ToVirt(void *ctx, hpa_t pa);

	axaddr_mm ops_;
	uint8_t *mem_;
	std::vector<bool> used_;
	size_t live_ = 0;
};

#endif
