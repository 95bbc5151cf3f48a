#!/usr/bin/env bash
# Runs each fuzz target briefly over its committed seed corpus, one target
# at a time on one core. Exits non-zero on the first crash; the crashing
# input is left in fuzz/artifacts/<target>/.
#
#   scripts/fuzz-smoke.sh [SECONDS_PER_TARGET]   (default 20)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain it sets
# RUSTC_BOOTSTRAP=1 so cargo-fuzz may use the nightly-only sanitizer flags.
set -euo pipefail

seconds="${1:-20}"
cd "$(dirname "$0")/../fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: cargo-fuzz is missing; install it with: cargo install cargo-fuzz" >&2
    exit 1
fi
export RUSTC_BOOTSTRAP=1

cargo fuzz build -O
# New inputs found during the smoke run go to a scratch folder, so the
# committed corpus stays as it is.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in front_matter markdown page; do
    mkdir -p "$scratch/$target"
    echo "fuzz-smoke: $target for ${seconds}s"
    status=0
    cargo fuzz run -O "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
        >"$scratch/$target.log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE|==[0-9]+== ERROR|SUMMARY)|panicked' \
        "$scratch/$target.log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$scratch/$target.log" >&2
        echo "fuzz-smoke: $target failed (exit $status); see fuzz/artifacts/$target/" >&2
        exit "$status"
    fi
done
echo "fuzz-smoke: no crashes"
