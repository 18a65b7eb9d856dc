/*
 * A downstream team's use of //axaddrspace alone: no core, no devices, no backend. It builds an
 * Sv39x4 stage-2 table for a 16 MiB guest RAM region backed by pages it owns, checks a
 * translation, copies a buffer into guest memory, and tears everything down.
 *
 * What the team supplies: an axaddr_mm (here: a static arena with a bump allocator) and
 * ax_assert_fail (what a broken invariant does in their kernel).
 */
#include <axaddrspace/addrspace.h>
#include <axaddrspace/formats.h>
#include <axvm/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_PAGES 8192 /* 32 MiB */

static _Alignas(2 << 20) unsigned char arena[ARENA_PAGES * AXADDR_PAGE_SIZE];
static size_t next_page;
static size_t live_pages;

/* "Physical" addresses of this example are offsets into the arena plus a base. */
#define PHYS_BASE 0x100000000ull

static int alloc_pages(void *ctx, size_t count, size_t align, hpa_t *out)
{
	(void)ctx;
	next_page = (next_page + align - 1) / align * align;
	if (next_page + count > ARENA_PAGES)
		return -1;
	*out = hpa(PHYS_BASE + next_page * AXADDR_PAGE_SIZE);
	next_page += count;
	live_pages += count;
	return 0;
}

static void free_pages(void *ctx, hpa_t pa, size_t count)
{
	(void)ctx;
	(void)pa;
	live_pages -= count;
}

static hva_t phys_to_virt(void *ctx, hpa_t pa)
{
	(void)ctx;
	return hva(arena + (pa.v - PHYS_BASE));
}

void ax_assert_fail(const char *file, int line, const char *expr)
{
	fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
	abort();
}

int main(void)
{
	const struct axaddr_mm mm = {alloc_pages, free_pages, phys_to_virt, NULL};
	struct axaddrspace as;
	struct pt_mapping m;
	const char hello[] = "hello, guest";
	char back[sizeof(hello)];

	if (axaddrspace_init(&as, &pt_format_sv39x4, &mm) != 0)
		return 1;
	if (axaddrspace_map_alloc(&as, gpa(0x80000000), 16 << 20, AXMAP_RWX, false) != 0)
		return 2;
	if (axaddrspace_translate(&as, gpa(0x80201234), &m) != 0 || m.page_size != (2 << 20))
		return 3;
	if (axaddrspace_write(&as, gpa(0x80001000), hello, sizeof(hello)) != 0 ||
	    axaddrspace_read(&as, gpa(0x80001000), back, sizeof(back)) != 0 ||
	    strcmp(back, hello) != 0)
		return 4;
	/* Pointing a CPU at the root (hgatp here) is the team's own backend's job. */
	printf("root table at HPA 0x%llx, GPA 0x80201234 -> HPA 0x%llx in a %llu KiB block\n",
	       (unsigned long long)as.pt.root.v, (unsigned long long)m.hpa.v,
	       (unsigned long long)(m.page_size >> 10));
	axaddrspace_destroy(&as);
	if (live_pages != 0)
		return 5;
	printf("torn down, no page left\n");
	return 0;
}
