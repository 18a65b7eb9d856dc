/* Guest page-table walks (guest_walk.h): one loop over the levels of every paging mode, the
 * reserved bits of each entry format, and the access rights of the whole walk. */
#include <x86_vcpu/guest_walk.h>

#include <axvm/error.h>

/* Paging-structure entry bits the walk reads (SDM Vol. 3A, 4.3-4.5). */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_PS (1ull << 7)
#define PTE_XD (1ull << 63)

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define MIN_MAXPHYADDR 32
#define MAX_MAXPHYADDR 52
#define PSE36_MAXPHYADDR 40 /* 32-bit paging's 4 MiB pages reach at most 40 address bits */
#define ACCESS_ALL (X86_ACCESS_WRITE | X86_ACCESS_USER | X86_ACCESS_FETCH)

enum paging_mode {
	PAGING_32,
	PAGING_PAE,
	PAGING_4LEVEL,
	PAGING_5LEVEL,
};

/* One walk in progress: its mode, its entry format, and the rights of the entries so far. */
struct walk {
	const struct x86_paging *p;
	enum paging_mode mode;
	x86_guest_read_fn read;
	void *ctx;
	unsigned width;	     /* bytes per entry */
	unsigned index_bits; /* linear-address bits per level */
	bool writable;	     /* R/W = 1 in every entry */
	bool user;	     /* U/S = 1 in every entry */
	bool executable;     /* XD = 0 in every entry */
};

/* Bits hi:lo set; none when hi < lo. */
static uint64_t bit_range(unsigned hi, unsigned lo)
{
	if (hi < lo)
		return 0;
	return (~0ull >> (63 - hi)) & (~0ull << lo);
}

/* PAE paging's PDPTE: no rights, and reserved bits where the other levels have them. */
static bool is_pae_pdpte(const struct walk *w, unsigned level)
{
	return w->mode == PAGING_PAE && level == 3;
}

/* Whether an entry at level (1 = page table) with PS = 1 maps a page. */
static bool large_page_level(const struct walk *w, unsigned level)
{
	switch (w->mode) {
	case PAGING_32:
		return level == 2 && (w->p->cr4 & X86_CR4_PSE);
	case PAGING_PAE:
		return level == 2;
	default:
		return level == 2 || level == 3;
	}
}

/* The bits that must be 0 in a present entry at level, mapping a page when large (the entry
 * formats of SDM Vol. 3A, 4.3, 4.4.2 and 4.5.4). */
static uint64_t reserved_bits(const struct walk *w, unsigned level, bool large)
{
	unsigned m = w->p->maxphyaddr;
	uint64_t r;

	if (w->mode == PAGING_32) {
		/* Only a 4 MiB page's PDE has any: bits 21:(M - 19), M limited to PSE-36's 40. */
		if (!large)
			return 0;
		if (m > PSE36_MAXPHYADDR)
			m = PSE36_MAXPHYADDR;
		return bit_range(21, m - 19);
	}
	if (is_pae_pdpte(w, level))
		return bit_range(63, m) | bit_range(8, 5) | bit_range(2, 1);
	r = (w->p->efer & X86_EFER_NXE) ? 0 : PTE_XD;
	if (w->mode == PAGING_PAE) {
		r |= bit_range(62, m);
	} else {
		r |= bit_range(51, m); /* bits 62:52 are ignored, or protection keys */
		if (level >= 4)
			r |= PTE_PS;
	}
	if (large)
		r |= bit_range(level == 3 ? 29 : 20, 13); /* above the PAT bit, below the address */
	return r;
}

/* The entry at gpa, little-endian, w->width bytes. */
static int read_entry(const struct walk *w, uint64_t gpa, uint64_t *entry)
{
	uint8_t b[8];
	int err = w->read(w->ctx, gpa, b, w->width);

	if (err)
		return err;
	*entry = 0;
	for (unsigned i = w->width; i-- > 0;)
		*entry = *entry << 8 | b[i];
	return AX_OK;
}

/* Whether the rights of a walk's entries allow access (SDM Vol. 3A, 4.6). */
static bool rights_allow(const struct walk *w, unsigned access)
{
	bool user_access = access & X86_ACCESS_USER;

	if (user_access && !w->user)
		return false;
	if ((access & X86_ACCESS_WRITE) && !w->writable &&
	    (user_access || (w->p->cr0 & X86_CR0_WP)))
		return false;
	if (access & X86_ACCESS_FETCH) {
		/* Without NXE a set XD bit is reserved: the walk stopped there. */
		if (!w->executable)
			return false;
		if (!user_access && w->user && (w->p->cr4 & X86_CR4_SMEP))
			return false;
	}
	return true;
}

/* The paging mode p selects, or AXERR_INVALID for long mode without PAE. */
static int paging_mode_of(const struct x86_paging *p, enum paging_mode *mode)
{
	if (p->efer & X86_EFER_LMA) {
		if (!(p->cr4 & X86_CR4_PAE))
			return AXERR_INVALID;
		*mode = (p->cr4 & X86_CR4_LA57) ? PAGING_5LEVEL : PAGING_4LEVEL;
	} else {
		*mode = (p->cr4 & X86_CR4_PAE) ? PAGING_PAE : PAGING_32;
	}
	return AX_OK;
}

/* Whether linear is canonical for linear-address width bits. */
static bool canonical(uint64_t linear, unsigned bits)
{
	uint64_t upper = linear >> (bits - 1);

	return upper == 0 || upper == (~0ull >> (bits - 1));
}

