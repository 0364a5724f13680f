#!/usr/bin/env bash
# Opens Partner Desk on the embedded sandbox (the default environment): installs what is
# missing, builds the UI and the app, and starts it. Extra arguments go to cargo (e.g. --release).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
headless=""
[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && headless=1
# Without a display the app opens under Xvfb (scripts/with-desktop.sh): install that too.
scripts/setup.sh "run${headless:+-headless}"
npm run --silent build
if [ -n "$headless" ]; then
  echo "No display: running under Xvfb in a private session (screenshots: import -window root)." >&2
  exec scripts/with-desktop.sh cargo run --locked "$@" --bin partner-desk
fi
exec cargo run --locked "$@" --bin partner-desk
