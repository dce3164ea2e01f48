#!/usr/bin/env bash
# Configure (once) and build vxsw into build/. Usage: scripts/build.sh [BUILD_DIR [MESON_ARGS...]]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
