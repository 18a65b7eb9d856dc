#include <board/console.h>

#include <axvm/format.h>
#include <axvm/spinlock.h>
#include <stdbool.h>

static console_putc_fn console_putc;
static struct spinlock console_lock = SPINLOCK_INIT;
/* Whose line is on the console unfinished (no newline yet), if any. */
static bool line_open;
static uint32_t line_owner;

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
	line_open = c != '\n';
}

/* Output of owner starts: another owner's unfinished line is ended first. */
static void take_line(uint32_t owner)
{
	if (line_open && line_owner != owner)
		console_emit(NULL, '\n');
	line_owner = owner;
}

void kvprintf(const char *fmt, va_list ap)
{
	if (!console_putc)
		return;
	spin_lock(&console_lock);
	take_line(CONSOLE_HOST);
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

static void emit_string(const char *s)
{
	while (*s)
		console_emit(NULL, *s++);
}

void console_put_line(uint32_t owner, const char *prefix, const char *text, bool newline)
{
	bool continuing;

	if (!console_putc)
		return;
	spin_lock(&console_lock);
	continuing = line_open && line_owner == owner;
	take_line(owner);
	if (!continuing)
		emit_string(prefix);
	emit_string(text);
	if (newline)
		console_emit(NULL, '\n');
	spin_unlock(&console_lock);
}
