#!/usr/bin/env bash
# vxswd with EVPN end to end against real FRR (as root; FRR 8.4, tcpdump, Debian's python3
# with scapy). The rig is tests/evpn/e2e_lib.sh: vm1 -> vxswd (hv, with FRR) ==underlay==
# ToR (FRR + kernel VTEP) -> rhost. One PASS/FAIL line per check, "N passed, N failed" last;
# exit status 0 only if all pass. About 45 s. E2E_TX_OFF_NS (default "vm1 tor") names the
# namespaces whose eth0 gets `ethtool -K eth0 tx off` (see e2e_lib.sh).
#
#   static      FRR absent at start: `show evpn` says why; vxswd forwards with static entries
#   control     BGP up; type-3 both ways; type-2 MAC and MAC/IP (v4, v6) of vm1 at the ToR
#               (BGP table, kernel fdb, suppression neighbours); rhost's type-2 in vxswd
#               (show evpn remote MAC at the ToR's VTEP, FDB kind evpn); no data-plane
#               learning in the EVPN VNI; pings v4/v6
#   suppress    ARP and NS for rhost's addresses answered by vxswd (counter +1 each, no
#               request through the tunnel); unknown targets still flooded to the type-3 VTEP
#   mobility    rhost's MAC sent from vm1: local in vxswd at once, ToR sees it behind hv
#               with a higher sequence; back behind the ToR: remote again, traffic follows
#   restart     FRR (zebra + bgpd) on hv stopped and started under a 100 pps stream vm1 ->
#               rhost: at most one datagram lost, `show evpn` says grace, routes come back
#   aging       fdb-aging-time 10 s: vm1 goes quiet, its MAC and MAC/IP routes leave the ToR
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/netns.sh"

. "$ROOT/tests/lib/checks.sh"
checks_init e2e
dump_state() { # what a failure needs to be understood
	echo "--- vxswd log (tail)"; tail -n 25 "$NS_TMP/vxswd.log" 2>/dev/null
	echo "--- show evpn"; vxctl show evpn 2>/dev/null
	echo "--- show fdb"; vxctl show fdb 2>/dev/null
	echo "--- ToR: show evpn mac vni 100"; vty tor -c 'show evpn mac vni 100' 2>/dev/null
	echo "--- ToR: show bgp l2vpn evpn route"; vty tor -c 'show bgp l2vpn evpn route' 2>/dev/null | grep '\['
}

PY=/usr/bin/python3
if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/lib/frr/zebra ] || [ ! -x /usr/lib/frr/bgpd ] ||
   ! command -v vtysh >/dev/null || ! command -v tcpdump >/dev/null ||
   ! $PY -c 'import scapy' 2>/dev/null; then
	echo "tests/evpn/e2e: needs root, FRR, tcpdump and python3-scapy" >&2
	nok "prerequisites"
	finish
fi
if ! "$ROOT/scripts/build.sh"; then nok "build"; finish; fi

