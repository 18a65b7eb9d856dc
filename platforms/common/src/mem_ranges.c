#include <board/mem_ranges.h>

void mem_ranges_init(struct mem_ranges *set)
{
	set->count = 0;
}

static void remove_at(struct mem_ranges *set, size_t i)
{
	for (; i + 1 < set->count; i++)
		set->r[i] = set->r[i + 1];
	set->count--;
}

static bool insert_at(struct mem_ranges *set, size_t i, struct mem_range range)
{
	if (set->count == MEM_RANGES_MAX)
		return false;
	for (size_t j = set->count; j > i; j--)
		set->r[j] = set->r[j - 1];
	set->r[i] = range;
	set->count++;
	return true;
}

bool mem_ranges_add(struct mem_ranges *set, uint64_t base, uint64_t size)
{
	struct mem_range n = {base, base + size};
	size_t i = 0;

	if (size == 0)
		return true;
	if (n.end < n.base)
		return false;
	while (i < set->count && set->r[i].end < n.base)
		i++;
	/* Absorb every range that overlaps or touches the new one. */
	while (i < set->count && set->r[i].base <= n.end) {
		if (set->r[i].base < n.base)
			n.base = set->r[i].base;
		if (set->r[i].end > n.end)
			n.end = set->r[i].end;
		remove_at(set, i);
	}
	return insert_at(set, i, n);
}

bool mem_ranges_remove(struct mem_ranges *set, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (size == 0)
		return true;
	if (end < base)
		end = UINT64_MAX;
	for (size_t i = 0; i < set->count;) {
		struct mem_range *r = &set->r[i];

		if (r->end <= base || r->base >= end) {
			i++;
		} else if (r->base >= base && r->end <= end) {
			remove_at(set, i);
		} else if (r->base < base && r->end > end) {
			struct mem_range tail = {end, r->end};

			if (set->count == MEM_RANGES_MAX)
				return false;
			r->end = base;
			insert_at(set, i + 1, tail);
			return true;
		} else if (r->base < base) {
			r->end = base;
			i++;
		} else {
			r->base = end;
			i++;
		}
	}
	return true;
}

void mem_ranges_align(struct mem_ranges *set, uint64_t align)
{
	for (size_t i = 0; i < set->count;) {
		uint64_t b = (set->r[i].base + align - 1) & ~(align - 1);
		uint64_t e = set->r[i].end & ~(align - 1);

		if (b < set->r[i].base || e <= b) {
			remove_at(set, i);
			continue;
		}
		set->r[i].base = b;
		set->r[i].end = e;
		i++;
	}
}

uint64_t mem_ranges_total(const struct mem_ranges *set)
{
	uint64_t total = 0;

	for (size_t i = 0; i < set->count; i++)
		total += set->r[i].end - set->r[i].base;
	return total;
}
