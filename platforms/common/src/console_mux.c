#include <board/console_mux.h>

#include <axvm/format.h>
#include <axvm/spinlock.h>
#include <board/console.h>
#include <stdbool.h>
#include <stddef.h>

struct vm_line {
	bool used;
	uint32_t vm_id;
	size_t len;
	char buf[CONSOLE_MUX_LINE + 1];
};

static struct spinlock lock = SPINLOCK_INIT;
static struct vm_line lines[CONSOLE_MUX_VMS];

static struct vm_line *line_of(uint32_t vm_id)
{
	struct vm_line *free_slot = NULL;

	for (size_t i = 0; i < CONSOLE_MUX_VMS; i++) {
		if (lines[i].used && lines[i].vm_id == vm_id)
			return &lines[i];
		if (!lines[i].used && !free_slot)
			free_slot = &lines[i];
	}
	if (free_slot) {
		free_slot->used = true;
		free_slot->vm_id = vm_id;
		free_slot->len = 0;
	}
	return free_slot;
}

/* Prints text of vm_id, continuing its unfinished line or starting a new one. */
static void emit(uint32_t vm_id, const char *text, bool newline)
{
	char prefix[16];

	ax_snprintf(prefix, sizeof(prefix), "[vm%u] ", vm_id);
	console_put_line(CONSOLE_HOST + 1 + vm_id, prefix, text, newline);
}

static void flush_locked(struct vm_line *l, bool newline)
{
	l->buf[l->len] = '\0';
	if (l->len || newline)
		emit(l->vm_id, l->buf, newline);
	l->len = 0;
}

void console_mux_putc(uint32_t vm_id, uint8_t byte)
{
	struct vm_line *l;

	if (byte == '\r')
		return;
	spin_lock(&lock);
	l = line_of(vm_id);
	if (!l) {
		char one[2] = {(char)byte, '\0'};

		emit(vm_id, byte == '\n' ? "" : one, byte == '\n');
	} else if (byte == '\n') {
		flush_locked(l, true);
	} else {
		l->buf[l->len++] = (char)byte;
		if (l->len == CONSOLE_MUX_LINE)
			flush_locked(l, false);
	}
	spin_unlock(&lock);
}

void console_mux_flush(uint32_t vm_id)
{
	struct vm_line *l;

	spin_lock(&lock);
	l = line_of(vm_id);
	if (l && l->len)
		flush_locked(l, false);
	spin_unlock(&lock);
}
