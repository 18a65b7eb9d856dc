"""The hostile-guest scenarios and the placements each runs in.

A guest scenario is a misdeed of the hostile guest, named in its command line; its entry says
how many VMs must end stopped by an error (0 or 1) and the lines VM 2 must produce after naming
the scenario: the hypervisor's report of the stop, or the guest's own lines showing the answers
it got. The names describe the misdeed, not an instruction set, so that another architecture's
hostile guest can implement the same list.
"""

# A VM 2 report of a stop at a guest pc.
_AT = "^vm 2 \\(bad\\): stopped: vcpu 0 at pc 0x[0-9a-f]+: "

_OFF = "^vm 2 \\(bad\\): stopped: the guest powered off"

def _stops(what):
    return struct(errors = 1, expect = [_AT + what], at_most = {}, emulator_args = [])

def _answers(*lines):
    return struct(
        errors = 0,
        expect = ["^\\[vm2\\] hostile: " + l for l in lines] + [_OFF],
        at_most = {},
        emulator_args = [],
    )

def _guest_gets(cause, emulator_args = []):
    return struct(errors = 0, expect = [
        "^\\[vm2\\] hostile: the guest got exception %s at 0x[0-9a-f]+$" % cause,
        _OFF,
    ], at_most = {}, emulator_args = emulator_args)

def host_line_limits(extra = {}):
    """Console lines that may appear at most so often in any scenario's run: the host never
    panics, whatever a guest or a config does; a scenario may add its own limits."""
    limits = {"PANIC|assertion failed": 0}
    limits.update(extra)
    return limits

# Every VM, good or bad, refused or stopped, gave back all it held.
MEMORY_RETURNED = "^host memory: every page the VMs held is free again"

GOOD_VM_FINISHES = [
    "^\\[vm1\\] good: done",
    "^vm 1 \\(good\\): stopped: the guest powered off",
]

def config_vm_expectations(scenario):
    """What each VM of a config scenario's run must print: the good VM finishes, and the
    innocent VM 2, when there is one, is answered as in sbi_unknown."""
    vms = {1: GOOD_VM_FINISHES}
    if scenario.with_vm2:
        vms[2] = ["^\\[vm2\\] hostile: sbi_unknown$"] + GUEST_SCENARIOS["sbi_unknown"].expect
    return vms

SBI_INVALID_PARAM = "-3"

SBI_INVALID_ADDRESS = "-5"

# The misdeeds of riscv64 guests in particular. Those any architecture's guest can commit
# (unmapped, read-only and no-execute memory; device accesses too wide, misaligned, straddling
# or past the end; spinning; timer and IPI storms; console floods; interrupt edges; touching all
# lazy memory) are scenarios of the conformance suite (tests/conformance/scenarios.bzl), each
# next to a VM that must finish, on every architecture and on the sim backend.
GUEST_SCENARIOS = {
    # A device access no device model can answer: an AMO is never emulated.
    # QEMU reports an AMO's stage-2 fault as a load fault, hardware as a store fault.
    "amo_mmio": _stops("(read|write) at guest-physical 0x10000000 outside memory by an instruction that cannot be emulated: not supported"),
    # The guest's own page-table walk reaches a device: its kernel gets the load access fault
    # (never the device emulated as the load's own access).
    "page_table_in_mmio": _guest_gets(5),
    # QEMU 7.2 reports a fetch's walk as a load guest-page fault (the spec: of the original
    # access type), so its guest gets the load access fault; hardware gives the fetch's.
    "page_table_in_mmio_fetch": _guest_gets("(1|5)"),
    # SBI calls with wrong arguments get the specification's errors.
    "sbi_unknown": _answers("unknown extension -2, unknown function -2"),
    "dbcn_bad": _answers(
        "dbcn write from a device window -3, wrapping -3, outside -3",
        "dbcn read into read-only memory -3, into a device window -3",
    ),
    "hsm_bad": _answers(
        "start self -6, absent hart -3, status of absent -3",
        "start at a device window -5, unmapped -5, odd -5",
    ),
    "hsm_cycles": _answers("20 start/stop cycles, hart 1 ran 20 times"),
    "ipi_bad": _answers(
        "ipi base 2\\^40 -3, absent hart -3",
        "fence.i base 2\\^40 -3, sfence.vma absent hart -3",
    ),
    # Floods of SBI calls: the good VM still finishes.
    "dbcn_flood": _answers("200 DBCN writes of 256 bytes"),
    "rfence_flood": _answers("3000 remote fences"),
    # What a guest kernel handles for its programs is the guest's, not the hypervisor's.
    "user_illegal": _guest_gets(2),
    # On harts with the vector extension (QEMU -cpu rv64,v=true): its state is not switched
    # between vCPUs, so a guest's vector instruction is illegal, even with its sstatus.VS on.
    "vector": _guest_gets(2, emulator_args = ["-cpu", "rv64,v=true"]),
}

