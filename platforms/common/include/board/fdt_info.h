/* What a hypervisor host learns from the firmware's flattened devicetree (libfdt). */
#ifndef BOARD_FDT_INFO_H
#define BOARD_FDT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <board/mem_ranges.h>

#define FDT_INFO_MAX_CPUS 16

struct fdt_info {
	struct mem_ranges memory;   /* every /memory node's reg */
	struct mem_ranges reserved; /* /memreserve/ entries and /reserved-memory children */
	size_t cpu_count;	    /* enabled /cpus/cpu nodes */
	uint64_t cpu_ids[FDT_INFO_MAX_CPUS]; /* their reg: each CPU's hardware id */
	int cpu_nodes[FDT_INFO_MAX_CPUS];    /* their offsets, for the board's own properties */
	uint64_t stdout_base;		     /* reg of the /chosen stdout-path node, 0 when none */
	const char *bootargs;		     /* /chosen bootargs, "" when none */
	uint64_t initrd_start;		     /* /chosen linux,initrd-start, 0 when none */
	uint64_t initrd_end;		     /* /chosen linux,initrd-end */
	uint64_t fdt_size;		     /* totalsize of the blob */
};

/* Error codes of fdt_info_parse, each with a message from fdt_info_strerror. */
enum fdt_info_err {
	FDT_INFO_OK = 0,
	FDT_INFO_BAD_HEADER = -1,
	FDT_INFO_NO_MEMORY = -2,
	FDT_INFO_BAD_REG = -3,
	FDT_INFO_TOO_MANY = -4,
	FDT_INFO_NO_CPUS = -5,
};

/* Parses memory, reservations, CPUs and /chosen from the blob at fdt. */
enum fdt_info_err fdt_info_parse(const void *fdt, struct fdt_info *info);

/* A short message for an error code. */
const char *fdt_info_strerror(enum fdt_info_err err);

/* Finds the first node compatible with compat and returns its first reg base in *base. */
bool fdt_find_compatible_reg(const void *fdt, const char *compat, uint64_t *base);

/* Adds to set the reg ranges of every enabled node compatible with one of compats
 * (NULL-terminated). Returns FDT_INFO_OK, FDT_INFO_BAD_REG or FDT_INFO_TOO_MANY. */
enum fdt_info_err fdt_compatible_ranges(const void *fdt, const char *const *compats,
					struct mem_ranges *set);

#endif
