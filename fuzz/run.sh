#!/usr/bin/env bash
# Runs each fuzz target (template, email, iati) for SECONDS (default 30), one after another,
# and fails if any of them finds a crash, a timeout or an out-of-memory input.
#   fuzz/run.sh [--dev] [SECONDS]
# --dev builds the targets without optimisations (cargo fuzz's --dev; AddressSanitizer, debug
# assertions and overflow checks stay on): the build from nothing takes about a third as
# long, but each input takes 15 to 60 times longer (fuzz/README.md), so CI does not use it.
# Stable Rust only: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly-only flags
# (-Zsanitizer=address and friends). Findings go to fuzz/artifacts/<target>/; new corpus
# entries go to fuzz/target/corpus/<target>/ so the seeds in fuzz/corpus/ stay small.
set -euo pipefail

profile=()
if [ "${1:-}" = --dev ]; then
    profile=(--dev)
    shift
fi
seconds="${1:-30}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: fuzz/run.sh [--dev] [SECONDS]  (a whole number of seconds per target, default 30)" >&2
    exit 2
fi

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$fuzz_dir/.."

# The version is pinned for a reproducible CI; 0.13.2 builds with Rust 1.95.
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi

export RUSTC_BOOTSTRAP=1
failed=()
for target in template email iati; do
    work="$fuzz_dir/target/corpus/$target"
    mkdir -p "$work"
    echo "== fuzz target $target: $seconds s"
    # The first corpus folder is written to, the second (the committed seeds) only read.
    # -timeout: one input taking over 10 s counts as a finding (the inputs are a few KB).
    if ! cargo fuzz run "${profile[@]}" "$target" "$work" "$fuzz_dir/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1; then
        failed+=("$target")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzzing found problems in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzzing found nothing in ${seconds} s per target"
