#!/usr/bin/env bash
# Runs a command inside a private desktop session: an Xvfb display (unless one is given), a
# private D-Bus session bus, an unlocked gnome-keyring Secret Service with a throwaway login
# keyring, and (on its own display, when installed) dunst as the notification service. CI has
# none of these; a developer's own keyring and notifications are never touched.
# Usage: scripts/with-desktop.sh COMMAND [ARGS...]
set -euo pipefail

if [ -z "${PD_INSIDE_DBUS:-}" ]; then
  export PD_SESSION_DIR
  PD_SESSION_DIR=$(mktemp -d /tmp/partner-desk-session.XXXXXX)
  chmod 700 "$PD_SESSION_DIR"
  mkdir -p "$PD_SESSION_DIR/runtime" "$PD_SESSION_DIR/data" "$PD_SESSION_DIR/config" "$PD_SESSION_DIR/cache"
  chmod 700 "$PD_SESSION_DIR/runtime"
  export XDG_RUNTIME_DIR="$PD_SESSION_DIR/runtime" XDG_DATA_HOME="$PD_SESSION_DIR/data" \
         XDG_CONFIG_HOME="$PD_SESSION_DIR/config" XDG_CACHE_HOME="$PD_SESSION_DIR/cache"
  export NO_AT_BRIDGE=1 GTK_A11Y=none

  xvfb_pid=""
  if [ -z "${DISPLAY:-}" ]; then
    for n in $(seq 90 120); do
      [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { disp=$n; break; }
    done
    Xvfb ":$disp" -screen 0 1280x800x24 -nolisten tcp >"$PD_SESSION_DIR/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$disp" ] && break; sleep 0.1; done
    [ -e "/tmp/.X11-unix/X$disp" ] || { echo "Xvfb did not start" >&2; cat "$PD_SESSION_DIR/xvfb.log" >&2; exit 1; }
    export DISPLAY=":$disp" PD_OWN_DISPLAY=1
  fi
  cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$PD_SESSION_DIR"
  }
  trap cleanup EXIT
  PD_INSIDE_DBUS=1 dbus-run-session -- "$0" "$@"
  exit $?
fi

# Inside the session bus: a login keyring, unlocked with an empty password (a newline must be
# piped: zero bytes creates no keyring).
echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
# Desktop notifications go to a real service, which the e2e reads back (dunstctl history).
if [ -n "${PD_OWN_DISPLAY:-}" ] && command -v dunst >/dev/null; then
  dunst >"$PD_SESSION_DIR/dunst.log" 2>&1 &
  for _ in $(seq 50); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q true && break
    sleep 0.1
  done
fi
"$@"
