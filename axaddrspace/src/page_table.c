#include <axaddrspace/page_table.h>

#include <axvm/assert.h>
#include <axvm/error.h>
#include <string.h>

/*
 * Every update runs the same walk twice. The dry run changes nothing: it validates the range
 * and counts the table pages the update will create (new tables, and tables that replace a
 * block being split). Those pages are then allocated up front; only when all of them are
 * held does the commit run, and the commit cannot fail.
 *
 * In the dry run, tables that would be created are "virtual": an empty one reads as invalid
 * entries, a split block reads as the smaller leaves it would be split into. A walk visits
 * addresses in increasing order, so remembering the last virtual table created at each level
 * is enough to find it again from the next chunk of the range.
 */

enum table_kind {
	TABLE_REAL,  /* an existing table in memory */
	TABLE_EMPTY, /* dry run: a table that would be created empty */
	TABLE_SPLIT, /* dry run: a table that would replace the block split_pte */
};

struct table_ref {
	enum table_kind kind;
	uint64_t *entries;
	uint64_t split_pte;
};

enum op_kind { OP_MAP, OP_UNMAP, OP_PROTECT };

/* How many removed pieces an unmap collects before the TLB must forget them. */
#define REMOVED_BATCH 16

struct removed_piece {
	gpa_t g;
	hpa_t h;
	uint64_t size;
};

struct pt_op {
	struct page_table *pt;
	enum op_kind kind;
	uint64_t start;
	uint64_t end;
	uint64_t hpa; /* OP_MAP: host address of start */
	uint32_t flags;
	pt_unmapped_fn removed; /* OP_UNMAP */
	void *removed_ctx;
	bool dry_run;
	size_t tables_needed;
	bool pending_valid[PT_MAX_LEVELS];
	uint64_t pending_base[PT_MAX_LEVELS];
	struct table_ref pending[PT_MAX_LEVELS];
	hpa_t reserve; /* commit: pages for new tables, linked through their first word */
	size_t reserve_count;
	struct removed_piece removed_batch[REMOVED_BATCH]; /* commit: not yet passed on */
	size_t removed_count;
};

static uint64_t *table_ptr(const struct page_table *pt, hpa_t pa)
{
	return hva_ptr(pt->mm->phys_to_virt(pt->mm->ctx, pa));
}

static uint64_t read_entry(const struct pt_format *f, const struct table_ref *t, unsigned level,
			   uint64_t idx)
{
	switch (t->kind) {
	case TABLE_REAL:
		return t->entries[idx];
	case TABLE_EMPTY:
		return 0;
	case TABLE_SPLIT:
		break;
	}
	return f->leaf_entry(level,
			     hpa_add(f->entry_addr(t->split_pte), idx * pt_entry_size(f, level)),
			     f->leaf_flags(t->split_pte));
}

static hpa_t reserve_take(struct pt_op *op)
{
	hpa_t page = op->reserve;

	AX_ASSERT(op->reserve_count > 0);
	op->reserve = hpa(*table_ptr(op->pt, page));
	op->reserve_count--;
	return page;
}

static void reserve_release(struct pt_op *op)
{
	while (op->reserve_count)
		op->pt->mm->free_pages(op->pt->mm->ctx, reserve_take(op), 1);
}

static int reserve_fill(struct pt_op *op, size_t count)
{
	const struct axaddr_mm *mm = op->pt->mm;

	while (op->reserve_count < count) {
		hpa_t page;

		if (mm->alloc_pages(mm->ctx, 1, 1, &page) != 0) {
			reserve_release(op);
			return AXERR_NO_MEMORY;
		}
		*table_ptr(op->pt, page) = op->reserve.v;
		op->reserve = page;
		op->reserve_count++;
	}
	return AX_OK;
}

static void tlb_sync(const struct page_table *pt)
{
	if (pt->tlb)
		pt->tlb->sync(pt->tlb->ctx);
}

/* Makes the TLB forget [start, end) once the table writes before are visible. */
static void tlb_forget(const struct page_table *pt, uint64_t start, uint64_t end)
{
	if (!pt->tlb)
		return;
	pt->tlb->sync(pt->tlb->ctx);
	pt->tlb->invalidate(pt->tlb->ctx, gpa(start), end - start);
}

/* Passes the collected removed pieces on, once the TLB has forgotten the op's range. */
static void removed_flush(struct pt_op *op)
{
	if (!op->removed_count)
		return;
	tlb_forget(op->pt, op->start, op->end);
	for (size_t i = 0; i < op->removed_count; i++) {
		const struct removed_piece *r = &op->removed_batch[i];

		if (op->removed)
			op->removed(op->removed_ctx, r->g, r->h, r->size);
	}
	op->removed_count = 0;
}

