/* A test-and-set spinlock (C11 atomics, freestanding). The lock is a 32-bit word, which every
 * architecture swaps with one atomic instruction (a byte may need a masked retry loop). */
#ifndef AXVM_SPINLOCK_H
#define AXVM_SPINLOCK_H

#include <stdatomic.h>
#include <stdint.h>

struct spinlock {
	_Atomic uint32_t locked;
};

#define SPINLOCK_INIT \
	{             \
		0     \
	}

/* Initialises a lock that was not statically initialised with SPINLOCK_INIT. */
static inline void spin_lock_init(struct spinlock *l)
{
	atomic_store_explicit(&l->locked, 0, memory_order_relaxed);
}

/* Spins until the lock is taken; while it is held, spins on plain loads. */
static inline void spin_lock(struct spinlock *l)
{
	while (atomic_exchange_explicit(&l->locked, 1, memory_order_acquire)) {
		while (atomic_load_explicit(&l->locked, memory_order_relaxed))
			;
	}
}

/* Releases a lock taken with spin_lock. */
static inline void spin_unlock(struct spinlock *l)
{
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}

#endif
