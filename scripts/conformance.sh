#!/usr/bin/env bash
# Conformance of the sandbox to its OpenAPI document: schemathesis generates requests from
# crates/p100-sandbox/openapi.yaml (valid and invalid ones, plus stateful chains through the
# document's links) and checks every answer of a real `p100-sandbox` binary against it.
# Then a deterministic walk through the deep states (scripts/conformance_scenarios.py) is checked
# against the same document. Loopback only; about 100 s on 2 cores once built (schemathesis has a
# 90 s budget). Exits non-zero on any failure.
#
# Usage: scripts/conformance.sh            (from anywhere; installs schemathesis on first use)
#   CONFORMANCE_SEED=N     replay a run's generation (the seed is printed in the summary)
#   CONFORMANCE_MAX_TIME=S schemathesis' time budget; fuzzing and stateful chains repeat until
#                          it is spent [default: 90]
#   CONFORMANCE_EXAMPLES=N test cases per operation in each round [default: 100]
#   CONFORMANCE_REPORTS=har  extra schemathesis reports in target/conformance (JUnit always)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH" CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

SCHEMATHESIS_VERSION=4.32.5 # needs Python >= 3.11
venv=$root/target/conformance-venv
work=$root/target/conformance
spec=$root/crates/p100-sandbox/openapi.yaml
examples=${CONFORMANCE_EXAMPLES:-100}
max_time=${CONFORMANCE_MAX_TIME:-90}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mconformance: %s\033[0m\n' "$*" >&2; exit 1; }

# ----- (a) schemathesis in its own venv ---------------------------------------------------------
python_ok() { # a python3 >= 3.11 that can make venvs (Debian splits venv/ensurepip into python3-venv)
  "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}
find_python() {
  local p
  # The newest first: CPython 3.11's ast module keeps its recursion counter per interpreter, not
  # per thread, so two of schemathesis' workers parsing at once can crash it ("AST constructor
  # recursion depth mismatch", seen in CI); 3.12 fixed that.
  for p in python3.13 python3.12 python3 python3.11; do
    command -v "$p" >/dev/null && python_ok "$p" && { echo "$p"; return 0; }
  done
  return 1
}
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qx "schemathesis, version $SCHEMATHESIS_VERSION"; then
  if ! python=$(find_python); then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      say "apt-get install python3 python3-venv"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
    fi
    python=$(find_python) || die "schemathesis $SCHEMATHESIS_VERSION needs Python >= 3.11 with the venv module.
  Debian 12+/Ubuntu 24.04+: sudo apt-get install python3 python3-venv
  older releases: install python3.11 and python3.11-venv (or newer), then run this again"
  fi
  say "Python venv $venv with schemathesis $SCHEMATHESIS_VERSION ($($python --version))"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" || { rm -rf "$venv"; die "pip could not install schemathesis $SCHEMATHESIS_VERSION"; }
fi

# ----- (b) the sandbox binary, on a free loopback port -----------------------------------------
say "cargo build -p p100-sandbox"
cargo build --quiet --locked -p p100-sandbox

mkdir -p "$work"
key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
out=$work/sandbox.out
log=$work/sandbox.log
: >"$out"
# Webhooks to a closed port: nothing receives them, the delivery log keeps what was sent.
target/debug/p100-sandbox --listen 127.0.0.1:0 --api-key "$key" --review-delay-ms 50 \
  --webhook-url http://127.0.0.1:9 --webhook-retry-scale 0.0001 >"$out" 2>"$log" &
pid=$!
cleanup() {
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

addr=
for _ in $(seq 1 100); do
  line=$(head -n 1 "$out")
  case $line in "listening on "*) addr=${line#listening on }; break ;; esac
  kill -0 "$pid" 2>/dev/null || die "p100-sandbox exited: $(cat "$log")"
  sleep 0.1
done
[ -n "$addr" ] || die "p100-sandbox printed no 'listening on ADDR' within 10 s"
case $addr in 127.*) ;; *) die "p100-sandbox listens on $addr, not on loopback" ;; esac
say "p100-sandbox listening on $addr (log: ${log#"$root"/})"

# ----- (c) schemathesis ---------------------------------------------------------------------------
# Settings the command line has no flag for. Stateful chains follow the document's own links
# only: dependency analysis would map `userId` (P100's id) onto `{externalUserId}`, which never
# names a user, and waste the chains.
config=$work/schemathesis.toml
cat >"$config" <<EOF
[phases.stateful]
max-steps = 15

[phases.stateful.inference]
algorithms = []

[phases.stateful.generation]
max-examples = $((examples * 3))
EOF
# The checks, chosen here rather than with --checks: a check named on the command line would win
# over the one operation below that turns one off. Not ensure_resource_availability: a later KYC
# submission for the same user (hosted or Method A, from another chain or worker too) replaces a
# hosted session by design, and the older redirect link then answers 404 P445, which that check
# reads as a created resource gone missing.
checks=(not_a_server_error status_code_conformance content_type_conformance response_schema_conformance
        response_headers_conformance negative_data_rejection ignored_auth use_after_free)
{
  echo '[checks]'
  echo 'enabled = false'
  for c in "${checks[@]}"; do echo "$c.enabled = true"; done
  # Negative data on the two multipart routes: schemathesis's multipart encoding can lose the
  # mutation it made (a run reported a valid ID_CARD front+back body as "schema-violating"), a
  # finding about the generator, not the sandbox. Their bad input is the Rust bad-input table's
  # and the hostile-files tests' (every field refused at the field, real files).
  echo '[[operations]]'
  echo 'include-path-regex = "^/v1/user/(kyc|poa)-files/"'
  echo 'checks.negative_data_rejection.enabled = false'
} >>"$config"
# Hypothesis' health checks judge the request generator, not the sandbox: a run on a loaded
# 2-core machine tripped `filter_too_much` on one operation (its conditional body fields reject
# many random drafts) while every request sent passed. They are not a conformance failure.
extra=()
[ -n "${CONFORMANCE_SEED:-}" ] && extra+=(--seed "$CONFORMANCE_SEED")
reports=junit${CONFORMANCE_REPORTS:+,$CONFORMANCE_REPORTS}

# One worker on 3.11 (see find_python): slower, but a crash of the tool is not a finding.
workers=$("$venv/bin/python" -c 'import sys; print(2 if sys.version_info >= (3, 12) else 1)')
say "schemathesis $SCHEMATHESIS_VERSION: ${spec#"$root"/} against http://$addr (workers: $workers)"
started=$(date +%s)
# From target/conformance, so schemathesis' and Hypothesis' caches stay out of the work tree.
set +e
(
  cd "$work" &&
    "$venv/bin/schemathesis" --no-color --config-file "$config" run "$spec" \
      --url "http://$addr" \
      --header "x-api-key: $key" \
      --max-examples "$examples" \
      --workers "$workers" \
      --request-timeout 10 \
      --max-time "$max_time" \
      --max-failures 50 \
      --suppress-health-check filter_too_much,too_slow \
      --report "$reports" --report-dir "$work" --report-junit-path "$work/junit.xml" \
      "${extra[@]}"
)
status=$?
set -e

# ----- (c2) the deep states, deterministically ---------------------------------------------------
say "scenarios: the states random chains rarely reach, against the same document"
"$venv/bin/python" scripts/conformance_scenarios.py "http://$addr" "$key" "$spec" || status=1

if ! kill -0 "$pid" 2>/dev/null; then
  echo "p100-sandbox died during the run; its log:" >&2
  cat "$log" >&2
  status=1
fi
say "conformance finished in $(($(date +%s) - started)) s with exit code $status (JUnit: ${work#"$root"/}/junit.xml)"
exit "$status"
