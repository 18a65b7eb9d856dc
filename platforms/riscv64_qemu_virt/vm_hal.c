/* What only this board gives the shared VM host (board/vm_board.h): harts kicked by SBI IPIs,
 * the SBI timer, wfi, the NS16550 console, guest devicetrees describing its harts. */
#include "vm_hal.h"

#include <axvm/arch_vcpu.h>
#include <board/vm_board.h>

#include <riscv_vcpu/guest_isa.h>
#include <riscv_vcpu/hart.h>

#include "guest_dtb.h"
#include "sbi.h"
#include "uart_ns16550.h"

#define SIE_SSIE (1ull << 1)
#define SIP_SSIP (1ull << 1)
#define IRQ_S_SOFT 1

static uint64_t hart_ids[HOST_MAX_CPUS];
static size_t cpu_count;
static uint64_t timebase;
static const char *host_isa;

/* Each hart keeps its CPU index in tp, set by start.S. */
static uint32_t current_cpu(void)
{
	uint64_t tp;

	__asm__ volatile("mv %0, tp" : "=r"(tp));
	return (uint32_t)tp;
}

static void kick_cpu(uint32_t cpu)
{
	if (cpu < cpu_count)
		sbi_send_ipi(1, hart_ids[cpu]);
}

static uint64_t counter_now(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* A kick is a supervisor software interrupt (sip.SSIP); the timer's (STIP) clears when the
 * timer is armed again. */
static void wait_for_interrupt(void)
{
	__asm__ volatile("wfi");
	__asm__ volatile("csrc sip, %0" ::"r"(SIP_SSIP));
}

static void ack_interrupt(uint64_t vector)
{
	if (vector == IRQ_S_SOFT)
		__asm__ volatile("csrc sip, %0" ::"r"(SIP_SSIP));
}

/* Guest harts are described as the host's boot hart, less what guests may not use. */
static int make_guest_dtb(const struct axvm_config *cfg, size_t initrd_size, void *buf, size_t size)
{
	char isa[256];
	const struct guest_dtb_params p = {
	    .timebase_hz = (uint32_t)timebase, .isa = isa, .initrd_size = initrd_size};
	int err = riscv_guest_isa(host_isa, riscv_vcpu_guest_sstc(), isa, sizeof(isa));

	return err ? err : riscv_guest_dtb(cfg, &p, buf, size);
}

/* Turns the H extension on for this hart and lets IPIs (kicks) pull it out of guests. */
static void enable_hart(const struct arch_cpu_host *host)
{
	uint32_t cpu = current_cpu();

	arch_hardware_enable(cpu, hart_ids[cpu], host);
	__asm__ volatile("csrs sie, %0" ::"r"(SIE_SSIE));
}

static const struct vm_host_cpu_ops cpu_ops = {
    .wait_for_interrupt = wait_for_interrupt,
    .ack_interrupt = ack_interrupt,
    .counter_now = counter_now,
    .timer_arm = sbi_set_timer,
    .kick = kick_cpu,
    .guest_dtb = make_guest_dtb,
    .console_getc = ns16550_getc,
};

static struct vm_board board = {
    .cpu_ops = &cpu_ops,
    .current_cpu = current_cpu,
    .enable_cpu = enable_hart,
};

void vm_hal_setup(const struct host_boot_info *info, uint64_t timebase_hz, const char *isa,
		  uint64_t bundle, uint64_t size, const struct mem_ranges *devices)
{
	host_isa = isa ? isa : "rv64imac";
	cpu_count = info->cpu_count;
	for (size_t i = 0; i < cpu_count; i++)
		hart_ids[i] = info->cpu_ids[i];
	timebase = timebase_hz ? timebase_hz : 10000000;
	board.counter_hz = timebase;
	vm_board_setup(&board, bundle, size, devices);
}
