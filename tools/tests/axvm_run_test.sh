#!/usr/bin/env bash
# tools/axvm-run as a user runs it, with a prebuilt hypervisor: Linux from the documented example
# config with its initramfs given by --initrd and its command line by --append; then the same
# VM without the initrd it needs, which must fail with a message naming it and a non-zero exit
# status, in interactive mode as in test mode.
#
#   axvm_run_test.sh ARCH CONSOLE AXVM_RUN HYPERVISOR CONFIG IMAGE INITRAMFS
#
# ARCH is axvm-run's --arch, CONSOLE the guest's console device (ttyS0, ttyAMA0).
set -uo pipefail
arch=$1 console=$2 axvm_run=$3 hv=$4 config=$5 image=$6 initramfs=$7
fail() { echo "FAIL: $*"; exit 1; }

"$axvm_run" --arch "$arch" --hypervisor "$hv" --vm "$config" "$image" --initrd "$initramfs" \
	--append "console=$console axvm.test=axvm-run quoted=\"a \\ b\"" -- --timeout=45 \
	'--expect=^\[vm1\] init: 2 cpus online' \
	"--expect=^\[vm1\] init: cmdline: console=$console axvm.test=axvm-run quoted=\"a \\\\ b\"\$" \
	'--expect=^vm 1 \(linux\): stopped: the guest powered off' \
	'--expect=^all VMs stopped \(0 by an error\)' || fail "Linux with --initrd and --append"

out=$(mktemp)
"$axvm_run" --arch "$arch" --hypervisor "$hv" --vm "$config" "$image" </dev/null >"$out" 2>&1
rc=$?
grep -q "not started: vm 1: /images/initrd is configured but no initrd was supplied" "$out" ||
	{ cat "$out"; fail "the missing initrd is not named"; }
((rc == 1)) || { cat "$out"; fail "exit status $rc, not 1, for a VM that could not start"; }
echo "PASS: axvm-run booted Linux with --initrd and --append, and passed a failure on (rc $rc)"
