/* Copies between the hypervisor and guest memory, page by page through the stage-2 tables. */
#include <axaddrspace/addrspace.h>

#include <axvm/error.h>
#include <string.h>

/* Checks that [g, g+len) lies in memory regions that all allow access (0: any). Device regions
 * (pass-through windows, device memory) are never copied: a read there could have side
 * effects, or fault in the hypervisor. */
static int check_access(const struct axaddrspace *as, uint64_t g, size_t len, uint32_t access)
{
	uint64_t end = g + len;

	if (end < g)
		return AXERR_INVALID;
	while (g < end) {
		const struct axaddr_region *r = axaddrspace_find_region(as, gpa(g));

		if (!r)
			return AXERR_NOT_MAPPED;
		if (r->flags & AXMAP_DEVICE)
			return AXERR_PERMISSION;
		if (access && !(r->flags & access))
			return AXERR_PERMISSION;
		g = r->base.v + r->size;
	}
	return AX_OK;
}

/* Returns a host pointer to g and how many bytes follow it in the same leaf, populating a
 * lazy page first if needed. */
static int host_span(struct axaddrspace *as, uint64_t g, uint8_t **ptr, uint64_t *avail)
{
	struct pt_mapping m;
	int err = axaddrspace_translate(as, gpa(g), &m);

	if (err == AXERR_NOT_MAPPED) {
		bool fixed;

		err = axaddrspace_handle_page_fault(as, gpa(g), AXADDR_ACCESS_READ, &fixed);
		if (!err && !fixed)
			err = AXERR_NOT_MAPPED;
		if (!err)
			err = axaddrspace_translate(as, gpa(g), &m);
	}
	if (err)
		return err;
	*ptr = hva_ptr(as->pt.mm->phys_to_virt(as->pt.mm->ctx, m.hpa));
	*avail = m.page_size - (g & (m.page_size - 1));
	return AX_OK;
}

static int copy(struct axaddrspace *as, uint64_t g, uint8_t *buf, size_t len, bool to_guest,
		uint32_t access)
{
	int err = check_access(as, g, len, access);

	while (!err && len) {
		uint8_t *host;
		uint64_t avail;

		err = host_span(as, g, &host, &avail);
		if (err)
			break;
		if (avail > len)
			avail = len;
		if (to_guest)
			memcpy(host, buf, avail);
		else
			memcpy(buf, host, avail);
		g += avail;
		buf += avail;
		len -= avail;
	}
	return err;
}

int axaddrspace_read(struct axaddrspace *as, gpa_t g, void *buf, size_t len)
{
	return copy(as, g.v, buf, len, false, AXMAP_READ);
}

int axaddrspace_write(struct axaddrspace *as, gpa_t g, const void *buf, size_t len)
{
	return copy(as, g.v, (uint8_t *)buf, len, true, AXMAP_WRITE);
}

int axaddrspace_load(struct axaddrspace *as, gpa_t g, const void *buf, size_t len)
{
	return copy(as, g.v, (uint8_t *)buf, len, true, 0);
}
