/* Distinct types for guest-physical, host-physical and host-virtual addresses: mixing them up
 * is a compile error, and every conversion is spelled out. */
#ifndef AXADDRSPACE_ADDR_H
#define AXADDRSPACE_ADDR_H

#include <stdint.h>

/* A guest-physical address (what the guest's stage-2 tables translate). */
typedef struct {
	uint64_t v;
} gpa_t;

/* A host-physical address. */
typedef struct {
	uint64_t v;
} hpa_t;

/* A host-virtual address (what the hypervisor dereferences). */
typedef struct {
	uintptr_t v;
} hva_t;

/* Wraps a raw guest-physical address. */
static inline gpa_t gpa(uint64_t v)
{
	return (gpa_t){v};
}

/* Wraps a raw host-physical address. */
static inline hpa_t hpa(uint64_t v)
{
	return (hpa_t){v};
}

/* Wraps a host pointer. */
static inline hva_t hva(void *p)
{
	return (hva_t){(uintptr_t)p};
}

/* The pointer behind a host-virtual address. */
static inline void *hva_ptr(hva_t a)
{
	return (void *)a.v;
}

/* a + off, for guest-physical addresses. */
static inline gpa_t gpa_add(gpa_t a, uint64_t off)
{
	return (gpa_t){a.v + off};
}

/* a + off, for host-physical addresses. */
static inline hpa_t hpa_add(hpa_t a, uint64_t off)
{
	return (hpa_t){a.v + off};
}

#endif