netns_init evpne
# others may rebuild build/ meanwhile: run copies of the binaries just built
mkdir -p "$NS_TMP/bin" && cp "$VXSWD" "$VXSWCTL" "$NS_TMP/bin/" || { nok "copy binaries"; finish; }
VXSWD=$NS_TMP/bin/vxswd VXSWCTL=$NS_TMP/bin/vxswctl
. "$ROOT/tests/evpn/e2e_lib.sh"
TOOL="$PY $ROOT/tests/evpn/e2e_tool.py"
st() { vxctl show evpn --json | $TOOL state "$@"; }      # EVPN state (status, mac, neigh, counter)
fdb() { vxctl show fdb --json | $TOOL state fdb "$1"; }  # "kind port|vtep"
tor_mac() { # field of the ToR zebra's view of a MAC (type, remoteVtep, localSequence, ...)
	vty tor -c "show evpn mac vni 100 mac $1 json" | $PY -c '
import json, sys
d = json.load(sys.stdin)
print(next(iter(d.values())).get(sys.argv[1], ""))' "$2"
}
hv_mac() { # field of hv's zebra's view of a MAC
	vty hv -c "show evpn mac vni 100 mac $1 json" | $PY -c '
import json, sys
d = json.load(sys.stdin)
print(next(iter(d.values())).get(sys.argv[1], ""))' "$2"
}
tor_route() { vty tor -c 'show bgp l2vpn evpn route json' | grep -q "$1"; }
tor_mm() { # MAC VTEP: the MAC mobility sequence (MM:n) of VTEP's type-2 route for MAC in the ToR's BGP table
	vty tor -c 'show bgp l2vpn evpn route json' | $PY -c '
import json, re, sys
mac, vtep = sys.argv[1], sys.argv[2]
for rd, routes in json.load(sys.stdin).items():
    if not isinstance(routes, dict):
        continue
    for pfx, r in routes.items():
        if pfx != "[2]:[0]:[48]:[%s]" % mac or not isinstance(r, dict):
            continue
        for group in r.get("paths", []):
            for p in (group if isinstance(group, list) else [group]):
                if any(n.get("ip") == vtep for n in p.get("nexthops", [])):
                    m = re.search(r"MM:(\d+)", p.get("extendedCommunity", {}).get("string", ""))
                    print(m.group(1) if m else 0)
                    sys.exit(0)' "$1" "$2"
}
hv_route() { vty hv -c 'show bgp l2vpn evpn route json' | grep -q "$1"; }
# Frames crossing the underlay from hv, counted in the ToR namespace:
# cap_start FILTER; ...; cap_stop (sets CAP_N; not in a subshell: it waits for tcpdump)
cap_start() {
	ns_bg tor "$NS_TMP/cap.err" tcpdump -i eth0 -nn -l -q "$1"
	CAP_PID=$NS_BG_PID
	wait_for "grep -q 'listening on' '$NS_TMP/cap.err'" 5
}
cap_stop() {
	sleep 0.3
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_N=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$NS_TMP/cap.err")
	CAP_N=${CAP_N:-unknown}
}
VX="src host $HV_IP and udp dst port 4789"
F_ARP="$VX and udp[16:4] = 0xffffffff and udp[28:2] = 0x0806 and udp[36:2] = 1"
F_NS="$VX and udp[16:2] = 0x3333 and udp[28:2] = 0x86dd and udp[36] = 58 and udp[70] = 135"

e2e_topo || { nok "namespaces"; finish; }
e2e_frr_conf

# ---------------------------------------------------------------- FRR absent: static mode
E2E_GRACE=20 e2e_vxswd 10 || { nok "vxswd starts with evpn enabled"; finish; }
ok "vxswd starts with evpn enabled (VNI 100, empty flood list, FRR not running)"
check "show evpn: FRR absent, says why (zebra.pid)" 5 \
	"st status | grep -q 'FRR absent: zebra not running (no live pid in /run/frr/$HV/zebra.pid)'"
expect "show evpn (text) carries the same status line" \
	"vxctl show evpn | grep -q '^status: FRR absent: zebra not running'"
# static mode: a configured flood VTEP and remote MAC; the ToR floods everything to hv
vxctl add flood 100 $TOR_IP >/dev/null && vxctl add fdb 100 $RH_MAC remote $TOR_IP >/dev/null
nsx tor bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst $HV_IP
check "static mode without FRR: ping vm1 -> rhost through the tunnel" 10 \
	"nsx vm1 ping -c 1 -W 1 $RH_IP"
expect "static mode: rhost's FDB entry is the static remote one" \
	"[ \"\$(fdb $RH_MAC)\" = 'static-remote $TOR_IP' ]"
vxctl del fdb 100 $RH_MAC >/dev/null; vxctl del flood 100 $TOR_IP >/dev/null
nsx tor bridge fdb del 00:00:00:00:00:00 dev vxlan100 dst $HV_IP
nsx vm1 ip neigh flush dev eth0
nsx rhost ip neigh flush dev eth0

# ---------------------------------------------------------------- FRR up: routes both ways
frr_up tor
frr_up hv
check "BGP session hv <-> ToR established (over vxsw0, vxswd, the uplink)" 30 "e2e_bgp_up 0.1"
check "show evpn: FRR up" 10 "st status | grep -q '^FRR up (zebra [0-9]*, bgpd [0-9]*)'"
check "type-3 hv -> ToR: IMET route and flood entry dst $HV_IP in the ToR kernel" 15 \
	"tor_route '\\[3\\]:\\[0\\]:\\[32\\]:\\[$HV_IP\\]' &&
	 bridge -n $TOR fdb show dev vxlan100 | grep -q '00:00:00:00:00:00 dst $HV_IP'"
