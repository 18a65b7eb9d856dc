#include <board/page_alloc.h>

#include <string.h>

#define BITS 64u

static bool bit_get(const uint64_t *bm, uint64_t i)
{
	return (bm[i / BITS] >> (i % BITS)) & 1;
}

static void bit_set(uint64_t *bm, uint64_t i, bool v)
{
	if (v)
		bm[i / BITS] |= 1ull << (i % BITS);
	else
		bm[i / BITS] &= ~(1ull << (i % BITS));
}

bool page_alloc_init(struct page_allocator *a, const struct mem_ranges *usable,
		     phys_to_virt_fn to_virt)
{
	struct mem_ranges aligned = *usable;

	memset(a, 0, sizeof(*a));
	mem_ranges_align(&aligned, PAGE_SIZE);
	for (size_t i = 0; i < aligned.count; i++) {
		uint64_t pages = (aligned.r[i].end - aligned.r[i].base) / PAGE_SIZE;
		/* Bitmap bytes, rounded to whole 64-bit words, then to whole pages. */
		uint64_t bitmap_bytes = (pages + BITS - 1) / BITS * 8;
		uint64_t bitmap_pages = (bitmap_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
		struct page_zone *z;

		if (pages <= bitmap_pages)
			continue;
		z = &a->zone[a->zones++];
		z->bitmap = to_virt(aligned.r[i].base);
		z->base = aligned.r[i].base + bitmap_pages * PAGE_SIZE;
		z->pages = pages - bitmap_pages;
		z->hint = 0;
		memset(z->bitmap, 0, (z->pages + BITS - 1) / BITS * 8);
		a->total_pages += z->pages;
	}
	a->free_pages = a->total_pages;
	return a->total_pages > 0;
}

/* First fit in one zone from index start; returns the first page index or UINT64_MAX. */
static uint64_t zone_find(const struct page_zone *z, uint64_t start, uint64_t count,
			  uint64_t align_pages)
{
	uint64_t align_mask = align_pages - 1;
	uint64_t first_pfn = z->base / PAGE_SIZE;
	/* Page index i has pfn first_pfn + i; alignment is on the pfn. */
	uint64_t i = ((first_pfn + start + align_mask) & ~align_mask) - first_pfn;

	while (i + count <= z->pages) {
		uint64_t run = 0;

		while (run < count && !bit_get(z->bitmap, i + run))
			run++;
		if (run == count)
			return i;
		i = ((first_pfn + i + run + 1 + align_mask) & ~align_mask) - first_pfn;
	}
	return UINT64_MAX;
}

uint64_t page_alloc(struct page_allocator *a, uint64_t count, uint64_t align_pages)
{
	if (count == 0 || align_pages == 0 || (align_pages & (align_pages - 1)))
		return 0;
	for (size_t zi = 0; zi < a->zones; zi++) {
		struct page_zone *z = &a->zone[zi];
		uint64_t i = zone_find(z, z->hint, count, align_pages);

		if (i == UINT64_MAX && z->hint)
			i = zone_find(z, 0, count, align_pages);
		if (i == UINT64_MAX)
			continue;
		for (uint64_t k = 0; k < count; k++)
			bit_set(z->bitmap, i + k, true);
		z->hint = i + count;
		a->free_pages -= count;
		return z->base + i * PAGE_SIZE;
	}
	return 0;
}

bool page_free(struct page_allocator *a, uint64_t pa, uint64_t count)
{
	if (pa % PAGE_SIZE || count == 0)
		return false;
	for (size_t zi = 0; zi < a->zones; zi++) {
		struct page_zone *z = &a->zone[zi];
		uint64_t i;

		if (pa < z->base || pa >= z->base + z->pages * PAGE_SIZE)
			continue;
		i = (pa - z->base) / PAGE_SIZE;
		if (count > z->pages - i)
			return false;
		for (uint64_t k = 0; k < count; k++) {
			if (!bit_get(z->bitmap, i + k))
				return false;
		}
		for (uint64_t k = 0; k < count; k++)
			bit_set(z->bitmap, i + k, false);
		if (i < z->hint)
			z->hint = i;
		a->free_pages += count;
		return true;
	}
	return false;
}
