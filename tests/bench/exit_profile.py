#!/usr/bin/env python3
"""Where the instructions of one guest exit go, per phase and per function.

Runs the exit benchmark's hypervisor image under QEMU with one instruction per translation
block and exec logging (-singlestep -d exec,nochain), so the log names the pc of every
instruction executed on CPU 0, streamed through a pipe. The guest marks the start of each
round with a global label (riscv64: bench_sbi_round, bench_mmio_round; aarch64:
bench_hvc_round, bench_mmio_round); a round is everything executed from one marker to the
next. Hypervisor pcs are attributed to the symbol containing them (llvm-nm) and symbols to
phases; guest pcs are told apart by their translation flags, those of the instruction just
before the first trap lands in the hypervisor's exit code.

    exit_profile.py riscv64 HYPERVISOR_ELF GUEST_ELF BUNDLE
    exit_profile.py aarch64 HYPERVISOR_ELF GUEST_ELF BUNDLE HYPERVISOR_RAW_IMAGE
"""
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

# Each phase and the hypervisor functions in it; what is in none is "other", listed by name.
COMMON_PHASES = [
    # Core's MMIO path: the device range, its lock, the call, the exit count and the checks
    # before re-entry.
    ("core MMIO", {"vcpu_mmio_read", "vcpu_mmio_write", "mmio_slow", "mmio_lookup",
                   "handle_requests", "vcpu_deliver_changes", "vcpu_handle_exit", "mmio_exit",
                   "other_exit", "arch_vcpu_complete", "axdevice_range_read",
                   "axdevice_range_write", "spin_lock", "spin_unlock"}),
]
COMMON_PREFIXES = [("ns16550_", "device"), ("pl011_", "device"), ("uart_", "device"),
                   ("axdevice_uart", "device"), ("console", "host console input"),
                   ("vm_host_console", "host console input")]

ARCHES = {
    "riscv64": {
        "qemu": ["qemu-system-riscv64", "-M", "virt", "-smp", "1"],
        "exit": "riscv_guest_exit",
        "markers": ["bench_sbi_round", "bench_mmio_round"],
        "phases": [
            # The switch, the save of the caller-saved registers and the dispatch by cause.
            ("entry/exit assembly", {"riscv_guest_enter", "riscv_guest_exit"}),
            ("before entry", {"riscv_vcpu_before_entry", "riscv_host_interrupt",
                              "arch_vcpu_run", "prepare_entry", "riscv_vcpu_timer_check",
                              "unexpected"}),
            ("SBI", {"riscv_vcpu_sbi", "sbi_handle_call", "sbi_find_extension"}),
            # The CSRs, the fetch and decode of the instruction, the call into core and the
            # completion of the load.
            ("fault decode and completion", {"load_fault", "load32_direct", "store_fault",
                                             "access_fault", "fetch_fault", "nested_fault",
                                             "decoded_access", "riscv_decode_htinst",
                                             "riscv_decode_mem_insn", "riscv_guest_fetch_insn",
                                             "riscv_mem_access_exit", "riscv_load_value"}),
        ],
        "prefixes": [("sbi_", "SBI"), ("get_", "SBI"), ("probe_", "SBI")],
    },
    "aarch64": {
        "qemu": ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3", "-cpu",
                 "max", "-smp", "2"],
        "exit": "arm_guest_vectors",
        "markers": ["bench_hvc_round", "bench_mmio_round"],
        "phases": [
            # The switch, the save of the guest's registers, the trap function's choice of path.
            ("entry/exit assembly", {"arm_guest_enter", "arm_guest_vectors", "arm_vcpu_trap"}),
            # The list registers' round trip and the controller's news.
            ("list registers", {"trap_with_gic", "arm_gic_enter", "arm_gic_exit",
                                "vcpu_irq_news", "report_vtimer", "lr_access"}),
            ("SMCCC/PSCI", {"hvc", "smc", "arm_vcpu_psci", "psci_handle_call", "smccc_find",
                            "version"}),
            # The syndrome, the decode of the access, the call into core and the completion.
            ("fault decode and completion", {"data_abort", "decode_access", "arm_decode_iss",
                                             "access_direct", "access_complete", "fault_gpa",
                                             "esr_decode_abort", "fetch_insn",
                                             "arm_decode_mem_insn", "arm_load_value",
                                             "arm_store_value", "nested_fault"}),
        ],
        "prefixes": [("vgic_", "vGIC"), ("arm_vgic", "vGIC"), ("smccc_", "SMCCC/PSCI"),
                     ("psci_", "SMCCC/PSCI")],
    },
}
LINE = re.compile(rb"^Trace 0: \S+ \[[0-9a-f]+/([0-9a-f]+)/([0-9a-f]+)/")


