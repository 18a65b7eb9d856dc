#!/usr/bin/env bash
# A bounded libFuzzer session for a test: run_fuzz.sh FUZZER SEED_FILE RUNS MAX_LEN
# Fuzzes RUNS inputs starting from the seeds in SEED_FILE's directory (read only; new inputs go
# to a scratch corpus), with a fixed seed so that a failure reproduces, and fails on any crash,
# sanitizer report, leak or timeout. The crashing input is kept in the test's outputs.
set -euo pipefail
fuzzer=$1 seeds=$(dirname "$2") runs=$3 max_len=$4
out=${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-/tmp}}
scratch=${TEST_TMPDIR:-$(mktemp -d)}/corpus
mkdir -p "$scratch"
exec "$fuzzer" -seed=1 -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$out/" "$scratch" "$seeds"
