#!/usr/bin/env bash
# Every test of Partner Desk, as CI runs it: UI checks and unit tests, Rust lints and tests (real
# SQLite files, a throwaway PostgreSQL cluster, the sandbox over loopback, a real Secret Service),
# then the real app window under Xvfb driven by WebDriver. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH" CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n\033[1m=== %s\033[0m\n' "$*"; }
started=$(date +%s)

step "Setup (installs only what is missing)"
scripts/setup.sh test

step "UI: typecheck, lint, unit tests, production build"
npm run --silent typecheck
npm run --silent lint
npm run --silent test:ui
npm run --silent build

step "Rust: format and clippy"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Supply chain: cargo deny (RustSec advisories from the committed snapshot, licences, bans, sources)"
cargo fetch --locked --quiet
deny=target/tools/cargo-deny/bin/cargo-deny
[ -x "$deny" ] || deny=$(command -v cargo-deny)
"$deny" --offline --locked check

step "Rust: tests (SQLite files, a throwaway PostgreSQL cluster, sandbox over loopback, Secret Service in a private session)"
scripts/with-desktop.sh scripts/with-postgres.sh cargo test --workspace --locked

step "Conformance: schemathesis against the running sandbox and its OpenAPI document"
scripts/conformance.sh

step "Fuzzing smoke: each cargo-fuzz target for 25 s (the long runs: fuzz/README.md)"
FUZZ_BUILD=dev scripts/fuzz-smoke.sh

step "Build the app, the hub and the standalone sandbox for the end-to-end test"
# First `tauri dev`'s build of the app (no embedded pages: it loads Vite's dev server), set aside
# for e2e/dev-mode.test.mjs; then the real one over it (the two differ by one feature: a relink).
cargo build --locked --no-default-features -p partner-desk --bin partner-desk
mkdir -p target/dev-mode && cp target/debug/partner-desk target/dev-mode/partner-desk
cargo build --locked -p partner-desk -p partner-desk-hub -p p100-sandbox --bin partner-desk --bin partner-desk-hub --bin p100-sandbox

step "End to end: the real window under Xvfb, driven by WebDriver (team mode against a hub on PostgreSQL)"
scripts/with-desktop.sh scripts/with-postgres.sh npm run --silent test:e2e

step "The secrets scan again, with the app logging at trace (a fresh session and keychain)"
scripts/with-desktop.sh env PD_SECRETS_RUST_LOG=trace node --test e2e/zz-secrets.test.mjs

step "All tests passed in $(( $(date +%s) - started )) s; screenshots in target/e2e/"
