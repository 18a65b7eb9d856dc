/* What only this board gives the shared VM host (board/vm_board.h): CPUs kicked by fixed IPIs
 * through their local APICs, the local APIC timer against the TSC, sti; hlt, the COM1 console.
 * The CPU index is the one its task register names (cpu_tables.h). VMs reach no host device:
 * without an IOMMU nothing would keep a device's DMA inside its VM. */
#include "vm_hal.h"

#include <axvm/arch_vcpu.h>
#include <axvm/vm.h>
#include <board/console.h>
#include <board/vm_board.h>
#include <x86_vcpu/exit_info.h>

#include "cpu_tables.h"
#include "guest_boot.h"
#include "irq_host.h"
#include "uart_com1.h"
#include "x86.h"

static uint32_t apic_ids[HOST_MAX_CPUS];
static size_t cpu_count;

static uint32_t current_cpu(void)
{
	return (uint32_t)cpu_current_index();
}

static void kick_cpu(uint32_t cpu)
{
	if (cpu < cpu_count)
		irq_host_kick(apic_ids[cpu]);
}

static void wait_for_interrupt(void)
{
	(void)irq_host_wait_events();
}

/* The exit acknowledged the interrupt at the local APIC (VM-exit controls): it is recorded
 * and ended as its IDT handler would. An exit that acknowledged none (the VMX-preemption
 * timer's) lets in whatever is pending. */
static void ack_interrupt(uint64_t vector)
{
	if (vector == X86_EXIT_VECTOR_UNACKNOWLEDGED)
		(void)irq_host_ack_pending();
	else
		irq_host_interrupt(vector);
}

/* VMX on for this CPU (the backend's VMXON), which already takes kicks and its timer. */
static void enable_cpu(const struct arch_cpu_host *host)
{
	uint32_t cpu = current_cpu();
	int err = arch_hardware_enable(cpu, apic_ids[cpu], host);

	if (err)
		kprintf("cpu %u: virtualization not enabled (%d)\n", cpu, err);
}

/* A Linux VM's boot_params, command line and MP table, for CPUs like the host's. */
static int make_boot_params(const struct axvm_config *cfg, struct axvm_images *images, void *buf,
			    size_t size, size_t *used, struct ax_diag *diag)
{
	struct cpuid_regs id = cpuid(1, 0);
	const struct guest_boot_cpu cpu = {.signature = id.eax, .features = id.edx};
	struct guest_boot_kernel kernel = {images->data[AXVM_IMAGE_KERNEL],
					   images->size[AXVM_IMAGE_KERNEL]};
	size_t initrd_size = images->data[AXVM_IMAGE_INITRD] ? images->size[AXVM_IMAGE_INITRD] : 0;
	int err = guest_boot_params(cfg, &cpu, &kernel, initrd_size, buf, size, used, diag);

	if (!err) {
		images->data[AXVM_IMAGE_KERNEL] = kernel.data;
		images->size[AXVM_IMAGE_KERNEL] = kernel.size;
	}
	return err;
}

static const struct vm_host_cpu_ops cpu_ops = {
    .wait_for_interrupt = wait_for_interrupt,
    .ack_interrupt = ack_interrupt,
    .counter_now = timer_host_now,
    .timer_arm = timer_host_arm,
    .kick = kick_cpu,
    .guest_boot_params = make_boot_params,
    .console_getc = com1_getc,
};

static struct vm_board board = {
    .cpu_ops = &cpu_ops,
    .current_cpu = current_cpu,
    .enable_cpu = enable_cpu,
};

void vm_hal_setup(const struct host_boot_info *info, uint64_t bundle, uint64_t bundle_size)
{
	static const struct mem_ranges no_devices;

	cpu_count = info->cpu_count;
	for (size_t i = 0; i < cpu_count; i++)
		apic_ids[i] = (uint32_t)info->cpu_ids[i];
	board.counter_hz = timer_host_freq();
	vm_board_setup(&board, bundle, bundle_size, &no_devices);
}
