#!/usr/bin/env bash
# Installs the .deb on a clean, minimal Debian 12 and starts it there.
#
#   scripts/install-test.sh [PATH.deb]     (default: the one scripts/package.sh built)
#
# 1. debootstrap --variant=minbase bookworm (once; kept as target/install-test/bookworm-minbase.tar)
#    and a fresh copy of it for every run in target/install-test/root — nothing but Debian's
#    "required" packages and apt, with the bookworm, bookworm-updates and bookworm-security
#    sources of a stock install;
# 2. `apt-get install --no-install-recommends ./partner-desk_*.deb` inside it, so every library
#    comes from the Debian mirror through the package's declared Depends (Recommends left out:
#    the Depends alone must be enough to start);
# 3. checks that no library of the binary or of WebKit's helper processes is missing (ldd);
# 4. starts /usr/bin/partner-desk as an unprivileged user inside the root, under a private Xvfb
#    (its socket bound into the root) and dbus-run-session (the dbus-daemon package is added for
#    that: a desktop session always has a session bus), and requires that it is still running
#    after 15 s with its WebKit processes and a mapped "Partner Desk" window, and that a
#    screenshot of the screen is not blank.
# Artefacts in target/install-test/: apt.log, app.log, screenshot.png, result.txt.
# Needs root (chroot, mounts), debootstrap, Xvfb, ImageMagick and x11-utils on the host.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
out="$here/target/install-test"
root="$out/root"
base="$out/bookworm-minbase.tar"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31minstall-test: %s\033[0m\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (chroot and mounts)"
for t in debootstrap Xvfb import xwininfo; do
  command -v "$t" >/dev/null || die "$t is missing (apt-get install debootstrap xvfb imagemagick x11-utils)"
done
deb=${1:-$(ls "$here"/target/pkg/release/bundle/deb/*.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || die "no .deb given and none in target/pkg/release/bundle/deb (run scripts/package.sh)"
deb=$(realpath "$deb")
mkdir -p "$out"

mounted_under() { findmnt -rn -o TARGET | grep -E "^$1(/|$)" || true; }
unmount_all() {
  local m
  for m in $(mounted_under "$root" | sort -r); do umount -l "$m" 2>/dev/null || true; done
}
app_pid="" xvfb_pid=""
cleanup() {
  # Only the processes this script started, by pid: the app's session and Xvfb.
  if [ -n "$app_pid" ]; then
    local pids
    pids="$(descendants "$app_pid") $app_pid"
    kill $pids 2>/dev/null || true
    sleep 1
    kill -9 $pids 2>/dev/null || true
  fi
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  unmount_all
}
descendants() {
  local p c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
}
trap cleanup EXIT

# --- 1. a clean Debian 12 ---------------------------------------------------------------------
if [ ! -f "$base" ]; then
  say "debootstrap --variant=minbase bookworm ($mirror)"
  stage="$out/bootstrap"
  [ -z "$(mounted_under "$stage")" ] || die "something is still mounted under $stage"
  rm -rf "$stage"
  start=$(date +%s)
  debootstrap --variant=minbase bookworm "$stage" "$mirror" >"$out/debootstrap.log" 2>&1 ||
    { tail -20 "$out/debootstrap.log"; die "debootstrap failed (log: $out/debootstrap.log)"; }
  [ -z "$(mounted_under "$stage")" ] || die "debootstrap left mounts under $stage"
  cat >"$stage/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
  tar -C "$stage" -cf "$base" .
  rm -rf "$stage"
  say "base system in $(( $(date +%s) - start )) s"
fi
[ -z "$(mounted_under "$root")" ] || die "something is still mounted under $root; unmount it first"
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$base"

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service starts inside the root.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

# --- 2. install -------------------------------------------------------------------------------
debian_version=$(cat "$root/etc/debian_version")
before=$(in_root dpkg-query -W -f='.\n' | wc -l)
# Under Debian's own file name (the bundler's has the product name, with a space).
pkg="/tmp/$(dpkg-deb -f "$deb" Package)_$(dpkg-deb -f "$deb" Version)_$(dpkg-deb -f "$deb" Architecture).deb"
cp "$deb" "$root$pkg"
say "apt-get install --no-install-recommends .$pkg (Debian $debian_version, $before packages)"
start=$(date +%s)
{
  in_root apt-get update
  in_root apt-get install -y --no-install-recommends "$pkg"
} >"$out/apt.log" 2>&1 || { tail -30 "$out/apt.log"; die "apt-get failed (log: $out/apt.log)"; }
install_s=$(( $(date +%s) - start ))
after=$(in_root dpkg-query -W -f='.\n' | wc -l)
download=$(grep -Eo 'Need to get [^ ]+ [kMG]?B' "$out/apt.log" | tail -1 | sed 's/Need to get //')
installed_version=$(in_root dpkg-query -W -f='${Version}' partner-desk)
say "installed partner-desk $installed_version with $(( after - before )) packages from the mirror ($download) in ${install_s} s"

# --- 3. every library resolves -----------------------------------------------------------------
helpers=$(in_root sh -c 'ls /usr/lib/*/webkit2gtk-4.1/WebKit*Process 2>/dev/null' || true)
missing=$(in_root ldd /usr/bin/partner-desk $helpers | grep 'not found' || true)
[ -z "$missing" ] || die "libraries not found after install: $missing"
say "ldd: every library of partner-desk and $(echo "$helpers" | wc -w) WebKit helpers found"

# --- 4. start it ------------------------------------------------------------------------------
if ! in_root sh -c 'command -v dbus-run-session' >/dev/null; then
  in_root apt-get install -y --no-install-recommends dbus-daemon >>"$out/apt.log" 2>&1 ||
    die "cannot add dbus-daemon (log: $out/apt.log)"
  session_note="dbus-daemon added for dbus-run-session"
else
  session_note="dbus-run-session was already there"
fi
in_root useradd -m -s /bin/sh desk
for n in $(seq 90 130); do
  [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { disp=$n; break; }
done
Xvfb ":$disp" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$disp" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X$disp" ] || die "Xvfb did not start"
mkdir -p "$root/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
in_root install -d -m 700 -o desk -g desk /tmp/desk-runtime

say "starting /usr/bin/partner-desk as user desk on :$disp"
chroot --userspec=desk:desk "$root" /usr/bin/env -i \
  PATH=/usr/bin:/bin HOME=/home/desk USER=desk LANG=C.UTF-8 DISPLAY=":$disp" \
  XDG_RUNTIME_DIR=/tmp/desk-runtime NO_AT_BRIDGE=1 \
  dbus-run-session -- /usr/bin/partner-desk >"$out/app.log" 2>&1 &
app_pid=$!
alive=0
for s in $(seq 15); do
  sleep 1
  kill -0 "$app_pid" 2>/dev/null || break
  alive=$s
done
procs=$(for p in $(descendants "$app_pid"); do ps -o comm= -p "$p" 2>/dev/null; done | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}')
window=$(DISPLAY=":$disp" xwininfo -root -tree 2>/dev/null | grep -o '"Partner Desk"' | head -1 || true)
DISPLAY=":$disp" import -window root "$out/screenshot.png"
colours=$(convert "$out/screenshot.png" -format '%k' info:)
stddev=$(convert "$out/screenshot.png" -colorspace Gray -format '%[fx:standard_deviation]' info:)
db=$(ls "$root"/home/desk/.local/share/io.partnerdesk.app/ 2>/dev/null | tr '\n' ' ')

verdict=PASS
[ "$alive" -ge 15 ] || verdict=FAIL
echo "$procs" | grep -q WebKitWebProces || verdict=FAIL
[ -n "$window" ] || verdict=FAIL
[ "$colours" -gt 16 ] || verdict=FAIL

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes), installed version $installed_version"
  echo "system: Debian $debian_version, debootstrap --variant=minbase, $before packages before"
  echo "apt-get install --no-install-recommends: $(( after - before )) packages added from $mirror ($download), ${install_s} s"
  echo "ldd: no missing library (partner-desk and $(echo "$helpers" | wc -w) WebKit helpers)"
  echo "session: Xvfb :$disp 1280x800x24 on the host, socket bound into the root; $session_note"
  echo "alive after: ${alive} s (required 15); processes: $procs"
  echo "window: ${window:-none}"
  echo "screenshot: target/install-test/screenshot.png, $colours colours, grey stddev $stddev"
  echo "app data: ~desk/.local/share/io.partnerdesk.app/ $db"
  echo "result: $verdict"
} | tee "$out/result.txt"
[ "$verdict" = PASS ]
