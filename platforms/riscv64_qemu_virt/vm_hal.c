/* What core needs from this host (struct axvm_hal), and the hooks that run VMs on every hart. */
#include "vm_hal.h"

#include <axvm/arch_vcpu.h>
#include <axvm/error.h>
#include <axvm/hal.h>
#include <axvm/spinlock.h>
#include <axvm/vm.h>
#include <board/console.h>
#include <board/console_mux.h>
#include <board/vm_host.h>
#include <stdatomic.h>

#include <riscv_vcpu/guest_isa.h>
#include <riscv_vcpu/hart.h>

#include "guest_dtb.h"
#include "sbi.h"
#include "uart_ns16550.h"

#define SIE_SSIE (1ull << 1)
#define SIP_SSIP (1ull << 1)
#define IRQ_S_SOFT 1
#define HOST_HEAP_RESERVE_PAGES 1024 /* 4 MiB */

/* Each heap object is whole pages with this header in front. */
struct heap_header {
	uint64_t pages;
	uint64_t pad;
};

static uint64_t hart_ids[HOST_MAX_CPUS];
static size_t cpu_count;
static uint64_t timebase;
static const char *host_isa;
static uint64_t bundle_base;
static uint64_t bundle_size;
static atomic_bool vms_ready;
static atomic_size_t harts_enabled; /* secondaries, once they enabled virtualization */

static int mm_alloc(void *ctx, size_t count, size_t align, hpa_t *out)
{
	uint64_t pa = host_alloc_pages(count, align);

	(void)ctx;
	*out = hpa(pa);
	return pa ? AX_OK : AXERR_NO_MEMORY;
}

static void mm_free(void *ctx, hpa_t pa, size_t count)
{
	(void)ctx;
	host_free_pages(pa.v, count);
}

static hva_t mm_virt(void *ctx, hpa_t pa)
{
	(void)ctx;
	return (hva_t){(uintptr_t)pa.v};
}

