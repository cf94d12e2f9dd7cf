#!/usr/bin/env bash
# The Windows test suites, run here: the sqs-rules, sqs-sandbox and sqs-core tests built for
# x86_64-pc-windows-gnu (mingw-w64) and run under Wine (Debian's wine64), in the Wine prefix
# `scripts/setup.sh test` makes. They try what differs on Windows for real: the keychain round
# trip through Credential Manager, the SQLite store, replacing a file another program has open,
# the data directories, Winsock's error numbers. Prints "windows tests (wine): N passed, N failed".
# Called by scripts/test.sh; needs scripts/setup.sh test to have run.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${SQS_PILOT_CACHE:-$HOME/.cache/sqs-pilot-tools}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
export WINEPREFIX="$CACHE/wine" WINEDEBUG=-all
# Our bcryptprimitives.dll (ProcessPrng, which Wine 8 lacks) before Wine's own; no Mono or Gecko.
export WINEDLLOVERRIDES="bcryptprimitives=n,b;mscoree,mshtml="
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=/usr/lib/wine/wine64
# What the Linux tests use to find moto, tinyproxy and the venvs means nothing to Windows.
unset SQS_PILOT_MOTO

results=$(mktemp)
trap 'rm -f "$results"; /usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
# One Wine server for every test binary (it would stop and start again between them), and
# Wine's own services started now with no output: started by a test binary, they would hold
# its output pipe open and `tee` would wait for them forever.
/usr/lib/wine/wineserver -p 2>/dev/null || true  # (already running: fine)
/usr/lib/wine/wine64 wineboot </dev/null >/dev/null 2>&1

target=(--target x86_64-pc-windows-gnu)
run() {
  cargo test "${target[@]}" "$@" 2>&1 | tee -a "$results"
}

# Not run under Wine, and why. The Windows test binary cannot start these Linux programs, or
# needs what only Linux has:
#  - moto (every *_on_moto test, moto_queues' two moto tests, conformance.rs, profiles_and_roles.rs,
#    sso_sign_in.rs), boto3 and the AWS CLI (other_clients.rs), botocore (aws_config_writer.rs),
#    tinyproxy (proxy.rs), Chromium (web_pages.rs: Wine would start it with a Windows path for
#    its profile): Linux programs from the test venv and Debian;
#  - keychain.rs: Secret Service's locked and missing keychain (gnome-keyring);
#  - disk_full.rs: a tmpfs mount.
echo "NOT UNDER WINE: tests that need moto, boto3, the AWS CLI, botocore, tinyproxy or Chromium (Linux programs), Secret Service or a tmpfs mount: see scripts/wine-tests.sh"

run -p sqs-rules
run -p sqs-sandbox --lib --test durability_and_bad_input --test isolation_and_restarts \
  --test time_rules
run -p sqs-core --lib --test batch_failures --test bulk --test crash_mid_job --test dead_proxy \
  --test error_kinds --test messages --test moto_queues --test proxy_credentials \
  --test proxy_keychain --test proxy_profiles --test queue_admin --test redrive \
  --test session_keys --test simulator \
  -- --skip _on_moto --skip lists_every_queue_past_the_first_page_of_1000 \
  --skip counts_follow_messages_and_a_missing_queue_fails_alone
# Credential Manager, for real: store, read and delete a secret.
run -p sqs-core --test keychain_roundtrip -- --ignored

awk -v label="windows tests (wine)" -v strict=1 -f scripts/sum-tests.awk "$results"
