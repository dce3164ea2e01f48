#!/usr/bin/env bash
# Remote multihoming through vxswd (as root; FRR 8.4, GoBGP (Debian gobgpd)).
# The e2e rig (tests/evpn/e2e_lib.sh) with the underlay turned into a bridge ul0 in the
# ToR namespace, and two VTEPs on it attached to one all-active Ethernet Segment: gob
# (10.0.0.3, also runs the GoBGP speaker peering with hv's bgpd) and gob2 (10.0.0.4). GoBGP
# advertises for both: EAD-per-ES and EAD-per-EVI routes, and a MAC route with the ESI from
# 10.0.0.3 only (10.0.0.4 is reached by aliasing); hv's zebra then installs the MAC with an
# fdb nexthop group of both VTEPs. Each VTEP is a Linux kernel VXLAN device whose bridge
# owns the MAC and an IP (the dual-homed server), so the MAC answers through either.
#
# Checks: the ES at hv's zebra; the MAC in vxswd behind both VTEPs (show evpn, show fdb);
# ping; 64 UDP flows from vm1 spread over both VTEPs, each flow on one, none lost; mass
# withdraw under traffic (EAD-per-ES of 10.0.0.4 withdrawn): vxswd's group shrinks in one
# step, every flow moves to 10.0.0.3, no datagram lost; the last EAD-per-ES withdrawn
# (zebra deletes the group, the kernel drops the MAC silently): the MAC leaves vxswd;
# re-advertised: back behind both; the MAC route withdrawn: gone.
# Skipped (0 passed, 0 failed) without gobgpd. About 60 s.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/netns.sh"

. "$ROOT/tests/lib/checks.sh"
checks_init mh

PY=/usr/bin/python3
if ! command -v gobgpd >/dev/null || ! command -v gobgp >/dev/null; then
	echo "SKIP - tests/evpn/mh.sh: no GoBGP (apt-get install gobgpd)"
	finish
fi
if [ "$(id -u)" -ne 0 ] || [ ! -x /usr/lib/frr/bgpd ] || ! command -v tcpdump >/dev/null; then
	echo "tests/evpn/mh: needs root, FRR and tcpdump" >&2
	nok "prerequisites"
	finish
fi
if ! "$ROOT/scripts/build.sh"; then nok "build"; finish; fi

netns_init evpnm
mkdir -p "$NS_TMP/bin" && cp "$VXSWD" "$VXSWCTL" "$NS_TMP/bin/" || { nok "copy binaries"; finish; }
VXSWD=$NS_TMP/bin/vxswd VXSWCTL=$NS_TMP/bin/vxswctl
GB_IP=10.0.0.3 GB_IP2=10.0.0.4
E2E_HV_BGP_EXTRA=" neighbor $GB_IP remote-as external
 neighbor $GB_IP timers connect 1
 neighbor $GB_IP advertisement-interval 0"
