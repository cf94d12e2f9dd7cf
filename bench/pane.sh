#!/usr/bin/env bash
# Pane benchmark: a 1 MiB JSON body in the details pane of the real window (Xvfb, software
# rendering) — click → painted, and the longest frame while switching JSON/Text/Hex and scrolling
# — against the same body laid out whole in a <pre>, as the pane did before, in the same window.
# Debug build (the window tests' binary).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test >/dev/null
CACHE=${SQS_PILOT_CACHE:-$HOME/.cache/sqs-pilot-tools}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
export SQS_PILOT_TAURI_DRIVER="$CACHE/bin/tauri-driver"
npm --prefix ui run --silent build -- --logLevel warn
runs=${PANE_RUNS:-3}
for i in $(seq "$runs"); do
  scripts/with-keyring.sh cargo test --quiet --test big_body -- --ignored --nocapture 2>/dev/null | grep '^pane:' || true
done | awk -v runs="$runs" '
  { for (i = 1; i <= NF; i++) { if ($i == "painted") p[n] = $(i+1); if ($i == "scrolling") f[n] = $(i+1); if ($i == "<pre>:") o[n] = $(i+1) } n++ }
  function median(a, k,   s, i, j, t) { for (i = 0; i < k; i++) s[i] = a[i]; for (i = 0; i < k; i++) for (j = i + 1; j < k; j++) if (s[j] + 0 < s[i] + 0) { t = s[i]; s[i] = s[j]; s[j] = t } return s[int(k / 2)] }
  END {
    if (n == 0) { print "the pane test printed nothing: run it alone to see why"; exit 1 }
    mp = median(p, n); mf = median(f, n); mo = median(o, n)
    printf "1 MiB JSON body in the details pane, medians of %d runs (debug build, Xvfb):\n\n", n
    print "| | SQS Pilot (a screenful of rows) | the whole body in a <pre> (the pane before) | ratio | target |"
    print "|---|---|---|---|---|"
    printf "| click → pane painted | %d ms | %d ms | %.1f× | ≤ 300 ms: %s |\n", mp, mo, mo / (mp > 0 ? mp : 1), (mp <= 300 ? "met" : "missed")
    printf "| longest frame, switching JSON/Text/Hex and scrolling to the end | %d ms | | | ≤ 100 ms: %s |\n", mf, (mf <= 100 ? "met" : "missed")
  }'
