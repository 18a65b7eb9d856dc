#include <axvm/format.h>

#include <stdbool.h>
#include <stdint.h>

struct spec {
	bool left;
	bool zero;
	int width;
	int precision;
	int length; /* 0, 'H' (hh), 'h', 'l', 'L' (ll) */
};

struct out {
	ax_putc_fn putc;
	void *ctx;
	size_t count;
};

static void emit(struct out *o, char c)
{
	o->putc(o->ctx, c);
	o->count++;
}

static void pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		emit(o, c);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->precision < 0 || len < sp->precision))
		len++;
	if (!sp->left)
		pad(o, sp->width - len, ' ');
	for (int i = 0; i < len; i++)
		emit(o, s[i]);
	if (sp->left)
		pad(o, sp->width - len, ' ');
}

static void emit_number(struct out *o, const struct spec *sp, uintmax_t v, bool negative,
			unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = 0;
	int prefix_len = 0;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		prefix = "-";
	while (prefix && prefix[prefix_len])
		prefix_len++;

	int fill = sp->width - n - prefix_len;
	if (!sp->left && !sp->zero)
		pad(o, fill, ' ');
	for (int i = 0; i < prefix_len; i++)
		emit(o, prefix[i]);
	if (!sp->left && sp->zero)
		pad(o, fill, '0');
	while (n)
		emit(o, buf[--n]);
	if (sp->left)
		pad(o, fill, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){.precision = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	if (*f == '.') {
		sp->precision = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			sp->precision = sp->precision * 10 + (*f - '0');
	}
	if (f[0] == 'h' && f[1] == 'h') {
		sp->length = 'H';
		f += 2;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->length = 'L';
		f += 2;
	} else if (*f == 'h') {
		sp->length = 'h';
		f++;
	} else if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j') {
		sp->length = 'L'; /* long, size_t, ptrdiff_t and intmax_t are 64-bit here */
		f++;
	}
	return f;
}

static uintmax_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'L':
		return va_arg(*ap, unsigned long long);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static intmax_t fetch_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'L':
		return va_arg(*ap, long long);
	default:
		return va_arg(*ap, int);
	}
}

size_t ax_vformat(ax_putc_fn putc, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = {.putc = putc, .ctx = ctx};
	struct spec sp;
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &ap);
		switch (*fmt) {
		case 'd':
		case 'i': {
			intmax_t v = fetch_signed(&sp, &ap);
			uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
			emit_number(&o, &sp, mag, v < 0, 10, false, NULL);
			break;
		}
		case 'u':
			emit_number(&o, &sp, fetch_unsigned(&sp, &ap), false, 10, false, NULL);
			break;
		case 'x':
		case 'X':
			emit_number(&o, &sp, fetch_unsigned(&sp, &ap), false, 16, *fmt == 'X',
				    NULL);
			break;
		case 'o':
			emit_number(&o, &sp, fetch_unsigned(&sp, &ap), false, 8, false, NULL);
			break;
		case 'p':
			emit_number(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 's':
			emit_string(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = {(char)va_arg(ap, int), 0};
			sp.precision = 1;
			emit_string(&o, &sp, c);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			va_end(ap);
			return o.count;
		default: /* unknown conversion: show it verbatim */
			emit(&o, '%');
			emit(&o, *fmt);
			break;
		}
		fmt++;
	}
	va_end(ap);
	return o.count;
}

struct buffer {
	char *buf;
	size_t size;
	size_t used;
};

static void buffer_putc(void *ctx, char c)
{
	struct buffer *b = ctx;

	if (b->used + 1 < b->size)
		b->buf[b->used] = c;
	b->used++;
}

size_t ax_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = {.buf = buf, .size = size};
	size_t n = ax_vformat(buffer_putc, &b, fmt, ap);

	if (size)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}

size_t ax_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = ax_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
