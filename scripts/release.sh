#!/usr/bin/env bash
# The release command: builds the .deb and .rpm bundles (release profile: strip, LTO, one codegen
# unit, opt-level "s") with the Tauri CLI pinned by scripts/tauri-cli/package-lock.json.
# AppImage is not built: its bundler downloads linuxdeploy at build time, which these machines
# cannot reach. `--blank` also bundles the benchmark's blank page (bench/blank-app).
# The .deb files are packed again with xz (Tauri writes gzip): the same files, about a quarter
# smaller; dpkg and apt have read xz packages for many years (Debian 6, Ubuntu 10.04 on).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh run >/dev/null
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/sqs-pilot-target}
# The Tauri CLI exactly as scripts/tauri-cli/package-lock.json pins it (version and checksums),
# the same one the release workflow builds with.
TAURI=scripts/tauri-cli/node_modules/.bin/tauri
if [[ ! -x "$TAURI" ]]; then
  echo "==> Installing the Tauri CLI from scripts/tauri-cli/package-lock.json"
  npm ci --silent --no-audit --no-fund --prefix scripts/tauri-cli
fi
TAURI=$PWD/$TAURI
# rpmbuild is not needed: Tauri writes the .rpm itself.
"$TAURI" build --bundles deb,rpm
if [[ "${1:-}" == --blank ]]; then
  (cd bench/blank-app && "$TAURI" build --bundles deb)
fi
# Packs a .deb again with its data compressed by xz, the same files and control data.
repack_xz() {
  local deb=$1 dir
  dir=$(mktemp -d)
  dpkg-deb --raw-extract "$deb" "$dir/pkg"
  dpkg-deb -Zxz -z9 -Sextreme --root-owner-group --build "$dir/pkg" "$deb" >/dev/null
  rm -rf "$dir"
}
for deb in "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb; do
  repack_xz "$deb"
done
echo
echo "Bundles:"
ls -l "$CARGO_TARGET_DIR"/release/bundle/deb/*.deb "$CARGO_TARGET_DIR"/release/bundle/rpm/*.rpm
