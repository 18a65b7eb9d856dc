#include <board/host.h>

#include <board/bootargs.h>
#include <axvm/assert.h>
#include <axvm/spinlock.h>
#include <board/console.h>
#include <stdatomic.h>

/* Polls of the online count before a secondary CPU is declared missing. */
#define SECONDARY_WAIT_POLLS 50000000u

uint8_t host_cpu_stacks[HOST_MAX_CPUS][HOST_STACK_SIZE] __attribute__((aligned(16)));

static const struct board_ops *board;
static struct page_allocator allocator;
static struct spinlock allocator_lock = SPINLOCK_INIT;
static atomic_size_t cpus_online;
static atomic_size_t cpus_with_virt;

static void *identity(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

uint64_t host_alloc_pages(uint64_t count, uint64_t align_pages)
{
	uint64_t pa;

	spin_lock(&allocator_lock);
	pa = page_alloc(&allocator, count, align_pages);
	spin_unlock(&allocator_lock);
	return pa;
}

bool host_free_pages(uint64_t pa, uint64_t count)
{
	bool ok;

	spin_lock(&allocator_lock);
	ok = page_free(&allocator, pa, count);
	spin_unlock(&allocator_lock);
	return ok;
}

uint64_t host_free_page_count(void)
{
	uint64_t n;

	spin_lock(&allocator_lock);
	n = allocator.free_pages;
	spin_unlock(&allocator_lock);
	return n;
}

void host_panic(const char *fmt, ...)
{
	va_list ap;

	kprintf("PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	/* Before host_main there is no board to stop the machine with: park this CPU. */
	while (!board)
		;
	board->exit(HOST_EXIT_FAILURE);
}

/* A broken invariant in any library linked into the host stops the machine with its place. */
void ax_assert_fail(const char *file, int line, const char *expr)
{
	host_panic("assertion failed at %s:%d: %s", file, line, expr);
}

static void report_memory(const struct host_boot_info *info, struct mem_ranges *usable)
{
	*usable = info->memory;
	for (size_t i = 0; i < info->reserved.count; i++) {
		const struct mem_range *r = &info->reserved.r[i];

		if (!mem_ranges_remove(usable, r->base, r->end - r->base))
			host_panic("too many memory ranges after removing reservations");
	}
	kprintf("memory: %llu MiB in %zu range(s)\n",
		(unsigned long long)(mem_ranges_total(&info->memory) >> 20), info->memory.count);
	for (size_t i = 0; i < info->memory.count; i++)
		kprintf("  ram      [0x%016llx, 0x%016llx)\n",
			(unsigned long long)info->memory.r[i].base,
			(unsigned long long)info->memory.r[i].end);
	for (size_t i = 0; i < info->reserved.count; i++)
		kprintf("  reserved [0x%016llx, 0x%016llx)\n",
			(unsigned long long)info->reserved.r[i].base,
			(unsigned long long)info->reserved.r[i].end);
}

static bool check_virt(size_t index)
{
	char detail[128];
	bool ok = board->virt_detect(detail, sizeof(detail));

	kprintf("cpu %zu: virtualization %s: %s\n", index, ok ? "present" : "MISSING", detail);
	return ok;
}

static void start_secondaries(const struct host_boot_info *info)
{
	for (size_t i = 1; i < info->cpu_count; i++) {
		size_t before = atomic_load(&cpus_online);
		uint32_t polls = 0;

		if (!board->cpu_start(i, info->cpu_ids[i])) {
			kprintf("cpu %zu (id 0x%llx): start request refused\n", i,
				(unsigned long long)info->cpu_ids[i]);
			continue;
		}
		while (atomic_load(&cpus_online) == before && polls++ < SECONDARY_WAIT_POLLS)
			board->cpu_relax();
		if (atomic_load(&cpus_online) == before)
			kprintf("cpu %zu (id 0x%llx): did not report in\n", i,
				(unsigned long long)info->cpu_ids[i]);
	}
}

void host_secondary_main(size_t index)
{
	bool virt = check_virt(index);

	kprintf("cpu %zu online\n", index);
	if (virt)
		atomic_fetch_add(&cpus_with_virt, 1);
	atomic_fetch_add(&cpus_online, 1);
	if (board->secondary_run)
		board->secondary_run(index);
	for (;;)
		board->cpu_relax();
}

void host_main(const struct board_ops *ops, const struct host_boot_info *info)
{
	struct mem_ranges usable;

	board = ops;
	kprintf("\naxvm-c hypervisor host: %s (%s), booted by %s\n", ops->name, ops->arch,
		info->firmware);
	kprintf("bootargs: \"%s\"\n", info->bootargs ? info->bootargs : "");
	report_memory(info, &usable);
	if (!page_alloc_init(&allocator, &usable, identity))
		host_panic("no usable memory for the page allocator");
	kprintf("page allocator: %llu pages (%llu MiB) free\n",
		(unsigned long long)allocator.free_pages,
		(unsigned long long)(allocator.free_pages * PAGE_SIZE >> 20));

	atomic_store(&cpus_online, 1);
	atomic_store(&cpus_with_virt, check_virt(0) ? 1 : 0);
	start_secondaries(info);
	kprintf("cpus: %zu of %zu online, %zu with virtualization\n", atomic_load(&cpus_online),
		info->cpu_count, atomic_load(&cpus_with_virt));

	if (atomic_load(&cpus_with_virt) != info->cpu_count)
		host_panic("virtualization extension missing on some cpu");
	if (atomic_load(&cpus_online) != info->cpu_count)
		host_panic("not every cpu came online");
	if (info->bootargs && bootargs_has(info->bootargs, "fault")) {
		kprintf("fault test: making a bad memory access\n");
		ops->bad_access();
		host_panic("the bad access did not fault");
	}
	kprintf("boot ok\n");
	ops->exit(ops->run ? ops->run(info) : HOST_EXIT_SUCCESS);
}