static void *heap_alloc(void *ctx, size_t size)
{
	uint64_t pages = (size + sizeof(struct heap_header) + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = host_alloc_pages(pages, 1);
	struct heap_header *h = (struct heap_header *)(uintptr_t)pa;

	(void)ctx;
	if (!pa)
		return NULL;
	h->pages = pages;
	return h + 1;
}

static void heap_free(void *ctx, void *ptr)
{
	struct heap_header *h = (struct heap_header *)ptr - 1;

	(void)ctx;
	host_free_pages((uint64_t)(uintptr_t)h, h->pages);
}

static uint64_t time_ns(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t * (1000000000ull / timebase);
}

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

/* Host console input goes to the first VM of the bundle, which shows its prompt when it waits
 * for input (the other VMs' lines go out whole). */
static size_t console_rx(uint32_t vm_id, uint8_t *buf, size_t max)
{
	size_t n = 0;
	int c;

	if (vm_id != vm_host_console_vm())
		return 0;
	console_mux_input_poll(vm_id);
	while (n < max && (c = ns16550_getc()) >= 0)
		buf[n++] = (uint8_t)c;
	return n;
}

static void log_line(const char *line)
{
	kprintf("axvm: %s\n", line);
}

/* Device windows VMs may be given, from the host devicetree (vm_hal_setup); no RAM: the page
 * allocator owns all of it. */
static struct axvm_host_range vm_devices[MEM_RANGES_MAX];

static struct axvm_hal hal = {
    .mm = {.alloc_pages = mm_alloc, .free_pages = mm_free, .phys_to_virt = mm_virt},
    .heap = {.alloc = heap_alloc, .free = heap_free},
    .time_ns = time_ns,
    .current_cpu = current_cpu,
    .vcpu_notify = vm_host_vcpu_notify,
    .console_tx = console_mux_putc,
    .console_rx = console_rx,
    .log = log_line,
    .vm_devices = vm_devices,
};

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

static const struct vm_host_cpu_ops cpu_ops = {
    .wait_for_interrupt = wait_for_interrupt,
    .ack_interrupt = ack_interrupt,
    .counter_now = counter_now,
    .timer_arm = sbi_set_timer,
    .kick = kick_cpu,
    .guest_dtb = make_guest_dtb,
};

void vm_hal_setup(const struct host_boot_info *info, uint64_t timebase_hz, const char *isa,
		  uint64_t bundle, uint64_t size, const struct mem_ranges *devices)
{
	for (size_t i = 0; i < devices->count; i++)
		vm_devices[i] = (struct axvm_host_range){devices->r[i].base,
							 devices->r[i].end - devices->r[i].base};
	hal.vm_device_count = devices->count;
	host_isa = isa ? isa : "rv64imac";
	cpu_count = info->cpu_count;
	for (size_t i = 0; i < cpu_count; i++)
		hart_ids[i] = info->cpu_ids[i];
	timebase = timebase_hz ? timebase_hz : 10000000;
	bundle_base = bundle;
	bundle_size = size;
}

/* Enables the H extension on this hart and lets IPIs (kicks) pull it out of guests. */
static void enable_hart(void)
{
	arch_hardware_enable();
	__asm__ volatile("csrs sie, %0" ::"r"(SIE_SSIE));
}

enum host_exit vm_hal_run(const struct host_boot_info *info)
{
	struct axvm_config_limits limits = {
	    .max_vcpus = AXVM_MAX_VCPUS,
	    .host_cpus = (uint32_t)info->cpu_count,
	    .gpa_bits = arch_stage2_format()->gpa_bits,
	    .known_devices = NULL, /* every model axdevice has */
	};
	size_t failed, not_started;
	uint64_t free_before, kept;

	if (!bundle_size) {
		kprintf("no VM bundle (QEMU -initrd): nothing to run\n");
		return HOST_EXIT_SUCCESS;
	}
	/* VMs may hold every free page but what the host keeps for their small objects (configs,
	 * devicetrees, vCPUs, devices). */
	hal.guest_page_budget = host_free_page_count() > HOST_HEAP_RESERVE_PAGES
				    ? host_free_page_count() - HOST_HEAP_RESERVE_PAGES
				    : 1;
	if (axvm_init(&hal) != AX_OK)
		return HOST_EXIT_FAILURE;
	enable_hart();
	/* What VMs may use (VMID width, Sstc) is known once every hart has been enabled. */
	while (atomic_load(&harts_enabled) < info->cpu_count - 1)
		__asm__ volatile("nop");
	free_before = host_free_page_count();
	if (!vm_host_start((const void *)(uintptr_t)bundle_base, bundle_size, &limits, &cpu_ops,
			   timebase))
		kprintf("no VM could be started\n");
	atomic_store(&vms_ready, true);
	vm_host_run_cpu(0);
	failed = vm_host_stopped_by_error();
	not_started = vm_host_not_started();
	kprintf("all VMs stopped (%zu by an error)\n", failed);
	if (not_started)
		kprintf("%zu VM(s) could not be started\n", not_started);
	/* Every VM is destroyed by now: all it held must be free again. */
	kept = free_before - host_free_page_count();
	if (kept)
		kprintf("host memory: %llu pages the VMs held were not returned\n",
			(unsigned long long)kept);
	else
		kprintf("host memory: every page the VMs held is free again (%llu pages free)\n",
			(unsigned long long)host_free_page_count());
	return failed || not_started || kept ? HOST_EXIT_FAILURE : HOST_EXIT_SUCCESS;
}

void vm_hal_secondary_run(size_t index)
{
	if (!bundle_size)
		return;
	enable_hart();
	atomic_fetch_add(&harts_enabled, 1);
	while (!atomic_load(&vms_ready))
		__asm__ volatile("nop");
	vm_host_run_cpu((uint32_t)index);
}
