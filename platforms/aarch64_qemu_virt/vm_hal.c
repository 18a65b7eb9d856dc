/* What only this board gives the shared VM host (board/vm_board.h): CPUs kicked by SGIs through
 * the GICv3, the EL2 physical timer, wfi, the PL011 console, guest devicetrees. The CPU index
 * lives in TPIDR_EL2, which the backend saves and restores around each guest. */
#include "vm_hal.h"

#include <arm_vgic/vgic_device.h>
#include <axvm/arch_vcpu.h>
#include <board/console.h>
#include <board/vm_board.h>

#include "guest_dtb.h"
#include "irq_host.h"
#include "sysreg.h"
#include "timer_host.h"
#include "uart_pl011.h"

static uint64_t mpidrs[HOST_MAX_CPUS];
static size_t cpu_count;

static uint32_t current_cpu(void)
{
	uint64_t cpu;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(cpu));
	return (uint32_t)cpu;
}

static void kick_cpu(uint32_t cpu)
{
	if (cpu < cpu_count)
		irq_host_kick(mpidrs[cpu]);
}

/* Turns EL2's controls on for this CPU and its GIC redistributor, so that kicks and the timer
 * interrupt it. */
static void enable_cpu(const struct arch_cpu_host *host)
{
	uint32_t cpu = current_cpu();
	int err = arch_hardware_enable(cpu, mpidrs[cpu], host);

	if (!err)
		err = irq_host_init_cpu(mpidrs[cpu]);
	if (err)
		kprintf("cpu %u: virtualization not enabled (%d)\n", cpu, err);
}

/* Guest devicetrees describe the CPUs' counter at the host's rate. */
static int make_guest_dtb(const struct axvm_config *cfg, size_t initrd_size, void *buf, size_t size)
{
	const struct guest_dtb_params p = {.timer_hz = (uint32_t)timer_host_freq(),
					   .initrd_size = initrd_size};

	return arm_guest_dtb(cfg, &p, buf, size);
}

static const struct vm_host_cpu_ops cpu_ops = {
    .wait_for_interrupt = irq_host_wait,
    .ack_interrupt = irq_host_ack,
    .counter_now = timer_host_now,
    .timer_arm = timer_host_arm,
    .kick = kick_cpu,
    .guest_dtb = make_guest_dtb,
    .console_getc = pl011_getc,
};

/* The emulated GICv3 VMs may have, beside axdevice's own models. */
static const struct axdevice_model *const vm_models[] = {&arm_vgic_model};
static const struct axdevice_model_list vm_model_list = {vm_models, 1};

static struct vm_board board = {
    .cpu_ops = &cpu_ops,
    .current_cpu = current_cpu,
    .enable_cpu = enable_cpu,
    .device_models = &vm_model_list,
};

void vm_hal_setup(const struct host_boot_info *info, uint64_t bundle, uint64_t size,
		  const struct mem_ranges *devices)
{
	cpu_count = info->cpu_count;
	for (size_t i = 0; i < cpu_count; i++)
		mpidrs[i] = info->cpu_ids[i];
	board.counter_hz = timer_host_freq();
	vm_board_setup(&board, bundle, size, devices);
}
