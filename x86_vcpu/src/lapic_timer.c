/* The local APIC timer (x86_vcpu/lapic.h): one-shot, periodic and TSC-deadline mode, counting
 * TSC ticks through the divide configuration (SDM Vol. 3A 11.5.4). */
#include <x86_vcpu/lapic.h>

static uint32_t timer_mode(const struct x86_lapic *a)
{
	return a->lvt[X86_LVT_TIMER] & X86_LVT_TIMER_MODE;
}

/* TSC ticks per count: divide configuration bits 3, 1, 0 of 000..110 divide by 2..128, 111 by 1. */
static uint64_t divisor(const struct x86_lapic *a)
{
	uint32_t v = (a->timer_divide & 3) | (a->timer_divide & 8) >> 1;

	return v == 7 ? 1 : 2ull << v;
}

uint64_t x86_lapic_timer_deadline(const struct x86_lapic *a)
{
	if (!a->timer_armed || (a->lvt[X86_LVT_TIMER] & X86_LVT_MASKED))
		return UINT64_MAX;
	return a->timer_next;
}

bool x86_lapic_timer_expire(struct x86_lapic *a, uint64_t now)
{
	uint32_t lvt = a->lvt[X86_LVT_TIMER];

	if (!a->timer_armed || now < a->timer_next)
		return false;
	if (timer_mode(a) == X86_LVT_TIMER_PERIODIC) {
		uint64_t period = a->timer_initial * divisor(a);

		a->timer_next += ((now - a->timer_next) / period + 1) * period;
	} else {
		a->timer_armed = false;
	}
	if (lvt & X86_LVT_MASKED)
		return false;
	x86_lapic_accept(a, (uint8_t)lvt, false);
	return (uint8_t)lvt >= 16;
}

uint32_t x86_lapic_timer_current(const struct x86_lapic *a, uint64_t now)
{
	uint64_t div = divisor(a);

	if (!a->timer_armed || timer_mode(a) == X86_LVT_TIMER_DEADLINE)
		return 0;
	if (now < a->timer_next)
		return (uint32_t)((a->timer_next - now + div - 1) / div);
	if (timer_mode(a) == X86_LVT_TIMER_ONESHOT)
		return 0;
	return a->timer_initial - (uint32_t)((now - a->timer_next) / div % a->timer_initial);
}

void x86_lapic_timer_set_initial(struct x86_lapic *a, uint32_t count, uint64_t now)
{
	if (timer_mode(a) == X86_LVT_TIMER_DEADLINE)
		return;
	a->timer_initial = count;
	a->timer_armed = count != 0;
	a->timer_next = now + count * divisor(a);
}

void x86_lapic_timer_set_divide(struct x86_lapic *a, uint32_t divide, uint64_t now)
{
	uint32_t count = x86_lapic_timer_current(a, now);

	a->timer_divide = divide;
	if (a->timer_armed && timer_mode(a) != X86_LVT_TIMER_DEADLINE)
		a->timer_next = now + count * divisor(a);
}

void x86_lapic_timer_set_lvt(struct x86_lapic *a, uint32_t value)
{
	if ((value ^ a->lvt[X86_LVT_TIMER]) & X86_LVT_TIMER_MODE) {
		a->timer_armed = false;
		a->timer_initial = 0;
	}
	a->lvt[X86_LVT_TIMER] = value;
}

uint64_t x86_lapic_tsc_deadline(const struct x86_lapic *a)
{
	return a->timer_armed && timer_mode(a) == X86_LVT_TIMER_DEADLINE ? a->timer_next : 0;
}

void x86_lapic_set_tsc_deadline(struct x86_lapic *a, uint64_t deadline)
{
	if (timer_mode(a) != X86_LVT_TIMER_DEADLINE)
		return;
	a->timer_armed = deadline != 0;
	a->timer_next = deadline;
}
