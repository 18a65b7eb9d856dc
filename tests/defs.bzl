"""Bazel rules that build a hypervisor image for a board and boot it under an emulator.

hv_emulator_test(name, board, binary, ...) builds `binary` (a bare-metal cc_binary) for the
board's platform through a transition, packs it the way the board's firmware expects (an ELF
for QEMU's -kernel, a raw arm64 Image for the Linux boot protocol, a GRUB multiboot ISO for
Bochs) and runs it as an ordinary test.

vm_bundle(name, platform, configs, kernels) packs VMs for a hypervisor host: each VM's config
(.dts, compiled with dtc) and guest kernel (a cc_binary built for `platform`, made flat) go into
one devicetree blob, the format of platforms/common/include/board/vm_bundle.h, which the
emulator tests hand to the host as QEMU's -initrd.
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
        image = "raw",
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

def _objcopy_binary(ctx, elf, out):
    ctx.actions.run(
        inputs = [elf],
        outputs = [out],
        executable = "/usr/bin/llvm-objcopy",
        arguments = ["-O", "binary", elf.path, out.path],
        mnemonic = "ObjcopyBinary",
        progress_message = "Making flat binary %s" % out.short_path,
    )

def _hv_image_impl(ctx):
    elf = ctx.attr.binary[0][DefaultInfo].files_to_run.executable
    if ctx.attr.format == "elf":
        out = ctx.actions.declare_file(ctx.label.name + ".elf")
        ctx.actions.symlink(output = out, target_file = elf)
    elif ctx.attr.format == "raw":
        # A flat binary: for aarch64 it starts with its own arm64 Image header, so QEMU's -kernel
        # boots it by the Linux protocol and passes the devicetree in x0 (for an ELF it passes
        # nothing); guest kernels are loaded the same way.
        out = ctx.actions.declare_file(ctx.label.name + ".bin")
        _objcopy_binary(ctx, elf, out)
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
        "format": attr.string(values = ["elf", "raw", "iso"], default = "elf"),
        "platform": attr.label(mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
        "_grub_cfg": attr.label(default = "//tests:grub.cfg.in", allow_single_file = True),
    },
)

def _vm_bundle_impl(ctx):
    if len(ctx.files.configs) != len(ctx.attr.kernels):
        fail("vm_bundle: one kernel per config")
    inputs = []
    nodes = []
    for i, (config, kernel) in enumerate(zip(ctx.files.configs, ctx.attr.kernels)):
        dtb = ctx.actions.declare_file("%s_vm%d.dtb" % (ctx.label.name, i))
        ctx.actions.run_shell(
            inputs = [config],
            outputs = [dtb],
            command = "dtc -q -I dts -O dtb -o \"$2\" \"$1\"",
            arguments = [config.path, dtb.path],
            mnemonic = "Dtc",
            use_default_shell_env = True,
        )
        flat = ctx.actions.declare_file("%s_vm%d.bin" % (ctx.label.name, i))
        _objcopy_binary(ctx, kernel[DefaultInfo].files_to_run.executable, flat)
        inputs += [dtb, flat]
        nodes.append('\tvm@%d {\n\t\tconfig = /incbin/("%s");\n\t\tkernel = /incbin/("%s");\n\t};\n' %
                     (i, dtb.path, flat.path))
    dts = ctx.actions.declare_file(ctx.label.name + ".dts")
    ctx.actions.write(dts, '/dts-v1/;\n\n/ {\n\tcompatible = "axvm,bundle";\n\n' + "".join(nodes) + "};\n")
    out = ctx.actions.declare_file(ctx.label.name + ".dtb")
    ctx.actions.run_shell(
        inputs = inputs + [dts],
        outputs = [out],
        command = "dtc -q -i . -I dts -O dtb -o \"$2\" \"$1\"",
        arguments = [dts.path, out.path],
        mnemonic = "VmBundle",
        use_default_shell_env = True,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

vm_bundle = rule(
    implementation = _vm_bundle_impl,
    doc = "VM configs and guest kernels packed into one bundle blob for a hypervisor host.",
    attrs = {
        "configs": attr.label_list(allow_files = [".dts"], mandatory = True),
        "kernels": attr.label_list(mandatory = True, cfg = _platform_transition),
        "platform": attr.label(mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)

def _shell_quote(s):
    # sh_test args are split like a shell command line; keep each one a single word.
    return "'" + s.replace("'", "'\\''") + "'"

def _board_run(name, board, binary, bootargs, cpus, memory_mb, testonly, initrd = None, emulator_args = []):
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
    data = [":" + image]
    if initrd:
        args.append("--initrd=$(rootpath %s)" % initrd)
        data.append(initrd)
    if emulator_args:
        args += ["--"] + emulator_args
    return data, args

def hv_emulator_test(
        name,
        board,
        binary,
        expect,
        bootargs = "",
        cpus = 2,
        expect_status = "success",
        memory_mb = 256,
        timeout_s = 45,
        tags = [],
        initrd = None,
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
      timeout_s: the emulator is killed after this many seconds and the test fails, with the
        console shown (kept below Bazel's 60 s for small tests so that the runner, not Bazel,
        reports a hang).
      tags: extra tags; the architecture tag is added.
      initrd: a file handed to the host as QEMU's -initrd (e.g. a vm_bundle).
      **kwargs: passed to sh_test.
    """
    data, args = _board_run(name, board, binary, bootargs, cpus, memory_mb, True, initrd)
    args += [
        "--timeout=%d" % timeout_s,
        "--expect-status=" + expect_status,
    ] + ["--expect=" + e for e in expect]
    native.sh_test(
        name = name,
        srcs = ["//tests:run_emulator.sh"],
        args = [_shell_quote(a) for a in args],
        data = data,
        size = "small" if timeout_s <= 60 else "medium",
        tags = tags + [BOARDS[board].tag, "emulator"],
        **kwargs
    )

def hv_emulator_run(
        name,
        board,
        binary,
        bootargs = "",
        cpus = 2,
        memory_mb = 256,
        initrd = None,
        emulator_args = [],
        **kwargs):
    """`bazel run`-able target: boots `binary` on `board` with the console on the terminal."""
    data, args = _board_run(name, board, binary, bootargs, cpus, memory_mb, False, initrd, emulator_args)
    native.sh_binary(
        name = name,
        srcs = ["//tests:run_emulator.sh"],
        args = [_shell_quote(a) for a in ["--interactive"] + args],
        data = data,
        **kwargs
    )
