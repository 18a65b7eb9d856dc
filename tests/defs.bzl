"""Bazel rules that build a hypervisor image for a board and boot it under an emulator.

hv_emulator_test(name, board, binary, ...) builds `binary` (a bare-metal cc_binary) for the
board's platform through a transition, packs it the way the board's firmware expects (an ELF
for QEMU's -kernel, a raw arm64 Image for the Linux boot protocol, a GRUB multiboot ISO for
Bochs) and runs it as an ordinary test.

vm_image(name, config, kernel | kernel_file, initrd, dtb, platform) describes one VM: its config
(.dts), its kernel (a cc_binary built for `platform` and made flat, or a prebuilt image such as
Debian's U-Boot or a Linux Image), optionally an initrd, and optionally the guest's devicetree
(.dts). vm_bundle(name, vms) packs VMs into one
devicetree blob, the format of platforms/common/include/board/vm_bundle.h, which the emulator
tests hand to the host as QEMU's -initrd.
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
# What the "irqtest" boot mode (platforms/common irq_test) prints on 2 CPUs, for every board.
IRQ_TEST_EXPECT = [
    "^cpus: 2 of 2 online",
    "^boot ok",
    "^irq test: timer interrupt on cpu 0 after [0-9]+ us",
    "^irq test: cpu 0's timer interrupt was consumed by its acknowledgement",
    "^irq test: cpu 0 waits for a kick from cpu 1, its timer disarmed",
    "^irq test: kick from cpu 1 reached cpu 0",
    "^irq test: cpu 1 waits for a kick from cpu 0, its timer disarmed",
    "^irq test: kick from cpu 0 reached cpu 1",
    "^irq test: timer interrupt on cpu 1 after [0-9]+ us",
    "^irq test: cpu 1's timer interrupt was consumed by its acknowledgement",
    "^irq test: ok",
]

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
        module = ctx.file.module
        ctx.actions.expand_template(
            template = ctx.file._grub_cfg,
            output = cfg,
            substitutions = {
                "@CMDLINE@": ctx.attr.cmdline,
                "@MODULE@": "  module /boot/vms.bin" if module else "",
            },
        )
        ctx.actions.run_shell(
            inputs = [elf, cfg] + ([module] if module else []),
            outputs = [out],
            command = """
                set -e
                dir=$(mktemp -d)
                mkdir -p "$dir/boot/grub"
                cp "$1" "$dir/boot/hv.elf"
                cp "$2" "$dir/boot/grub/grub.cfg"
                if [ -n "$4" ]; then cp "$4" "$dir/boot/vms.bin"; fi
                grub-mkrescue -o "$3" "$dir" 2>"$dir.log" || { cat "$dir.log" >&2; exit 1; }
                rm -rf "$dir" "$dir.log"
            """,
            arguments = [elf.path, cfg.path, out.path, module.path if module else ""],
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
        "module": attr.label(
            allow_single_file = True,
            doc = "An ISO's multiboot module (the VM bundle), loaded by GRUB.",
        ),
        "platform": attr.label(mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
        "_grub_cfg": attr.label(default = "//tests:grub.cfg.in", allow_single_file = True),
    },
)

VmImageInfo = provider(
    doc = "One VM of a bundle: its config blob and the images it loads.",
    fields = {
        "config": "the VM configuration blob (File)",
        "kernel": "the flat kernel image (File)",
        "initrd": "the initrd (File or None)",
        "dtb": "the guest devicetree blob (File or None)",
    },
)

def _dtc(ctx, src, out):
    ctx.actions.run_shell(
        inputs = [src],
        outputs = [out],
        command = "dtc -q -I dts -O dtb -o \"$2\" \"$1\"",
        arguments = [src.path, out.path],
        mnemonic = "Dtc",
        use_default_shell_env = True,
    )

def _vm_image_impl(ctx):
    if ctx.file.config.extension == "dtb":
        config = ctx.file.config
    else:
        config = ctx.actions.declare_file(ctx.label.name + ".config.dtb")
        _dtc(ctx, ctx.file.config, config)
    if ctx.attr.kernel and ctx.file.kernel_file:
        fail("vm_image: kernel or kernel_file, not both")
    if ctx.attr.kernel:
        kernel = ctx.actions.declare_file(ctx.label.name + ".kernel.bin")
        _objcopy_binary(ctx, ctx.attr.kernel[0][DefaultInfo].files_to_run.executable, kernel)
    elif ctx.file.kernel_file:
        kernel = ctx.file.kernel_file
    else:
        fail("vm_image: no kernel")
    dtb = None
    if ctx.file.dtb:
        dtb = ctx.actions.declare_file(ctx.label.name + ".guest.dtb")
        _dtc(ctx, ctx.file.dtb, dtb)
    initrd = ctx.file.initrd
    files = [config, kernel] + ([initrd] if initrd else []) + ([dtb] if dtb else [])
    return [
        VmImageInfo(config = config, kernel = kernel, initrd = initrd, dtb = dtb),
        DefaultInfo(files = depset(files)),
    ]

vm_image = rule(
    implementation = _vm_image_impl,
    doc = "A VM for a bundle: config (.dts, or a .dtb taken as it is), a kernel built for " +
          "`platform` or a prebuilt one, and optionally the guest's devicetree (.dts).",
    attrs = {
        "config": attr.label(allow_single_file = [".dts", ".dtb"], mandatory = True),
        "dtb": attr.label(allow_single_file = [".dts"]),
        "initrd": attr.label(allow_single_file = True),
        "kernel": attr.label(cfg = _platform_transition),
        "kernel_file": attr.label(allow_single_file = True),
        "platform": attr.label(mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)

def _vm_bundle_impl(ctx):
    inputs = []
    nodes = []
    for i, vm in enumerate(ctx.attr.vms):
        info = vm[VmImageInfo]
        props = [("config", info.config), ("kernel", info.kernel)]
        if info.initrd:
            props.append(("initrd", info.initrd))
        if info.dtb:
            props.append(("dtb", info.dtb))
        inputs += [f for _, f in props]
        nodes.append("\tvm@%d {\n" % i + "".join([
            '\t\t%s = /incbin/("%s");\n' % (p, f.path)
            for p, f in props
        ]) + "\t};\n")
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
    doc = "vm_image targets packed into one bundle blob for a hypervisor host (QEMU -initrd).",
    attrs = {
        "vms": attr.label_list(providers = [VmImageInfo], mandatory = True),
    },
)

def vm_image_edited(name, config, sed, **kwargs):
    """A vm_image `name` of the VM configuration `config` edited by the sed script `sed` (a
    placement, another CPU affinity); the edited configuration is `name`.dts. Other arguments
    are vm_image's."""
    native.genrule(
        name = name + "_dts",
        testonly = kwargs.get("testonly", False),
        srcs = [config],
        outs = [name + ".dts"],
        cmd = "sed -e %s $< > $@" % _shell_quote(_literal(sed)),
    )
    vm_image(name = name, config = ":%s.dts" % name, **kwargs)

