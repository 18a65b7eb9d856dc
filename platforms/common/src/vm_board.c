#include <board/vm_board.h>

#include <axvm/arch_vcpu.h>
#include <axvm/error.h>
#include <axvm/vm.h>
#include <board/console.h>
#include <board/console_mux.h>
#include <board/page_alloc.h>
#include <stdatomic.h>

#define HOST_HEAP_RESERVE_PAGES 1024 /* 4 MiB */

/* Each heap object is whole pages with this header in front. */
struct heap_header {
	uint64_t pages;
	uint64_t pad;
};

static const struct vm_board *board;
static uint64_t bundle_base;
static uint64_t bundle_size;
static atomic_bool vms_ready;
static atomic_size_t cpus_enabled; /* secondaries, once they turned virtualization on */

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

static uint32_t current_cpu(void)
{
	return board->current_cpu();
}

static void log_line(const char *line)
{
	kprintf("axvm: %s\n", line);
}

/* Device windows VMs may be given, from the host devicetree; no RAM: the page allocator owns
 * all of it. */
static struct axvm_host_range vm_devices[MEM_RANGES_MAX];

static struct axvm_hal hal = {
    .mm = {.alloc_pages = mm_alloc, .free_pages = mm_free, .phys_to_virt = mm_virt},
    .heap = {.alloc = heap_alloc, .free = heap_free},
    .current_cpu = current_cpu,
    .vcpu_notify = vm_host_vcpu_notify,
    .console_tx = console_mux_putc,
    .console_idle = console_mux_flush,
    .log = log_line,
    .vm_devices = vm_devices,
};

/* What arch_hardware_enable gets: the HAL's pages and the board's kicks. */
static struct arch_cpu_host cpu_host = {.mm = &hal.mm};

void vm_board_setup(const struct vm_board *b, uint64_t bundle, uint64_t size,
		    const struct mem_ranges *devices)
{
	board = b;
	cpu_host.kick_cpu = b->cpu_ops->kick;
	cpu_host.counter_hz = b->counter_hz;
	for (size_t i = 0; i < devices->count; i++)
		vm_devices[i] = (struct axvm_host_range){devices->r[i].base,
							 devices->r[i].end - devices->r[i].base};
	hal.vm_device_count = devices->count;
	bundle_base = bundle;
	bundle_size = size;
}

/* The final report; the exit status. */
static enum host_exit report(uint64_t free_before)
{
	size_t failed = vm_host_stopped_by_error();
	size_t not_started = vm_host_not_started();
	/* Every VM is destroyed by now: all it held must be free again. */
	uint64_t kept = free_before - host_free_page_count();

	kprintf("all VMs stopped (%zu by an error)\n", failed);
	if (not_started)
		kprintf("%zu VM(s) could not be started\n", not_started);
	if (kept)
		kprintf("host memory: %llu pages the VMs held were not returned\n",
			(unsigned long long)kept);
	else
		kprintf("host memory: every page the VMs held is free again (%llu pages free)\n",
			(unsigned long long)host_free_page_count());
	return failed || not_started || kept ? HOST_EXIT_FAILURE : HOST_EXIT_SUCCESS;
}

enum host_exit vm_board_run(const struct host_boot_info *info)
{
	struct axvm_config_limits limits = {
	    .max_vcpus = AXVM_MAX_VCPUS,
	    .host_cpus = (uint32_t)info->cpu_count,
	    .gpa_bits = arch_stage2_format()->gpa_bits,
	    .device_models = board->device_models,
	    .known_devices = NULL, /* every one a model answers to */
	};
	uint64_t free_before;

	if (!bundle_size) {
		kprintf("no VM bundle: nothing to run\n");
		return HOST_EXIT_SUCCESS;
	}
	/* VMs may hold every free page but what the host keeps for their small objects (configs,
	 * devicetrees, vCPUs, devices). */
	hal.guest_page_budget = host_free_page_count() > HOST_HEAP_RESERVE_PAGES
				    ? host_free_page_count() - HOST_HEAP_RESERVE_PAGES
				    : 1;
	if (axvm_init(&hal) != AX_OK)
		return HOST_EXIT_FAILURE;
	board->enable_cpu(&cpu_host);
	/* What VMs may use (stage-2 tags, timer features) is known once every CPU is enabled. */
	while (atomic_load(&cpus_enabled) < info->cpu_count - 1)
		;
	free_before = host_free_page_count();
	if (!vm_host_start((const void *)(uintptr_t)bundle_base, bundle_size, &limits,
			   board->cpu_ops, board->counter_hz))
		kprintf("no VM could be started\n");
	atomic_store(&vms_ready, true);
	vm_host_run_cpu(0);
	return report(free_before);
}

void vm_board_run_secondary(size_t index)
{
	if (!bundle_size)
		return;
	board->enable_cpu(&cpu_host);
	atomic_fetch_add(&cpus_enabled, 1);
	while (!atomic_load(&vms_ready))
		;
	vm_host_run_cpu((uint32_t)index);
}
