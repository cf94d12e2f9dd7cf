#!/usr/bin/env bash
# The test command: installs what is missing, then runs every check and test — format, lint,
# frontend type check and unit tests, Rust unit and integration tests (against moto), and, inside
# a private D-Bus session with a real gnome-keyring and Xvfb, the keychain and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh test

CACHE=${SQS_PILOT_CACHE:-$HOME/.cache/sqs-pilot-tools}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
export SQS_PILOT_MOTO="$CACHE/venv/bin/moto_server"
export SQS_PILOT_TAURI_DRIVER="$CACHE/bin/tauri-driver"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# Runs cargo test, keeping its summary lines for the total at the end.
cargo_test() {
  cargo test "$@" 2>&1 | tee -a "$results"
}

step() {
  local name=$1
  shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local t0=$SECONDS
  "$@"
  printf '    (%s: %ss)\n' "$name" $((SECONDS - t0))
}

step "Rust formatting" cargo fmt --all -- --check
step "GitHub workflows (triggers, rights, pins)" "$CACHE/venv/bin/python" scripts/check-workflows.py
step "Frontend build" npm --prefix ui run --silent build -- --logLevel warn
step "Frontend type check" npm --prefix ui run --silent check
step "Frontend unit tests" npm --prefix ui run --silent test
step "Clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
# --all-targets leaves out the benchmark's driver (test = false): lint it by name.
step "Clippy for the benchmark driver" cargo clippy --test app_bench --quiet -- -D warnings
# The Windows and macOS code paths (keychain backends, paths, the shell) compile and lint clean.
step "Clippy for Windows (x86_64-pc-windows-gnu)" \
  cargo clippy --target x86_64-pc-windows-gnu --workspace --all-targets --quiet -- -D warnings
step "Clippy for macOS (aarch64-apple-darwin, zig as the C compiler)" \
  env PATH="$CACHE/zig/bin:$CACHE/bin:$PATH" \
  cargo-zigbuild clippy --target aarch64-apple-darwin --workspace --all-targets --quiet -- -D warnings
step "Rust unit and integration tests (moto)" cargo_test --workspace
if git rev-parse --git-dir >/dev/null 2>&1; then
  step "Generated TypeScript types are committed" \
    bash -c 'test -z "$(git status --porcelain -- ui/src/lib/bindings)" || { git status --short -- ui/src/lib/bindings; echo "ui/src/lib/bindings is out of date: commit the regenerated files"; exit 1; }'
fi
# The disk-full tests mount a tmpfs: they run (among the ignored tests) only as root.
not_root=()
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: the disk-full tests (a_full_disk_*) need root to mount a tmpfs"
  not_root=(--skip a_full_disk)
fi
cargo_test_in_keyring() {
  scripts/with-keyring.sh cargo test --workspace -- --ignored --skip a_locked_keychain "${not_root[@]}" 2>&1 | tee -a "$results"
  # This one locks the keychain (nothing can unlock it without a prompt): a session of its own.
  scripts/with-keyring.sh cargo test --test e2e -- --ignored --exact \
    a_locked_keychain_refuses_a_new_secret_and_the_connection_keeps_working 2>&1 | tee -a "$results"
}
step "Keychain and end-to-end tests (gnome-keyring, Xvfb, tauri-driver)" \
  cargo_test_in_keyring

# The Windows suites under Wine (their own total, printed before the Linux one).
step "Windows tests under Wine (x86_64-pc-windows-gnu)" scripts/wine-tests.sh

step "Benchmark script, quick mode (keeps make bench from rotting; its figures mean nothing)" \
  bash bench/app.sh --quick

printf '\n'
awk -v label="rust tests" -f scripts/sum-tests.awk "$results"
