#!/usr/bin/env bash
# Messages benchmark: the app's core vs a boto3 loop vs the AWS CLI, sending and receiving +
# deleting 10,000 messages on the release sandbox. Needs the test venv (scripts/setup.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
cargo build --release --quiet -p sqs-sandbox --bin sqs-sandbox
cargo build --release --quiet -p sqs-core --example bench_messages
"$CARGO_TARGET_DIR/release/examples/bench_messages" "$CARGO_TARGET_DIR/release/sqs-sandbox"
