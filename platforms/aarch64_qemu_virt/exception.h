/* Exceptions taken by the hypervisor host at EL2: every one is reported and stops the machine. */
#ifndef AARCH64_QEMU_VIRT_EXCEPTION_H
#define AARCH64_QEMU_VIRT_EXCEPTION_H

#include <stdint.h>

/* What vectors.S saves, in this order (ASM_FRAME_SIZE bytes). */
struct exception_frame {
	uint64_t x[31];
	uint64_t sp; /* the stack pointer before the exception */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

/* Called by el2_vectors with the vector's index (0..15): prints the exception class, syndrome,
 * exception registers and x0..x30, then host_panic. */
void exception_handler(struct exception_frame *f, unsigned vector) __attribute__((noreturn));

/* Installs el2_vectors on the calling CPU, once the console and host_main's panic path work. */
void exception_vectors_install(void);

#endif
