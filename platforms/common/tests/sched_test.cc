/* The vCPU scheduler on the host: placement, round robin, halts and wakes, deadlines, stealing
 * and balancing one step at a time, then real threads standing in for CPUs, hammering it with
 * notifications while they run, halt, yield and park entities. */
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

extern "C" {
#include <board/sched.h>
}

namespace
{

constexpr uint64_t kSlice = 100;

std::mutex kicks_mutex;
std::vector<uint32_t> kicks;

void RecordKick(uint32_t cpu)
{
	std::lock_guard<std::mutex> guard(kicks_mutex);
	kicks.push_back(cpu);
}

const sched_ops kOps = {RecordKick};

bool AlwaysIdle(void *)
{
	return true;
}

bool NeverIdle(void *)
{
	return false;
}

class SchedTest : public ::testing::Test
{
      protected:
	void Init(uint32_t cpus)
	{
		sched_init(cpus, kSlice, &kOps);
		kicks.clear();
	}
	sched_entity *Entity(int32_t affinity = -1)
	{
		entities_.emplace_back();
		sched_entity *se = &entities_.back();
		sched_entity_init(se, this, affinity);
		return se;
	}
	/* std::deque keeps addresses stable as entities are added. */
	std::deque<sched_entity> entities_;
};

TEST_F(SchedTest, ARunQueueIsRoundRobin)
{
	Init(1);
	sched_entity *a = Entity(), *b = Entity(), *c = Entity();
	for (sched_entity *se : {a, b, c})
		sched_wake(se, 0, true);
	EXPECT_EQ(sched_load(0), 3u);
	EXPECT_EQ(sched_pick(0, 0), a);
	EXPECT_EQ(a->state, SCHED_RUNNING);
	EXPECT_EQ(sched_slice_end(0), kSlice) << "b and c wait";
	EXPECT_FALSE(sched_should_yield(0, kSlice - 1)) << "the slice is not over";
	EXPECT_TRUE(sched_should_yield(0, kSlice)) << "over, and b and c wait";
	sched_requeue(a);
	EXPECT_EQ(sched_pick(0, kSlice), b);
	sched_requeue(b);
	EXPECT_EQ(sched_pick(0, 2 * kSlice), c);
	sched_requeue(c);
	EXPECT_EQ(sched_pick(0, 3 * kSlice), a) << "back to the first";
	EXPECT_TRUE(kicks.empty()) << "nobody slept";
}

TEST_F(SchedTest, AloneOnItsCpuAnEntityKeepsRunningWithANewSlice)
{
	Init(2);
	sched_entity *a = Entity(0);
	sched_wake(a, 0, true);
	ASSERT_EQ(sched_pick(0, 0), a);
	EXPECT_EQ(sched_slice_end(0), UINT64_MAX) << "no timer while nobody waits";
	EXPECT_FALSE(sched_should_yield(0, 5 * kSlice));
	kicks.clear();
	sched_entity *b = Entity(0);
	sched_wake(b, 1, true);
	EXPECT_EQ(kicks, std::vector<uint32_t>{0}) << "CPU 0 must arm its slice timer now";
	EXPECT_EQ(sched_slice_end(0), 6 * kSlice) << "the slice restarted at the last look";
}

TEST_F(SchedTest, ACpuStartingAnEntityForItselfKicksItself)
{
	Init(1);
	sched_entity *a = Entity(0), *b = Entity(0), *c = Entity(0);
	sched_wake(a, 0, true);
	ASSERT_EQ(sched_pick(0, 0), a);
	kicks.clear();
	/* a's guest starts b from inside its exit, which goes straight back into the guest. */
	sched_wake(b, 0, true);
	EXPECT_EQ(kicks, std::vector<uint32_t>{0});
	kicks.clear();
	sched_wake(c, 0, true);
	EXPECT_TRUE(kicks.empty()) << "a slice timer is armed already";
	/* A deadline expiring in the CPU's own loop needs no kick. */
	sched_requeue(a);
	ASSERT_EQ(sched_pick(0, 10), b);
	sched_requeue(b);
	ASSERT_EQ(sched_pick(0, 20), c);
	ASSERT_TRUE(sched_halt(c, 30, AlwaysIdle));
	sched_park(sched_pick(0, 20));
	sched_park(sched_pick(0, 20));
	sched_entity *d = Entity(0);
	sched_wake(d, 0, true);
	ASSERT_EQ(sched_pick(0, 25), d);
	kicks.clear();
	EXPECT_EQ(sched_expire(0, 30), UINT64_MAX);
	EXPECT_EQ(c->state, SCHED_RUNNABLE);
	EXPECT_TRUE(kicks.empty());
}

TEST_F(SchedTest, WokenEntitiesGoToIdleCpusAndPinnedOnesToTheirs)
{
	Init(3);
	sched_entity *pinned = Entity(2), *free1 = Entity(), *free2 = Entity();
	/* CPU 0 runs something; CPU 1 sleeps. */
	sched_wake(Entity(0), 0, true);
	ASSERT_NE(sched_pick(0, 0), nullptr);
	ASSERT_TRUE(sched_idle_enter(1));
	sched_wake(free1, 0, true);
	EXPECT_EQ(free1->cpu, 1u) << "the idle CPU";
	EXPECT_EQ(kicks, std::vector<uint32_t>{1}) << "and it was woken";
	sched_idle_exit(1);
	kicks.clear();
	sched_wake(pinned, 0, true);
	EXPECT_EQ(pinned->cpu, 2u);
	sched_wake(free2, 0, true);
	EXPECT_EQ(free2->cpu, 0u) << "every CPU has one: its own on a tie";
	sched_wake(Entity(), 0, true);
	EXPECT_EQ(entities_.back().cpu, 1u) << "CPU 0 has two now: the next least loaded";
	EXPECT_EQ(kicks, std::vector<uint32_t>{0})
	    << "no CPU slept, but CPU 0 ran its entity alone: it must arm its slice timer";
}

TEST_F(SchedTest, AnOffEntityStaysOffUnlessStarted)
{
	Init(1);
	sched_entity *a = Entity();
	sched_wake(a, 0, false);
	EXPECT_EQ(a->state, SCHED_OFF);
	EXPECT_EQ(sched_pick(0, 0), nullptr);
}

TEST_F(SchedTest, AnEntityIsOffOnlyOnNoListAndOnNoCpu)
{
	Init(2);
	sched_entity *a = Entity(1);
	EXPECT_TRUE(sched_entity_off(a)) << "never started";
	sched_wake(a, 0, true);
	EXPECT_FALSE(sched_entity_off(a)) << "queued";
	ASSERT_EQ(sched_pick(1, 0), a);
	EXPECT_FALSE(sched_entity_off(a)) << "running";
	ASSERT_TRUE(sched_halt(a, 500, AlwaysIdle));
	EXPECT_FALSE(sched_entity_off(a)) << "halted";
	sched_wake(a, 0, false);
	ASSERT_EQ(sched_pick(1, 0), a);
	sched_park(a);
	EXPECT_TRUE(sched_entity_off(a)) << "parked";
	sched_wake(a, 0, false);
	EXPECT_TRUE(sched_entity_off(a)) << "a notification does not start a parked entity";
}

TEST_F(SchedTest, AHaltedEntityWakesByNotificationOrDeadline)
{
	Init(2);
	sched_entity *a = Entity(0), *b = Entity(0);
	sched_wake(a, 0, true);
	sched_wake(b, 0, true);
	ASSERT_EQ(sched_pick(0, 0), a);
	EXPECT_FALSE(sched_halt(a, 500, NeverIdle)) << "an interrupt came in meanwhile";
	EXPECT_EQ(a->state, SCHED_RUNNING);
	ASSERT_TRUE(sched_halt(a, 500, AlwaysIdle));
	EXPECT_EQ(a->state, SCHED_HALTED);
	EXPECT_EQ(sched_load(0), 1u) << "halted entities do not count";
	ASSERT_EQ(sched_pick(0, 0), b);
	EXPECT_EQ(sched_expire(0, 499), 500u) << "not due yet";
	EXPECT_EQ(a->state, SCHED_HALTED);
	EXPECT_EQ(sched_expire(0, 500), UINT64_MAX);
	EXPECT_EQ(a->state, SCHED_RUNNABLE) << "due";
	sched_requeue(b);
	ASSERT_EQ(sched_pick(0, 600), a);
	ASSERT_TRUE(sched_halt(a, UINT64_MAX, AlwaysIdle));
	EXPECT_EQ(sched_expire(0, 1000000), UINT64_MAX) << "no deadline: only a notification";
	EXPECT_EQ(a->state, SCHED_HALTED);
	kicks.clear();
	sched_wake(a, 1, false);
	EXPECT_EQ(a->state, SCHED_RUNNABLE);
	EXPECT_TRUE(kicks.empty()) << "CPU 0 is awake (it runs b)";
}

TEST_F(SchedTest, NotifyingARunningEntityKicksItsCpuFromAnotherOne)
{
	Init(2);
	sched_entity *a = Entity(1);
	sched_wake(a, 0, true);
	ASSERT_EQ(sched_pick(1, 0), a);
	kicks.clear();
	sched_wake(a, 1, false);
	EXPECT_TRUE(kicks.empty()) << "its own CPU delivers before re-entry";
	sched_wake(a, 0, false);
	EXPECT_EQ(kicks, std::vector<uint32_t>{1});
	sched_park(a);
	EXPECT_EQ(a->state, SCHED_OFF);
	EXPECT_EQ(sched_load(1), 0u);
}

TEST_F(SchedTest, AnIdleCpuStealsOnlyWhatMayRunThere)
{
	Init(2);
	sched_entity *running = Entity(0), *pinned = Entity(0), *free = Entity(0);
	for (sched_entity *se : {running, pinned, free})
		sched_wake(se, 0, true);
	free->affinity = -1; /* queued on CPU 0, free to move from now on */
	ASSERT_EQ(sched_pick(0, 0), running);
	EXPECT_EQ(sched_pick(1, 0), free) << "the pinned one stays";
	EXPECT_EQ(free->cpu, 1u);
	EXPECT_EQ(sched_pick(1, 0), nullptr);
	EXPECT_EQ(pinned->state, SCHED_RUNNABLE);
}

TEST_F(SchedTest, ABusyCpuPullsFromOneWithTwoMore)
{
	Init(2);
	std::vector<sched_entity *> on0;
	for (int i = 0; i < 4; i++) {
		on0.push_back(Entity(0));
		sched_wake(on0.back(), 0, true);
		on0.back()->affinity = -1; /* queued on CPU 0, free to move from now on */
	}
	sched_entity *mine = Entity(1);
	sched_wake(mine, 1, true);
	ASSERT_EQ(sched_pick(0, 0), on0[0]);
	ASSERT_EQ(sched_pick(1, 0), mine);
	EXPECT_EQ(sched_load(0), 4u);
	EXPECT_EQ(sched_load(1), 1u);
	EXPECT_TRUE(sched_should_yield(1, kSlice)) << "pulled one over and gives it a turn";
	EXPECT_EQ(sched_load(0), 3u);
	EXPECT_EQ(sched_load(1), 2u);
	sched_requeue(mine);
	sched_entity *pulled = sched_pick(1, kSlice);
	EXPECT_NE(pulled, mine);
	EXPECT_EQ(pulled->cpu, 1u);
}

TEST_F(SchedTest, ACpuWithWorkQueuedDoesNotSleep)
{
	Init(1);
	EXPECT_TRUE(sched_idle_enter(0));
	sched_idle_exit(0);
	sched_wake(Entity(), 0, true);
	EXPECT_FALSE(sched_idle_enter(0));
}

/* Threads as CPUs: every entity must run on one CPU at a time, and no notification may be
 * lost: an entity notified while halted runs again. */
TEST(SchedStress, ThreadsAsCpusLoseNothingAndNeverRunAnEntityTwice)
{
	constexpr uint32_t kCpus = 3;
	constexpr int kEntities = 10;
	constexpr int kRounds = 20000;
	struct Owner {
		std::atomic<int> running{0};
		std::atomic<bool> wanted{false};
		std::atomic<long> runs{0};
	};
	static Owner owners[kEntities];
	static std::atomic<uint64_t> clock{0};
	static std::atomic<bool> done{false};
	static std::atomic<int> overlaps{0};
	static const sched_ops ops = {[](uint32_t) {}};
	std::deque<sched_entity> entities(kEntities);

	sched_init(kCpus, 50, &ops);
	for (int i = 0; i < kEntities; i++) {
		sched_entity_init(&entities[i], &owners[i], i % 3 == 0 ? (int32_t)(i % kCpus) : -1);
		sched_wake(&entities[i], 0, true);
	}
	auto still_idle = [](void *owner) {
		return !static_cast<Owner *>(owner)->wanted.exchange(false);
	};
	std::vector<std::thread> cpus;
	for (uint32_t cpu = 0; cpu < kCpus; cpu++) {
		cpus.emplace_back([cpu, still_idle] {
			std::mt19937 rng(cpu);
			while (!done) {
				uint64_t now = clock.fetch_add(1);
				sched_expire(cpu, now);
				sched_entity *se = sched_pick(cpu, now);
				if (!se)
					continue;
				Owner *o = static_cast<Owner *>(se->owner);
				if (o->running.fetch_add(1) != 0)
					overlaps++;
				o->runs++;
				o->running.fetch_sub(1);
				switch (rng() % 4) {
				case 0:
					if (!sched_halt(se,
							rng() % 2 ? now + rng() % 200 : UINT64_MAX,
							still_idle))
						sched_requeue(se);
					break;
				case 1:
					sched_park(se);
					sched_wake(se, cpu, true);
					break;
				default:
					sched_should_yield(cpu, now);
					sched_requeue(se);
				}
			}
		});
	}
	/* The notifier: wakes random entities, as interrupts would. */
	std::mt19937 rng(99);
	for (int round = 0; round < kRounds; round++) {
		int i = rng() % kEntities;
		owners[i].wanted = true;
		sched_wake(&entities[i], kCpus, false);
	}
	/* Rounds of notifying every entity once: each must run again every time. */
	bool lost = false;
	for (int round = 0; round < 100 && !lost; round++) {
		std::vector<long> before(kEntities);
		for (int i = 0; i < kEntities; i++) {
			before[i] = owners[i].runs;
			owners[i].wanted = true;
			sched_wake(&entities[i], kCpus, false);
		}
		/* A lost wakeup never comes: the bound only has to outlast a loaded machine's
		 * (and a sanitizer's) slowest round by far. */
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
		for (int i = 0; i < kEntities; i++) {
			while (owners[i].runs == before[i] && !lost)
				lost = std::chrono::steady_clock::now() > deadline;
			EXPECT_GT(owners[i].runs, before[i])
			    << "entity " << i << " lost its wakeup in round " << round;
		}
	}
	done = true;
	for (std::thread &t : cpus)
		t.join();
	EXPECT_EQ(overlaps, 0) << "an entity ran on two CPUs at once";
}

} // namespace
