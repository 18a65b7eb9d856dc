#include <board/sched.h>

#include <axvm/spinlock.h>
#include <stdatomic.h>

/* One physical CPU's share of the scheduler. Lists are short (a few vCPUs per CPU), so they
 * are plain singly linked lists: a FIFO run queue and an unordered halted list. */
struct sched_cpu {
	struct spinlock lock;
	struct sched_entity *queue_head;
	struct sched_entity *queue_tail;
	struct sched_entity *halted;
	struct sched_entity *current;
	uint64_t slice_end;
	_Atomic uint32_t load;	 /* queued + running: read without the lock as a hint */
	_Atomic uint32_t queued; /* queued only: likewise */
	_Atomic bool idle;
};

static struct sched_cpu cpus[SCHED_MAX_CPUS];
static uint32_t cpu_count = 1;
static uint64_t slice_ticks;
static const struct sched_ops *board;

void sched_init(uint32_t count, uint64_t slice, const struct sched_ops *ops)
{
	cpu_count = count == 0 ? 1 : count > SCHED_MAX_CPUS ? SCHED_MAX_CPUS : count;
	slice_ticks = slice;
	board = ops;
	for (uint32_t i = 0; i < SCHED_MAX_CPUS; i++) {
		spin_lock_init(&cpus[i].lock);
		cpus[i].queue_head = cpus[i].queue_tail = cpus[i].halted = cpus[i].current = NULL;
		atomic_store(&cpus[i].load, 0);
		atomic_store(&cpus[i].queued, 0);
		atomic_store(&cpus[i].idle, false);
	}
}

void sched_entity_init(struct sched_entity *se, void *owner, int32_t affinity)
{
	se->owner = owner;
	se->affinity = affinity >= 0 && (uint32_t)affinity >= cpu_count ? 0 : affinity;
	se->cpu = se->affinity >= 0 ? (uint32_t)se->affinity : 0;
	se->state = SCHED_OFF;
	se->wake_at = UINT64_MAX;
	se->next = NULL;
}

/* Locks the CPU that holds se, following it if it moves meanwhile. */
static struct sched_cpu *lock_home(struct sched_entity *se)
{
	for (;;) {
		uint32_t c = __atomic_load_n(&se->cpu, __ATOMIC_ACQUIRE);

		spin_lock(&cpus[c].lock);
		if (__atomic_load_n(&se->cpu, __ATOMIC_ACQUIRE) == c)
			return &cpus[c];
		spin_unlock(&cpus[c].lock);
	}
}

static void enqueue(struct sched_cpu *c, struct sched_entity *se)
{
	se->next = NULL;
	if (c->queue_tail)
		c->queue_tail->next = se;
	else
		c->queue_head = se;
	c->queue_tail = se;
	se->state = SCHED_RUNNABLE;
	atomic_fetch_add(&c->queued, 1);
	atomic_fetch_add(&c->load, 1);
}

/* Takes the first queued entity that may run on `to` (any, if to is -1) off c's queue. */
static struct sched_entity *dequeue(struct sched_cpu *c, int32_t to)
{
	struct sched_entity *prev = NULL;

	for (struct sched_entity *se = c->queue_head; se; prev = se, se = se->next) {
		if (to >= 0 && se->affinity >= 0 && se->affinity != to)
			continue;
		if (prev)
			prev->next = se->next;
		else
			c->queue_head = se->next;
		if (c->queue_tail == se)
			c->queue_tail = prev;
		se->next = NULL;
		atomic_fetch_sub(&c->queued, 1);
		atomic_fetch_sub(&c->load, 1);
		return se;
	}
	return NULL;
}

static void unlink_halted(struct sched_cpu *c, struct sched_entity *se)
{
	for (struct sched_entity **p = &c->halted; *p; p = &(*p)->next) {
		if (*p == se) {
			*p = se->next;
			se->next = NULL;
			return;
		}
	}
}

/* Where a woken entity should run: its pinned CPU; its own if idle; an idle one; else the
 * least loaded, its own on a tie. Reads the hints without locks: a stale answer only costs
 * balance, never correctness. */
