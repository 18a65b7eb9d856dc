"""The conformance scenarios, each written once (scenarios/<name>.c against conf.h) with what
the host's console must show for it on every architecture. In the patterns, {id} is the VM's
id and {name} its name; VM lines are matched in order among that VM's lines."""

POWERED_OFF = "^vm {id} \\({name}\\): stopped: the guest powered off"

# A stop the VM's guest caused at some pc, with the host's report of why.
STOPPED_AT = "^vm {id} \\({name}\\): stopped: vcpu 0 at pc 0x[0-9a-f]+: "

# The memory of the VM template allocated at creation: 16 MiB of RAM, 64 KiB read-only and
# 64 KiB without execute permission; its lazy memory comes on top as the guest touches it.
EAGER_KIB = 16384 + 64 + 64

LAZY_KIB = 4096

# console_flood's lines, each of which must arrive whole, in order.
FLOOD_LINES = 300

FLOOD_FILL = "0123456789" * 10

# name -> vcpus: the VM's vCPUs; host_cpus: one test per host CPU count; expect: patterns for
# the VM; at_most: pattern -> how often it may appear (0: never); errors: VMs stopped by an
# error; neighbor: a scenario whose VM runs in the same bundle and must finish too; source: the
# scenario file when not the name; on_reset: the VM's on-reset ("restart" by default).
SCENARIOS = {
    "console": {
        "vcpus": 1,
        "host_cpus": [1],
        "expect": [
            "^\\[vm{id}\\] conformance console: printed through the VM's UART$",
            POWERED_OFF,
        ],
    },
    "firmware_call": {
        "vcpus": 1,
        "host_cpus": [1],
        "expect": [
            "^\\[vm{id}\\] conformance firmware-call: version positive, 1000 of 1000 answers the same$",
            POWERED_OFF,
        ],
    },
    "store_hole": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance store-hole: storing to 0x40000000$",
            "^vm {id} \\({name}\\): stopped: vcpu 0 at pc 0x[0-9a-f]+: MMIO write of 8 bytes at 0x40000000: not found$",
        ],
        "at_most": {"the store returned": 0},
    },
    "fetch_hole": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance fetch-hole: jumping to 0x40000000$",
            "^vm {id} \\({name}\\): stopped: vcpu 0 at pc 0x[0-9a-f]+: instruction fetch at guest-physical 0x40000000: not mapped$",
        ],
    },
    "mmio_too_wide": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance mmio-too-wide: reading 8 bytes at 0x10000000$",
            "^vm {id} \\({name}\\): stopped: vcpu 0 at pc 0x[0-9a-f]+: MMIO read of 8 bytes at 0x10000000: not supported$",
        ],
        "at_most": {"the read returned": 0},
    },
    "ipi_storm": {
        "vcpus": 1,
        "host_cpus": [1],
        "neighbor": "timer",
        "expect": [
            "^\\[vm{id}\\] conformance ipi-storm: 5000 IPIs sent, at least one taken$",
            "^\\[vm{id}\\] conformance ipi-storm: a chain of 20000 IPIs, 20000 taken$",
            POWERED_OFF,
        ],
    },
    "lazy_memory": {
        "vcpus": 1,
        "host_cpus": [1],
        "expect": [
            "^\\[vm{id}\\] conformance lazy-memory: 3 pages read zero first, sum 6$",
            POWERED_OFF,
        ],
    },
    "bad_load": {
        "vcpus": 1,
        "host_cpus": [1, 2],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance bad-load: loading from 0x40000000$",
            "^vm {id} \\({name}\\): stopped: vcpu 0 at pc 0x[0-9a-f]+: MMIO read of 8 bytes at 0x40000000: not found$",
        ],
        "at_most": {"the load returned": 0},
    },
    "reset": {
        "vcpus": 1,
        "host_cpus": [1],
        "on_reset": "stop",
        "expect": [
            "^\\[vm{id}\\] conformance reset: asking for a reset$",
            "^vm {id} \\({name}\\): stopped: the guest asked for a reset \\(vcpu 0 at pc 0x[0-9a-f]+\\)$",
        ],
    },
    "timer": {
        "vcpus": 1,
        "host_cpus": [1],
        "expect": [
            "^\\[vm{id}\\] conformance timer: first on time, second on time, 2 interrupts$",
            POWERED_OFF,
        ],
    },
    "memory_release": {
        "vcpus": 2,
        "host_cpus": [1, 2],
        "expect": [
            "^\\[vm{id}\\] conformance memory-release: released with 0, the other CPU read zero$",
            "^\\[vm{id}\\] conformance memory-release: the page reads 0x0, 0x0$",
            "^\\[vm{id}\\] conformance memory-release: refused: unaligned yes, a hole yes, the UART yes$",
            POWERED_OFF,
        ],
    },
    "smp_ipi": {
        "vcpus": 2,
        "host_cpus": [1, 2],
        "expect": [
            "^\\[vm{id}\\] conformance smp-ipi: cpu 1 up, got an IPI$",
            "^\\[vm{id}\\] conformance smp-ipi: start 0, cpu 0 got 1 IPI$",
            POWERED_OFF,
        ],
    },
    "device_irq": {
        "vcpus": 1,
        "host_cpus": [1],
        "expect": [
            "^\\[vm{id}\\] conformance device-irq: 1 device interrupt taken$",
            POWERED_OFF,
        ],
    },
    "store_readonly": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance store-readonly: storing to 0x81000010$",
            STOPPED_AT + "stage-2 fault: write at guest-physical 0x81000010: permission denied$",
        ],
        "at_most": {"the store returned": 0},
    },
    "fetch_noexec": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance fetch-noexec: jumping to 0x81100000$",
            STOPPED_AT + "stage-2 fault: instruction fetch at guest-physical 0x81100000: permission denied$",
        ],
    },
    "mmio_misaligned": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance mmio-misaligned: reading 4 bytes at 0x10000001$",
            STOPPED_AT + "MMIO read of 4 bytes at 0x10000001: not supported$",
        ],
        "at_most": {"the read returned": 0},
    },
    "mmio_straddle": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance mmio-straddle: reading 4 bytes at 0x100000fe$",
            STOPPED_AT + "MMIO read of 4 bytes at 0x100000fe: invalid argument$",
        ],
        "at_most": {"the read returned": 0},
    },
    "mmio_past_end": {
        "vcpus": 1,
        "host_cpus": [1],
        "errors": 1,
        "neighbor": "firmware_call",
        "expect": [
            "^\\[vm{id}\\] conformance mmio-past-end: reading 1 byte at 0x10000100$",
            STOPPED_AT + "MMIO read of 1 bytes at 0x10000100: not found$",
        ],
        "at_most": {"the read returned": 0},
    },
    "spin": {
        "vcpus": 1,
        "host_cpus": [1, 2],
        "neighbor": "timer",
        "expect": [
            "^\\[vm{id}\\] conformance spin: spun for 1000 ms$",
            POWERED_OFF,
        ],
    },
    "timer_storm": {
        "vcpus": 1,
        "host_cpus": [1, 2],
        "neighbor": "timer",
        "expect": [
            "^\\[vm{id}\\] conformance timer-storm: 20000 timers armed, 20000 interrupts taken$",
            POWERED_OFF,
        ],
    },
    "console_flood": {
        "vcpus": 1,
        "host_cpus": [1, 2],
        "neighbor": "timer",
        "expect": [
            "^\\[vm{id}\\] conformance console-flood: line %d of %d: %s$" % (i, FLOOD_LINES, FLOOD_FILL)
            for i in range(1, FLOOD_LINES + 1)
        ] + [POWERED_OFF],
    },
    "uart_irq_toggle": {
        "vcpus": 1,
        "host_cpus": [1],
        "neighbor": "timer",
        "expect": [
            "^\\[vm{id}\\] conformance uart-irq-toggle: toggled the UART's interrupt 3000 times, then a device interrupt taken$",
            POWERED_OFF,
        ],
        # Every edge may go nowhere: the host says so once per vCPU, not 3000 times.
        "at_most": {"refused interrupt": 1},
    },
    "greedy": {
        "vcpus": 1,
        "host_cpus": [1, 2],
        "neighbor": "lazy_memory",
        "expect": [
            "^\\[vm{id}\\] conformance greedy: touched all 4096 KiB of lazy memory, 1024 of 1024 pages kept what was written$",
            POWERED_OFF,
            "^vm {id} \\({name}\\): %d KiB of guest memory allocated$" % (EAGER_KIB + LAZY_KIB),
        ],
    },
    "two_vms": {
        "vcpus": 1,
        "host_cpus": [1, 2],
        "source": "console",
        "neighbor": "timer",
        "expect": [
            "^\\[vm{id}\\] conformance console: printed through the VM's UART$",
            POWERED_OFF,
        ],
    },
}
