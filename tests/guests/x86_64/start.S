/* x86_64 test guests: entered by the Linux/x86 32-bit boot protocol (protected mode, paging
 * off, flat segments, ESI = the boot argument), they zero their .bss, identity-map the low
 * 4 GiB with 2 MiB pages, switch to long mode with their own GDT and IDT, and call
 * guest_main(argument) on their stack. Application processors start at guest_ap_trampoline
 * (copied below 1 MiB: the SIPI's start page), reach long mode the same way with the boot
 * CPU's page tables and call guest_ap_main(APIC ID) on their own stacks. */
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define AP 0xffffffff /* EBP of an application processor */

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
enter_long_mode:
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

ap_start32:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $AP, %ebp
	jmp enter_long_mode

	.code64
start64:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	cmp $AP, %ebp
	je ap_start64
	lea stack_top(%rip), %rsp
	call guest_idt_load
	mov %ebp, %edi
	call guest_main
	call guest_power_off

/* Its stack by its APIC ID (CPUID.1:EBX[31:24]), then guest_ap_main(id). */
ap_start64:
	mov $1, %eax
	cpuid
	shr $24, %ebx
	lea ap_stacks(%rip), %rsp
	lea 1(%rbx), %rax
	shl $14, %rax
	add %rax, %rsp
	call guest_idt_load /* keeps RBX: callee-saved */
	mov %ebx, %edi
	call guest_ap_main
1:	cli
	hlt
	jmp 1b

	.code16
	.globl guest_ap_trampoline, guest_ap_trampoline_end
guest_ap_trampoline:
	cli
	lgdtl %cs:(ap_gdt_pointer - guest_ap_trampoline)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x18, $ap_start32
ap_gdt_pointer:
	.word gdt_end - gdt - 1
	.long gdt
guest_ap_trampoline_end:

	.section .rodata
	.balign 16
gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00cf9a000000ffff /* 0x18: 32-bit code, for application processors */
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
	/* 16 KiB for each application processor, by APIC ID (1 to 7). */
	.globl ap_stacks
ap_stacks:
	.skip 8 * 16384

	.section .note.GNU-stack, "", @progbits
