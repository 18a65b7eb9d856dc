#include <riscv_vcpu/guest_isa.h>

#include <axvm/error.h>
#include <string.h>

static const char guest_letters[] = "imafdc";

static const char *const guest_extensions[] = {
    "zicsr", "zifencei", "zihintpause", "zihintntl", "zicntr",	"zicond", "zacas", "zfa",
    "zfh",   "zfhmin",	 "zca",		"zcb",	     "zcd",	"zcf",	  "zba",   "zbb",
    "zbc",   "zbs",	 "zbkb",	"zbkc",	     "zbkx",	"zknd",	  "zkne",  "zknh",
    "zksed", "zksh",	 "zkt",		"svinval",   "svnapot", NULL,
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True if the len characters at name spell word, whatever their case. */
static bool same_word(const char *name, size_t len, const char *word)
{
	if (strlen(word) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (lower(name[i]) != word[i])
			return false;
	}
	return true;
}

static bool keep_extension(const char *name, size_t len, bool guest_sstc)
{
	if (same_word(name, len, "sstc"))
		return guest_sstc;
	for (size_t i = 0; guest_extensions[i]; i++) {
		if (same_word(name, len, guest_extensions[i]))
			return true;
	}
	return false;
}

/* Appends len bytes of s to out (used bytes *n of size); false if they do not fit. */
static bool append(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	if (*n + len >= size)
		return false;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
	return true;
}

int riscv_guest_isa(const char *host_isa, bool guest_sstc, char *out, size_t size)
{
	const char *p;
	size_t n = 0;
	bool fits;

	if (size)
		out[0] = '\0';
	if (!host_isa || !same_word(host_isa, 4, "rv64") || lower(host_isa[4]) != 'i')
		return AXERR_INVALID;
	p = host_isa + 4;
	fits = append(out, size, &n, host_isa, 4);
	for (; fits && *p && *p != '_'; p++) {
		if (strchr(guest_letters, lower(*p)) || lower(*p) == 'i')
			fits = append(out, size, &n, p, 1);
	}
	while (fits && *p == '_') {
		const char *name = ++p;
		size_t len = strcspn(name, "_");

		if (len && keep_extension(name, len, guest_sstc))
			fits = append(out, size, &n, "_", 1) && append(out, size, &n, name, len);
		p = name + len;
	}
	if (!fits) {
		if (size)
			out[0] = '\0';
		return AXERR_NO_MEMORY;
	}
	return AX_OK;
}
