#!/usr/bin/env bash
# Replay benchmark: vxswd vs Open vSwitch with DPDK vs the dpdk-testpmd io ceiling,
# same pcaps, same forwarding core (CPU 1). Not a test: no thresholds. See bench/bench.py.
#   bench/run.sh            full run (~20 min): checks, 4 interleaved rounds over 4 flow sets
#                           x 2 directions x 3 engines, vxswd extras (2 workers, 1M-MAC FDB,
#                           MAC flood); rewrites the replay-bench region of docs/PERFORMANCE.md
#                           and bench/replay-bench.png
#   bench/run.sh --smoke    CI (~1 min): 1k set, all three engines, output checks, tiny
#                           windows and extras; writes nothing; exits non-zero only if
#                           something is broken (a wrong output, an engine that fails)
# Other options go to bench.py (--rounds, --windows, --seconds, --only SETS, --no-extras, ...).
# Reserves 2 MiB hugepages for the run (OVS-DPDK needs them) and gives them back at the end.
# Needs root, build/ (scripts/build.sh) and scripts/setup.sh's packages
# (openvswitch-switch-dpdk, dpdk, python3-matplotlib).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PY=/usr/bin/python3
NR=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

smoke=0
for a in "$@"; do [ "$a" = --smoke ] && smoke=1; done
PAGES=1280                      # 2.5 GiB: one engine at a time; OVS's mempool is the largest
[ "$smoke" = 1 ] && PAGES=1024

args=("$@")
memory=""
orig="" bindir=""
cleanup() {
  # give back what we added (not the old absolute count: others may have changed theirs)
  if [ -n "$orig" ]; then
    now=$(cat "$NR"); back=$((now - PAGES)); [ "$back" -lt 0 ] && back=0
    echo "$back" > "$NR"
  fi
  [ -n "$bindir" ] && rm -rf "$bindir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "${BENCH_HUGEPAGES:-1}" = 1 ] && [ -w "$NR" ]; then
  orig=$(cat "$NR")
  echo $((orig + PAGES)) > "$NR"
  free=$(cat "${NR%/*}/free_hugepages")
  memory="2 MiB hugepages ($PAGES reserved by bench/run.sh, released after; $free free at the start), all engines --in-memory"
  if [ "$free" -lt 512 ]; then
    echo "bench: only $free hugepages free after reserving; OVS-DPDK will be skipped" >&2
  fi
fi
# Private copies of vxswd/vxswctl: others may rebuild build/ during the run.
bindir=$(mktemp -d /tmp/vxsw-bench-bin.XXXXXX)
build=${VXSW_BUILD:-$root/build}
for b in vxswd vxswctl; do
  for try in $(seq 30); do            # (someone may be relinking it right now)
    src=$build/$b/$b; [ -f "$src" ] || src=$build/$b
    [ -f "$src" ] && [ -x "$src" ] && cp -p "$src" "$bindir/$b" 2>/dev/null && break
    sleep 2
  done
  [ -x "$bindir/$b" ] || { echo "bench: $build/$b/$b not built (scripts/build.sh)" >&2; exit 1; }
done
export VXSWD=$bindir/vxswd VXSWCTL=$bindir/vxswctl
if [ "$smoke" = 0 ]; then
  args+=(--write-docs "$root/docs/PERFORMANCE.md" --plot "$here/replay-bench.png"
         --cmdline "$(echo "bench/run.sh $*" | sed "s/ *$//")")
fi
[ -n "$memory" ] && args+=(--memory "$memory")
"$PY" "$here/bench.py" "${args[@]}"
