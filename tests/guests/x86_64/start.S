/* x86_64 test guests: entered by the Linux/x86 32-bit boot protocol (protected mode, paging
 * off, flat segments, ESI = the boot argument), they zero their .bss, identity-map the low
 * 4 GiB with 2 MiB pages, switch to long mode with their own GDT and IDT, and call
 * guest_main(argument) on their stack. */
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cld
	mov %esi, %ebp
	/* .bss, page tables included. */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl
	/* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories, each 512 2 MiB pages. */
	movl $(pdpt + 3), pml4
	mov $pd, %eax
	or $3, %eax
	mov $pdpt, %edi
	mov $4, %ecx
1:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	loop 1b
	mov $pd, %edi
	mov $0x83, %eax /* present, writable, 2 MiB */
	xor %edx, %edx
	mov $2048, %ecx
2:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $0x200000, %eax
	adc $0, %edx
	add $8, %edi
	loop 2b
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	lgdt gdt_pointer
	ljmp $0x08, $start64

	.code64
start64:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	lea stack_top(%rip), %rsp
	call guest_idt_load
	mov %ebp, %edi
	call guest_main
	call guest_power_off

	.section .rodata
	.balign 16
gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
gdt_end:
gdt_pointer:
	.word gdt_end - gdt - 1
	.quad gdt

	.section .bss
	.balign 4096
pml4:
	.skip 4096
pdpt:
	.skip 4096
pd:
	.skip 4 * 4096
	.balign 16
	.skip 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
