#!/usr/bin/env bash
# Linux boot-to-init wall time under axvm vs on bare QEMU, side by side in one run.
#
# The same kernel and initramfs (tests/guests/linux) boot on bare QEMU virt and as the only VM
# of the hypervisor, with 1 and with 2 CPUs, once printing the whole boot log on the console and
# once with "quiet"; each run is timed from QEMU's start to the init's "powering off" line.
# riscv64: OpenSBI, then Linux in HS-mode, against OpenSBI, the hypervisor, Linux in VS-mode.
# aarch64: Linux at EL1 of a machine without EL2, against the hypervisor at EL2 of one with it
# (virtualization=on), Linux at EL1. Runs alternate so that machine load hits both alike; the
# medians and their ratio are printed. Wall time under TCG varies by some 20 % between runs:
# read the ratio.
#
#   linux_boot_ratio.sh riscv64|aarch64 HYPERVISOR IMAGE INITRAMFS BUNDLE_1CPU BUNDLE_2CPU
#                       BUNDLE_1CPU_QUIET BUNDLE_2CPU_QUIET [ROUNDS]
set -euo pipefail
arch=$1 hv=$2 image=$3 initramfs=$4 rounds=${9:-5}
bundles=("$5" "$6" "$7" "$8")
case "$arch" in
riscv64)
	console=ttyS0
	bare_machine=(qemu-system-riscv64 -M virt)
	hv_machine=(qemu-system-riscv64 -M virt)
	;;
aarch64)
	console=ttyAMA0
	bare_machine=(qemu-system-aarch64 -M virt,gic-version=3 -cpu max)
	hv_machine=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max)
	;;
*)
	echo "linux_boot_ratio: unknown architecture $arch" >&2
	exit 2
	;;
esac

# Milliseconds from the start of "$@" to the init's last line (the machine is then stopped).
time_to_init() {
	local start line
	start=$(date +%s%N)
	while IFS= read -r line; do
		if [[ "$line" == *"init: powering off"* ]]; then
			echo $((($(date +%s%N) - start) / 1000000))
			return
		fi
	done < <(timeout 120 "$@" </dev/null 2>&1)
	echo "linux_boot_ratio: no init line from: $*" >&2
	exit 1
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

for quiet in 0 1; do
	for cpus in 1 2; do
		bundle=${bundles[quiet * 2 + cpus - 1]}
		append="console=$console" what="boot log on the console"
		((quiet)) && append="console=$console quiet" what="quiet"
		bare=() axvm=()
		for ((i = 0; i < rounds; i++)); do
			bare+=("$(time_to_init "${bare_machine[@]}" -m 512M -smp "$cpus" \
				-nographic -kernel "$image" -initrd "$initramfs" -append "$append")")
			axvm+=("$(time_to_init "${hv_machine[@]}" -m 512M -smp "$cpus" \
				-nographic -kernel "$hv" -initrd "$bundle")")
		done
		b=$(median "${bare[@]}") a=$(median "${axvm[@]}")
		printf '%s linux boot to init, %d cpu(s), %s: bare QEMU %d ms, under axvm %d ms, ratio %d.%02d (medians of %d; bare: %s; axvm: %s)\n' \
			"$arch" "$cpus" "$what" "$b" "$a" $((a / b)) $(((a * 100 / b) % 100)) "$rounds" \
			"${bare[*]}" "${axvm[*]}"
	done
done
