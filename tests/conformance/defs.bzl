"""conformance_suite: the scenarios of scenarios.bzl, instantiated for one architecture."""

load("//tests:defs.bzl", "hv_emulator_test", "vm_bundle", "vm_image")
load(":scenarios.bzl", "SCENARIOS")

NEIGHBOR_ID = 90

# What the board's host shows in every run, whatever the guests did: it never panics, and it
# gets back every page the VMs held.
NO_PANIC = {"PANIC|assertion failed": 0}

MEMORY_RETURNED = "^host memory: every page the VMs held is free again"

def _fill(patterns, vm_id, name):
    return [p.replace("{id}", str(vm_id)).replace("{name}", name) for p in patterns]

def _config_dts(name, vm_id, vm_name, scenario, config_template):
    """The VM configuration `name`.dts: the template filled in for one VM of a scenario."""
    if native.existing_rule(name):
        return
    native.genrule(
        name = name,
        testonly = True,
        srcs = [config_template],
        outs = [name + ".dts"],
        cmd = "sed -e 's/@ID@/%d/' -e 's/@NAME@/%s/' -e 's/@VCPUS@/%d/' -e 's/@ON_RESET@/%s/' $< > $@" % (
            vm_id,
            vm_name,
            scenario["vcpus"],
            scenario.get("on_reset", "restart"),
        ),
    )

def _guest_vm(arch, source, vm_id, vm_name, scenario, shim, linker_script, config_template,
              platform, constraints):
    """A VM running scenario `source` as `vm_name`, id vm_id; returns its vm_image label."""
    guest = "%s_%s_guest" % (arch, vm_name)
    if not native.existing_rule(guest):
        native.cc_binary(
            name = guest,
            testonly = True,
            srcs = ["//tests/conformance:scenarios/%s.c" % source],
            additional_linker_inputs = [linker_script],
            linkopts = ["-Wl,-T,$(location %s)" % linker_script],
            target_compatible_with = constraints,
            deps = [shim],
        )
    config = "%s_%s_%d_config" % (arch, vm_name, vm_id)
    _config_dts(config, vm_id, vm_name, scenario, config_template)
    vm = "%s_%s_%d_vm" % (arch, vm_name, vm_id)
    if not native.existing_rule(vm):
        vm_image(
            name = vm,
            testonly = True,
            config = ":" + config,
            kernel = ":" + guest,
            platform = platform,
            visibility = ["//tests:__subpackages__"],
        )
    return ":" + vm

def _vm_id(name):
    return 10 + sorted(SCENARIOS.keys()).index(name)

def _vm_name(name):
    return "conf-" + name.replace("_", "-")

def conformance_vm(arch, name):
    """Scenario `name`'s VM as conformance_suite(arch) builds it, for bundles elsewhere.

    Returns:
      struct(vm: its vm_image label, id: its VM id, expect: its patterns, at_most: its limits).
    """
    vm_id = _vm_id(name)
    s = SCENARIOS[name]
    return struct(
        vm = "//tests/conformance:%s_%s_%d_vm" % (arch, _vm_name(name), vm_id),
        id = vm_id,
        expect = _fill(s["expect"], vm_id, _vm_name(name)),
        at_most = s.get("at_most", {}),
    )

def conformance_suite(arch, board, hypervisor, platform, shim, linker_script, config_template,
                      constraints):
    """One hv_emulator_test per scenario and host CPU count: <arch>_<scenario>_<n>cpu_test.

    Args:
      arch: the architecture's name, a prefix of every target.
      board: the board the hypervisor runs on (a key of //tests:defs.bzl BOARDS).
      hypervisor: the board's hypervisor cc_binary.
      platform: the platform guests and the hypervisor are built for.
      shim: the cc_library implementing conf.h for the architecture.
      linker_script: the guests' linker script.
      config_template: the VM configuration, with @ID@, @NAME@ and @VCPUS@ to fill in.
      constraints: target_compatible_with of the guests.
    """
    for name, s in sorted(SCENARIOS.items()):
        vm_id = _vm_id(name)
        vm_name = _vm_name(name)
        vms = [_guest_vm(arch, s.get("source", name), vm_id, vm_name, s, shim,
                         linker_script, config_template, platform, constraints)]
        expect_vms = {vm_id: _fill(s["expect"], vm_id, vm_name)}
        neighbor = s.get("neighbor")
        if neighbor:
            n = SCENARIOS[neighbor]
            n_name = _vm_name(neighbor)
            vms.append(_guest_vm(arch, neighbor, NEIGHBOR_ID, n_name, n, shim,
                                 linker_script, config_template, platform, constraints))
            expect_vms[NEIGHBOR_ID] = _fill(n["expect"], NEIGHBOR_ID, n_name)
        bundle = "%s_%s_bundle" % (arch, name)
        vm_bundle(
            name = bundle,
            testonly = True,
            vms = vms,
        )
        errors = s.get("errors", 0)
        at_most = dict(NO_PANIC)
        at_most.update(s.get("at_most", {}))
        for cpus in s["host_cpus"]:
            hv_emulator_test(
                name = "%s_%s_%dcpu_test" % (arch, name, cpus),
                board = board,
                binary = hypervisor,
                cpus = cpus,
                expect = ["^all VMs stopped \\(%d by an error\\)" % errors, MEMORY_RETURNED],
                expect_status = "failure" if errors else "success",
                expect_vms = expect_vms,
                at_most = at_most,
                initrd = ":" + bundle,
                tags = ["conformance"],
            )

