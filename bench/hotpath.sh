#!/usr/bin/env bash
# Instructions per packet of the worker, per function, under callgrind: a
# repeatable hot-path measure (it counts instructions, not time, so another
# process on the machine does not change it). Not a test.
#   bench/hotpath.sh [SECONDS]   1-flow encap and decap, 64-byte inner frames
# Runs vxswd under valgrind with net_pcap infinite_rx in and net_null out.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/vxhot.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
scripts/build.sh >/dev/null

"$PY" - "$tmp" <<'PYEOF'
import sys
from scapy.all import Ether, IP, UDP, Raw, VXLAN, wrpcap
d = sys.argv[1]
vm, rem = "02:00:00:00:00:01", "02:00:00:00:10:01"
inner = Ether(src=vm, dst=rem) / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1000, dport=2000) / Raw(b"\0" * 18)
back = Ether(src=rem, dst=vm) / IP(src="10.0.0.2", dst="10.0.0.1") / UDP(sport=2000, dport=1000) / Raw(b"\0" * 18)
vx = (Ether(src="02:00:00:aa:00:02", dst="02:00:00:bb:00:01") / IP(src="192.0.2.2", dst="192.0.2.1", flags="DF")
      / UDP(sport=50000, dport=4789, chksum=0) / VXLAN(vni=100, flags=0x08) / back)
wrpcap(f"{d}/encap.pcap", [inner] * 4096)
wrpcap(f"{d}/decap.pcap", [vx] * 4096)
PYEOF

conf() { # conf VM_DEVARGS UPLINK_DEVARGS
	cat <<EOF2
{"vxsw:vxsw":{"global":{"ctl-socket":"$tmp/ctl.sock","fdb-max-entries":65536},
 "vtep":{"local-ipv4":"192.0.2.1"},
 "port":[{"name":"vm1","devargs":"$1","role":"vm","access-vni":100},
         {"name":"up0","devargs":"$2","role":"uplink"}],
 "vni":[{"id":100}],
 "nexthop":[{"vtep":"192.0.2.2","mac":"02:00:00:aa:00:02"}],
 "static-fdb":[{"vni":100,"mac":"02:00:00:00:10:01","remote-vtep":"192.0.2.2"},
               {"vni":100,"mac":"02:00:00:00:00:01","port":"vm1"}]}}
EOF2
}

run() { # run NAME CONFIG
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" --toggle-collect=dp_worker_main \
		build/vxswd/vxswd --config "$2" -- --no-huge -m 512 --no-shconf >"$tmp/log" 2>&1 &
	pid=$!
	sleep "$secs"
	tx=$(build/vxswctl/vxswctl --socket "$tmp/ctl.sock" show ports --json | "$PY" -c \
		"import json,sys; print(sum(int(p['tx-packets']) for p in json.load(sys.stdin)['vxsw:state']['port']))")
	kill -TERM "$pid"; wait "$pid" || true; pid=
	echo "--- $1: $tx packets; instructions per packet by function (worker thread)"
	callgrind_annotate "$tmp/cg.out" | grep -E '^ *[0-9,]+ \(' | head -14 | tr -d ',' |
		awk -v n="$tx" '{ fn = $NF; sub(/ \[.*$/, "", fn); printf "%7.1f  %s\n", $1 / n, $3 }'
}

conf "net_pcap0,rx_pcap=$tmp/encap.pcap,infinite_rx=1" "net_null0,no-rx=1" >"$tmp/enc.json"
conf "net_null0,no-rx=1" "net_pcap0,rx_pcap=$tmp/decap.pcap,infinite_rx=1" >"$tmp/dec.json"
run "1-flow encap" "$tmp/enc.json"
run "1-flow decap" "$tmp/dec.json"
