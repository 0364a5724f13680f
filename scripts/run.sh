#!/usr/bin/env bash
# Opens Partner Desk on the embedded sandbox (the default environment): installs what is
# missing, builds the UI and the app, and starts it. Extra arguments go to cargo (e.g. --release).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh run
npm run --silent build
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: running under Xvfb in a private session (screenshots: import -window root)." >&2
  exec scripts/with-desktop.sh cargo run --locked "$@" --bin partner-desk
fi
exec cargo run --locked "$@" --bin partner-desk
