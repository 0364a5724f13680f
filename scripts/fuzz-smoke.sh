#!/usr/bin/env bash
# A short fuzzing smoke: builds the cargo-fuzz targets in fuzz/ and runs each one for a few
# seconds (25 by default) from its seed corpus, printing libFuzzer's summary lines. Exits non-zero
# when a target crashes (panic, failed check, sanitizer report, timeout or out-of-memory); the
# input that did it is left in fuzz/artifacts/<target>/. See fuzz/README.md.
#
#   scripts/fuzz-smoke.sh                  # every target, 25 s each
#   scripts/fuzz-smoke.sh decode           # some targets
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh # the long run
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 25)
#   FUZZ_TOOLCHAIN  `nightly` (the default when rustup has it: AddressSanitizer on) or `stable`
#                   (the fallback: RUSTC_BOOTSTRAP=1 and --sanitizer none)
#   CARGO_BUILD_JOBS  build parallelism (default 2: the machines have two cores)
#   FUZZ_BUILD      `release` (default: the fastest fuzzing) or `dev` (unoptimised: builds in a
#                   fraction of the time; what the test command uses for its 25 s smoke)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
seconds="${FUZZ_SECONDS:-25}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

toolchain="${FUZZ_TOOLCHAIN:-}"
if [[ -z "$toolchain" ]]; then
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        toolchain=nightly
    else
        toolchain=stable
    fi
fi
case "$toolchain" in
    nightly)
        cargo_cmd=(cargo +nightly fuzz)
        sanitizer=address
        ;;
    stable)
        # cargo-fuzz needs a few unstable rustc flags; without nightly, let stable accept them.
        # AddressSanitizer needs nightly, so this build has none (panics and checks still count).
        cargo_cmd=(cargo fuzz)
        export RUSTC_BOOTSTRAP=1
        sanitizer=none
        ;;
    *)
        echo "fuzz-smoke: FUZZ_TOOLCHAIN must be nightly or stable, not $toolchain" >&2
        exit 2
        ;;
esac

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cd fuzz && "${cargo_cmd[@]}" list)
fi

profile=()
case "${FUZZ_BUILD:-release}" in
    release) ;;
    dev) profile=(--dev) ;;
    *)
        echo "fuzz-smoke: FUZZ_BUILD must be release or dev, not $FUZZ_BUILD" >&2
        exit 2
        ;;
esac

echo "fuzz-smoke: toolchain $toolchain, sanitizer $sanitizer, ${FUZZ_BUILD:-release} build, ${seconds}s per target: ${targets[*]}"
started=$SECONDS
(cd fuzz && "${cargo_cmd[@]}" build "${profile[@]}" --sanitizer "$sanitizer")
echo "fuzz-smoke: built in $((SECONDS - started))s"

failed=()
for target in "${targets[@]}"; do
    dict=dict/decode.dict
    [[ "$target" == sandbox_* ]] && dict=dict/sandbox.dict
    mkdir -p "fuzz/corpus/$target"
    log="fuzz/target/fuzz-smoke-$target.log"
    echo "=== $target"
    status=0
    # New inputs go to fuzz/corpus/<target> (kept across runs, not committed); seeds are read only.
    (cd fuzz && "${cargo_cmd[@]}" run "${profile[@]}" --sanitizer "$sanitizer" "$target" \
        "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -dict="$dict") \
        >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^Done [0-9]+ runs|^stat::|^SUMMARY|^==[0-9]+==ERROR|panicked at|Test unit written|^artifact_prefix' "$log" || true
    if [[ $status -ne 0 ]]; then
        echo "fuzz-smoke: $target FAILED (exit $status); the whole log is $log" >&2
        grep -A12 'panicked at' "$log" | head -40 >&2 || true
        failed+=("$target")
    fi
done

echo "fuzz-smoke: done in $((SECONDS - started))s"
if [[ ${#failed[@]} -ne 0 ]]; then
    echo "fuzz-smoke: crashed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz-smoke: no crash"
