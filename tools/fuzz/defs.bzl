"""libFuzzer targets as Bazel tests.

fuzz_test(name, srcs, deps, corpus) builds a libFuzzer binary from srcs (which define
LLVMFuzzerTestOneInput) with everything it links instrumented for coverage and checked by
AddressSanitizer and UndefinedBehaviorSanitizer (a configuration transition adds the flags to
every dependency, libfdt included). As a test it runs a short bounded fuzzing session from the
seed corpus and fails on any crash, sanitizer report or leak. The binary itself is
`<name>_fuzzer` for long runs (tools/fuzz/README.md).
"""

load("//tests:defs.bzl", "HOST_ONLY")

SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]

_COPTS = SANITIZE + ["-fsanitize=fuzzer-no-link", "-g"]

_LINKOPTS = SANITIZE

def _fuzz_transition_impl(settings, attr):
    return {
        "//command_line_option:copt": settings["//command_line_option:copt"] + _COPTS,
        "//command_line_option:linkopt": settings["//command_line_option:linkopt"] + _LINKOPTS,
    }

_fuzz_transition = transition(
    implementation = _fuzz_transition_impl,
    inputs = ["//command_line_option:copt", "//command_line_option:linkopt"],
    outputs = ["//command_line_option:copt", "//command_line_option:linkopt"],
)

def _fuzz_binary_impl(ctx):
    binary = ctx.attr.binary[0][DefaultInfo].files_to_run.executable
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = binary, is_executable = True)
    return [DefaultInfo(executable = out, files = depset([out]))]

_fuzz_binary = rule(
    implementation = _fuzz_binary_impl,
    executable = True,
    attrs = {
        "binary": attr.label(cfg = _fuzz_transition, mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)

def fuzz_test(name, srcs, deps, corpus, runs = 20000, max_len = 4096, local_defines = [], **kwargs):
    """A libFuzzer target, run `runs` times from `corpus` as a host test.

    Args:
      name: test name; the instrumented binary is name + "_fuzzer".
      srcs: C++ sources defining LLVMFuzzerTestOneInput.
      deps: the libraries under test.
      corpus: the seed inputs (files of one directory).
      runs: inputs tried by the test (the seeds first).
      max_len: the longest input libFuzzer makes.
      local_defines: defines for srcs (one harness, several targets).
      **kwargs: passed to the sh_test.
    """
    native.cc_binary(
        name = name + "_bin",
        testonly = True,
        srcs = srcs,
        copts = ["-fsanitize=fuzzer"],
        local_defines = local_defines,
        # lld: gold warns about every local ASan check symbol.
        linkopts = ["-fsanitize=fuzzer", "-fuse-ld=lld"],
        target_compatible_with = HOST_ONLY,
        # Built only through the transition, which instruments its dependencies too.
        tags = ["manual"],
        deps = deps + ["//tools/fuzz:require"],
    )
    _fuzz_binary(
        name = name + "_fuzzer",
        testonly = True,
        binary = ":" + name + "_bin",
        target_compatible_with = HOST_ONLY,
    )
    native.sh_test(
        name = name,
        size = "small",
        srcs = ["//tools/fuzz:run_fuzz.sh"],
        args = [
            "$(rootpath :%s_fuzzer)" % name,
            "$(rootpath %s)" % corpus[0],
            str(runs),
            str(max_len),
        ],
        data = [":" + name + "_fuzzer"] + corpus,
        target_compatible_with = HOST_ONLY,
        tags = kwargs.pop("tags", []) + ["host", "fuzz"],
        **kwargs
    )
