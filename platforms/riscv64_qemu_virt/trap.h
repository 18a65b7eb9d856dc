/* HS-mode trap handling of the riscv64 host. */
#ifndef RISCV64_QEMU_VIRT_TRAP_H
#define RISCV64_QEMU_VIRT_TRAP_H

#include <stdint.h>

/* The registers trap_entry saves: x0..x31 (x0 slot unused), then the trap CSRs. */
struct trap_frame {
	uint64_t x[32];
	uint64_t sepc;
	uint64_t scause;
	uint64_t stval;
	uint64_t sstatus;
};

/* Called by trap_entry: reports the unexpected trap and panics. */
void trap_handler(struct trap_frame *f) __attribute__((noreturn));

#endif