def hostile_vm(scenario):
    """VM 2 running guest scenario `scenario`, for bundles beside another VM than the good one,
    as //tests/conformance:defs.bzl's conformance_vm gives a conformance scenario's VM.

    Returns:
      struct(vm: its vm_image label, id: its VM id, expect: its patterns, at_most: its limits).
    """
    s = GUEST_SCENARIOS[scenario]
    return struct(
        vm = "//tests/hostile:bad_%s_same_hart_vm" % scenario,
        id = 2,
        expect = ["^\\[vm2\\] hostile: %s$" % scenario] + s.expect,
        at_most = s.at_most,
    )

def _refused(node, why):
    return "^vm %s: not started: %s" % (node, why)

def _host_range_refused(what, host, size, offered):
    """VM 2 (bundle node vm@1) refused: its `what` maps host [host, +size), which is not
    `offered` (memory, a device window) the host gives VMs."""
    return struct(with_vm2 = False, refused = _refused(
        "vm@1",
        ("vm 2: %s at guest 0x[0-9a-f]+: host range \\[%s, \\+%s\\) is not %s the host " +
         "gives VMs") % (what, host, size, offered),
    ))

# A config scenario is a VM (VM 2, configs/NAME.dts, the hostile guest as its kernel) that the
# host must refuse before it runs, next to the good VM, which must still run. "with_vm2" puts
# an innocent hostile VM 2 (tests/guests/riscv64/hostile.c answering sbi_unknown) in the bundle
# first, for configs that take what VM 2 has. "refused" is the host's line about it.
CONFIG_SCENARIOS = {
    # Host ranges the host never gives a VM.
    "map_hypervisor": _host_range_refused("linear memory", "0x80200000", "0x100000", "memory"),
    "map_firmware": _host_range_refused("linear memory", "0x80000000", "0x80000", "memory"),
    "map_page_pool": _host_range_refused("linear memory", "0x88000000", "0x400000", "memory"),
    "passthrough_host_uart": _host_range_refused("pass-through", "0x10000000", "0x1000", "a device window"),
    "passthrough_interrupt_controller": _host_range_refused("pass-through", "0xc000000", "0x1000", "a device window"),
    # A device another live VM has.
    "share_another_vm": struct(with_vm2 = True, refused = _refused(
        "vm@2",
        "vm 3: pass-through at guest 0x50000000: host range \\[0x101000, \\+0x1000\\) " +
        "overlaps vm 2's pass-through at host 0x101000",
    )),
    # More memory than the host can give, even if the guest never touches it.
    "over_budget": struct(with_vm2 = False, refused = _refused(
        "vm@1",
        "vm 2: its memory and tables need [0-9]+ KiB, [0-9]+ KiB are left for VMs",
    )),
    # Images that would overwrite each other.
    "overlapping_images": struct(with_vm2 = False, refused = _refused(
        "vm@1",
        "vm 2: the kernel \\[0x80200000, \\+0x[0-9a-f]+\\) overlaps the dtb " +
        "\\[0x80201000, \\+0x[0-9a-f]+\\)",
    )),
    # Boot parameters in a form this host does not build (it makes devicetrees).
    "boot_params_not_built": struct(with_vm2 = False, refused = _refused(
        "vm@1",
        "no boot-params given, and none generated here",
    )),
    # A start with translation on, through boot tables, which this host (riscv64) has not.
    "boot_tables_unsupported": struct(with_vm2 = False, refused = _refused(
        "vm@1",
        "vcpu 0 cannot start at 0x80200000 on its boot-tables \\(invalid argument\\)$",
    )),
    # A config blob whose header claims more bytes than the bundle holds for it.
    "lying_config_size": struct(with_vm2 = False, refused = _refused(
        "vm@1",
        "bundle: /vm@1: config: not a devicetree of its [0-9]+ bytes",
    )),
}

# Bundles that cannot be trusted at all: the host refuses every VM in them, cleanly. Each is a
# good bundle with bytes cut or patched by a command ($< the good bundle, $@ the result).
BUNDLE_SCENARIOS = {
    # QEMU hands over 4096 bytes of a longer bundle.
    "truncated_bundle": struct(
        cmd = "head -c 4096 $< > $@",
        refused = "^bundle: devicetree: header: totalsize [0-9]+, but only 4096 bytes are there",
    ),
    # The header's structure-block size runs past the blob.
    "lying_bundle_sizes": struct(
        cmd = "cp $< $@ && chmod u+w $@ && printf '\\177\\377\\377\\360' | " +
              "dd of=$@ bs=1 seek=36 conv=notrunc 2>/dev/null",
        refused = "^bundle: devicetree: header: ",
    ),
}

# Where the two VMs run: both on host hart 0 (one emulated hart), or each on its own.
PLACEMENTS = {
    "same_hart": struct(
        cpus = 1,
        good_affinity = "",
        bad_affinity = "",
        note = ", on the only host hart",
    ),
    "other_hart": struct(
        cpus = 2,
        good_affinity = "cpu-affinity = <0>;",
        bad_affinity = "cpu-affinity = <1 1>;",
        note = ", pinned to its own host hart",
    ),
}
