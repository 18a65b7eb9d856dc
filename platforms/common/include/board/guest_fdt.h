/* Pieces every board's guest devicetree generator writes the same way (libfdt's sequential
 * writer, #address-cells = #size-cells = 2 at the root). */
#ifndef BOARD_GUEST_FDT_H
#define BOARD_GUEST_FDT_H

#include <axvm/config.h>
#include <stdint.h>

/* A reg property of one 64-bit address and size. Returns 0 or a libfdt error. */
int guest_fdt_reg(void *fdt, uint64_t base, uint64_t size);

/* A memory@<gpa> node per RAM region of cfg (regions marked device are not RAM). Returns 0 or a
 * libfdt error. */
int guest_fdt_memory(void *fdt, const struct axvm_config *cfg);

#endif
