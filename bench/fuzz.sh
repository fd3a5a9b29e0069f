#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/) for a bounded time each. Not in CI.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); libFuzzer needs nightly
# flags, which RUSTC_BOOTSTRAP=1 allows on the stable toolchain.
#
#   bench/fuzz.sh [seconds per target, default 300]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
export RUSTC_BOOTSTRAP=1
mkdir -p fuzz/corpus/submission fuzz/corpus/definition
# Seeds: real bodies and the shipped definitions.
printf 'csrf=x&answer=gravesham' > fuzz/corpus/submission/borough
printf 'csrf=x&answer=fly-tipping&answer=other&specify-other=%%3Cscript%%3E' > fuzz/corpus/submission/concerns
printf 'answer=asb&answer=asb&f-borough=dartford&compare=gender' > fuzz/corpus/submission/query
cp assets/surveys/*.toml fuzz/corpus/definition/
for target in submission definition; do
    echo "fuzz: $target for $seconds s"
    cargo fuzz run --release "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 |
        grep -E '^(#[0-9]+.*(DONE|pulse)|stat::|Done|==[0-9]+==|SUMMARY|panicked)' || true
    if ls fuzz/artifacts/"$target"/crash-* > /dev/null 2>&1; then
        echo "fuzz: $target found a crash: $(ls fuzz/artifacts/"$target")" >&2
        exit 1
    fi
done
echo "fuzz: no crash"