def _cc_string(s):
    return 'R"conf(%s)conf"' % s

def _sim_config(source_name, vm_id, vm_name, scenario, config_template):
    dts = "sim_%s_%d_config" % (vm_name, vm_id)
    if not native.existing_rule(dts):
        _config_dts(dts, vm_id, vm_name, scenario, config_template)
        native.genrule(
            name = dts + "_dtb",
            testonly = True,
            srcs = [":" + dts],
            outs = [dts + ".dtb"],
            cmd = "dtc -q -I dts -O dtb -o $@ $<",
        )
    lib = "sim_scenario_" + source_name
    if not native.existing_rule(lib):
        native.cc_library(
            name = lib,
            testonly = True,
            srcs = ["//tests/conformance:scenarios/%s.c" % source_name],
            local_defines = ["conf_main=conf_main_" + source_name],
            deps = [
                "//tests/conformance:conf_api",
                "//tests/conformance/riscv64:conf_arch",
            ],
        )
    return struct(
        dtb = ":" + dts + "_dtb",
        path = "%s/%s.dtb" % (native.package_name(), dts),
        lib = ":" + lib,
        main = "conf_main_" + source_name,
    )

def conformance_sim_suite(config_template, host_only):
    """The scenarios on the host's sim backend: sim_<scenario>_test, one per scenario.

    Args:
      config_template: the VM configuration template the sim's VMs are built from.
      host_only: target_compatible_with of host tests.
    """
    for name, s in sorted(SCENARIOS.items()):
        vm_id = _vm_id(name)
        vm_name = _vm_name(name)
        vms = [(vm_id, vm_name, s, _sim_config(s.get("source", name), vm_id, vm_name, s,
                                                 config_template))]
        neighbor = s.get("neighbor")
        if neighbor:
            n = SCENARIOS[neighbor]
            n_name = _vm_name(neighbor)
            vms.append((NEIGHBOR_ID, n_name, n, _sim_config(neighbor, NEIGHBOR_ID, n_name, n,
                                                             config_template)))
        errors = s.get("errors", 0)
        lines = ['#include "tests/conformance/sim/scenario_data.h"', ""]
        lines += ['extern "C" void %s(void);' % m for m in sorted({c.main: 1 for (_, _, _, c) in vms}.keys())]
        lines.append("const std::vector<SimScenarioVm> kSimScenarioVms = {")
        for (i, nm, sc, c) in vms:
            pats = ", ".join([_cc_string(p) for p in _fill(sc["expect"], i, nm)])
            lines.append('    {%d, "%s", %s, {%s}},' % (i, c.path, c.main, pats))
        lines.append("};")
        lines.append("const std::vector<std::string> kSimScenarioExpect = {%s};" %
                     _cc_string("^all VMs stopped \\(%d by an error\\)" % errors))
        lines.append("const std::vector<std::pair<std::string, long>> kSimScenarioAtMost = {%s};" %
                     ", ".join(["{%s, %d}" % (_cc_string(p), m) for p, m in s.get("at_most", {}).items()]))
        data = "sim_%s_data" % name
        native.genrule(
            name = data,
            testonly = True,
            outs = [data + ".cc"],
            cmd = "cat > $@ <<'CONF_EOF'\n" + "\n".join(lines).replace("$", "$$") + "\nCONF_EOF",
        )
        native.cc_test(
            name = "sim_%s_test" % name,
            size = "small",
            srcs = [
                ":" + data,
                "//tests/conformance/sim:run_scenario.cc",
            ],
            data = [c.dtb for (_, _, _, c) in vms],
            tags = ["host", "conformance"],
            target_compatible_with = host_only,
            deps = [c.lib for (_, _, _, c) in vms] + [
                "//core:axvm",
                "//core:test_hal",
                "//tests/conformance/sim:machine",
                "//tests/sim_vcpu",
                "@googletest//:gtest_main",
            ],
        )