E2E_HV_EVPN_EXTRA="  neighbor $GB_IP activate"
. "$ROOT/tests/evpn/e2e_lib.sh"
TOOL="$PY $ROOT/tests/evpn/e2e_tool.py"
st() { vxctl show evpn --json | $TOOL state "$@"; }
fdb() { vxctl show fdb --json | $TOOL state fdb "$1"; }
MH_MAC=02:00:00:00:0a:01
ESI="ARBITRARY 00:00:00:00:00:00:00:aa:01"
ESI_SHOW=00:00:00:00:00:00:00:00:aa:01
gob() { nsx gob gobgp -u 127.0.0.1 "$@"; }
ead_es() { # add|del VTEP: EAD-per-ES (ETag MAX-ET, ESI label, RT of the VNI)
	if [ "$1" = add ]; then
		gob global rib -a evpn add a-d esi $ESI etag 4294967295 label 0 rd "$2:1" \
			rt 65003:100 encap vxlan esi-label 0 nexthop "$2"
	else
		gob global rib -a evpn del a-d esi $ESI etag 4294967295 label 0 rd "$2:1"
	fi
}
MH_IP=10.100.0.50 UPORT=7000
es_vtep() { # NS LOCAL_IP: the kernel VTEP of one ES member; its bridge is the server
	nsx "$1" ip link add br100 type bridge
	nsx "$1" ip link set br100 address $MH_MAC addrgenmode none
	nsx "$1" ip link add vxlan100 type vxlan id 100 local "$2" dstport 4789 nolearning || return 1
	nsx "$1" ip link set vxlan100 master br100
	nsx "$1" bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst $HV_IP
	nsx "$1" bridge fdb add $VM1_MAC dev vxlan100 dst $HV_IP
	nsx "$1" ip addr add $MH_IP/24 dev br100
	nsx "$1" ip link set vxlan100 up
	nsx "$1" ip link set br100 up
	nsx "$1" ip neigh replace $VM1_IP lladdr $VM1_MAC dev br100
}
# flows NAME PPS SECONDS [MIDDLE_CMD...]: 64 UDP flows vm1 -> MH_IP, received in gob and
# gob2; MIDDLE_CMD runs while they flow. Output: flows-report lines.
flows() {
	local name=$1 pps=$2 secs=$3 r1 r2 snd
	shift 3
	rm -f "$NS_TMP/$name.go"
	ns_bg gob "$NS_TMP/$name.r1.log" $TOOL flows-recv $UPORT "$((secs + 4))" "$NS_TMP/$name.gob"
	r1=$NS_BG_PID
	ns_bg gob2 "$NS_TMP/$name.r2.log" $TOOL flows-recv $UPORT "$((secs + 4))" "$NS_TMP/$name.gob2"
	r2=$NS_BG_PID
	ns_bg vm1 "$NS_TMP/$name.sent" $TOOL flows-send $MH_IP $UPORT 64 "$pps" "$secs" "$NS_TMP/$name.go"
	snd=$NS_BG_PID
	sleep 1
	touch "$NS_TMP/$name.go"
	[ $# -gt 0 ] && "$@"
	wait "$snd"
	wait "$r1" "$r2"
	$TOOL flows-report 64 "$(cat "$NS_TMP/$name.sent")" "$NS_TMP/$name.gob" "$NS_TMP/$name.gob2"
}
count_of() { sed -n "s/^$1: \([0-9]*\) datagrams, \([0-9]*\) flows/\\$2/p"; }

e2e_topo || { nok "namespaces"; finish; }
# the underlay becomes a bridge ul0 in tor, with GoBGP's namespace on it
nsx tor ip addr del $TOR_IP/24 dev eth0
nsx tor ip link add ul0 type bridge
nsx tor ip link set ul0 addrgenmode none
nsx tor ip link set eth0 master ul0
nsx tor ip addr add $TOR_IP/24 dev ul0
nsx tor ip link set ul0 up
ns_add gob && veth_pair gb0 tor eth0 gob || { nok "namespace gob"; finish; }
nsx tor ip link set gb0 master ul0
nsx gob ethtool -K eth0 tx off >/dev/null
nsx gob ip addr add $GB_IP/24 dev eth0
ns_add gob2 && veth_pair gb2 tor eth0 gob2 || { nok "namespace gob2"; finish; }
nsx tor ip link set gb2 master ul0
nsx gob2 ethtool -K eth0 tx off >/dev/null
nsx gob2 ip addr add $GB_IP2/24 dev eth0
nsx gob2 ip link set eth0 up
es_vtep gob $GB_IP && es_vtep gob2 $GB_IP2 || { nok "ES VTEPs"; finish; }
nsx vm1 ip neigh replace $MH_IP lladdr $MH_MAC dev eth0
cat >"$NS_TMP/gobgpd.toml" <<EOF
[global.config]
  as = 65003
  router-id = "$GB_IP"
  local-address-list = ["$GB_IP"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$HV_IP"
    peer-as = 65001
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 9
    keepalive-interval = 3
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
EOF
ns_bg gob "$NS_TMP/gobgpd.log" gobgpd -f "$NS_TMP/gobgpd.toml" -p --api-hosts 127.0.0.1:50051

e2e_vxswd 300 || { nok "vxswd starts"; finish; }
e2e_frr_conf
frr_up tor
frr_up hv
check "BGP l2vpn evpn: hv <-> ToR and hv <-> GoBGP established" 30 \
	"[ \"\$(vty hv -c 'show bgp l2vpn evpn summary json' | grep -o '\"state\":\"Established\"' | wc -l)\" -ge 2 ]"
check "GoBGP sees hv established" 10 "gob neighbor | grep -q 'Establ'"
for v in $GB_IP $GB_IP2; do
	ead_es add $v
	gob global rib -a evpn add a-d esi $ESI etag 0 label 100 rd "$v:100" rt 65003:100 encap vxlan \
		nexthop $v
done
gob global rib -a evpn add macadv $MH_MAC 0.0.0.0 esi $ESI etag 0 label 100 rd "$GB_IP:100" \
	rt 65003:100 encap vxlan nexthop $GB_IP
check "hv's zebra: remote ES $ESI_SHOW with VTEPs $GB_IP and $GB_IP2" 15 \
	"vty hv -c 'show evpn es' | grep -q '$ESI_SHOW.*$GB_IP,$GB_IP2'"
check "hv's shadow: the MAC on an fdb nexthop group" 10 \
	"bridge -n $HV fdb show dev vxlan100 | grep -q '$MH_MAC nhid [0-9]* self'"
check "vxswd: show evpn has the MAC remote behind both VTEPs" 10 \
	"st mac $MH_MAC | grep -Eq '^remote - ($GB_IP,$GB_IP2|$GB_IP2,$GB_IP) '"
check "vxswd: FDB entry of kind evpn on a VTEP group of both" 5 \
	"fdb $MH_MAC | grep -Eq '^evpn ($GB_IP $GB_IP2|$GB_IP2 $GB_IP)\$'"
info "show fdb: $(vxctl show fdb | grep -i "$MH_MAC")"
check "vm1 pings the server behind the segment" 10 "nsx vm1 ping -c 1 -W 1 $MH_IP >/dev/null"

out=$(flows spread 500 2)
info "$(echo "$out" | tr '\n' ';')"
n1=$(echo "$out" | count_of spread.gob 2) n2=$(echo "$out" | count_of spread.gob2 2)
if [ "${n1:-0}" -gt 0 ] && [ "${n2:-0}" -gt 0 ] && [ $((n1 + n2)) -eq 64 ] &&
	echo "$out" | grep -q '^missing 0 duplicates 0$'; then
	ok "64 flows spread over both VTEPs ($n1 on $GB_IP, $n2 on $GB_IP2), each on one, none lost"
else nok "64 flows spread over both VTEPs, each on one, none lost"; fi

# mass withdraw under traffic: 10.0.0.4 leaves the ES
withdraw() { # 1.5 s into the flows; prints how long vxswd took to follow (vxswctl polled every ~0.1 s)
	local t0
	sleep 1.5
	t0=$(date +%s%N)
	ead_es del $GB_IP2
	wait_for "[ \"\$(fdb $MH_MAC)\" = 'evpn $GB_IP' ]" 10 &&
		info "vxswd's group shrank $(( ($(date +%s%N) - t0) / 1000000 )) ms after GoBGP's withdraw"
}
out=$(flows withdraw 1000 5 withdraw)
info "$(echo "$out" | tr '\n' ';')"
check "mass withdraw (EAD-per-ES of $GB_IP2 withdrawn): hv's ES has $GB_IP only" 10 \
	"vty hv -c 'show evpn es' | grep '$ESI_SHOW' | grep -q ' $GB_IP\$'"
check "mass withdraw: vxswd's group is $GB_IP alone (show evpn, FDB)" 10 \
	"st mac $MH_MAC | grep -q '^remote - $GB_IP ' && [ \"\$(fdb $MH_MAC)\" = 'evpn $GB_IP' ]"
if echo "$out" | grep -q '^missing 0 duplicates 0$'; then ok "mass withdraw under 64 flows: no datagram lost"
else nok "mass withdraw under 64 flows: no datagram lost"; fi
out=$(flows after 500 1)
if [ "$(echo "$out" | count_of after.gob 2)" = 64 ] && [ "$(echo "$out" | count_of after.gob2 1)" = 0 ]; then
	ok "after the withdraw all 64 flows go to $GB_IP"
else nok "after the withdraw all 64 flows go to $GB_IP ($(echo "$out" | tr '\n' ';'))"; fi

# the last VTEP leaves the ES: zebra deletes the group, the kernel drops the fdb entry silently
ead_es del $GB_IP
check "group deleted (no VTEP left in the ES): the MAC leaves vxswd" 10 \
	"[ -z \"\$(st mac $MH_MAC)\" ] && [ -z \"\$(fdb $MH_MAC)\" ]"
ead_es add $GB_IP
ead_es add $GB_IP2
check "ES back: the MAC back in vxswd behind both VTEPs" 15 \
	"st mac $MH_MAC | grep -Eq '^remote - ($GB_IP,$GB_IP2|$GB_IP2,$GB_IP) ' &&
	 fdb $MH_MAC | grep -Eq '^evpn ($GB_IP $GB_IP2|$GB_IP2 $GB_IP)\$'"
gob global rib -a evpn del macadv $MH_MAC 0.0.0.0 esi $ESI etag 0 label 100 rd "$GB_IP:100"
check "MAC route withdrawn: gone from vxswd" 10 "[ -z \"\$(fdb $MH_MAC)\" ]"
if stop_vxswd; then ok "vxswd stops cleanly (status 0)"; else nok "vxswd stops cleanly"; fi
frr_down hv
frr_down tor
finish
