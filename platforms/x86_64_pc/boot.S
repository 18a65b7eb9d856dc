/*
 * Entry of the x86_64 PC hypervisor host from a multiboot 1 loader (GRUB), in 32-bit
 * protected mode with paging off: eax = multiboot magic, ebx = physical address of the
 * multiboot information. Builds an identity map of the low 4 GiB, enters long mode and calls
 * board_main(magic, info) on the stack of CPU 0.
 */
#include "boot_layout.h"

#define MULTIBOOT_MAGIC 0x1badb002
#define MULTIBOOT_FLAGS 0x3 /* page-aligned modules, memory information */

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PWT 0x8
#define PTE_PCD 0x10
#define PTE_PS 0x80

#define CR0_PE 0x1
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR0_PG (1 << 31)
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100

	.section .text.multiboot, "ax"
	.balign 4
multiboot_header:
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

	.code32
	.globl _start
_start:
	cli
	cld
	mov	%eax, %ebp
	/* Zero .bss first: the page tables and the boot stack live there. ebx is preserved. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb
	mov	$(host_cpu_stacks + BOOT_STACK_SIZE), %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
	mov	$(boot_pdpt + PTE_P + PTE_W), %eax
	mov	%eax, boot_pml4
	mov	$(boot_pd + PTE_P + PTE_W), %eax
	xor	%ecx, %ecx
1:	mov	%eax, boot_pdpt(, %ecx, 8)
	add	$4096, %eax
	inc	%ecx
	cmp	$4, %ecx
	jb	1b
	/* 2048 pages of 2 MiB: identity map of [0, 4 GiB), uncached at the top. */
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	shl	$21, %eax
	or	$(PTE_P + PTE_W + PTE_PS), %eax
	cmp	$(BOOT_MAP_UNCACHED_FROM >> 21), %ecx
	jb	3f
	or	$(PTE_PWT + PTE_PCD), %eax
3:	mov	%eax, boot_pd(, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	2b

	lgdt	host_gdt_ptr
	ljmp	$GDT_CODE32, $4f
4:	mov	$GDT_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	call	long_mode_enable
	ljmp	$GDT_CODE64, $long_mode_entry

/* Turns on 4-level paging with the boot page tables (caches on, PAE, EFER.LME, CR0.PG). The
 * caller is left in compatibility mode and far-jumps to 64-bit code. Clobbers eax, ecx, edx. */
	.globl long_mode_enable
long_mode_enable:
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	and	$~(CR0_CD | CR0_NW), %eax
	or	$(CR0_PG | CR0_PE), %eax
	mov	%eax, %cr0
	ret

	.code64
long_mode_entry:
	mov	$GDT_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$(host_cpu_stacks + BOOT_STACK_SIZE), %rsp
	mov	%ebp, %edi
	mov	%ebx, %esi
	call	board_main
5:	cli
	hlt
	jmp	5b

	.data
	.balign 16
	.globl host_gdt
host_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* GDT_CODE64 */
	.quad 0x00cf92000000ffff	/* GDT_DATA */
	.quad 0x00cf9a000000ffff	/* GDT_CODE32 */
	.fill 2 * GDT_TSS_SLOTS, 8, 0	/* GDT_TSS(0..GDT_TSS_SLOTS-1) */
host_gdt_end:

	/* The lgdt operand: limit, then a base that 32-bit code reads as its low half. */
	.balign 8
	.globl host_gdt_ptr
host_gdt_ptr:
	.word host_gdt_end - host_gdt - 1
	.quad host_gdt

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
