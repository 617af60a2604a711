#!/usr/bin/env bash
# Input fuzzing (cargo-fuzz, libFuzzer): builds every target in fuzz/, replays the saved
# regressions (fuzz/regressions/<target>/*) and the seed corpora, then fuzzes each target for a
# short time. Exits non-zero when any input crashes a target.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     default 20, so that CI stays short
#
# Environment:
#   FUZZ_TARGETS     targets to run (default: all of `cargo fuzz list`)
#   FUZZ_TARGET_DIR  build directory (default ~/.cache/concours-fuzz-target; kept between runs)
#   FUZZ_WORK_DIR    where the growing corpora and crash artifacts go (default: in the build dir)
#
# Only a stable toolchain is needed: RUSTC_BOOTSTRAP=1 lets it accept the -Z flags that
# cargo-fuzz passes (sanitizer, coverage instrumentation). See fuzz/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-20}
if ! [[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
    exit 2
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$HOME/.cache/concours-fuzz-target}
WORK=${FUZZ_WORK_DIR:-$CARGO_TARGET_DIR/fuzz-work}
# The same flags for every build and run, so that nothing is built twice.
BUILD_FLAGS=(--sanitizer address --codegen-units 16)
# Per input: 10 s at most (a hang is a finding), 2 GB at most.
LIBFUZZER_FLAGS=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

step() { echo; echo "== $*"; }
started=$(date +%s)

step "building the fuzz targets (release, debug assertions, AddressSanitizer)"
cargo fuzz build "${BUILD_FLAGS[@]}"

TRIPLE=$(rustc -vV | sed -n 's/^host: //p')
BIN_DIR=$CARGO_TARGET_DIR/$TRIPLE/release
read -r -a TARGETS <<<"${FUZZ_TARGETS:-$(cargo fuzz list | tr '\n' ' ')}"
failed=()
mkdir -p "$WORK"

step "replaying the regressions and the kept corpora"
for target in "${TARGETS[@]}"; do
    bad=0
    # Regressions one by one, to name every input that still fails.
    if [ -d "fuzz/regressions/$target" ]; then
        while IFS= read -r -d '' file; do
            if ! "$BIN_DIR/$target" "${LIBFUZZER_FLAGS[@]}" "$file" >"$WORK/replay.log" 2>&1; then
                echo "FAIL $target $file"
                grep -m 3 -A 2 -E "panicked at|ERROR: " "$WORK/replay.log" | sed 's/^/    /' || true
                bad=1
            fi
        done < <(find "fuzz/regressions/$target" -type f ! -name '.*' -print0 | sort -z)
    fi
    # The corpus in one process: -runs=0 executes every input once, then stops.
    if [ -d "fuzz/corpus/$target" ] &&
        ! "$BIN_DIR/$target" "${LIBFUZZER_FLAGS[@]}" -runs=0 "fuzz/corpus/$target" >"$WORK/replay.log" 2>&1; then
        echo "FAIL $target corpus"
        grep -m 3 -A 2 -E "panicked at|ERROR: |Test unit written" "$WORK/replay.log" | sed 's/^/    /' || true
        bad=1
    fi
    if [ $bad -eq 0 ]; then
        echo "ok   $target"
    else
        failed+=("$target (replay)")
    fi
done

for target in "${TARGETS[@]}"; do
    step "fuzzing $target for ${SECONDS_PER_TARGET}s"
    corpus=$WORK/corpus/$target
    artifacts=$WORK/artifacts/$target/
    mkdir -p "$corpus" "$artifacts"
    dict=()
    [ -f "fuzz/dicts/$target.dict" ] && dict=(-dict="$ROOT/fuzz/dicts/$target.dict")
    # New inputs go to the first corpus directory (outside the repository); the kept seeds
    # are read only.
    if ! cargo fuzz run "${BUILD_FLAGS[@]}" "$target" "$corpus" "$ROOT/fuzz/corpus/$target" -- \
        "${LIBFUZZER_FLAGS[@]}" "${dict[@]}" -max_total_time="$SECONDS_PER_TARGET" \
        -artifact_prefix="$artifacts" 2>"$WORK/$target.log"; then
        failed+=("$target")
        grep -E -B2 -A12 "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer" "$WORK/$target.log" | head -40 || true
        echo "crash input(s): $(ls "$artifacts" | sed "s|^|$artifacts|" | tr '\n' ' ')"
    else
        grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$WORK/$target.log" | tr '\n' ' ' || true
        echo "$(find "$corpus" -type f | wc -l) inputs in the working corpus"
    fi
done

step "done in $(($(date +%s) - started))s"
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}"
    echo "Minimise a crash with: RUSTC_BOOTSTRAP=1 cargo fuzz tmin ${BUILD_FLAGS[*]} <target> <artifact>"
    echo "then keep it as fuzz/regressions/<target>/<name> (see fuzz/README.md)."
    exit 1
fi
echo "no crash"
