/* For fuzz targets: ends the run when an invariant of the code under test does not hold.
 * libFuzzer reports the abort as a crash and keeps the input that caused it. */
#ifndef TOOLS_FUZZ_REQUIRE_H
#define TOOLS_FUZZ_REQUIRE_H

#include <cstdio>
#include <cstdlib>

/* Aborts, naming the broken invariant `what`, unless ok. */
inline void FuzzRequire(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "fuzz: broken invariant: %s\n", what);
		std::abort();
	}
}

#endif
