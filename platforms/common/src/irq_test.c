/* The "irqtest" boot mode (board/irq_test.h). */
#include <board/console.h>
#include <board/irq_test.h>
#include <stdatomic.h>

/* How far ahead each CPU arms its timer. */
#define TIMER_DELAY_US 1000
/* A kick is sent this long after its target said it waits, so that it mostly is in wfi. */
#define KICK_DELAY_US 1000
/* How long CPU 0 waits for CPU 1 to get somewhere. */
#define PEER_TIMEOUT_US 10000000
/* Wake-ups a wait may take without its interrupt (wfi may end for no reason). */
#define MAX_WAKES 1000

/* Where the test is; each phase says who set it. */
enum phase {
	PHASE_START,
	PHASE_KICK_CPU0,  /* CPU 0: it waits, CPU 1 is to kick it */
	PHASE_CPU1_TURN,  /* CPU 0: CPU 1 is to wait for a kick */
	PHASE_CPU1_WAITS, /* CPU 1: it waits, CPU 0 is to kick it */
	PHASE_DONE,	  /* CPU 1: kicked, and its timer tested */
};

static const struct irq_test_board *board;
static const struct host_boot_info *boot_info;
static atomic_int phase;
static atomic_bool kick_sent[2]; /* a kick to CPU n was sent (set before sending it) */

static uint64_t us_to_ticks(uint64_t us)
{
	return us * board->freq() / 1000000;
}

static uint64_t ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000 / board->freq();
}

static void delay_us(uint64_t us)
{
	uint64_t end = board->now() + us_to_ticks(us);

	while (board->now() < end)
		board->relax();
}

/* CPU 0 waits until phase is p, for at most PEER_TIMEOUT_US. */
static void await_phase(int p, const char *what)
{
	uint64_t limit = board->now() + us_to_ticks(PEER_TIMEOUT_US);

	while (atomic_load(&phase) != p) {
		if (board->now() > limit)
			host_panic("irq test: cpu 1 did not %s", what);
		board->relax();
	}
}

/* Sleeps on cpu until an interrupt of want arrives; any other one fails the test. */
static void wait_for(size_t cpu, unsigned want, const char *what)
{
	for (int wakes = 0; wakes < MAX_WAKES; wakes++) {
		unsigned events = board->wait_events();

		if (events & ~want)
			host_panic("irq test: cpu %zu waiting for %s woke to events 0x%x", cpu,
				   what, events);
		if (events & want)
			return;
	}
	host_panic("irq test: cpu %zu woke %d times without %s", cpu, MAX_WAKES, what);
}

/* cpu arms its timer, sleeps until its interrupt, checks that it came no earlier than its
 * deadline and that it was consumed: the timer disarmed, nothing pending a while later. */
static void timer_test(size_t cpu)
{
	uint64_t start = board->now();
	uint64_t deadline = start + us_to_ticks(TIMER_DELAY_US);
	uint64_t end;
	unsigned later;

	board->timer_arm(deadline);
	wait_for(cpu, IRQ_TEST_TIMER, "its timer");
	end = board->now();
	if (end < deadline)
		host_panic("irq test: cpu %zu: timer interrupt %llu ticks before its deadline", cpu,
			   (unsigned long long)(deadline - end));
	kprintf("irq test: timer interrupt on cpu %zu after %llu us\n", cpu,
		(unsigned long long)ticks_to_us(end - start));
	delay_us(TIMER_DELAY_US);
	later = board->ack_pending();
	if (later || board->timer_expired())
		host_panic("irq test: cpu %zu: after its timer's acknowledgement: events 0x%x, "
			   "timer %s",
			   cpu, later, board->timer_expired() ? "still expired" : "disarmed");
	kprintf("irq test: cpu %zu's timer interrupt was consumed by its acknowledgement\n", cpu);
}

void irq_test_use(const struct irq_test_board *b)
{
	board = b;
}

enum host_exit irq_test_run(const struct host_boot_info *info)
{
	if (board->cpus_ready() != info->cpu_count) {
		kprintf("irq test: interrupts set up on %zu of %zu cpus\n", board->cpus_ready(),
			info->cpu_count);
		return HOST_EXIT_FAILURE;
	}
	if (info->cpu_count < 2) {
		kprintf("irq test: needs 2 cpus, has %zu\n", info->cpu_count);
		return HOST_EXIT_FAILURE;
	}
	boot_info = info;
	timer_test(0);

	board->timer_arm(UINT64_MAX);
	kprintf("irq test: cpu 0 waits for a kick from cpu 1, its timer disarmed\n");
	atomic_store(&phase, PHASE_KICK_CPU0);
	wait_for(0, IRQ_TEST_KICK, "a kick");
	if (!atomic_load(&kick_sent[0]))
		host_panic("irq test: cpu 0 got a kick cpu 1 had not sent");
	kprintf("irq test: kick from cpu 1 reached cpu 0\n");

	atomic_store(&phase, PHASE_CPU1_TURN);
	await_phase(PHASE_CPU1_WAITS, "wait for its kick");
	delay_us(KICK_DELAY_US);
	atomic_store(&kick_sent[1], true);
	board->kick(info->cpu_ids[1]);
	await_phase(PHASE_DONE, "finish");
	kprintf("irq test: ok\n");
	return HOST_EXIT_SUCCESS;
}

void irq_test_secondary(size_t index)
{
	if (index != 1)
		return;
	/* CPU 0 either moves the test on or stops the machine. */
	while (atomic_load(&phase) != PHASE_KICK_CPU0)
		board->relax();
	delay_us(KICK_DELAY_US);
	atomic_store(&kick_sent[0], true);
	board->kick(boot_info->cpu_ids[0]);

	while (atomic_load(&phase) != PHASE_CPU1_TURN)
		board->relax();
	board->timer_arm(UINT64_MAX);
	kprintf("irq test: cpu 1 waits for a kick from cpu 0, its timer disarmed\n");
	atomic_store(&phase, PHASE_CPU1_WAITS);
	wait_for(1, IRQ_TEST_KICK, "a kick");
	if (!atomic_load(&kick_sent[1]))
		host_panic("irq test: cpu 1 got a kick cpu 0 had not sent");
	kprintf("irq test: kick from cpu 0 reached cpu 1\n");
	timer_test(1);
	atomic_store(&phase, PHASE_DONE);
}
