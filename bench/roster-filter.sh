#!/usr/bin/env bash
# Roster filter → repaint with 10,000 users in the real window (see bench/roster-filter.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
npm run --silent build
cargo build --locked --bin partner-desk -p partner-desk
cargo build --locked --bin seed-roster -p partner-desk-bench
exec scripts/with-desktop.sh node bench/roster-filter.mjs
