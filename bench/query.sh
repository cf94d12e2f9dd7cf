#!/usr/bin/env bash
# Query benchmark: the workbench's store (100,000 polled 1 KiB JSON messages) vs jq over the
# app's export vs a Python script, for a 3-condition query and facets. Needs jq and python3
# (scripts/setup.sh test installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test >/dev/null
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
cargo build --release --quiet -p sqs-core --example bench_query
"$CARGO_TARGET_DIR/release/examples/bench_query" python3
