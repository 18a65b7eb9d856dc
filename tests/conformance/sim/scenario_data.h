/* What one sim conformance test runs and expects: generated per scenario by
 * conformance_sim_suite (tests/conformance/defs.bzl) from scenarios.bzl. */
#ifndef TESTS_CONFORMANCE_SIM_SCENARIO_DATA_H
#define TESTS_CONFORMANCE_SIM_SCENARIO_DATA_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

/* One VM of the scenario's bundle. */
struct SimScenarioVm {
	uint32_t id;
	const char *config;		 /* its configuration blob, a runfiles path */
	void (*main)(void);		 /* the scenario's conf_main */
	std::vector<std::string> expect; /* its lines, in order */
};

extern const std::vector<SimScenarioVm> kSimScenarioVms;
extern const std::vector<std::string> kSimScenarioExpect;
extern const std::vector<std::pair<std::string, long>> kSimScenarioAtMost;

#endif
