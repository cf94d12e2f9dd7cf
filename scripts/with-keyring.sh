#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (the real OS
# keychain, as on a desktop) and, if DISPLAY is not set or does not answer (a killed Xvfb), a
# private Xvfb screen.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail

if [ -z "${SQS_PILOT_IN_KEYRING_SESSION:-}" ]; then
  export SQS_PILOT_IN_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

XDG_RUNTIME_DIR=$(mktemp -d)
export XDG_RUNTIME_DIR
chmod 700 "$XDG_RUNTIME_DIR"
# A throwaway keyring home so tests never touch the user's own keyrings.
export XDG_DATA_HOME="$XDG_RUNTIME_DIR/data"
mkdir -p "$XDG_DATA_HOME"
eval "$(printf %s 'sqs-pilot-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

xvfb_pid=""
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "${GNOME_KEYRING_PID:-}" ] && kill "$GNOME_KEYRING_PID" 2>/dev/null || true
  rm -rf "$XDG_RUNTIME_DIR"
}
trap cleanup EXIT

if [ -n "${DISPLAY:-}" ] && ! xdpyinfo >/dev/null 2>&1; then
  echo "DISPLAY=$DISPLAY does not answer; starting a private Xvfb screen instead." >&2
  unset DISPLAY
fi
if [ -z "${DISPLAY:-}" ]; then
  exec 3< <(Xvfb -displayfd 1 -screen 0 1280x800x24 -nolisten tcp 2>"$XDG_RUNTIME_DIR/xvfb.log")
  xvfb_pid=$!
  read -r -t 20 display_number <&3 || { echo "Xvfb did not start:"; cat "$XDG_RUNTIME_DIR/xvfb.log"; exit 1; }
  export DISPLAY=":$display_number"
fi

"$@"
