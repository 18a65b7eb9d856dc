"""The conformance scenarios, each written once (scenarios/<name>.c against conf.h) with what
the host's console must show for it on every architecture. In the patterns, {id} is the VM's
id and {name} its name; VM lines are matched in order among that VM's lines."""

POWERED_OFF = "^vm {id} \\({name}\\): stopped: the guest powered off"

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