static uint32_t choose_cpu(const struct sched_entity *se)
{
	uint32_t home = se->cpu;
	uint32_t best = home;

	if (se->affinity >= 0)
		return (uint32_t)se->affinity;
	if (atomic_load(&cpus[home].idle))
		return home;
	for (uint32_t i = 1; i < cpu_count; i++) {
		uint32_t c = (home + i) % cpu_count;

		if (atomic_load(&cpus[c].idle))
			return c;
		if (atomic_load(&cpus[c].load) < atomic_load(&cpus[best].load))
			best = c;
	}
	return best;
}

/* Queues an entity nobody holds (OFF or MOVING, off every list) on the CPU it should run on,
 * kicking that CPU if it sleeps, or if it runs an entity that had it to itself (no slice
 * timer was armed: sched_slice_end). That may be the calling CPU, in the middle of a guest's
 * exit that goes back into the guest (a vCPU starting another one): it kicks itself unless
 * in_loop says it is in its scheduling loop, which looks at the queue anyway. */
static void place(struct sched_entity *se, uint32_t self, bool in_loop)
{
	uint32_t target = choose_cpu(se);
	struct sched_cpu *c = &cpus[target];
	bool sleeping, alone;

	spin_lock(&c->lock);
	__atomic_store_n(&se->cpu, target, __ATOMIC_RELEASE);
	sleeping = atomic_load(&c->idle);
	alone = c->current && !c->queue_head;
	enqueue(c, se);
	spin_unlock(&c->lock);
	if (target != self ? sleeping || alone : alone && !in_loop)
		board->kick(target);
}

void sched_wake(struct sched_entity *se, uint32_t self, bool start)
{
	struct sched_cpu *c = lock_home(se);
	uint32_t home = se->cpu;

	switch (se->state) {
	case SCHED_RUNNING:
		spin_unlock(&c->lock);
		if (home != self)
			board->kick(home);
		return;
	case SCHED_HALTED:
		unlink_halted(c, se);
		break;
	case SCHED_OFF:
		if (start)
			break;
		spin_unlock(&c->lock);
		return;
	case SCHED_RUNNABLE:
	case SCHED_MOVING:
		spin_unlock(&c->lock);
		return;
	}
	se->state = SCHED_MOVING;
	spin_unlock(&c->lock);
	place(se, self, false);
}

static void run(struct sched_cpu *c, struct sched_entity *se, uint64_t now)
{
	se->state = SCHED_RUNNING;
	c->current = se;
	c->slice_end = now + slice_ticks;
}

/* Takes a queued entity that may run on cpu off victim's queue, MOVING; NULL if none. */
static struct sched_entity *take_queued(struct sched_cpu *victim, uint32_t cpu)
{
	struct sched_entity *se;

	spin_lock(&victim->lock);
	se = dequeue(victim, (int32_t)cpu);
	if (se)
		se->state = SCHED_MOVING;
	spin_unlock(&victim->lock);
	return se;
}

/* Takes an entity that may run on cpu from another CPU's queue; NULL if no queue holds one. */
static struct sched_entity *steal(uint32_t cpu)
{
	for (uint32_t i = 1; i < cpu_count; i++) {
		struct sched_cpu *victim = &cpus[(cpu + i) % cpu_count];
		struct sched_entity *se =
		    atomic_load(&victim->queued) ? take_queued(victim, cpu) : NULL;

		if (se)
			return se;
	}
	return NULL;
}

struct sched_entity *sched_pick(uint32_t cpu, uint64_t now)
{
	struct sched_cpu *c = &cpus[cpu];
	struct sched_entity *se;

	spin_lock(&c->lock);
	se = dequeue(c, -1);
	if (se) {
		atomic_fetch_add(&c->load, 1);
		run(c, se, now);
	}
	spin_unlock(&c->lock);
	if (se)
		return se;
	se = steal(cpu);
	if (!se)
		return NULL;
	spin_lock(&c->lock);
	__atomic_store_n(&se->cpu, cpu, __ATOMIC_RELEASE);
	atomic_fetch_add(&c->load, 1);
	run(c, se, now);
	spin_unlock(&c->lock);
	return se;
}

