#!/usr/bin/env bash
# The hypervisor's size per board: one line each with text, data and bss in bytes.
#   text_size.sh ELF...
set -euo pipefail
for elf in "$@"; do
	board=$(basename "$elf" _hypervisor_elf.elf)
	llvm-size "$elf" | awk -v b="$board" 'NR == 2 { printf "%-20s text %7d  data %6d  bss %7d\n", b, $1, $2, $3 }'
done
