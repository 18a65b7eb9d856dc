/*
 * The vCPU scheduler of a bare-metal host (docs/scheduling.md): any number of vCPUs per
 * physical CPU, round-robin within each CPU with a time slice, vCPUs without affinity placed on
 * idle or lightly loaded CPUs and moved between CPUs to balance them, halted vCPUs woken by
 * their own deadline or by a notification from any CPU.
 *
 * The scheduler moves entities, one per vCPU, between per-CPU lists under per-CPU locks; it
 * never runs guests itself. Each CPU's loop (board/vm_host.h) asks it what to run next
 * (sched_pick), tells it when the entity halts, yields or leaves, and sleeps when it has
 * nothing (sched_idle_enter). Times are values of the host's counter (the architecture timer).
 */
#ifndef BOARD_SCHED_H
#define BOARD_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCHED_MAX_CPUS 16

/* Where an entity is; guarded by the lock of the CPU in its `cpu` field. */
enum sched_state {
	SCHED_OFF,	/* on no list: not started, stopped, or parked by its CPU */
	SCHED_RUNNABLE, /* on its CPU's run queue */
	SCHED_RUNNING,	/* its CPU runs it */
	SCHED_HALTED,	/* on its CPU's halted list until wake_at or sched_wake */
	SCHED_MOVING,	/* between two CPUs' lists */
};

struct sched_entity {
	void *owner;	  /* the vCPU */
	int32_t affinity; /* the only CPU it may run on, or -1 */
	uint32_t cpu;	  /* the CPU whose lists hold it or that runs it */
	enum sched_state state;
	uint64_t wake_at; /* HALTED: when its timer is due, UINT64_MAX for never */
	struct sched_entity *next;
};

/* What the scheduler needs from the board. */
struct sched_ops {
	/* Makes physical CPU cpu leave the guest or the wait for an interrupt (an IPI). */
	void (*kick)(uint32_t cpu);
};

/* Sets the scheduler up for cpus CPUs (at most SCHED_MAX_CPUS) and a time slice of slice
 * counter ticks. Called once, before any entity is woken. */
void sched_init(uint32_t cpus, uint64_t slice, const struct sched_ops *ops);

/* Prepares an OFF entity for owner, which may run only on affinity (-1: anywhere; a value
 * outside the CPUs is treated as CPU 0's). */
void sched_entity_init(struct sched_entity *se, void *owner, int32_t affinity);

/* Something happened that se must act on, noticed on CPU self. A HALTED entity becomes
 * RUNNABLE, and so does an OFF one if start is set; either is placed on a CPU (its own if it
 * is pinned or that CPU is idle, else an idle one, else the least loaded) which is kicked if it
 * sleeps or had its running entity to itself (self included: it may be in the middle of a
 * guest exit that goes straight back into the guest). A RUNNING entity's CPU is kicked unless
 * it is self, so that it leaves the guest. */
void sched_wake(struct sched_entity *se, uint32_t self, bool start);

/* The entity CPU cpu runs next, now RUNNING with a fresh slice from now: the head of its run
 * queue, else one that may run anywhere taken from another CPU's queue. NULL if none. */
struct sched_entity *sched_pick(uint32_t cpu, uint64_t now);

/* True if the entity running on cpu should give way: its slice ended and another waits for the
 * CPU (one from a CPU with two or more entities more than this one is moved here first). When
 * false and the slice has ended, a new slice starts. */
bool sched_should_yield(uint32_t cpu, uint64_t now);

/* When the slice of the entity running on cpu ends; UINT64_MAX while no other entity waits for
 * the CPU (whoever queues one kicks the CPU, which then looks again). */
uint64_t sched_slice_end(uint32_t cpu);

/* The RUNNING se goes back to the tail of its CPU's run queue. */
void sched_requeue(struct sched_entity *se);

/* The RUNNING se waits for sched_wake, or for wake_at. still_idle(owner) is asked under the
 * lock that sched_wake takes, so that a notification is never lost: if it says false, se stays
 * RUNNING and false is returned. */
bool sched_halt(struct sched_entity *se, uint64_t wake_at, bool (*still_idle)(void *owner));

/* The RUNNING se leaves its CPU for good (until an sched_wake with start). */
void sched_park(struct sched_entity *se);

/* Whether se is OFF: on no list and run by no CPU (read under its CPU's lock). */
bool sched_entity_off(struct sched_entity *se);

/* Wakes the halted entities of cpu whose wake_at is not after now; returns the earliest
 * wake_at still pending there (UINT64_MAX: none). */
uint64_t sched_expire(uint32_t cpu, uint64_t now);

/* Before cpu sleeps: false if an entity is queued for it (it must not sleep); true marks it
 * idle, so that whoever queues an entity for it kicks it. */
bool sched_idle_enter(uint32_t cpu);

/* After cpu woke up. */
void sched_idle_exit(uint32_t cpu);

/* How many entities want cpu now (running and queued; halted ones do not count). */
size_t sched_load(uint32_t cpu);

#endif
