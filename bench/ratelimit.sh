#!/usr/bin/env bash
# Rate-limit benchmark of vxswd (not a test: no thresholds). See bench/ratelimit.py.
#   bench/ratelimit.sh          full run, writes the ratelimit-bench region of docs/PERFORMANCE.md
#   bench/ratelimit.sh --smoke  short windows, writes nothing
# Runs one vxswd at a time on vdev ports only; needs root and build/ (scripts/build.sh).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bindir=$(mktemp -d /tmp/vxsw-rl-bin.XXXXXX)
trap 'rm -rf "$bindir"' EXIT
# Private copies of the binaries: others may rebuild build/ during the run.
build=${VXSW_BUILD:-$root/build}
for b in vxswd vxswctl; do
  cp -p "$build/$b/$b" "$bindir/$b" || { echo "ratelimit: $b not built (scripts/build.sh)" >&2; exit 1; }
done
export VXSWD=$bindir/vxswd VXSWCTL=$bindir/vxswctl
if [ "${1:-}" = --smoke ]; then
  exec /usr/bin/python3 "$here/ratelimit.py" --seconds 0.5 --windows 1 --warmup 0.5
fi
exec /usr/bin/python3 "$here/ratelimit.py" --write-docs "$root/docs/PERFORMANCE.md" \
  --cmdline "bench/ratelimit.sh" "$@"
