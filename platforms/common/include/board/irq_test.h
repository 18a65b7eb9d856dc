/* The "irqtest" boot mode: the host's interrupts work, shown on CPUs 0 and 1 once every CPU is
 * online. CPU 0's timer wakes it 1 ms after it was armed, and is consumed by its
 * acknowledgement; a kick from CPU 1 wakes CPU 0, its timer disarmed; a kick from CPU 0 wakes
 * CPU 1; CPU 1's timer wakes it. Any other interrupt, a wake-up too early, or an interrupt
 * still pending after its acknowledgement stops the machine with a failure. Board-independent:
 * the board hands over its interrupt and timer operations. */
#ifndef BOARD_IRQ_TEST_H
#define BOARD_IRQ_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <board/host.h>

/* What an acknowledgement found (a mask); any other bit is an interrupt the test did not
 * expect. */
#define IRQ_TEST_KICK (1u << 0)	 /* a kick */
#define IRQ_TEST_TIMER (1u << 1) /* this CPU's timer */

/* The board's host interrupts and timer, on the calling CPU. */
struct irq_test_board {
	/* Sleeps until an interrupt is pending, then acknowledges it: an IRQ_TEST_* mask, 0 for
	 * a wake-up without one. */
	unsigned (*wait_events)(void);
	/* Acknowledges what is pending, without waiting. */
	unsigned (*ack_pending)(void);
	/* Kicks the CPU whose hardware id (host_boot_info.cpu_ids) is hw_id. */
	void (*kick)(uint64_t hw_id);
	/* The timer's counter and its rate. */
	uint64_t (*now)(void);
	uint64_t (*freq)(void);
	/* Arms the timer for deadline (UINT64_MAX: disarms it). */
	void (*timer_arm)(uint64_t deadline);
	/* Whether the timer still asserts its interrupt. */
	bool (*timer_expired)(void);
	void (*relax)(void);
	/* How many CPUs have their interrupts set up: the test needs every one. */
	size_t (*cpus_ready)(void);
};

/* Hands the test the board's operations: once, before the secondary CPUs start. */
void irq_test_use(const struct irq_test_board *board);

/* board_ops.run on CPU 0: runs the test (with CPU 1) and returns its status. Needs at least 2
 * CPUs, each with its interrupts set up (a failure otherwise). */
enum host_exit irq_test_run(const struct host_boot_info *info);

/* board_ops.secondary_run: CPU 1's part; other CPUs park. */
void irq_test_secondary(size_t index);

#endif
