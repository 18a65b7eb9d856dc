"""Bazel rules that build a hypervisor image for a board and boot it under an emulator.

hv_emulator_test(name, board, binary, ...) builds `binary` (a bare-metal cc_binary) for the
board's platform through a transition, packs it the way the board's firmware expects (an ELF
for QEMU's -kernel, a raw arm64 Image for the Linux boot protocol, a GRUB multiboot ISO for
Bochs) and runs it as an ordinary test.
"""

# Board name -> (platform, emulator, image format, architecture tag).
BOARDS = {
    "riscv64_qemu_virt": struct(
        platform = "//platforms:riscv64_qemu_virt",
        emulator = "qemu-riscv64",
        image = "elf",
        tag = "riscv64",
    ),
    "aarch64_qemu_virt": struct(
        platform = "//platforms:aarch64_qemu_virt",
        emulator = "qemu-aarch64",
        image = "arm64_image",
        tag = "aarch64",
    ),
    "x86_64_pc": struct(
        platform = "//platforms:x86_64_pc",
        emulator = "bochs",
        image = "iso",
        tag = "x86_64",
    ),
}

# target_compatible_with for targets that only build on the host (GoogleTest suites).
HOST_ONLY = select({
    "//platforms:baremetal": ["//platforms:incompatible"],
    "//conditions:default": [],
})

def _platform_transition_impl(settings, attr):
    return {"//command_line_option:platforms": str(attr.platform)}

_platform_transition = transition(
    implementation = _platform_transition_impl,
    inputs = [],
    outputs = ["//command_line_option:platforms"],
)

def _hv_image_impl(ctx):
    elf = ctx.attr.binary[0][DefaultInfo].files_to_run.executable
    if ctx.attr.format == "elf":
        out = ctx.actions.declare_file(ctx.label.name + ".elf")
        ctx.actions.symlink(output = out, target_file = elf)
    elif ctx.attr.format == "arm64_image":
        # The binary starts with its own arm64 Image header, so QEMU's -kernel boots it by the
        # Linux protocol and passes the devicetree in x0 (for an ELF it passes nothing).
        out = ctx.actions.declare_file(ctx.label.name + ".bin")
        ctx.actions.run(
            inputs = [elf],
            outputs = [out],
            executable = "/usr/bin/llvm-objcopy",
            arguments = ["-O", "binary", elf.path, out.path],
            mnemonic = "Arm64Image",
            progress_message = "Building arm64 Image %s" % out.short_path,
        )
    else:
        out = ctx.actions.declare_file(ctx.label.name + ".iso")
        cfg = ctx.actions.declare_file(ctx.label.name + ".grub.cfg")
        ctx.actions.expand_template(
            template = ctx.file._grub_cfg,
            output = cfg,
            substitutions = {"@CMDLINE@": ctx.attr.cmdline},
        )
        ctx.actions.run_shell(
            inputs = [elf, cfg],
            outputs = [out],
            command = """
                set -e
                dir=$(mktemp -d)
                mkdir -p "$dir/boot/grub"
                cp "$1" "$dir/boot/hv.elf"
                cp "$2" "$dir/boot/grub/grub.cfg"
                grub-mkrescue -o "$3" "$dir" 2>"$dir.log" || { cat "$dir.log" >&2; exit 1; }
                rm -rf "$dir" "$dir.log"
            """,
            arguments = [elf.path, cfg.path, out.path],
            mnemonic = "GrubIso",
            progress_message = "Building multiboot ISO %s" % out.short_path,
            use_default_shell_env = True,
        )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

hv_image = rule(
    implementation = _hv_image_impl,
    doc = "A hypervisor image for one board: the binary built for `platform`, packed as `format`.",
    attrs = {
        "binary": attr.label(mandatory = True, cfg = _platform_transition),
        "cmdline": attr.string(default = "", doc = "Boot arguments baked into an ISO's grub.cfg."),
        "format": attr.string(values = ["elf", "arm64_image", "iso"], default = "elf"),
        "platform": attr.label(mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
        "_grub_cfg": attr.label(default = "//tests:grub.cfg.in", allow_single_file = True),
    },
)

def _shell_quote(s):
    # sh_test args are split like a shell command line; keep each one a single word.
    return "'" + s.replace("'", "'\\''") + "'"

def _board_run(name, board, binary, bootargs, cpus, memory_mb, testonly):
    """Declares `<name>_image` for the board and returns the runner arguments that boot it."""
    b = BOARDS[board]
    image = name + "_image"
    hv_image(
        name = image,
        binary = binary,
        cmdline = bootargs,
        format = b.image,
        platform = b.platform,
        testonly = testonly,
    )
    args = [
        "--emulator=" + b.emulator,
        "--image=$(rootpath :%s)" % image,
        "--cpus=%d" % cpus,
        "--memory=%d" % memory_mb,
    ]
    if bootargs and b.image != "iso":
        args.append("--bootargs=" + bootargs)
    return ":" + image, args

def hv_emulator_test(
        name,
        board,
        binary,
        expect,
        bootargs = "",
        cpus = 2,
        expect_status = "success",
        memory_mb = 256,
        timeout_s = 60,
        tags = [],
        **kwargs):
    """Boots `binary` on `board` and checks its console and exit status.

    Args:
      name: test name.
      board: a key of BOARDS.
      binary: the bare-metal cc_binary of the hypervisor host.
      expect: extended regular expressions that must match console lines, in this order.
      bootargs: the hypervisor's command line (devicetree /chosen or multiboot).
      cpus: number of emulated CPUs.
      expect_status: "success" (emulator exits 0) or "failure" (exits non-zero by itself,
        not by the timeout).
      memory_mb: emulated RAM.
      timeout_s: the emulator is killed after this many seconds and the test fails.
      tags: extra tags; the architecture tag is added.
      **kwargs: passed to sh_test.
    """
    image, args = _board_run(name, board, binary, bootargs, cpus, memory_mb, testonly = True)
    args += [
        "--timeout=%d" % timeout_s,
        "--expect-status=" + expect_status,
    ] + ["--expect=" + e for e in expect]
    native.sh_test(
        name = name,
        srcs = ["//tests:run_emulator.sh"],
        args = [_shell_quote(a) for a in args],
        data = [image],
        size = "small" if timeout_s <= 60 else "medium",
        tags = tags + [BOARDS[board].tag, "emulator"],
        **kwargs
    )

def hv_emulator_run(name, board, binary, bootargs = "", cpus = 2, memory_mb = 256, **kwargs):
    """`bazel run`-able target: boots `binary` on `board` with the console on the terminal."""
    image, args = _board_run(name, board, binary, bootargs, cpus, memory_mb, testonly = False)
    native.sh_binary(
        name = name,
        srcs = ["//tests:run_emulator.sh"],
        args = [_shell_quote(a) for a in ["--interactive"] + args],
        data = [image],
        **kwargs
    )
