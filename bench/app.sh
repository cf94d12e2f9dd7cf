#!/usr/bin/env bash
# The one benchmark command (`make bench`): SQS Pilot against a blank Tauri page built with the
# same toolchain, in the same run — start-up, memory, binary and .deb size, Poll → rows and
# scroll frame time in the real window — then the sandbox (vs moto) and messages (vs boto3 and
# the AWS CLI) benchmarks. Prints one report with the machine and the date and writes it into
# README.md between the bench markers.
#
# The long phase (a window idle on 1,000 queues beside one running the simulator) lasts
# BENCH_MINUTES (default 60) after a minute of measuring the idle window's CPU alone.
#
# --quick: debug builds, one run, 1,000 messages, a 12-second long phase, no bundles, README
# untouched. The test command runs this so the script cannot rot; its figures mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[[ "${1:-}" == --quick ]] && quick=1

scripts/setup.sh test >/dev/null
CACHE=${SQS_PILOT_CACHE:-$HOME/.cache/sqs-pilot-tools}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
export SQS_PILOT_TAURI_DRIVER="$CACHE/bin/tauri-driver"
export SQS_PILOT_MOTO="$CACHE/venv/bin/moto_server"
T=$CARGO_TARGET_DIR
report=$(mktemp)
trap 'rm -f "$report"' EXIT

npm --prefix ui run --silent build -- --logLevel warn
if ((quick)); then
  cargo build --quiet -p sqs-pilot -p blank-app
  bin=$T/debug
  extra=(--runs 1 --messages 1000 --cpu-seconds 5 --minutes 0.2)
else
  bash scripts/release.sh --blank >/dev/null
  bin=$T/release
  # The window tests' stand-ins (file dialogs, the sign-in page) exist in debug builds only:
  # the release binary must not even hold their names.
  if grep -a -q -E 'SQS_PILOT_(IMPORT_FILE|EXPORT_FILE|OPEN_URL_LOG)' "$bin/sqs-pilot"; then
    echo "the release binary holds a test hook's name (src-tauri/test_hooks.rs)" >&2
    exit 1
  fi
  deb_ours=$(ls -t "$T"/release/bundle/deb/*SQS*Pilot*.deb | head -1)
  deb_blank=$(ls -t "$T"/release/bundle/deb/*Blank*.deb | head -1)
  # The .deb must install on this machine and the installed app must start (checked below).
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  cp "$deb_ours" /tmp/sqs-pilot-bench.deb
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --reinstall /tmp/sqs-pilot-bench.deb >/dev/null
  extra=(--runs 5 --messages 10000 --deb-ours "$deb_ours" --deb-blank "$deb_blank" --installed /usr/bin/sqs-pilot
    --cpu-seconds 60 --minutes "${BENCH_MINUTES:-60}")
fi

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), Xvfb with software rendering; \`make bench\`."
  echo
  echo "**The app against a blank Tauri page** (same toolchain and profile, same run):"
  echo
  scripts/with-keyring.sh cargo test --quiet --test app_bench -- --ours "$bin/sqs-pilot" --blank "$bin/blank-app" "${extra[@]}" 2>/dev/null |
    awk '/^\|/ { print; table = 1; next } /^(Start-up|Memory by|Simulator window)/ { if (table) print ""; table = 0; print }'
} | tee "$report"

if ((quick)); then
  # The other two benchmarks take minutes; in quick mode only check that they build.
  cargo build --quiet -p sqs-sandbox --example bench -p sqs-core --example bench_messages
  exit 0
fi

{
  echo
  echo "**The sandbox against moto** (\`bench/sandbox.sh\`):"
  echo
  bash bench/sandbox.sh | sed -n '/^|/p'
  echo
  echo "**10,000 messages: the app's core against a boto3 loop and the AWS CLI** (\`bench/messages.sh\`):"
  echo
  bash bench/messages.sh | sed -n '/^|/p'
  echo
  echo "For context, not measured here: Hopp's published Tauri-vs-Electron benchmark (https://gethopp.app/blog/tauri-vs-electron) found a minimal Electron app's bundle at about 244 MiB against 8.6 MiB for Tauri, and about 409 MB against 172 MB of memory with six windows open. Electron-based SQS GUIs carry the same Chromium runtime."
} | tee -a "$report"

python3 - "$report" <<'PY'
import re, sys
table = open(sys.argv[1]).read().strip()
readme = open("README.md").read()
start, end = "<!-- bench:start -->", "<!-- bench:end -->"
if start not in readme:
    readme = readme.rstrip() + f"\n\n## Benchmark\n\n{start}\n{end}\n"
readme = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: f"{start}\n{table}\n{end}", readme, flags=re.S)
open("README.md", "w").write(readme)
print("README.md updated")
PY
