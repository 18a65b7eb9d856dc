/* What the SBI extensions share: the call being handled, the per-extension function tables
 * the dispatcher (sbi.c) looks up, and the hart-mask convention. */
#ifndef RISCV_VCPU_SRC_SBI_INTERNAL_H
#define RISCV_VCPU_SRC_SBI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <riscv_vcpu/sbi.h>

#define SBI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One SBI function. Returns what goes to a0 (an SBI error, or a legacy call's return value);
 * may set res->value, and res->action and res->exit to leave the guest. */
typedef int64_t (*sbi_fn)(const struct sbi_call *call, struct sbi_result *res);

struct sbi_extension {
	uint64_t eid;
	bool legacy;	   /* SBI v0.1: one function whatever a6 says, a1 left alone */
	const sbi_fn *fns; /* indexed by function id */
	size_t count;
};

extern const struct sbi_extension sbi_ext_legacy_putchar;
extern const struct sbi_extension sbi_ext_legacy_getchar;
extern const struct sbi_extension sbi_ext_base;
extern const struct sbi_extension sbi_ext_time;
extern const struct sbi_extension sbi_ext_ipi;
extern const struct sbi_extension sbi_ext_rfence;
extern const struct sbi_extension sbi_ext_hsm;
extern const struct sbi_extension sbi_ext_srst;
extern const struct sbi_extension sbi_ext_dbcn;
extern const struct sbi_extension sbi_ext_axvm;

/* The implemented extension with id eid, or NULL. */
const struct sbi_extension *sbi_find_extension(uint64_t eid);

/* Turns an SBI hart list (hart_mask from hart_mask_base; base -1: every hart) into a mask of
 * this VM's harts in *out. Returns SBI_SUCCESS, or SBI_ERR_INVALID_PARAM when the base or any
 * hart of the mask is not in the VM. */
int64_t sbi_hart_mask(const struct sbi_call *call, uint64_t hart_mask, uint64_t hart_mask_base,
		      uint64_t *out);

/* Makes the call leave the guest with an exit of kind; returns the exit to fill. */
struct axvm_exit *sbi_exit(struct sbi_result *res, enum axvm_exit_kind kind);

#endif
