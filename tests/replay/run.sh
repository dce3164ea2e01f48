#!/usr/bin/env bash
# pcap replay tests through the real daemon (build/vxswd, build/vxswctl).
# One line per case ("PASS name" / "FAIL name" with details), then
# "N passed, N failed"; exit 0 only if every case passed.
# Options go to replay.py: -k SUBSTRING (select cases), --keep (keep temp
# files), --list, -v (timings). VXSW_BUILD=DIR picks another build directory.
# Needs root (DPDK) and python3-scapy (scripts/setup.sh); installs nothing.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
if ! "$PY" -c 'import scapy' 2>/dev/null; then
  echo "replay: $PY has no scapy; run scripts/setup.sh (installs python3-scapy)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
exec "$PY" "$here/replay.py" "$@"
