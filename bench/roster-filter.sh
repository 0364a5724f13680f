#!/usr/bin/env bash
# Roster filter → repaint with 100,000 users in the real window (bench/roster-filter.mjs), and the
# first roster paint at 100,000 users vs at 10 (bench/roster-paint.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
npm run --silent build
cargo build --locked --bin partner-desk -p partner-desk
cargo build --locked --bin seed-roster -p partner-desk-bench
scripts/with-desktop.sh node bench/roster-filter.mjs
exec scripts/with-desktop.sh node bench/roster-paint.mjs