static void removed_add(struct pt_op *op, gpa_t g, hpa_t h, uint64_t size)
{
	if (op->removed_count == REMOVED_BATCH)
		removed_flush(op);
	op->removed_batch[op->removed_count++] = (struct removed_piece){g, h, size};
}

/* Creates the next-level table under entry idx of t (an empty one, or one holding the pieces
 * of the leaf pte being split) and returns a reference to it. A live block is replaced by
 * break-before-make: the entry goes invalid and the TLB forgets the block before the table
 * that maps the same memory in smaller pieces takes its place. */
static struct table_ref create_table(struct pt_op *op, struct table_ref *t, unsigned level,
				     uint64_t idx, uint64_t base, uint64_t split_pte)
{
	const struct pt_format *f = op->pt->fmt;
	struct table_ref child = {.kind = split_pte ? TABLE_SPLIT : TABLE_EMPTY,
				  .split_pte = split_pte};
	hpa_t page;

	if (op->dry_run) {
		op->tables_needed++;
		op->pending_valid[level] = true;
		op->pending_base[level] = base;
		op->pending[level] = child;
		return child;
	}
	page = reserve_take(op);
	child = (struct table_ref){.kind = TABLE_REAL, .entries = table_ptr(op->pt, page)};
	for (uint64_t i = 0; i < pt_entries(f, level + 1); i++) {
		struct table_ref pieces = {.kind = TABLE_SPLIT, .split_pte = split_pte};

		child.entries[i] = split_pte ? read_entry(f, &pieces, level + 1, i) : 0;
	}
	if (split_pte) {
		t->entries[idx] = 0;
		tlb_forget(op->pt, base, base + pt_entry_size(f, level));
	}
	tlb_sync(op->pt); /* the new table's entries before the entry that points to it */
	t->entries[idx] = f->table_entry(page);
	op->pt->table_pages++;
	return child;
}

static void write_entry(struct pt_op *op, struct table_ref *t, uint64_t idx, uint64_t pte)
{
	if (!op->dry_run)
		t->entries[idx] = pte;
}

/* Walks [op->start, op->end) once, as a dry run or for real. */
static int op_walk(struct pt_op *op)
{
	const struct pt_format *f = op->pt->fmt;
	uint64_t va = op->start;

	while (va < op->end) {
		struct table_ref t = {.kind = TABLE_REAL,
				      .entries = table_ptr(op->pt, op->pt->root)};
		unsigned level = 0;

		for (;;) {
			uint64_t size = pt_entry_size(f, level);
			uint64_t base = va & ~(size - 1);
			uint64_t idx = pt_index(f, level, va);
			bool whole = va == base && op->end - va >= size;
			uint64_t pte = 0;
			enum pte_kind kind;

			if (op->dry_run && op->pending_valid[level] &&
			    op->pending_base[level] == base) {
				t = op->pending[level];
				level++;
				continue;
			}
			pte = read_entry(f, &t, level, idx);
			kind = f->kind(level, pte);
			if (kind == PTE_TABLE) {
				t = (struct table_ref){.kind = TABLE_REAL,
						       .entries =
							   table_ptr(op->pt, f->entry_addr(pte))};
				level++;
				continue;
			}
			if (op->kind == OP_MAP) {
				uint64_t h = op->hpa + (va - op->start);

				if (kind == PTE_LEAF) {
					AX_ASSERT(op->dry_run);
					return AXERR_EXISTS;
				}
				if (whole && (f->leaf_levels & (1u << level)) &&
				    !(h & (size - 1))) {
					write_entry(op, &t, idx,
						    f->leaf_entry(level, hpa(h), op->flags));
					va = base + size;
					break;
				}
				t = create_table(op, &t, level, idx, base, 0);
				level++;
				continue;
			}
			if (kind == PTE_INVALID) {
				if (op->kind == OP_PROTECT) {
					AX_ASSERT(op->dry_run);
					return AXERR_NOT_MAPPED;
				}
				va = base + size;
				break;
			}
			if (!whole) {
				AX_ASSERT(level + 1 < f->levels);
				t = create_table(op, &t, level, idx, base, pte);
				level++;
				continue;
			}
			write_entry(op, &t, idx,
				    op->kind == OP_UNMAP
					? 0
					: f->leaf_entry(level, f->entry_addr(pte), op->flags));
			if (op->kind == OP_UNMAP && !op->dry_run)
				removed_add(op, gpa(base), f->entry_addr(pte), size);
			va = base + size;
			break;
		}
	}
	return AX_OK;
}

