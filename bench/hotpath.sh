#!/usr/bin/env bash
# Instructions per packet of the worker, per function, under callgrind: a
# repeatable hot-path measure (it counts instructions, not time, so another
# process on the machine does not change it). Not a test.
#   bench/hotpath.sh [SECONDS [CASE...]]   CASE: encap decap encap-1k decap-1k (default: all)
#   HOTPATH_KEEP=PREFIX keeps each callgrind profile as PREFIX.<case> (callgrind_annotate --auto=yes)
# 1-flow and 1k-flow (32 VM MACs x 32 remote MACs, all static, frames in random
# order) encap and decap, 64-byte inner frames. Runs vxswd under valgrind with
# net_pcap infinite_rx in and net_null out. Packets are counted as 32 per call
# of the pcap PMD's rx function (infinite_rx always returns a full burst of
# DP_BURST), so the figure does not depend on when the run is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
shift || true
cases=${*:-encap decap encap-1k decap-1k}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/vxhot.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
scripts/build.sh >/dev/null

"$PY" - "$tmp" <<'PYEOF'
import random, sys
from scapy.all import Ether, IP, UDP, Raw, VXLAN, wrpcap
d = sys.argv[1]
def vxlan(inner, sport=50000):
    return (Ether(src="02:00:00:aa:00:02", dst="02:00:00:bb:00:01") / IP(src="192.0.2.2", dst="192.0.2.1", flags="DF")
            / UDP(sport=sport, dport=4789, chksum=0) / VXLAN(vni=100, flags=0x08) / inner)
def udp(src, dst, dip="10.0.0.2", sport=1000):
    return Ether(src=src, dst=dst) / IP(src="10.0.0.1", dst=dip) / UDP(sport=sport, dport=2000) / Raw(b"\0" * 18)
vm, rem = "02:00:00:00:00:01", "02:00:00:00:10:01"
wrpcap(f"{d}/encap.pcap", [udp(vm, rem)] * 4096)
wrpcap(f"{d}/decap.pcap", [vxlan(udp(rem, vm))] * 4096)
random.seed(1)
vms = ["02:00:00:02:00:%02x" % i for i in range(1, 33)]
rems = ["02:00:00:01:00:%02x" % i for i in range(1, 33)]
enc, dec = [], []
for k in range(4096):
    a, b = random.choice(vms), random.choice(rems)
    enc.append(udp(a, b, dip="10.0.%d.2" % (k % 7), sport=1000 + k % 13))
    dec.append(vxlan(udp(b, a, sport=1000 + k % 13), sport=50000 + k % 97))
wrpcap(f"{d}/encap-1k.pcap", enc)
wrpcap(f"{d}/decap-1k.pcap", dec)
with open(f"{d}/fdb-1k", "w") as f:
    f.write(",".join(['{"vni":100,"mac":"%s","remote-vtep":"192.0.2.2"}' % r for r in rems] +
                     ['{"vni":100,"mac":"%s","port":"vm1"}' % v for v in vms]) + ",")
PYEOF
: >"$tmp/fdb-1"

conf() { # conf VM_DEVARGS UPLINK_DEVARGS EXTRA_FDB_FILE
	cat <<EOF2
{"vxsw:vxsw":{"global":{"ctl-socket":"$tmp/ctl.sock","fdb-max-entries":65536},
 "vtep":{"local-ipv4":"192.0.2.1"},
 "port":[{"name":"vm1","devargs":"$1","role":"vm","access-vni":100},
         {"name":"up0","devargs":"$2","role":"uplink"}],
 "vni":[{"id":100}],
 "nexthop":[{"vtep":"192.0.2.2","mac":"02:00:00:aa:00:02"}],
 "static-fdb":[$(cat "$3"){"vni":100,"mac":"02:00:00:00:10:01","remote-vtep":"192.0.2.2"},
               {"vni":100,"mac":"02:00:00:00:00:01","port":"vm1"}]}}
EOF2
}

# Self cost per function (inlined code counted where it was inlined) and the
# packet count, from callgrind's own file.
summary() { # summary CALLGRIND_FILE
	"$PY" - "$1" <<'PYEOF'
import collections, re, sys
names, obs, fn_ob = {}, {}, {}
self_ir, calls = collections.Counter(), collections.Counter()
fn = ob = callee = None
after_call = False
for line in open(sys.argv[1]):
    m = re.match(r'^(ob|fn|cfn|cob)=\((\d+)\)(?: (.*))?$', line.rstrip('\n'))
    if m:
        kind, i, name = m.groups()
        table = obs if kind in ('ob', 'cob') else names
        if name is not None:
            table[i] = name
        if kind == 'ob':
            ob = obs[i]
        elif kind == 'fn':
            fn = names[i]
            fn_ob.setdefault(fn, ob)
        elif kind == 'cfn':
            callee = names[i]
        continue
    if line.startswith('calls='):
        calls[callee] += int(line.split('=')[1].split()[0])
        after_call = True
    elif line[:1] in '0123456789+-*' and len(line.split()) >= 2:
        if not after_call:  # the line after calls= is the call's inclusive cost
            self_ir[fn] += int(line.split()[1])
        after_call = False
rx = max((f for f in calls if 'net_pcap' in (fn_ob.get(f) or '')), key=lambda f: calls[f])
pk = 32 * calls[rx]
own = sum(v for f, v in self_ir.items() if (fn_ob.get(f) or '').endswith('/vxswd'))
print(f"{pk} packets: {sum(self_ir.values()) / pk:.1f} instructions/pkt, worker's own code {own / pk:.1f}")
for f, v in self_ir.most_common(12):
    if v / pk >= 0.5:
        print(f"{v / pk:7.1f}  {f}  [{(fn_ob.get(f) or '?').split('/')[-1]}]")
PYEOF
}

run() { # run NAME CONFIG
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" --toggle-collect=dp_worker_main \
		build/vxswd/vxswd --config "$2" -- --no-huge -m 512 --no-shconf >"$tmp/log" 2>&1 &
	pid=$!
	sleep "$secs"
	kill -TERM "$pid"; wait "$pid" || true; pid=
	echo "--- $1"
	summary "$tmp/cg.out"; [ -n "${HOTPATH_KEEP:-}" ] && cp "$tmp/cg.out" "$HOTPATH_KEEP.${1// /-}"
}

for c in $cases; do
	flows=${c#*-}; [ "$flows" = "$c" ] && flows=1
	in="net_pcap0,rx_pcap=$tmp/$c.pcap,infinite_rx=1" out="net_null0,no-rx=1"
	case $c in
	encap*) conf "$in" "$out" "$tmp/fdb-$flows" >"$tmp/$c.json" ;;
	decap*) conf "$out" "$in" "$tmp/fdb-$flows" >"$tmp/$c.json" ;;
	*) echo "unknown case $c" >&2; exit 2 ;;
	esac
	run "$flows-flow ${c%%-*}" "$tmp/$c.json"
done
