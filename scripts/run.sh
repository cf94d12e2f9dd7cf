#!/usr/bin/env bash
# The run command: installs what is missing, builds the UI and the app, and opens the window.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh run
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "error: no display. Run this from a desktop session (or under Xvfb: DISPLAY=:99 after 'Xvfb :99 &')." >&2
  exit 1
fi
npm --prefix ui run --silent build -- --logLevel warn
exec cargo run --quiet --bin sqs-pilot
