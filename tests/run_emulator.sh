#!/usr/bin/env bash
# Boots a hypervisor image under QEMU or Bochs and checks its console and exit status.
#
#   run_emulator.sh --emulator=qemu-riscv64|qemu-aarch64|bochs --image=FILE [--cpus=N]
#                   [--memory=MiB] [--timeout=S] [--bootargs=STR] [--initrd=FILE] [--expect=ERE ...]
#                   [--expect-vm=N:ERE ...] [--at-most=N:ERE ...] [--expect-status=success|failure]
#                   [--prompt=ERE --input=LINE ...]
#                   [--interactive] [-- extra emulator args]
#
# Test mode (default): the console goes to a log; the test passes when every --expect pattern
# matches a console line, in order, every --expect-vm pattern matches a line of VM N (its
# "[vmN] " console lines and the host's "vm N ..." reports about it), in order among VM N's, and
# no more than N console lines match an --at-most pattern (N = 0: the pattern must never
# appear), and the emulator ended with the expected status by itself (a timeout is always a
# failure). VMs run
# side by side, so the order of lines of different VMs is not checked. On failure the console
# is shown.
# With --input, each LINE is typed on the console (QEMU only) once the --prompt pattern has been
# seen as many times as lines were typed before it, plus one.
# Interactive mode: the console is attached to the terminal (under Bochs, shown once the run
# ends) and nothing is checked.
set -uo pipefail

emulator="" image="" cpus=1 memory=256 timeout_s=50 bootargs="" initrd="" status="success"
interactive=0
prompt=""
expects=()
vm_expects=()
at_most=()
inputs=()
extra=()
while (($#)); do
	case "$1" in
	--emulator=*) emulator=${1#*=} ;;
	--image=*) image=${1#*=} ;;
	--cpus=*) cpus=${1#*=} ;;
	--memory=*) memory=${1#*=} ;;
	--timeout=*) timeout_s=${1#*=} ;;
	--bootargs=*) bootargs=${1#*=} ;;
	--initrd=*) initrd=${1#*=} ;;
	--expect=*) expects+=("${1#*=}") ;;
	--expect-vm=*) vm_expects+=("${1#*=}") ;;
	--at-most=*) at_most+=("${1#*=}") ;;
	--expect-status=*) status=${1#*=} ;;
	--prompt=*) prompt=${1#*=} ;;
	--input=*) inputs+=("${1#*=}") ;;
	--interactive) interactive=1 ;;
	--) shift; extra=("$@"); break ;;
	*) echo "run_emulator: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -f "$image" ] || { echo "run_emulator: no image '$image'" >&2; exit 2; }

# Bochs keeps file names in fixed-size buffers and aborts ("buffer overflow detected") on
# paths as long as Bazel's sandbox ones: give it a short work directory and image name.
if [ "$emulator" = bochs ]; then
	work=$(mktemp -d /tmp/axvm-bochs.XXXXXX)
	ln -s "$(realpath "$image")" "$work/hv.iso"
	image="$work/hv.iso"
else
	work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/emu.XXXXXX")
fi
outdir=${TEST_UNDECLARED_OUTPUTS_DIR:-$work}
log="$outdir/console.log"
trap 'rm -rf "$work"' EXIT

append=()
[ -n "$bootargs" ] && append=(-append "$bootargs")
[ -n "$initrd" ] && append+=(-initrd "$initrd")
if ((interactive)); then
	serial=(-nographic)
else
	serial=(-display none -serial stdio -monitor none)
fi

case "$emulator" in
qemu-riscv64)
	cmd=(qemu-system-riscv64 -M virt -smp "$cpus" -m "${memory}M" "${serial[@]}"
		-kernel "$image" "${append[@]}" "${extra[@]}")
	;;
qemu-aarch64)
	cmd=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu max -smp "$cpus"
		-m "${memory}M" -semihosting "${serial[@]}" -kernel "$image" "${append[@]}" "${extra[@]}")
	;;
bochs)
	# No sound driver: the default one's mixer thread crashed Bochs at exit in about 2 runs of
	# 100 (SIGSEGV in mixer_thread while the plugins unload). With clock sync=none, ips only
	# scales emulated time to instructions. The BIOS and GRUB
	# wait for fixed emulated times while the BIOS parks the other CPUs in busy loops, so a
	# low ips makes an SMP boot ~5x faster (2 CPUs: 9 s at 200M, under 2 s at 20M).
	cat >"$work/bochsrc" <<RC
