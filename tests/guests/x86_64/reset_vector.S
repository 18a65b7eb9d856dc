/* A guest that starts as firmware does: at the reset vector, as the CPU leaves reset (real mode,
 * CS 0xf000 with base 0xffff0000, IP 0xfff0, CR0 0x60000010: caches off, EDX the CPU's
 * signature; SDM Vol. 3A 9.1). Its image is the 64 KiB below 4 GiB. It checks that state and
 * says so on COM1, enters protected mode with its own GDT, says so again and powers off by
 * hypercall. */
#define COM1 0x3f8
#define X86_HC_SYSTEM_OFF 3
#define BASE 0xffff0000 /* CS's base at reset: 16-bit code addresses data from it */
#define RESET_CR0 0x60000010
#define CR0_PE 1
#define CR0_CD_NW 0x60000000
#define STACK 0x7000

	.section .text, "ax"
real_mode_ok:
	.asciz "reset vector: real mode, cs 0xf000, cr0 0x60000010\n"
signature_ok:
	.asciz "reset vector: edx holds the cpu signature\n"
signature_bad:
	.asciz "reset vector: edx is not the cpu signature\n"
state_bad:
	.asciz "reset vector: not the reset state\n"
protected_mode_ok:
	.asciz "reset vector: protected mode\n"

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf93000000ffff /* 0x10: data */
gdt_end:
gdt_pointer:
	.word gdt_end - gdt - 1
	.long gdt

	/* The code, within a near jump of the reset vector. */
	.org 0xf000
	.code16
start16:
	cli
	mov $STACK, %sp
	mov %edx, %edi /* the signature, before CPUID overwrites EDX */
	mov %cr0, %eax
	cmp $RESET_CR0, %eax
	jne bad_state
	mov %cs, %ax
	cmp $0xf000, %ax
	jne bad_state
	mov $(real_mode_ok - BASE), %si
	call puts16
	mov $1, %eax
	xor %ecx, %ecx
	cpuid
	mov $(signature_ok - BASE), %si
	cmp %eax, %edi
	je 1f
	mov $(signature_bad - BASE), %si
1:	call puts16
	lgdtl %cs:(gdt_pointer - BASE)
	mov %cr0, %eax
	and $~CR0_CD_NW, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl $0x08, $start32

bad_state:
	mov $(state_bad - BASE), %si
	call puts16
	jmp power_off16

/* Writes the string at CS:SI to COM1. */
puts16:
	mov $COM1, %dx
1:	mov %cs:(%si), %al
	test %al, %al
	jz 2f
	out %al, %dx
	inc %si
	jmp 1b
2:	ret

power_off16:
	mov $X86_HC_SYSTEM_OFF, %eax
	vmcall
	hlt

	.code32
start32:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $STACK, %esp
	mov $protected_mode_ok, %esi
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	mov $X86_HC_SYSTEM_OFF, %eax
	vmcall
3:	hlt
	jmp 3b

	/* The reset vector: 16 bytes below 4 GiB. */
	.org 0xfff0
	.code16
	.globl reset_vector
reset_vector:
	jmp start16
	.org 0x10000
