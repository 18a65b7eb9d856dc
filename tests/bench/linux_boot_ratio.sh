#!/usr/bin/env bash
# Linux boot-to-init wall time under axvm vs on bare QEMU, side by side in one run.
#
# The same kernel and initramfs (tests/guests/linux) boot on bare QEMU virt (OpenSBI, then
# Linux in HS-mode) and as the only VM of the riscv64 hypervisor (OpenSBI, the hypervisor, then
# Linux in VS-mode), with 1 and with 2 CPUs, once printing the whole boot log on the NS16550
# console and once with "quiet"; each run is timed from QEMU's start to the init's "powering
# off" line. Runs alternate so that machine load hits both alike; the medians and their ratio
# are printed. Wall time under TCG varies by some 20 % between runs: read the ratio.
#
#   linux_boot_ratio.sh HYPERVISOR IMAGE INITRAMFS BUNDLE_1CPU BUNDLE_2CPU BUNDLE_1CPU_QUIET
#                       BUNDLE_2CPU_QUIET [ROUNDS]
set -euo pipefail
hv=$1 image=$2 initramfs=$3 rounds=${8:-5}
bundles=("$4" "$5" "$6" "$7")

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
		append="console=ttyS0" what="boot log on the console"
		((quiet)) && append="console=ttyS0 quiet" what="quiet"
		bare=() axvm=()
		for ((i = 0; i < rounds; i++)); do
			bare+=("$(time_to_init qemu-system-riscv64 -M virt -m 512M -smp "$cpus" \
				-nographic -kernel "$image" -initrd "$initramfs" -append "$append")")
			axvm+=("$(time_to_init qemu-system-riscv64 -M virt -m 512M -smp "$cpus" \
				-nographic -kernel "$hv" -initrd "$bundle")")
		done
		b=$(median "${bare[@]}") a=$(median "${axvm[@]}")
		printf 'linux boot to init, %d cpu(s), %s: bare QEMU %d ms, under axvm %d ms, ratio %d.%02d (medians of %d; bare: %s; axvm: %s)\n' \
			"$cpus" "$what" "$b" "$a" $((a / b)) $(((a * 100 / b) % 100)) "$rounds" \
			"${bare[*]}" "${axvm[*]}"
	done
done