def _literal(s):
    # sh_test args go through "Make" variable expansion: a user's $ stays a $.
    return s.replace("$", "$$")

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
        # An ISO carries the bundle as a multiboot module; the other images get it from the
        # emulator (-initrd).
        module = initrd if b.image == "iso" else None,
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
        args.append("--bootargs=" + _literal(bootargs))
    data = [":" + image]
    if initrd and b.image != "iso":
        args.append("--initrd=$(rootpath %s)" % initrd)
        data.append(initrd)
    if emulator_args:
        args += ["--"] + emulator_args
    return data, args

def hv_emulator_test(
        name,
        board,
        binary,
        expect = [],
        expect_vms = {},
        at_most = {},
        bootargs = "",
        cpus = 2,
        expect_status = "success",
        memory_mb = 256,
        timeout_s = 45,
        tags = [],
        initrd = None,
        input = [],
        prompt = "",
        emulator_args = [],
        **kwargs):
    """Boots `binary` on `board` and checks its console and exit status.

    Args:
      name: test name.
      board: a key of BOARDS.
      binary: the bare-metal cc_binary of the hypervisor host.
      expect: extended regular expressions that must match console lines, in this order.
      expect_vms: VM id -> regular expressions that must match that VM's lines (its "[vmN] "
        console output and the host's "vm N ..." reports), in this order among them; lines of
        different VMs may come in any order.
      at_most: extended regular expression -> how many console lines may match it at most (0:
        it must never appear).
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
      input: lines typed on the console (QEMU only), the k-th once `prompt` has been seen k
        times.
      prompt: extended regular expression of the console prompt that `input` waits for.
      emulator_args: extra arguments for the emulator (QEMU), e.g. a CPU model.
      **kwargs: passed to sh_test.
    """
    data, args = _board_run(name, board, binary, bootargs, cpus, memory_mb, True, initrd)
    extra = emulator_args
    args += [
        "--timeout=%d" % timeout_s,
        "--expect-status=" + expect_status,
    ] + ["--expect=" + _literal(e) for e in expect] + [
        "--expect-vm=%s:%s" % (vm, _literal(e))
        for vm, patterns in expect_vms.items()
        for e in patterns
    ] + ["--at-most=%d:%s" % (n, _literal(e)) for e, n in at_most.items()]
    if input:
        args += ["--prompt=" + _literal(prompt)] + ["--input=" + _literal(line) for line in input]
    if extra:
        args += ["--"] + extra
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
