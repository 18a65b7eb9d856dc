"""Freestanding clang + lld C toolchains for the bare-metal hypervisor targets."""

load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
)
load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")

_COMPILE_ACTIONS = [
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
]

_LINK_ACTIONS = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

# Flags every freestanding target shares. The hypervisor must not touch FP/SIMD registers of
# its own accord (they belong to guests), must not assume a libc, and must be debuggable.
_COMMON_COMPILE_FLAGS = [
    "-ffreestanding",
    "-fno-builtin",
    "-fno-common",
    "-fno-pic",
    "-fno-stack-protector",
    "-fomit-frame-pointer",
    "-ffunction-sections",
    "-fdata-sections",
    "-nostdinc",
    "-O2",
    "-g",
    "-flto=thin",
]

_COMMON_LINK_FLAGS = [
    "-nostdlib",
    "-static",
    "-fuse-ld=lld",
    "-flto=thin",
    "-Wl,--gc-sections",
    "-Wl,--build-id=none",
]

def _impl(ctx):
    clang_include = ctx.attr.clang_resource_dir + "/include"
    target_flags = ["--target=" + ctx.attr.target_triple] + ctx.attr.arch_flags

    features = [
        feature(
            name = "freestanding_flags",
            enabled = True,
            flag_sets = [
                flag_set(
                    actions = _COMPILE_ACTIONS,
                    flag_groups = [flag_group(flags = target_flags + _COMMON_COMPILE_FLAGS + [
                        "-isystem",
                        clang_include,
                    ])],
                ),
                flag_set(
                    actions = _LINK_ACTIONS,
                    flag_groups = [flag_group(flags = target_flags + _COMMON_LINK_FLAGS + ctx.attr.arch_link_flags)],
                ),
            ],
        ),
        feature(name = "supports_pic", enabled = False),
    ]

    tool_paths = [
        tool_path(name = "gcc", path = "/usr/bin/clang"),
        tool_path(name = "ld", path = "/usr/bin/ld.lld"),
        tool_path(name = "ar", path = "/usr/bin/llvm-ar"),
        tool_path(name = "cpp", path = "/usr/lib/llvm-14/bin/clang-cpp"),
        tool_path(name = "nm", path = "/usr/bin/llvm-nm"),
        tool_path(name = "objcopy", path = "/usr/bin/llvm-objcopy"),
        tool_path(name = "objdump", path = "/usr/bin/llvm-objdump"),
        tool_path(name = "strip", path = "/usr/bin/llvm-strip"),
        tool_path(name = "gcov", path = "/bin/false"),
        tool_path(name = "dwp", path = "/bin/false"),
    ]

    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = features,
        cxx_builtin_include_directories = [clang_include],
        toolchain_identifier = ctx.attr.target_triple,
        host_system_name = "x86_64-linux-gnu",
        target_system_name = ctx.attr.target_triple,
        target_cpu = ctx.attr.cpu,
        target_libc = "none",
        compiler = "clang",
        abi_version = "none",
        abi_libc_version = "none",
        tool_paths = tool_paths,
    )

baremetal_cc_toolchain_config = rule(
    implementation = _impl,
    attrs = {
        "arch_flags": attr.string_list(doc = "Architecture flags for compiling and linking."),
        "arch_link_flags": attr.string_list(default = []),
        "clang_resource_dir": attr.string(default = "/usr/lib/llvm-14/lib/clang/14.0.6"),
        "cpu": attr.string(mandatory = True),
        "target_triple": attr.string(mandatory = True),
    },
    provides = [CcToolchainConfigInfo],
)
