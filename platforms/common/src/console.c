#include <board/console.h>

#include <axvm/format.h>
#include <axvm/spinlock.h>

static console_putc_fn console_putc;
static struct spinlock console_lock = SPINLOCK_INIT;

void console_init(console_putc_fn putc)
{
	console_putc = putc;
}

static void console_emit(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		console_putc('\r');
	console_putc(c);
}

void kvprintf(const char *fmt, va_list ap)
{
	if (!console_putc)
		return;
	spin_lock(&console_lock);
	ax_vformat(console_emit, NULL, fmt, ap);
	spin_unlock(&console_lock);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
