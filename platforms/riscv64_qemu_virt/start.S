/*
 * Entry points of the riscv64 hypervisor host, in HS-mode.
 *   _start:           from OpenSBI on the boot hart, a0 = hart id, a1 = devicetree.
 *   _secondary_start: from SBI HSM hart_start, a0 = hart id, a1 = logical CPU index.
 */
#define STACK_SIZE 16384

	.section .text.boot, "ax"
	.globl _start
_start:
	csrw	sie, zero
	li	tp, 0			/* tp holds this hart's CPU index */
	la	t0, trap_entry
	csrw	stvec, t0
	/* Boot CPU: stack 0. */
	la	sp, host_cpu_stacks
	li	t0, STACK_SIZE
	add	sp, sp, t0
	/* Zero .bss (the stack is in it but unused yet). */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	board_main
3:	wfi
	j	3b

	.text
	.globl _secondary_start
_secondary_start:
	csrw	sie, zero
	mv	tp, a1			/* tp holds this hart's CPU index */
	la	t0, trap_entry
	csrw	stvec, t0
	/* Stack of logical CPU a1: host_cpu_stacks + (a1 + 1) * STACK_SIZE. */
	la	sp, host_cpu_stacks
	addi	t0, a1, 1
	li	t1, STACK_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
	mv	a0, a1
	call	host_secondary_main
4:	wfi
	j	4b
