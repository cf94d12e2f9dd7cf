#!/usr/bin/env bash
# Installs what SQS Pilot needs on Debian 12 (as root, or with sudo), skipping what is already
# there: system packages, the UI's npm packages, and for tests a Python venv with moto and
# tauri-driver. Safe to run again and again.
# Usage: scripts/setup.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

CACHE=${SQS_PILOT_CACHE:-$HOME/.cache/sqs-pilot-tools}
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# System packages (Tauri's WebKitGTK stack; the test display, keychain and WebDriver; a headless
# Chromium for the test that attacks the sandbox from a web page).
apt_run=(build-essential pkg-config file curl wget xdg-utils libssl-dev libwebkit2gtk-4.1-dev
  libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libsoup-3.0-dev
  libjavascriptcoregtk-4.1-dev libsecret-1-dev gnome-keyring dbus dbus-x11 mold)
apt_test=(xvfb xauth webkit2gtk-driver libsecret-tools imagemagick x11-utils python3-venv
  gcc-mingw-w64-x86-64 wine64 tinyproxy chromium-headless-shell jq)
wanted=("${apt_run[@]}")
[ "$mode" = test ] && wanted+=("${apt_test[@]}")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Toolchains that cannot come from Debian's archive in a usable version.
command -v cargo >/dev/null || die "Rust is not installed. Install it with rustup (https://rustup.rs), Rust 1.85 or newer, then run this again."
command -v node >/dev/null || die "Node.js is not installed. Install Node.js 20.19 or newer (for example from NodeSource), then run this again."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node --version) is too old for Vite; install 20.19 or newer."
for c in rustfmt clippy; do
  cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1 || { command -v rustup >/dev/null && rustup component add "$c"; }
done

# The UI's npm packages, exactly as locked.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "Installing the UI's npm packages"
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi

if [ "$mode" = test ]; then
  # moto (an independent SQS server) and boto3 for tests, in a venv outside the clone.
  # PyYAML (named, though moto brings it) reads the GitHub workflows in scripts/check-workflows.py.
  if [ ! -x "$CACHE/venv/bin/moto_server" ] || [ ! -x "$CACHE/venv/bin/aws" ] \
    || ! "$CACHE/venv/bin/python" -c 'import yaml' 2>/dev/null; then
    say "Creating the test venv with moto, boto3, the AWS CLI and PyYAML in $CACHE/venv"
    mkdir -p "$CACHE"
    [ -x "$CACHE/venv/bin/pip" ] || python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install -q --disable-pip-version-check "moto[server]>=5.1,<6" "boto3>=1.35,<2" "awscli>=1.36,<2" "pyyaml>=6,<7"
  fi
  # A second venv with botocore 1.31.0, whose SQS model still speaks the query (XML) protocol, so
  # the sandbox's query side is tried by a real client of that protocol.
  if [ ! -f "$CACHE/venv-query/.botocore-1.31.0" ]; then
    say "Creating the query-protocol test venv (botocore 1.31.0) in $CACHE/venv-query"
    [ -x "$CACHE/venv-query/bin/pip" ] || python3 -m venv "$CACHE/venv-query"
    "$CACHE/venv-query/bin/pip" install -q --disable-pip-version-check "botocore==1.31.0" "boto3==1.28.0"
    touch "$CACHE/venv-query/.botocore-1.31.0"
  fi
  # The Windows and macOS code paths are compile-checked here: the targets' standard libraries,
  # mingw-w64 (apt, above) as Windows' C compiler, and zig (PyPI) with cargo-zigbuild as macOS's.
  for t in x86_64-pc-windows-gnu aarch64-apple-darwin; do
    rustup target list --installed 2>/dev/null | grep -qx "$t" || { say "Adding the Rust target $t"; rustup target add "$t"; }
  done
  # Wine runs the Windows test suites (scripts/wine-tests.sh) in a prefix of our own, with a
  # bcryptprimitives.dll built from scripts/wine/ (Wine 8 lacks ProcessPrng, which Rust calls).
  if [ ! -f "$CACHE/wine/system.reg" ]; then
    say "Making the Wine prefix for the Windows tests in $CACHE/wine"
    mkdir -p "$CACHE/wine"
    WINEPREFIX="$CACHE/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1
  fi
  shim="$CACHE/wine/drive_c/windows/system32/bcryptprimitives.dll"
  if [ ! -f "$shim" ] || [ scripts/wine/bcryptprimitives.c -nt "$shim" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -o "$shim" scripts/wine/bcryptprimitives.c \
      scripts/wine/bcryptprimitives.def -ladvapi32
  fi
  if ! "$CACHE/zig/bin/python" -m ziglang version >/dev/null 2>&1; then
    say "Installing zig (PyPI ziglang) into $CACHE/zig"
    [ -x "$CACHE/zig/bin/pip" ] || python3 -m venv "$CACHE/zig"
    "$CACHE/zig/bin/pip" install -q --disable-pip-version-check "ziglang==0.17.1"
  fi
  if [ ! -x "$CACHE/bin/cargo-zigbuild" ]; then
    say "Building cargo-zigbuild into $CACHE (once, about a minute)"
    CARGO_TARGET_DIR="$CACHE/build" cargo install cargo-zigbuild --version 0.24.1 --locked --root "$CACHE" --quiet
  fi
  # tauri-driver: the WebDriver bridge for the app window (built once, cached).
  if [ ! -x "$CACHE/bin/tauri-driver" ]; then
    say "Building tauri-driver into $CACHE (once, about 2 minutes)"
    CARGO_TARGET_DIR="$CACHE/build" cargo install tauri-driver --version 2.1.0 --locked --root "$CACHE" --quiet
  fi
fi