check "type-3 ToR -> hv: IMET route and flood entry dst $TOR_IP in the shadow" 15 \
	"hv_route '\\[3\\]:\\[0\\]:\\[32\\]:\\[$TOR_IP\\]' &&
	 bridge -n $HV fdb show dev vxlan100 | grep -q '00:00:00:00:00:00 dst $TOR_IP'"
check "ping vm1 -> rhost (IPv4) over EVPN" 10 "nsx vm1 ping -c 1 -W 1 $RH_IP"
check "ping vm1 -> rhost (IPv6) over EVPN" 10 "nsx vm1 ping -6 -c 1 -W 1 $RH_IP6"
check "ping rhost -> vm1 (IPv4, IPv6) over EVPN" 10 \
	"nsx rhost ping -c 1 -W 1 $VM1_IP && nsx rhost ping -6 -c 1 -W 1 $VM1_IP6"
check "type-2 MAC of vm1 at the ToR: BGP and kernel fdb dst $HV_IP" 10 \
	"tor_route '$VM1_MAC' && bridge -n $TOR fdb show dev vxlan100 | grep -q '$VM1_MAC dst $HV_IP'"
check "type-2 MAC/IP of vm1 (IPv4, IPv6) at the ToR: BGP routes" 10 \
	"tor_route '\\[$VM1_MAC\\]:\\[32\\]:\\[$VM1_IP\\]' &&
	 tor_route '\\[$VM1_MAC\\]:\\[128\\]:\\[$VM1_IP6\\]'"
check "type-2 MAC/IP of vm1 -> ToR suppression neighbours on br100" 10 \
	"ip -n $TOR neigh show dev br100 | grep -q '$VM1_IP lladdr $VM1_MAC' &&
	 ip -n $TOR -6 neigh show dev br100 | grep -q '$VM1_IP6 lladdr $VM1_MAC'"
expect "vxswd: vm1's MAC and MAC/IPs local in show evpn" \
	"st mac $VM1_MAC | grep -q '^local vm1 ' && st neigh $VM1_IP | grep -q '$VM1_MAC local' &&
	 st neigh $VM1_IP6 | grep -q '$VM1_MAC local'"
check "type-2 of rhost in vxswd: show evpn remote MAC at VTEP $TOR_IP" 10 \
	"st mac $RH_MAC | grep -q '^remote - $TOR_IP '"
check "type-2 of rhost in vxswd: show fdb kind evpn, remote-vtep $TOR_IP" 5 \
	"[ \"\$(fdb $RH_MAC)\" = 'evpn $TOR_IP' ]"
check "show evpn, VNI 100: 1 local and 1 remote MAC, vm1's MAC/IPs, flood list $TOR_IP" 5 \
	"st vni 100 | grep -Eq '^1 1 [1-9][0-9]* [0-9]+ 0 $TOR_IP\$'"
info "show evpn, VNI 100 (local-macs remote-macs local-neighs remote-neighs held flood): $(st vni 100)"
# EVPN VNIs learn nothing from decapsulated traffic: a frame from an unadvertised MAC
STRAY=02:00:00:00:0e:01
nsx tor $TOOL vxlan-inject $HV_IP 100 $STRAY
sleep 0.5
expect "no data-plane learning in the EVPN VNI (injected VXLAN frame from $STRAY)" \
	"[ -z \"\$(fdb $STRAY)\" ]"

# ---------------------------------------------------------------- ARP/ND suppression
# The ToR learns rhost's addresses (as its kernel would from ARP/ND on the SVI).
nsx tor ip neigh replace $RH_IP lladdr $RH_MAC dev br100 nud permanent
nsx tor ip -6 neigh replace $RH_IP6 lladdr $RH_MAC dev br100 nud permanent
check "rhost's MAC/IPs (IPv4, IPv6) reach vxswd's suppression table" 10 \
	"st neigh $RH_IP | grep -q '$RH_MAC remote' && st neigh $RH_IP6 | grep -q '$RH_MAC remote'"