megs: $memory
cpu: model=corei7_haswell_4770, count=$cpus, ips=20000000, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path="$image", status=inserted
boot: cdrom
display_library: rfb, options="timeout=0"
com1: enabled=1, mode=file, dev=$work/serial.log
port_e9_hack: enabled=1
magic_break: enabled=1
clock: sync=none, time0=local
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debugger_log: -
speaker: enabled=0
sound: driver=dummy
RC
	printf 'c\nquit\n' >"$work/bochs.cmds"
	cmd=(bochs -q -f "$work/bochsrc" -rc "$work/bochs.cmds")
	# Each Bochs in a network namespace of its own, where its VNC server (rfb) has port 5900
	# to itself: Bochs's port search keeps a socket whose listen() lost a race to another
	# instance starting at once, and then fails with "RFB could not bind any port".
	if unshare -rn true 2>/dev/null; then
		cmd=(unshare -rn "${cmd[@]}")
	fi
	;;
*)
	echo "run_emulator: unknown emulator '$emulator'" >&2
	exit 2
	;;
esac

if ((interactive)); then
	if [ "$emulator" = bochs ]; then
		# Bochs's console is its COM1 file: the run ends, then the console is shown (the
		# benchmarks); nothing can be typed.
		timeout -k 5 "$timeout_s" "${cmd[@]}" </dev/null >"$work/bochs.out" 2>&1
		rc=$?
		touch "$work/serial.log"
		tr -d '\r' <"$work/serial.log"
		exit "$rc"
	fi
	exec "${cmd[@]}"
fi

start=$(date +%s%N)
if [ "$emulator" = bochs ]; then
	timeout -k 5 "$timeout_s" "${cmd[@]}" </dev/null >"$work/bochs.out" 2>&1
	rc=$?
	touch "$work/serial.log"
	tr -d '\r' <"$work/serial.log" >"$log"
elif ((${#inputs[@]})); then
	# Types each input line after its prompt, keeping QEMU's stdin open until QEMU is gone.
	mkfifo "$work/stdin"
	: >"$log"
	(
		exec 3>"$work/stdin"
		k=0
		for line in "${inputs[@]}"; do
			k=$((k + 1))
			until [ "$(grep -cE -e "$prompt" "$log")" -ge "$k" ]; do
				sleep 0.2
			done
			printf '%s\r' "$line" >&3
		done
		sleep "$timeout_s"
	) &
	feeder=$!
	timeout -k 5 "$timeout_s" "${cmd[@]}" <"$work/stdin" 2>&1 | stdbuf -o0 tr -d '\r' >"$log"
	rc=${PIPESTATUS[0]}
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
else
	timeout -k 5 "$timeout_s" "${cmd[@]}" </dev/null 2>&1 | tr -d '\r' >"$log"
	rc=${PIPESTATUS[0]}
fi
ms=$((($(date +%s%N) - start) / 1000000))
elapsed=$((ms / 1000)).$(printf %03d $((ms % 1000)))

fail() {
	echo "FAIL: $*"
	echo "----- console ($emulator, exit status $rc, ${elapsed}s) -----"
	cat "$log"
	if [ "$emulator" = bochs ]; then
		echo "----- bochs -----"
		tail -n 30 "$work/bochs.out"
		grep -E 'PANIC|ERROR' "$work/bochs.log" | tail -n 10
	fi
	exit 1
}

if ((rc == 124 || rc == 137)); then
	fail "timed out after ${timeout_s}s"
fi
case "$status" in
success) ((rc == 0)) || fail "expected a clean exit (0), got $rc" ;;
failure) ((rc != 0)) || fail "expected the run to fail, but the emulator exited 0" ;;
*) echo "run_emulator: bad --expect-status '$status'" >&2; exit 2 ;;
esac

# Matches patterns $3... in order against file $1; $2 names it in messages.
match_in_order() {
	local file=$1 what=$2 line=0 n e
	shift 2
	for e in "$@"; do
		n=$(tail -n +"$((line + 1))" "$file" | grep -n -E -m 1 -e "$e" | cut -d: -f1)
		[ -n "$n" ] || fail "no $what line after line $line matches: $e"
		line=$((line + n))
	done
}

match_in_order "$log" console "${expects[@]}"
for vm in $(printf '%s\n' "${vm_expects[@]}" | cut -d: -f1 | sort -un); do
	patterns=()
	for entry in "${vm_expects[@]}"; do
		[ "${entry%%:*}" = "$vm" ] && patterns+=("${entry#*:}")
	done
	grep -E "^(\[vm$vm\] |vm $vm |axvm: vm $vm )" "$log" >"$work/vm$vm.log"
	match_in_order "$work/vm$vm.log" "VM $vm" "${patterns[@]}"
done
for entry in "${at_most[@]}"; do
	n=$(grep -c -E -e "${entry#*:}" "$log")
	((n <= ${entry%%:*})) || fail "$n console lines match (at most ${entry%%:*} may): ${entry#*:}"
done
echo "PASS: $((${#expects[@]} + ${#vm_expects[@]} + ${#at_most[@]})) console patterns matched, exit status $rc, ${elapsed}s"
