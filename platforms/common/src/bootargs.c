#include <board/bootargs.h>

#include <string.h>

bool bootargs_has(const char *bootargs, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = bootargs; *p;) {
		while (*p == ' ')
			p++;
		if (strncmp(p, word, n) == 0 && (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}