n0=$(st counter arp-nd-suppressed)
cap_start "$F_ARP"
a=$(nsx vm1 $TOOL arp eth0 $VM1_MAC $VM1_IP $RH_IP)
cap_stop; c=$CAP_N
n1=$(st counter arp-nd-suppressed)
info "ARP who-has $RH_IP: answer $a, arp-nd-suppressed $n0 -> $n1, ARP requests through the tunnel: $c"
expect "ARP request for rhost answered by vxswd with rhost's MAC" "[ '$a' = '$RH_MAC' ]"
expect "ARP: arp-nd-suppressed +1 and no request through the tunnel" \
	"[ '$n1' = $((n0 + 1)) ] && [ '$c' = 0 ]"
cap_start "$F_NS"
a=$(nsx vm1 $TOOL ns eth0 $VM1_MAC $VM1_IP6 $RH_IP6)
cap_stop; c=$CAP_N
n2=$(st counter arp-nd-suppressed)
info "NS for $RH_IP6: answer $a, arp-nd-suppressed $n1 -> $n2, NS through the tunnel: $c"
expect "NS for rhost's IPv6 answered by vxswd with rhost's MAC" "[ '$a' = '$RH_MAC' ]"
expect "NS: arp-nd-suppressed +1 and no solicitation through the tunnel" \
	"[ '$n2' = $((n1 + 1)) ] && [ '$c' = 0 ]"
# Control: an unknown target is flooded to the type-3 VTEP (so the captures above see floods)
cap_start "$F_ARP"
nsx vm1 $TOOL arp eth0 $VM1_MAC $VM1_IP 10.100.0.99 >/dev/null
cap_stop; c=$CAP_N
cap_start "$F_NS"
nsx vm1 $TOOL ns eth0 $VM1_MAC $VM1_IP6 fd00:100::99 >/dev/null
cap_stop; c6=$CAP_N
expect "ARP/NS for unknown addresses flooded to the type-3 VTEP ($c ARP, $c6 NS captured)" \
	"[ '$c' -ge 1 ] && [ '$c6' -ge 1 ]"
nsx vm1 ip neigh flush dev eth0
check "kernel path: vm1 (neighbour cache flushed) pings rhost v4 and v6" 5 \
	"nsx vm1 ping -c 1 -W 1 $RH_IP && nsx vm1 ping -6 -c 1 -W 1 $RH_IP6"

# ---------------------------------------------------------------- MAC mobility
# rhost "migrates" to vm1's port: the RARP QEMU sends for a VM after live migration
seq0=$(tor_mac $RH_MAC localSequence)
t0=$(date +%s%N)
nsx vm1 $TOOL rarp eth0 $RH_MAC
check "move to hv: after a RARP announcement on vm1, rhost's MAC is local in vxswd at once" 1 \
	"[ \"\$(fdb $RH_MAC)\" = 'local vm1' ]"
