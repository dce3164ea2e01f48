#!/usr/bin/env bash
# Replay benchmark of vxswd (not a test: no thresholds). See bench/bench.py.
#   bench/run.sh            full run (4 cases x (2 s warm-up + 5 x 3 s)), writes the
#                           "Replay benchmark: first figures" section of docs/PERFORMANCE.md
#   bench/run.sh --smoke    ~1 s per case, writes nothing (CI)
# The full run reserves 2 MiB hugepages for the duration of the run (BENCH_HUGEPAGES=0:
# don't, vxswd then runs with --no-huge) and gives the old reservation back at the end.
# Other options go to bench.py (--seconds, --windows, --warmup).
# Runs one vxswd at a time; needs root and build/ (scripts/build.sh).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PY=/usr/bin/python3
NR=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
PAGES=640   # 1.25 GiB: vxswd uses hugepages when >= 512 are free

smoke=0
for a in "$@"; do [ "$a" = --smoke ] && smoke=1; done

args=("$@")
memory=""
orig="" bindir=""
cleanup() {
  [ -n "$orig" ] && echo "$orig" > "$NR"
  [ -n "$bindir" ] && rm -rf "$bindir"
}
trap cleanup EXIT
if [ "$smoke" = 0 ] && [ "${BENCH_HUGEPAGES:-1}" = 1 ] && [ -w "$NR" ]; then
  orig=$(cat "$NR")
  echo $((orig + PAGES)) > "$NR"
  free=$(cat "${NR%/*}/free_hugepages")
  if [ "$free" -ge 512 ]; then
    memory="2 MiB hugepages ($PAGES reserved by bench/run.sh, released after), vxswd --in-memory"
  else
    echo "bench: only $free hugepages free after reserving; vxswd falls back to --no-huge" >&2
    echo "$orig" > "$NR"
    orig=""
  fi
fi
if [ "$smoke" = 0 ]; then
  # Run private copies of the binaries: others may rebuild build/ during the run.
  bindir=$(mktemp -d /tmp/vxsw-bench-bin.XXXXXX)
  build=${VXSW_BUILD:-$root/build}
  for b in vxswd vxswctl; do
    src=$build/$b/$b; [ -x "$src" ] || src=$build/$b
    cp -p "$src" "$bindir/$b" || { echo "bench: $src not built (scripts/build.sh)" >&2; exit 1; }
  done
  export VXSWD=$bindir/vxswd VXSWCTL=$bindir/vxswctl
  args+=(--write-docs "$root/docs/PERFORMANCE.md" --cmdline "$(echo "bench/run.sh $*" | sed "s/ *$//")")
  [ -n "$memory" ] && args+=(--memory "$memory")
fi
"$PY" "$here/bench.py" "${args[@]}"
