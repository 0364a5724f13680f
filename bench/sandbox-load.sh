#!/usr/bin/env bash
# Builds the sandbox and the load generator in release, then runs the load benchmark.
# Every argument goes to sandbox-load (see: bench/sandbox-load.sh --help).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p p100-sandbox -p partner-desk-bench
exec target/release/sandbox-load --sandbox target/release/p100-sandbox "$@"
