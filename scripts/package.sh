#!/usr/bin/env bash
# Builds Partner Desk's installable Linux packages, .deb and .rpm, in one go (release build).
#
#   scripts/package.sh            → target/pkg/release/bundle/deb/*.deb and bundle/rpm/*.rpm
#
# The release build goes to target/pkg (CARGO_TARGET_DIR; override it if you like), apart from the
# debug builds that `scripts/run.sh`, the tests and `cargo build` keep in target/, so that
# packaging never invalidates nor waits on them. The version is Cargo's ([workspace.package]
# version): tauri.conf.json has no `version`, and the script checks that the packages agree.
# AppImage needs linuxdeploy from GitHub: see docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/pkg}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mpackage: %s\033[0m\n' "$*" >&2; exit 1; }

scripts/setup.sh run

version=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="partner-desk"))')
bundle="$CARGO_TARGET_DIR/release/bundle"
rm -f "$bundle"/deb/*.deb "$bundle"/rpm/*.rpm

say "tauri build --bundles deb,rpm (version $version from Cargo.toml)"
start=$(date +%s)
# beforeBuildCommand (npm run build) builds ui/dist first; --ci: no prompts.
npm run --silent tauri -- build --ci --bundles deb,rpm -- --locked
took=$(( $(date +%s) - start ))

deb=$(ls "$bundle"/deb/*.deb 2>/dev/null | head -1)
rpm=$(ls "$bundle"/rpm/*.rpm 2>/dev/null | head -1)
[ -f "$deb" ] || die "no .deb in $bundle/deb"
[ -f "$rpm" ] || die "no .rpm in $bundle/rpm"

deb_version=$(dpkg-deb -f "$deb" Version)
[ "$deb_version" = "$version" ] || die ".deb version $deb_version is not Cargo's $version"
if command -v rpm >/dev/null; then
  rpm_version=$(rpm -qp --qf '%{VERSION}' "$rpm" 2>/dev/null)
  [ "$rpm_version" = "$version" ] || die ".rpm version $rpm_version is not Cargo's $version"
fi

say "built in ${took}s"
size() { numfmt --to=iec-i --suffix=B --round=nearest --format='%.1f' "$(stat -c %s "$1")"; }
printf '  %s  (%s)\n' "$deb" "$(size "$deb")"
printf '  %s  (%s)\n' "$rpm" "$(size "$rpm")"
printf '  binary %s  (%s)\n' "$CARGO_TARGET_DIR/release/partner-desk" "$(size "$CARGO_TARGET_DIR/release/partner-desk")"
echo
dpkg-deb -f "$deb" Package Version Depends Recommends | sed 's/^/  /'
