#!/usr/bin/env bash
# The workbench at its largest, in the real window (release build): Peek 100,000 messages of
# about 1 KiB from the sandbox, three three-condition queries over them, memory after the Peek
# and after scrolling through every row — against the blank Tauri page's idle memory measured
# in the same run. Prints a Markdown table (README: "Working with thousands of messages").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test >/dev/null
CACHE=${SQS_PILOT_CACHE:-$HOME/.cache/sqs-pilot-tools}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
export SQS_PILOT_TAURI_DRIVER="$CACHE/bin/tauri-driver"
export SQS_PILOT_MOTO="$CACHE/venv/bin/moto_server"
npm --prefix ui run --silent build -- --logLevel warn
cargo build --release --quiet -p sqs-pilot -p blank-app
T=$CARGO_TARGET_DIR/release
scripts/with-keyring.sh cargo test --quiet --test app_bench -- --ours "$T/sqs-pilot" --blank "$T/blank-app" \
  --workbench --runs 1 --messages "${PEEK_MESSAGES:-100000}" --pad 1000 2>/dev/null | sed -n '/^|/p; /^Memory by/p'
