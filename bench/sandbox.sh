#!/usr/bin/env bash
# Sandbox benchmark: builds the release sqs-sandbox and the benchmark, then prints a Markdown
# table (sandbox vs moto in the same run). Needs the test venv (scripts/setup.sh test).
# BENCH_STORED=N sets how many messages are stored for the memory/restart rows (default 1,000,000).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
cargo build --release --quiet -p sqs-sandbox --bin sqs-sandbox --example bench
"$CARGO_TARGET_DIR/release/examples/bench" "$CARGO_TARGET_DIR/release/sqs-sandbox"
