/*
 * Entry points of the riscv64 hypervisor host, in HS-mode.
 *   _start:           from OpenSBI on the boot hart, a0 = hart id, a1 = devicetree.
 *   _secondary_start: from SBI HSM hart_start, a0 = hart id, a1 = logical CPU index.
 *
 * OpenSBI 1.1 can send a hart the boot CPU starts with hart_start to _start instead (it may see
 * the hart's start request before the start address: QEMU's hart threads on one busy host
 * core show it). So _start is a lottery: the first hart to arrive boots; any later one waits
 * until the boot CPU names its hart id (boot_starting_hart, set before each hart_start) and
 * goes on as that CPU's _secondary_start.
 */
#define STACK_SIZE 16384

	.section .text.boot, "ax"
	.globl _start
_start:
	csrw	sie, zero
	la	t0, boot_lottery
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, late_secondary
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

late_secondary:
	fence	r, r
	la	t0, boot_starting_hart
	ld	t1, 0(t0)
	bne	t1, a0, late_secondary
	la	t0, boot_starting_index
	ld	a1, 0(t0)
	j	_secondary_start

	.data
	.balign 4
boot_lottery:
	.word	0

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