/* Table pages an unmap unlinked, freed once the TLB (whose walkers may cache them) forgot
 * the range. */
struct prune_ctx {
	struct page_table *pt;
	uint64_t start;
	uint64_t end;
	hpa_t pages[REMOVED_BATCH];
	size_t count;
};

static void prune_flush(struct prune_ctx *c)
{
	if (!c->count)
		return;
	tlb_forget(c->pt, c->start, c->end);
	for (size_t i = 0; i < c->count; i++)
		c->pt->mm->free_pages(c->pt->mm->ctx, c->pages[i], 1);
	c->count = 0;
}

/* Unlinks the tables under t (a table of level) that are empty after an unmap of
 * [c->start, c->end); returns whether t itself is now empty. Recursion depth is the level
 * count. */
static bool prune(struct prune_ctx *c, uint64_t *t, unsigned level, uint64_t table_base)
{
	const struct pt_format *f = c->pt->fmt;
	uint64_t size = pt_entry_size(f, level);
	bool empty = true;

	for (uint64_t i = 0; i < pt_entries(f, level); i++) {
		uint64_t base = table_base + i * size;
		uint64_t pte = t[i];

		if (f->kind(level, pte) == PTE_TABLE && base < c->end && base + size > c->start) {
			hpa_t child = f->entry_addr(pte);

			if (prune(c, table_ptr(c->pt, child), level + 1, base)) {
				t[i] = 0;
				if (c->count == REMOVED_BATCH)
					prune_flush(c);
				c->pages[c->count++] = child;
				c->pt->table_pages--;
				pte = 0;
			}
		}
		if (f->kind(level, pte) != PTE_INVALID)
			empty = false;
	}
	return empty;
}

static int check_flags(uint32_t flags)
{
	if (flags & ~(uint32_t)AXMAP_ALL)
		return AXERR_INVALID;
	if (!(flags & AXMAP_RWX))
		return AXERR_INVALID;
	if ((flags & AXMAP_WRITE) && !(flags & AXMAP_READ))
		return AXERR_INVALID;
	return AX_OK;
}

static int check_range(const struct page_table *pt, uint64_t start, uint64_t size)
{
	uint64_t limit = 1ull << pt->fmt->gpa_bits;

	if (size == 0 || (start | size) & (AXADDR_PAGE_SIZE - 1))
		return AXERR_INVALID;
	if (start >= limit || size > limit - start)
		return AXERR_INVALID;
	return AX_OK;
}

int page_table_check(const struct page_table *pt, gpa_t g, uint64_t size, uint32_t flags)
{
	int err = check_range(pt, g.v, size);

	return err ? err : check_flags(flags);
}

static int op_run(struct pt_op *op)
{
	int err;

	op->dry_run = true;
	err = op_walk(op);
	if (err)
		return err;
	err = reserve_fill(op, op->tables_needed);
	if (err)
		return err;
	op->dry_run = false;
	err = op_walk(op);
	AX_ASSERT(err == AX_OK);
	AX_ASSERT(op->reserve_count == 0);
	if (op->kind == OP_UNMAP)
		removed_flush(op);
	else if (op->kind == OP_PROTECT)
		tlb_forget(op->pt, op->start, op->end);
	else
		tlb_sync(op->pt); /* new entries replace invalid ones: nothing to forget */
	return AX_OK;
}

int page_table_init(struct page_table *pt, const struct pt_format *fmt, const struct axaddr_mm *mm)
{
	int err;

	memset(pt, 0, sizeof(*pt));
	pt->fmt = fmt;
	pt->mm = mm;
	err = mm->alloc_pages(mm->ctx, fmt->root_pages, fmt->root_pages, &pt->root);
	if (err)
		return AXERR_NO_MEMORY;
	memset(table_ptr(pt, pt->root), 0, (size_t)fmt->root_pages * AXADDR_PAGE_SIZE);
	pt->table_pages = fmt->root_pages;
	return AX_OK;
}

static void free_tables(struct page_table *pt, uint64_t *t, unsigned level)
{
	const struct pt_format *f = pt->fmt;

	for (uint64_t i = 0; i < pt_entries(f, level); i++) {
		if (f->kind(level, t[i]) == PTE_TABLE) {
			hpa_t child = f->entry_addr(t[i]);

			free_tables(pt, table_ptr(pt, child), level + 1);
			pt->mm->free_pages(pt->mm->ctx, child, 1);
			pt->table_pages--;
		}
	}
}