info "(frame -> local FDB entry: $((($(date +%s%N) - t0) / 1000000)) ms, polled)"
check "move to hv: ToR has rhost's MAC remote at $HV_IP with a higher sequence" 10 \
	"[ \"\$(tor_mac $RH_MAC type)\" = remote ] && [ \"\$(tor_mac $RH_MAC remoteVtep)\" = $HV_IP ] &&
	 [ \"\$(tor_mac $RH_MAC remoteSequence)\" -gt '${seq0:-0}' ]"
seq1=$(tor_mac $RH_MAC remoteSequence)
expect "move to hv: hv's type-2 for rhost's MAC carries MAC mobility MM:$seq1 at the ToR" \
	"[ \"\$(tor_mm $RH_MAC $HV_IP)\" = '$seq1' ]"
info "ToR sequence: local $seq0 -> remote (behind hv) $seq1; ToR kernel: $(bridge -n "$TOR" fdb show dev vxlan100 | grep "$RH_MAC.*dst" | head -1)"
expect "move to hv: show evpn has rhost's MAC local on vm1" "st mac $RH_MAC | grep -q '^local vm1 '"
check "move to hv: show evpn has FRR's sequence for it (local $seq1, as hv's zebra says)" 5 \
	"[ \"\$(st frr $RH_MAC | cut -d' ' -f1,4)\" = \"\$(hv_mac $RH_MAC localSequence) ok\" ] &&
	 [ \"\$(hv_mac $RH_MAC localSequence)\" = '$seq1' ]"
nsx rhost ping -c 3 -i 0.2 -W 1 $VM1_IP >/dev/null 2>&1 # rhost speaks again, behind the ToR
check "move back: ToR has it local again with a higher sequence" 10 \
	"[ \"\$(tor_mac $RH_MAC type)\" = local ] && [ \"\$(tor_mac $RH_MAC localSequence)\" -gt '${seq1:-0}' ]"
check "move back: vxswd has it remote (kind evpn at $TOR_IP)" 10 \
	"[ \"\$(fdb $RH_MAC)\" = 'evpn $TOR_IP' ] && st mac $RH_MAC | grep -q '^remote - $TOR_IP '"
info "ToR sequence after the move back: local $(tor_mac $RH_MAC localSequence)"
check "move back: traffic follows (ping vm1 -> rhost)" 5 "nsx vm1 ping -c 1 -W 1 $RH_IP"
check "move back: show evpn has FRR's remote sequence, above $seq1" 5 \
	"r=\$(st frr $RH_MAC | cut -d' ' -f2); [ \"\$r\" = \"\$(hv_mac $RH_MAC remoteSequence)\" ] &&
	 [ \"\$r\" -gt '${seq1:-0}' ]"
info "show evpn, rhost's MAC (local-seq remote-seq moves frr): $(st frr $RH_MAC)"
check "move back: rhost's MAC/IPs back in the suppression table" 10 \
	"st neigh $RH_IP | grep -q '$RH_MAC remote'"

# ---------------------------------------------------------------- FRR restart on hv
nsx vm1 ping -c 1 -W 1 $RH_IP >/dev/null
nsx vm1 ip neigh replace $RH_IP lladdr $RH_MAC dev eth0 nud permanent
ns_bg rhost "$NS_TMP/udp.recv" $TOOL udp-recv 5001 16
sleep 0.5
ns_bg vm1 "$NS_TMP/udp.send" $TOOL udp-send $RH_IP 5001 100 14
SEND_PID=$NS_BG_PID
ns_bg vm1 "$NS_TMP/ping.rt" ping -i 0.1 -c 140 -W 1 $RH_IP
PING_PID=$NS_BG_PID
sleep 1.5
t0=$(date +%s%N)
frr_down hv
info "zebra and bgpd on hv stopped in $((($(date +%s%N) - t0) / 1000000)) ms"
check "FRR down: show evpn says grace" 3 "st status | grep -q 'grace'"
info "status: $(st status)"
expect "FRR down: zebra removed the remote entries from the shadow" \
	"! bridge -n $HV fdb show dev vxlan100 | grep -q '$RH_MAC'"
sleep 2
expect "FRR down: vxswd still has rhost's MAC (evpn) and MAC/IP" \
	"[ \"\$(fdb $RH_MAC)\" = 'evpn $TOR_IP' ] && st neigh $RH_IP | grep -q '$RH_MAC remote'"
frr_up hv
check "FRR back: BGP re-established" 30 "e2e_bgp_up 0.1"
check "FRR back: zebra re-installs rhost's MAC in the shadow, vm1's MAC back at the ToR" 15 \
	"bridge -n $HV fdb show dev vxlan100 | grep -q '$RH_MAC dst $TOR_IP' &&
	 bridge -n $TOR fdb show dev vxlan100 | grep -q '$VM1_MAC dst $HV_IP'"
info "outage (stop -> vm1's MAC back at the ToR): $((($(date +%s%N) - t0) / 1000000)) ms"
wait "$SEND_PID" 2>/dev/null
expect "aging: before, vm1's MAC is local in vxswd and advertised at the ToR" \
	"[ \"\$(fdb $VM1_MAC)\" = 'local vm1' ] && tor_route '$VM1_MAC'"
sleep 2.5
r=$(cat "$NS_TMP/udp.recv")
info "stream vm1 -> rhost, 100 pps: sent $(cat "$NS_TMP/udp.send"), $r"
lost=$(echo "$r" | sed -n 's/.*missing \([0-9]*\).*/\1/p')
expect "FRR restart: stream vm1 -> rhost (known MAC) loses at most 1 datagram" \
	"[ -n '$lost' ] && [ '$lost' -le 1 ] && [ \"\$(cat '$NS_TMP/udp.send')\" -ge 1300 ] &&
	 echo '$r' | grep -q 'max 1[3-9][0-9][0-9] '"
wait "$PING_PID" 2>/dev/null
info "round-trip ping through the restart: $(grep -o '[0-9]* packets transmitted.*loss' "$NS_TMP/ping.rt")"
info "(replies need the ToR to reach vm1: the ToR's FRR withdraws hv's EVPN routes while"
info " hv's bgpd is down, FRR 8.4 has no graceful restart for l2vpn evpn)"
nsx vm1 ip neigh del $RH_IP dev eth0
expect "FRR back: rhost's MAC and MAC/IP reconciled (remote, not held)" \
	"st mac $RH_MAC | grep -q '^remote - $TOR_IP -\$' && st neigh $RH_IP | grep -q '$RH_MAC remote -\$'"
expect "FRR back: show evpn still in the grace period (zebra up, bgpd up)" \
	"st status | grep -q 'FRR restarting (zebra up, bgpd up).*grace left'"

# ---------------------------------------------------------------- withdraw on aging
check "aging: vm1 quiet -> its FDB entry ages out (fdb-aging-time 10 s)" 20 \
	"[ -z \"\$(fdb $VM1_MAC)\" ]"
check "aging: vm1's MAC and MAC/IP routes withdrawn at the ToR (BGP, fdb, neighbours)" 10 \
	"! tor_route '$VM1_MAC' && ! bridge -n $TOR fdb show dev vxlan100 | grep -q '$VM1_MAC' &&
	 ! ip -n $TOR neigh show dev br100 | grep -q '$VM1_IP '"
expect "aging: show evpn has no local MAC/IP of vm1 left" \
	"[ -z \"\$(st mac $VM1_MAC)\" ] && [ -z \"\$(st neigh $VM1_IP)\" ]"
check "grace over (20 s): show evpn says FRR up, rhost's MAC kept" 15 \
	"st status | grep -q '^FRR up (zebra' && st mac $RH_MAC | grep -q '^remote - $TOR_IP -\$'"
check "aging: vm1 speaks again -> advertised again" 10 \
	"nsx vm1 ping -c 1 -W 1 $RH_IP >/dev/null; tor_route '$VM1_MAC'"

# ---------------------------------------------------------------- duplicate detection
# A MAC seen behind vm1 and behind rhost in turn: FRR (default: 5 moves in 180 s) flags it
# duplicate, and show evpn says so.
DUP_MAC=02:00:00:00:01:77
for i in 1 2 3 4; do
	nsx vm1 $TOOL frames eth0 $DUP_MAC
	wait_for "[ \"\$(hv_mac $DUP_MAC type)\" = local ]" 5
	nsx rhost $TOOL frames eth0 $DUP_MAC
	wait_for "[ \"\$(hv_mac $DUP_MAC type)\" = remote ] || [ \"\$(hv_mac $DUP_MAC isDuplicate)\" = True ]" 5
done
check "duplicate detection: hv's zebra flags the MAC duplicate after it moved back and forth" 10 \
	"[ \"\$(hv_mac $DUP_MAC isDuplicate)\" = True ]"
check "duplicate detection: show evpn says 'duplicate' in FRR's column" 5 \
	"st frr $DUP_MAC | grep -q ' duplicate\$'"
info "show evpn, the moving MAC (local-seq remote-seq moves frr): $(st frr $DUP_MAC); agent: $(st mac $DUP_MAC)"

info "BGP sessions at the ToR: $(vty tor -c 'show bgp neighbors' | grep -o 'Connections established [0-9]*; dropped [0-9]*')"
# ---------------------------------------------------------------- clean stop
[ "$fail" -ne 0 ] && dump_state
if stop_vxswd; then ok "vxswd stops cleanly (status 0)"; else nok "vxswd stops cleanly"; fi
expect "the shadow is removed at exit" \
	"! ip -n $HV link show vxlan100 && ! ip -n $HV link show br100"
frr_down hv
frr_down tor
finish
