/* A PLIC host for tests: records every context-line callback and keeps each line's level. */
#ifndef AXDEVICE_TESTS_PLIC_HOST_RECORDER_H
#define AXDEVICE_TESTS_PLIC_HOST_RECORDER_H

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

extern "C" {
#include <axdevice/plic.h>
}

struct PlicHostRecorder {
	PlicHostRecorder() : host{SetContextIrq, this}
	{
	}

	/* Pass &host to the PLIC under test. */
	axdevice_plic_host host;
	/* Every set_context_irq call: (context, level). */
	std::vector<std::pair<uint32_t, bool>> calls;

	/* The level of context's line from the calls so far, false before any. */
	bool level(uint32_t context) const
	{
		auto it = levels.find(context);
		return it != levels.end() && it->second;
	}

      private:
	std::map<uint32_t, bool> levels;

	static void SetContextIrq(void *ctx, uint32_t context, bool level)
	{
		auto *self = static_cast<PlicHostRecorder *>(ctx);
		self->calls.emplace_back(context, level);
		self->levels[context] = level;
	}
};

#endif