/* Moves one queued entity that may run on cpu from a CPU with at least two more entities. */
static void balance(uint32_t cpu)
{
	uint32_t mine = atomic_load(&cpus[cpu].load);

	for (uint32_t i = 1; i < cpu_count; i++) {
		uint32_t other = (cpu + i) % cpu_count;
		struct sched_cpu *victim = &cpus[other];
		struct sched_entity *se;

		if (atomic_load(&victim->load) < mine + 2 || !atomic_load(&victim->queued))
			continue;
		se = take_queued(victim, cpu);
		if (!se)
			continue;
		spin_lock(&cpus[cpu].lock);
		__atomic_store_n(&se->cpu, cpu, __ATOMIC_RELEASE);
		enqueue(&cpus[cpu], se);
		spin_unlock(&cpus[cpu].lock);
		return;
	}
}

bool sched_should_yield(uint32_t cpu, uint64_t now)
{
	struct sched_cpu *c = &cpus[cpu];
	bool yield;

	if (now < c->slice_end)
		return false;
	if (!atomic_load(&c->queued))
		balance(cpu);
	spin_lock(&c->lock);
	yield = c->queue_head != NULL;
	if (!yield)
		c->slice_end = now + slice_ticks;
	spin_unlock(&c->lock);
	return yield;
}

uint64_t sched_slice_end(uint32_t cpu)
{
	return atomic_load(&cpus[cpu].queued) ? cpus[cpu].slice_end : UINT64_MAX;
}

/* The running entity of c stops running there; c's lock is held. */
static void stop_running(struct sched_cpu *c, struct sched_entity *se)
{
	if (c->current == se)
		c->current = NULL;
	atomic_fetch_sub(&c->load, 1);
}

void sched_requeue(struct sched_entity *se)
{
	struct sched_cpu *c = lock_home(se);

	stop_running(c, se);
	enqueue(c, se);
	spin_unlock(&c->lock);
}

bool sched_halt(struct sched_entity *se, uint64_t wake_at, bool (*still_idle)(void *owner))
{
	struct sched_cpu *c = lock_home(se);
	bool halted = still_idle(se->owner);

	if (halted) {
		stop_running(c, se);
		se->state = SCHED_HALTED;
		se->wake_at = wake_at;
		se->next = c->halted;
		c->halted = se;
	}
	spin_unlock(&c->lock);
	return halted;
}

void sched_park(struct sched_entity *se)
{
	struct sched_cpu *c = lock_home(se);

	stop_running(c, se);
	se->state = SCHED_OFF;
	spin_unlock(&c->lock);
}

bool sched_entity_off(struct sched_entity *se)
{
	struct sched_cpu *c = lock_home(se);
	bool off = se->state == SCHED_OFF;

	spin_unlock(&c->lock);
	return off;
}

uint64_t sched_expire(uint32_t cpu, uint64_t now)
{
	struct sched_cpu *c = &cpus[cpu];
	struct sched_entity *due = NULL;
	uint64_t next = UINT64_MAX;

	spin_lock(&c->lock);
	for (struct sched_entity **p = &c->halted; *p;) {
		struct sched_entity *se = *p;

		if (se->wake_at > now) {
			if (se->wake_at < next)
				next = se->wake_at;
			p = &se->next;
			continue;
		}
		*p = se->next;
		se->state = SCHED_MOVING;
		se->next = due;
		due = se;
	}
	spin_unlock(&c->lock);
	while (due) {
		struct sched_entity *se = due;

		due = se->next;
		place(se, cpu, true);
	}
	return next;
}

bool sched_idle_enter(uint32_t cpu)
{
	struct sched_cpu *c = &cpus[cpu];
	bool idle;

	spin_lock(&c->lock);
	idle = c->queue_head == NULL;
	atomic_store(&c->idle, idle);
	spin_unlock(&c->lock);
	return idle;
}

void sched_idle_exit(uint32_t cpu)
{
	atomic_store(&cpus[cpu].idle, false);
}

size_t sched_load(uint32_t cpu)
{
	return atomic_load(&cpus[cpu].load);
}