void page_table_set_tlb(struct page_table *pt, const struct pt_tlb *tlb)
{
	pt->tlb = tlb;
}

void page_table_destroy(struct page_table *pt)
{
	if (!pt->table_pages)
		return;
	free_tables(pt, table_ptr(pt, pt->root), 0);
	pt->mm->free_pages(pt->mm->ctx, pt->root, pt->fmt->root_pages);
	pt->table_pages -= pt->fmt->root_pages;
	AX_ASSERT(pt->table_pages == 0);
}

int page_table_map(struct page_table *pt, gpa_t g, hpa_t h, uint64_t size, uint32_t flags)
{
	struct pt_op op = {
	    .pt = pt, .kind = OP_MAP, .start = g.v, .end = g.v + size, .hpa = h.v, .flags = flags};
	int err = page_table_check(pt, g, size, flags);

	if (!err && (h.v & (AXADDR_PAGE_SIZE - 1)))
		err = AXERR_INVALID;
	return err ? err : op_run(&op);
}

int page_table_unmap(struct page_table *pt, gpa_t g, uint64_t size, pt_unmapped_fn removed,
		     void *ctx)
{
	struct pt_op op = {.pt = pt,
			   .kind = OP_UNMAP,
			   .start = g.v,
			   .end = g.v + size,
			   .removed = removed,
			   .removed_ctx = ctx};
	int err = check_range(pt, g.v, size);

	if (!err)
		err = op_run(&op);
	if (!err) {
		struct prune_ctx c = {.pt = pt, .start = op.start, .end = op.end};

		prune(&c, table_ptr(pt, pt->root), 0, 0);
		prune_flush(&c);
	}
	return err;
}

int page_table_protect(struct page_table *pt, gpa_t g, uint64_t size, uint32_t flags)
{
	struct pt_op op = {
	    .pt = pt, .kind = OP_PROTECT, .start = g.v, .end = g.v + size, .flags = flags};
	int err = page_table_check(pt, g, size, flags);

	return err ? err : op_run(&op);
}

int page_table_translate(const struct page_table *pt, gpa_t g, struct pt_mapping *out)
{
	const struct pt_format *f = pt->fmt;
	uint64_t *t = table_ptr(pt, pt->root);

	if (g.v >> f->gpa_bits)
		return AXERR_NOT_MAPPED;
	for (unsigned level = 0; level < f->levels; level++) {
		uint64_t pte = t[pt_index(f, level, g.v)];
		uint64_t size = pt_entry_size(f, level);

		switch (f->kind(level, pte)) {
		case PTE_INVALID:
			return AXERR_NOT_MAPPED;
		case PTE_LEAF:
			out->hpa = hpa_add(f->entry_addr(pte), g.v & (size - 1));
			out->flags = f->leaf_flags(pte);
			out->page_size = size;
			return AX_OK;
		case PTE_TABLE:
			t = table_ptr(pt, f->entry_addr(pte));
			break;
		}
	}
	return AXERR_NOT_MAPPED;
}

static void leaves_in(const struct page_table *pt, uint64_t *t, unsigned level, uint64_t table_base,
		      uint64_t start, uint64_t end,
		      void (*fn)(void *ctx, gpa_t g, const struct pt_mapping *m), void *ctx)
{
	const struct pt_format *f = pt->fmt;
	uint64_t size = pt_entry_size(f, level);

	for (uint64_t i = 0; i < pt_entries(f, level); i++) {
		uint64_t base = table_base + i * size;
		uint64_t pte = t[i];

		if (base >= end || base + size <= start)
			continue;
		if (f->kind(level, pte) == PTE_TABLE) {
			leaves_in(pt, table_ptr(pt, f->entry_addr(pte)), level + 1, base, start,
				  end, fn, ctx);
		} else if (f->kind(level, pte) == PTE_LEAF) {
			struct pt_mapping m = {.hpa = f->entry_addr(pte),
					       .flags = f->leaf_flags(pte),
					       .page_size = size};

			fn(ctx, gpa(base), &m);
		}
	}
}

void page_table_for_each_leaf(const struct page_table *pt, gpa_t g, uint64_t size,
			      void (*fn)(void *ctx, gpa_t g, const struct pt_mapping *m), void *ctx)
{
	uint64_t end = g.v + size < g.v ? UINT64_MAX : g.v + size;

	leaves_in(pt, table_ptr(pt, pt->root), 0, 0, g.v, end, fn, ctx);
}
