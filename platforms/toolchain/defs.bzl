"""One macro per bare-metal C toolchain: config, cc_toolchain and the toolchain() binding."""

load(":cc_toolchain_config.bzl", "baremetal_cc_toolchain_config")

def baremetal_toolchain(name, cpu, target_triple, arch_flags, arch_link_flags = []):
    """Declares the clang/lld toolchain `<name>_baremetal_toolchain` for cpu + os:none."""
    baremetal_cc_toolchain_config(
        name = name + "_config",
        arch_flags = arch_flags,
        arch_link_flags = arch_link_flags,
        cpu = cpu,
        target_triple = target_triple,
    )
    native.filegroup(name = name + "_empty")
    native.cc_toolchain(
        name = name + "_cc_toolchain",
        all_files = ":" + name + "_empty",
        ar_files = ":" + name + "_empty",
        as_files = ":" + name + "_empty",
        compiler_files = ":" + name + "_empty",
        dwp_files = ":" + name + "_empty",
        linker_files = ":" + name + "_empty",
        objcopy_files = ":" + name + "_empty",
        strip_files = ":" + name + "_empty",
        supports_param_files = 0,
        toolchain_config = ":" + name + "_config",
    )
    native.toolchain(
        name = name + "_baremetal_toolchain",
        target_compatible_with = [
            "@platforms//cpu:" + cpu,
            "@platforms//os:none",
        ],
        toolchain = ":" + name + "_cc_toolchain",
        toolchain_type = "@bazel_tools//tools/cpp:toolchain_type",
    )
