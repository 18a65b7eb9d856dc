#include <axaddrspace/addrspace.h>

#include <axvm/assert.h>
#include <axvm/error.h>
#include <string.h>

#define BLOCK_2M (2ull << 20)
#define PAGES_2M (BLOCK_2M / AXADDR_PAGE_SIZE)

static uint64_t region_end(const struct axaddr_region *r)
{
	return r->base.v + r->size;
}

/* Index of the first region whose end is above g (binary search). */
static size_t region_lower_bound(const struct axaddrspace *as, uint64_t g)
{
	size_t lo = 0;
	size_t hi = as->region_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (region_end(&as->regions[mid]) <= g)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct axaddr_region *axaddrspace_find_region(const struct axaddrspace *as, gpa_t g)
{
	size_t i = region_lower_bound(as, g.v);

	if (i < as->region_count && as->regions[i].base.v <= g.v)
		return &as->regions[i];
	return NULL;
}

static bool overlaps_region(const struct axaddrspace *as, uint64_t base, uint64_t size)
{
	size_t i = region_lower_bound(as, base);

	return i < as->region_count && as->regions[i].base.v < base + size;
}

static int insert_region(struct axaddrspace *as, const struct axaddr_region *r)
{
	size_t i = region_lower_bound(as, r->base.v);

	if (as->region_count == AXADDRSPACE_MAX_REGIONS)
		return AXERR_FULL;
	memmove(&as->regions[i + 1], &as->regions[i],
		(as->region_count - i) * sizeof(as->regions[0]));
	as->regions[i] = *r;
	as->region_count++;
	return AX_OK;
}

static int check_new_region(const struct axaddrspace *as, uint64_t base, uint64_t size)
{
	if (size == 0 || (base | size) & (AXADDR_PAGE_SIZE - 1) || base + size < base)
		return AXERR_INVALID;
	if (overlaps_region(as, base, size))
		return AXERR_EXISTS;
	if (as->region_count == AXADDRSPACE_MAX_REGIONS)
		return AXERR_FULL;
	return AX_OK;
}

int axaddrspace_init(struct axaddrspace *as, const struct pt_format *fmt,
		     const struct axaddr_mm *mm)
{
	memset(as, 0, sizeof(*as));
	return page_table_init(&as->pt, fmt, mm);
}

void axaddrspace_set_tlb(struct axaddrspace *as, const struct pt_tlb *tlb)
{
	page_table_set_tlb(&as->pt, tlb);
}

/* pt_unmapped_fn: memory of alloc regions goes back to the mm; linear memory is the caller's.
 * Every piece lies in one region, which is still in the table while the unmap runs. */
static void release_unmapped(void *ctx, gpa_t g, hpa_t h, uint64_t size)
{
	struct axaddrspace *as = ctx;
	const struct axaddr_region *r = axaddrspace_find_region(as, g);
	const struct axaddr_mm *mm = as->pt.mm;

	AX_ASSERT(r && region_end(r) >= g.v + size);
	if (r->kind != AXADDR_ALLOC)
		return;
	mm->free_pages(mm->ctx, h, size / AXADDR_PAGE_SIZE);
	as->alloc_pages -= size / AXADDR_PAGE_SIZE;
}

void axaddrspace_destroy(struct axaddrspace *as)
{
	for (size_t i = 0; i < as->region_count; i++) {
		const struct axaddr_region *r = &as->regions[i];
		int err = page_table_unmap(&as->pt, r->base, r->size, release_unmapped, as);

		/* Whole regions never split a block, so no table page is needed. */
		AX_ASSERT(err == AX_OK);
	}
	AX_ASSERT(as->alloc_pages == 0);
	as->region_count = 0;
	page_table_destroy(&as->pt);
}

int axaddrspace_map_linear(struct axaddrspace *as, gpa_t g, hpa_t h, uint64_t size, uint32_t flags)
{
	struct axaddr_region r = {
	    .base = g, .size = size, .flags = flags, .kind = AXADDR_LINEAR, .hpa = h};
	int err = check_new_region(as, g.v, size);

	if (!err)
		err = page_table_map(&as->pt, g, h, size, flags);
	if (!err)
		err = insert_region(as, &r);
	return err;
}

static int alloc_zeroed(struct axaddrspace *as, size_t pages, hpa_t *out)
{
	const struct axaddr_mm *mm = as->pt.mm;

	if (mm->alloc_pages(mm->ctx, pages, pages, out) != 0)
		return AXERR_NO_MEMORY;
	memset(hva_ptr(mm->phys_to_virt(mm->ctx, *out)), 0, pages * AXADDR_PAGE_SIZE);
	as->alloc_pages += pages;
	return AX_OK;
}

/* pt_unmapped_fn undoing a partial populate. */
static void free_populated(void *ctx, gpa_t g, hpa_t h, uint64_t size)
{
	struct axaddrspace *as = ctx;

	(void)g;
	as->pt.mm->free_pages(as->pt.mm->ctx, h, size / AXADDR_PAGE_SIZE);
	as->alloc_pages -= size / AXADDR_PAGE_SIZE;
}

/* Backs [base, end) of a new alloc region with fresh memory: 2 MiB blocks where aligned,
 * 4 KiB pages elsewhere. On failure everything populated so far is undone. */
static int populate(struct axaddrspace *as, const struct axaddr_region *r)
{
	uint64_t g = r->base.v;
	uint64_t end = region_end(r);
	int err = AX_OK;

	while (g < end && !err) {
		bool big = !(g & (BLOCK_2M - 1)) && end - g >= BLOCK_2M;
		size_t pages = big ? PAGES_2M : 1;
		hpa_t h;

		err = alloc_zeroed(as, pages, &h);
		if (err)
			break;
		err = page_table_map(&as->pt, gpa(g), h, pages * AXADDR_PAGE_SIZE, r->flags);
		if (err) {
			as->pt.mm->free_pages(as->pt.mm->ctx, h, pages);
			as->alloc_pages -= pages;
			break;
		}
		g += pages * AXADDR_PAGE_SIZE;
	}
	if (err && g > r->base.v) {
		/* The region is not in the table yet: free what it got directly. */
		int undo = page_table_unmap(&as->pt, r->base, g - r->base.v, free_populated, as);

		AX_ASSERT(undo == AX_OK);
	}
	return err;
}

int axaddrspace_map_alloc(struct axaddrspace *as, gpa_t g, uint64_t size, uint32_t flags, bool lazy)
{
	struct axaddr_region r = {.base = g,
				  .size = size,
				  .flags = flags,
				  .kind = AXADDR_ALLOC,
				  .lazy = lazy,
				  .lazy_unit = AXADDR_PAGE_SIZE};
	int err = check_new_region(as, g.v, size);

	/* A lazy region maps nothing yet: check now what its first map would reject. */
	if (!err)
		err = page_table_check(&as->pt, g, size, flags);
	if (!err && !lazy)
		err = populate(as, &r);
	if (!err)
		err = insert_region(as, &r);
	return err;
}

int axaddrspace_map_lazy(struct axaddrspace *as, gpa_t g, uint64_t size, uint32_t flags,
			 uint64_t unit)
{
	struct axaddr_region r = {.base = g,
				  .size = size,
				  .flags = flags,
				  .kind = AXADDR_ALLOC,
				  .lazy = true,
				  .lazy_unit = unit};
	int err = check_new_region(as, g.v, size);

	if (!err && (unit < AXADDR_PAGE_SIZE || unit > BLOCK_2M || (unit & (unit - 1))))
		err = AXERR_INVALID;
	if (!err)
		err = page_table_check(&as->pt, g, size, flags);
	if (!err)
		err = insert_region(as, &r);
	return err;
}

int axaddrspace_unmap(struct axaddrspace *as, gpa_t g, uint64_t size)
{
	uint64_t end = g.v + size;
	size_t first = region_lower_bound(as, g.v);
	size_t last = first;
	size_t extra = 0;
	int err;

	if (size == 0 || (g.v | size) & (AXADDR_PAGE_SIZE - 1) || end < g.v)
		return AXERR_INVALID;
	/* The range must be covered by consecutive regions without holes. */
	for (uint64_t at = g.v; at < end; last++) {
		if (last >= as->region_count || as->regions[last].base.v > at)
			return AXERR_NOT_MAPPED;
		at = region_end(&as->regions[last]);
	}
	if (as->regions[first].base.v < g.v && region_end(&as->regions[last - 1]) > end)
		extra = first == last - 1 ? 1 : 0;
	if (as->region_count + extra > AXADDRSPACE_MAX_REGIONS)
		return AXERR_FULL;
	err = page_table_unmap(&as->pt, g, size, release_unmapped, as);
	if (err)
		return err;
	/* Rewrite the region table: keep what lies outside [g, end). */
	struct axaddr_region head = as->regions[first];
	struct axaddr_region tail = as->regions[last - 1];
	size_t removed = last - first;

	memmove(&as->regions[first], &as->regions[last],
		(as->region_count - last) * sizeof(as->regions[0]));
	as->region_count -= removed;
	if (head.base.v < g.v) {
		head.size = g.v - head.base.v;
		AX_ASSERT(insert_region(as, &head) == AX_OK);
	}
	if (region_end(&tail) > end) {
		uint64_t cut = end - tail.base.v;

		if (tail.kind == AXADDR_LINEAR)
			tail.hpa = hpa_add(tail.hpa, cut);
		tail.base = gpa(end);
		tail.size -= cut;
		AX_ASSERT(insert_region(as, &tail) == AX_OK);
	}
	return AX_OK;
}

int axaddrspace_discard(struct axaddrspace *as, gpa_t g, uint64_t size)
{
	size_t i = region_lower_bound(as, g.v);
	struct axaddr_region *r = &as->regions[i];
	int err;

	if (size == 0 || (g.v | size) & (AXADDR_PAGE_SIZE - 1) || g.v + size < g.v)
		return AXERR_INVALID;
	if (i >= as->region_count || r->base.v > g.v || region_end(r) < g.v + size)
		return AXERR_NOT_MAPPED;
	if (r->kind != AXADDR_ALLOC)
		return AXERR_UNSUPPORTED;
	err = page_table_unmap(&as->pt, g, size, release_unmapped, as);
	if (err)
		return err;
	if (!r->lazy) {
		r->lazy = true;
		r->lazy_unit = AXADDR_PAGE_SIZE;
	}
	return AX_OK;
}

int axaddrspace_protect(struct axaddrspace *as, gpa_t g, uint64_t size, uint32_t flags)
{
	size_t i = region_lower_bound(as, g.v);
	struct axaddr_region *r = &as->regions[i];
	int err = page_table_check(&as->pt, g, size, flags);

	if (err)
		return err;
	if (i >= as->region_count || r->base.v != g.v || r->size != size)
		return AXERR_NOT_FOUND;
	if (!(r->kind == AXADDR_ALLOC && r->lazy)) {
		err = page_table_protect(&as->pt, g, size, flags);
	} else {
		/* Only the populated pages of a lazy region have entries to change. */
		err = AX_OK;
		for (uint64_t at = g.v; at < g.v + size && !err; at += AXADDR_PAGE_SIZE) {
			struct pt_mapping m;

			if (page_table_translate(&as->pt, gpa(at), &m) == AX_OK)
				err = page_table_protect(&as->pt, gpa(at), AXADDR_PAGE_SIZE, flags);
		}
		AX_ASSERT(err == AX_OK);
	}
	if (!err)
		r->flags = flags;
	return err;
}

static void count_leaf(void *ctx, gpa_t g, const struct pt_mapping *m)
{
	(void)g;
	(void)m;
	(*(size_t *)ctx)++;
}

/* Populates the whole lazy unit around g if it lies in r, holds no page yet and its memory can
 * be had at once; false if not (the caller populates g's page alone). */
static bool populate_unit(struct axaddrspace *as, const struct axaddr_region *r, uint64_t g)
{
	uint64_t unit = r->lazy_unit;
	uint64_t base = g & ~(unit - 1);
	size_t pages = unit / AXADDR_PAGE_SIZE;
	size_t leaves = 0;
	hpa_t h;

	if (unit == AXADDR_PAGE_SIZE || base < r->base.v || base + unit > region_end(r))
		return false;
	page_table_for_each_leaf(&as->pt, gpa(base), unit, count_leaf, &leaves);
	if (leaves || alloc_zeroed(as, pages, &h))
		return false;
	if (page_table_map(&as->pt, gpa(base), h, unit, r->flags) == AX_OK)
		return true;
	/* No memory for a table page. */
	as->pt.mm->free_pages(as->pt.mm->ctx, h, pages);
	as->alloc_pages -= pages;
	return false;
}

int axaddrspace_handle_page_fault(struct axaddrspace *as, gpa_t g, enum axaddr_access access,
				  bool *fixed)
{
	const struct axaddr_region *r = axaddrspace_find_region(as, g);
	uint64_t page = g.v & ~(uint64_t)(AXADDR_PAGE_SIZE - 1);
	struct pt_mapping m;
	hpa_t h;
	int err;

	*fixed = false;
	if (!r || r->kind != AXADDR_ALLOC || !r->lazy || !(r->flags & (uint32_t)access))
		return AX_OK;
	if (page_table_translate(&as->pt, gpa(page), &m) == AX_OK) {
		/* Populated by a fault on another CPU, or a real permission fault. */
		*fixed = (m.flags & (uint32_t)access) != 0;
		return AX_OK;
	}
	if (populate_unit(as, r, g.v)) {
		*fixed = true;
		return AX_OK;
	}
	err = alloc_zeroed(as, 1, &h);
	if (err)
		return err;
	err = page_table_map(&as->pt, gpa(page), h, AXADDR_PAGE_SIZE, r->flags);
	if (err) {
		as->pt.mm->free_pages(as->pt.mm->ctx, h, 1);
		as->alloc_pages--;
		return err;
	}
	*fixed = true;
	return AX_OK;
}

static void zero_leaf(void *ctx, gpa_t g, const struct pt_mapping *m)
{
	const struct axaddr_mm *mm = ctx;

	(void)g;
	memset(hva_ptr(mm->phys_to_virt(mm->ctx, m->hpa)), 0, m->page_size);
}

void axaddrspace_scrub(struct axaddrspace *as)
{
	for (size_t i = 0; i < as->region_count; i++) {
		const struct axaddr_region *r = &as->regions[i];

		if (r->kind == AXADDR_ALLOC)
			page_table_for_each_leaf(&as->pt, r->base, r->size, zero_leaf,
						 (void *)as->pt.mm);
	}
}

int axaddrspace_translate(const struct axaddrspace *as, gpa_t g, struct pt_mapping *out)
{
	return page_table_translate(&as->pt, g, out);
}
