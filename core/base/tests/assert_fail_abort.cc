/* ax_assert_fail for host tests: report and abort, so death tests can catch it. */
#include <cstdio>
#include <cstdlib>

extern "C" {
#include <axvm/assert.h>
}

extern "C" void ax_assert_fail(const char *file, int line, const char *expr)
{
	std::fprintf(stderr, "assertion failed at %s:%d: %s\n", file, line, expr);
	std::abort();
}
