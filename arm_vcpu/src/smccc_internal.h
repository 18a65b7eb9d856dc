/* What the SMCCC dispatcher (smccc.c) and the services it routes to share: the call being
 * handled, and each service's table of functions by function number. */
#ifndef ARM_VCPU_SRC_SMCCC_INTERNAL_H
#define ARM_VCPU_SRC_SMCCC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arm_vcpu/psci.h>

#define SMCCC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A function id's number within its service, bits 15:0: the index of its table entry. */
#define SMCCC_NUMBER(fid) ((fid)&0xffffu)

/* A call as its function sees it: the arguments, narrowed to 32 bits for an SMC32 id. */
struct smccc_call {
	const struct psci_env *env;
	uint64_t arg[3]; /* x1..x3 */
};

/* One function. Returns what goes to x0, sign-extended; may set res->action and res->exit to
 * leave the guest. */
typedef int64_t (*smccc_fn)(const struct smccc_call *call, struct psci_result *res);

struct smccc_function {
	smccc_fn fn;
	bool smc64; /* also callable with the SMC64 id (bit 30 set) */
};

/* A service: the functions of one owning entity, indexed by function number (bits 15:0). */
struct smccc_service {
	const struct smccc_function *fns;
	size_t count;
};

extern const struct smccc_service smccc_arch_service; /* owning entity 0 */
extern const struct smccc_service psci_service;	      /* owning entity 4 (standard) */
extern const struct smccc_service axvm_service;	      /* owning entity 6 (vendor hypervisor) */

/* True if fid is an Arm Architecture call (owning entity 0). */
bool smccc_is_arch_call(uint32_t fid);

/* The implemented function fid, or NULL for any other id. */
const struct smccc_function *smccc_find(uint32_t fid);

/* Makes the call leave the guest with an exit of kind; returns the exit to fill. */
struct axvm_exit *smccc_exit(struct psci_result *res, enum axvm_exit_kind kind);

#endif