def symbols(elf):
    out = subprocess.run(["llvm-nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW" and not parts[2].startswith(".L"):
            syms.append((int(parts[0], 16), parts[2]))
    return syms


def phase_of(arch, name):
    name = name.split(".llvm.")[0]  # ThinLTO's suffix of promoted local symbols
    for phase, names in arch["phases"] + COMMON_PHASES:
        if name in names:
            return phase
    for prefix, phase in arch["prefixes"] + COMMON_PREFIXES:
        if name.startswith(prefix):
            return phase
    return "other"


def profile(log, hv_syms, exit_sym, markers, rounds):
    addrs = [a for a, _ in hv_syms]
    cache = {}

    def sym(pc):
        if pc not in cache:
            i = bisect.bisect_right(addrs, pc) - 1
            cache[pc] = hv_syms[i][1] if i >= 0 else "?"
        return cache[pc]

    guest_flags, prev_flags = None, None
    results = {}
    current, counts, seen = None, None, 0
    for raw in log:
        m = LINE.search(raw)
        if not m:
            continue
        pc, flags = int(m.group(1), 16), m.group(2)
        if guest_flags is None:
            if sym(pc) == exit_sym and prev_flags is not None:
                guest_flags = prev_flags
            prev_flags = flags
            continue
        is_guest = flags == guest_flags
        marker = markers.get(pc) if is_guest else None
        if marker and marker not in results:
            if marker != current:
                current, counts, seen = marker, collections.Counter(), 0
            seen += 1
            if seen == 2:
                counts.clear()  # the first round warms up: count from the second
            if seen == rounds + 2:
                results[current] = (counts, rounds)
                current = None
                if len(results) == len(markers):
                    break
        if current is not None:
            counts["<guest>" if is_guest else sym(pc)] += 1
    return results


def main():
    arch = ARCHES[sys.argv[1]]
    hv, guest, bundle = sys.argv[2:5]
    image = sys.argv[5] if len(sys.argv) > 5 else hv
    rounds = 50
    hv_syms = symbols(hv)
    guest_addrs = dict((n, a) for a, n in symbols(guest))
    markers = {guest_addrs[m]: m for m in arch["markers"]}
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "exec.log")
        os.mkfifo(fifo)
        qemu = subprocess.Popen(
            arch["qemu"] + ["-m", "256M", "-display", "none", "-serial", "null", "-monitor",
                            "none", "-kernel", image, "-initrd", bundle, "-icount", "shift=0",
                            "-singlestep", "-d", "exec,nochain", "-D", fifo],
            stdin=subprocess.DEVNULL)
        with open(fifo, "rb", buffering=1 << 20) as log:
            results = profile(log, hv_syms, arch["exit"], markers, rounds)
        qemu.kill()
        qemu.wait()
    for marker in arch["markers"]:
        if marker not in results:
            sys.exit("exit_profile: no complete rounds at %s" % marker)
        counts, n = results[marker]
        total = sum(counts.values()) / n
        phases = collections.Counter()
        for name, c in counts.items():
            phases["guest" if name == "<guest>" else phase_of(arch, name)] += c
        print("%s: %.0f instructions per round (%d rounds)" % (marker, total, n))
        for phase, c in phases.most_common():
            print("  %-28s %6.0f" % (phase, c / n))
        print("  by function:")
        for name, c in counts.most_common():
            print("    %-30s %6.1f  %s" % (name, c / n,
                                          "" if name == "<guest>" else phase_of(arch, name)))


if __name__ == "__main__":
    main()
