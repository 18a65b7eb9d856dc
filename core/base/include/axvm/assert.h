/* Invariant checks. A failed AX_ASSERT is a bug in the hypervisor, never a guest's doing:
 * guest-controlled input is validated and answered with an error code instead. */
#ifndef AXVM_ASSERT_H
#define AXVM_ASSERT_H

/* Called by a failed AX_ASSERT. Supplied by whoever links the library: the host OS (panic) or
 * a test (abort). Never returns. */
void ax_assert_fail(const char *file, int line, const char *expr) __attribute__((noreturn));

/* Checks an invariant, reporting file and line when it does not hold. */
#define AX_ASSERT(cond)                                            \
	do {                                                       \
		if (!(cond))                                       \
			ax_assert_fail(__FILE__, __LINE__, #cond); \
	} while (0)

#endif