/* Walks w's tables for linear from the root table at table, top level levels: 0 and *out
 * filled, or read's error. */
static int walk_tables(struct walk *w, uint64_t table, unsigned levels, uint64_t linear,
		       unsigned access, struct x86_walk_result *out)
{
	uint64_t addr_mask = bit_range(w->p->maxphyaddr - 1, PAGE_SHIFT);
	uint32_t code = access & (X86_ACCESS_WRITE | X86_ACCESS_USER);
	uint64_t entry = 0;
	unsigned shift = PAGE_SHIFT;

	/* I/D is reported only where a fetch can fault for being one. */
	if ((access & X86_ACCESS_FETCH) &&
	    ((w->p->cr4 & X86_CR4_SMEP) || (w->mode != PAGING_32 && (w->p->efer & X86_EFER_NXE))))
		code |= X86_PF_FETCH;
	out->linear = linear;
	out->fault = true;
	for (unsigned level = levels; level >= 1; level--) {
		uint64_t index_mask = (1ull << w->index_bits) - 1;
		bool large;
		int err;

		shift = PAGE_SHIFT + w->index_bits * (level - 1);
		err = read_entry(w, table + ((linear >> shift) & index_mask) * w->width, &entry);
		if (err)
			return err;
		if (!(entry & PTE_P)) {
			out->pf_error_code = code;
			return AX_OK;
		}
		large = (entry & PTE_PS) && large_page_level(w, level);
		if (entry & reserved_bits(w, level, large)) {
			out->pf_error_code = X86_PF_PRESENT | X86_PF_RSVD | code;
			return AX_OK;
		}
		if (!is_pae_pdpte(w, level)) {
			w->writable = w->writable && (entry & PTE_RW);
			w->user = w->user && (entry & PTE_US);
			w->executable = w->executable && !(entry & PTE_XD);
		}
		if (large)
			break;
		table = entry & addr_mask;
	}
	if (!rights_allow(w, access)) {
		out->pf_error_code = X86_PF_PRESENT | code;
		return AX_OK;
	}
	if (w->mode == PAGING_32 && shift > PAGE_SHIFT) /* 4 MiB: PSE-36 bits 20:13 -> 39:32 */
		out->gpa = (entry & bit_range(31, 22)) | (entry & bit_range(20, 13)) << 19;
	else
		out->gpa = entry & bit_range(w->p->maxphyaddr - 1, shift);
	out->gpa |= linear & bit_range(shift - 1, 0);
	out->fault = false;
	out->pf_error_code = 0;
	return AX_OK;
}

int x86_guest_translate(const struct x86_paging *p, uint64_t linear, unsigned access,
			x86_guest_read_fn read, void *ctx, struct x86_walk_result *out)
{
	struct walk w = {
	    .p = p,
	    .read = read,
	    .ctx = ctx,
	    .width = 8,
	    .index_bits = 9,
	    .writable = true,
	    .user = true,
	    .executable = true,
	};
	struct x86_walk_result r;
	uint64_t root;
	unsigned levels;
	int err;

	if ((access & ~(unsigned)ACCESS_ALL) ||
	    ((access & X86_ACCESS_WRITE) && (access & X86_ACCESS_FETCH)) ||
	    p->maxphyaddr < MIN_MAXPHYADDR || p->maxphyaddr > MAX_MAXPHYADDR)
		return AXERR_INVALID;
	if (!(p->cr0 & X86_CR0_PG)) {
		out->linear = (uint32_t)linear;
		out->gpa = out->linear;
		out->pf_error_code = 0;
		out->fault = false;
		return AX_OK;
	}
	err = paging_mode_of(p, &w.mode);
	if (err)
		return err;
	switch (w.mode) {
	case PAGING_32:
		linear = (uint32_t)linear;
		root = p->cr3 & bit_range(31, PAGE_SHIFT);
		levels = 2;
		w.width = 4;
		w.index_bits = 10;
		break;
	case PAGING_PAE:
		linear = (uint32_t)linear;
		root = p->cr3 & bit_range(31, 5);
		levels = 3;
		break;
	default:
		levels = w.mode == PAGING_5LEVEL ? 5 : 4;
		if (!canonical(linear, PAGE_SHIFT + 9 * levels))
			return AXERR_INVALID;
		root = p->cr3 & bit_range(p->maxphyaddr - 1, PAGE_SHIFT);
		break;
	}
	err = walk_tables(&w, root, levels, linear, access, &r);
	if (!err)
		*out = r;
	return err;
}

int x86_guest_read_linear(const struct x86_paging *p, uint64_t linear, unsigned access,
			  x86_guest_read_fn read, void *ctx, void *buf, size_t len, size_t *copied,
			  struct x86_walk_result *out)
{
	uint8_t *dst = buf;

	*copied = 0;
	if (len == 0)
		return AXERR_INVALID;
	while (*copied < len) {
		size_t n;
		int err = x86_guest_translate(p, linear + *copied, access, read, ctx, out);

		if (err || out->fault)
			return err;
		n = PAGE_SIZE - (out->gpa & (PAGE_SIZE - 1));
		if (n > len - *copied)
			n = len - *copied;
		err = read(ctx, out->gpa, dst + *copied, (unsigned)n);
		if (err)
			return err;
		*copied += n;
	}
	return AX_OK;
}
