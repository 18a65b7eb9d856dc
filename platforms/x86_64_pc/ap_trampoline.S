/*
 * Start code of an application processor. It is assembled here and copied to
 * AP_TRAMPOLINE_BASE, where the SIPI starts the CPU in real mode at CS:IP = base>>4:0. It
 * loads the host GDT, goes through 32-bit protected mode to long mode with the boot page
 * tables, takes its stack and calls ap_main(index); GDTR, stack and index come from the
 * params block that smp_cpu_start fills in the copy.
 */
#include "ap_trampoline.h"
#include "boot_layout.h"

/* The run-time address of a trampoline label. */
#define T(label) (AP_TRAMPOLINE_BASE + (label) - ap_trampoline_start)

	.section .rodata.ap_trampoline, "a"
	.code16
	.globl ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	T(ap_trampoline_params)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$GDT_CODE32, $T(protected_mode)

	.code32
protected_mode:
	mov	$GDT_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	T(ap_trampoline_params) + 8, %esp
	mov	$long_mode_enable, %eax
	call	*%eax
	ljmp	$GDT_CODE64, $T(long_mode)

	.code64
long_mode:
	mov	$GDT_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	mov	T(ap_trampoline_params) + 8, %rsp
	mov	T(ap_trampoline_params) + 16, %rdi
	mov	$ap_main, %eax
	call	*%rax
1:	cli
	hlt
	jmp	1b

	/* struct ap_trampoline_params */
	.balign 8
	.globl ap_trampoline_params
ap_trampoline_params:
	.word 0	/* gdt_limit */
	.long 0	/* gdt_base */
	.word 0
	.quad 0	/* stack_top */
	.quad 0	/* index */
	.globl ap_trampoline_end
ap_trampoline_end:
