/* The boot flow shared by every bare-metal hypervisor host; boards supply the hooks. */
#ifndef BOARD_HOST_H
#define BOARD_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <board/mem_ranges.h>
#include <board/page_alloc.h>

#define HOST_MAX_CPUS 16

struct host_boot_info;

/* Exit codes handed to board_ops.exit. */
enum host_exit {
	HOST_EXIT_SUCCESS = 0,
	HOST_EXIT_FAILURE = 1,
};

/* What a board provides to the common boot flow. */
struct board_ops {
	const char *name; /* the board's name, as the boot banner prints it */
	const char *arch; /* its architecture's name */
	/* Probes the virtualization extension on the calling CPU; writes a one-line description
	 * of what was found (or what is missing) to detail. */
	bool (*virt_detect)(char *detail, size_t len);
	/* Asks the firmware or hardware to start CPU `index` (hardware id hw_id) at the board's
	 * secondary entry, which calls host_secondary_main(index). */
	bool (*cpu_start)(size_t index, uint64_t hw_id);
	/* Makes one deliberately invalid memory access (for the fault test). */
	void (*bad_access)(void);
	/* Stops the machine with an exit status the emulator reports. */
	void (*exit)(enum host_exit code) __attribute__((noreturn));
	/* Waits a little (a pause hint); used while waiting for secondaries. */
	void (*cpu_relax)(void);
	/* The host's work once every CPU is up (running VMs); returns the exit status. NULL: the
	 * host only boots, and exits with success. */
	enum host_exit (*run)(const struct host_boot_info *info);
	/* The work of secondary CPU index once it has reported in; NULL: it parks. */
	void (*secondary_run)(size_t index);
};

/* What the board discovered before handing over to host_main. */
struct host_boot_info {
	struct mem_ranges memory;   /* all RAM */
	struct mem_ranges reserved; /* firmware, the hypervisor image, the DTB, boot modules */
	size_t cpu_count;
	uint64_t cpu_ids[HOST_MAX_CPUS]; /* index 0 is the boot CPU */
	const char *bootargs;
	const char *firmware; /* what booted the host and how it described the machine */
};

/* The common boot flow: reports memory, builds the page allocator, checks the virtualization
 * extension, brings up every secondary CPU and waits for it, runs what bootargs ask for
 * ("fault": a deliberate bad access), and exits. Never returns. */
void host_main(const struct board_ops *ops, const struct host_boot_info *info)
    __attribute__((noreturn));

/* Entry of a secondary CPU once the board has given it a stack: reports in, then parks. */
void host_secondary_main(size_t index) __attribute__((noreturn));

/* Stops the machine after an unrecoverable error, printing why. */
void host_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Allocates count contiguous pages aligned to align_pages from the allocator host_main built;
 * safe on every CPU. Returns the physical address, or 0. */
uint64_t host_alloc_pages(uint64_t count, uint64_t align_pages);

/* Returns pages from host_alloc_pages; false if they were not allocated. */
bool host_free_pages(uint64_t pa, uint64_t count);

/* How many pages the allocator has free now. */
uint64_t host_free_page_count(void);

/* The logical index of the boot CPU's secondary stacks: one 16 KiB stack per CPU. */
#define HOST_STACK_SIZE 16384
extern uint8_t host_cpu_stacks[HOST_MAX_CPUS][HOST_STACK_SIZE];

#endif
