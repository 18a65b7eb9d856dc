/* A test-and-set spinlock (C11 atomics, freestanding). */
#ifndef AXVM_SPINLOCK_H
#define AXVM_SPINLOCK_H

#include <stdatomic.h>

struct spinlock {
	atomic_flag flag;
};

#define SPINLOCK_INIT            \
	{                        \
		ATOMIC_FLAG_INIT \
	}

/* Initialises a lock that was not statically initialised with SPINLOCK_INIT. */
static inline void spin_lock_init(struct spinlock *l)
{
	atomic_flag_clear_explicit(&l->flag, memory_order_relaxed);
}

/* Spins until the lock is taken. */
static inline void spin_lock(struct spinlock *l)
{
	while (atomic_flag_test_and_set_explicit(&l->flag, memory_order_acquire))
		;
}

/* Releases a lock taken with spin_lock. */
static inline void spin_unlock(struct spinlock *l)
{
	atomic_flag_clear_explicit(&l->flag, memory_order_release);
}

#endif
