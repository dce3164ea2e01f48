#!/usr/bin/env bash
# Remote multihoming through vxswd (as root; FRR 8.4, GoBGP (Debian gobgpd), tcpdump).
# The e2e rig (tests/evpn/e2e_lib.sh) with the underlay turned into a bridge ul0 in the
# ToR namespace, and a GoBGP speaker in namespace gob on it, peering with hv's bgpd. GoBGP
# plays two VTEPs, 10.0.0.3 and 10.0.0.4 (both addresses of gob), attached to one
# Ethernet Segment: EAD-per-ES and EAD-per-EVI routes from each, and a MAC route with the
# ESI from 10.0.0.3 only (the other VTEP is reached by aliasing). hv's zebra then installs
# the MAC with an fdb nexthop group of both VTEPs.
#
# Checks: the ES at hv's zebra; the MAC in vxswd with both VTEPs (show evpn) and an FDB
# entry of kind evpn at one of them, where vm1's frames go; mass withdraw (EAD-per-ES of
# that VTEP withdrawn): vxswd moves the MAC to the other VTEP and the frames follow;
# the last EAD-per-ES withdrawn (zebra deletes the group, the kernel drops the MAC silently):
# the MAC leaves vxswd; re-advertised: back; the MAC route withdrawn: gone.
# Skipped (0 passed, 0 failed) without gobgpd. About 40 s.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/netns.sh"

pass=0 fail=0 T_START=$SECONDS
ok() { pass=$((pass + 1)); echo "PASS - $*"; }
nok() { fail=$((fail + 1)); echo "FAIL - $*"; }
info() { echo "       $*"; }
check() { # check "description" TIMEOUT CMD
	local what=$1 t=$2
	shift 2
	if wait_for "$*" "$t"; then ok "$what"; else nok "$what"; fi
}
finish() {
	echo "mh: $((SECONDS - T_START)) s"
	echo
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

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
# Where vm1's frames to MH_MAC go: the VTEP addresses seen by tcpdump in gob
where() {
	ns_bg gob "$NS_TMP/cap.txt" tcpdump -i eth0 -nn -q -l "src host $HV_IP and udp dst port 4789"
	local pid=$NS_BG_PID
	wait_for "grep -q 'listening on' '$NS_TMP/cap.txt'" 5
	nsx vm1 $TOOL frames eth0 $VM1_MAC $MH_MAC 3
	sleep 0.5
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sed -n 's/.* > \(10\.0\.0\.[0-9]*\)\.4789: .*/\1/p' "$NS_TMP/cap.txt" | sort -u | tr '\n' ' '
}

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
nsx gob ip addr add $GB_IP2/24 dev eth0
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
check "vxswd: FDB entry of kind evpn at one of them" 5 \
	"fdb $MH_MAC | grep -Eq '^evpn ($GB_IP|$GB_IP2)\$'"
V1=$(fdb $MH_MAC | cut -d' ' -f2)
V2=$GB_IP2
[ "$V1" = "$GB_IP2" ] && V2=$GB_IP
info "vxswd uses ${V1:-?} of the group (no per-flow spread over the group yet)"
w=$(where)
info "vm1's frames to the MAC went to: $w"
if [ -n "$V1" ] && [ "$w" = "$V1 " ]; then ok "vm1's frames to the MAC go to $V1"
else nok "vm1's frames to the MAC go to ${V1:-?} (went to: $w)"; fi

# mass withdraw: the ES is gone from V1
ead_es del "$V1"
check "mass withdraw (EAD-per-ES of $V1 withdrawn): hv's group shrinks to $V2" 10 \
	"vty hv -c 'show evpn es' | grep '$ESI_SHOW' | grep -q ' $V2\$'"
check "mass withdraw: vxswd moves the MAC to $V2 (show evpn, FDB)" 10 \
	"st mac $MH_MAC | grep -q '^remote - $V2 ' && [ \"\$(fdb $MH_MAC)\" = 'evpn $V2' ]"
w=$(where)
if [ "$w" = "$V2 " ]; then ok "mass withdraw: vm1's frames follow to $V2"
else nok "mass withdraw: vm1's frames follow to $V2 (went to: $w)"; fi

# the last VTEP leaves the ES: zebra deletes the group, the kernel drops the fdb entry silently
ead_es del "$V2"
check "group deleted (no VTEP left in the ES): the MAC leaves vxswd" 10 \
	"[ -z \"\$(st mac $MH_MAC)\" ] && [ -z \"\$(fdb $MH_MAC)\" ]"
ead_es add $GB_IP
ead_es add $GB_IP2
check "ES back: the MAC back in vxswd behind both VTEPs" 15 \
	"st mac $MH_MAC | grep -Eq '^remote - ($GB_IP,$GB_IP2|$GB_IP2,$GB_IP) ' &&
	 fdb $MH_MAC | grep -q '^evpn '"
gob global rib -a evpn del macadv $MH_MAC 0.0.0.0 esi $ESI etag 0 label 100 rd "$GB_IP:100"
check "MAC route withdrawn: gone from vxswd" 10 "[ -z \"\$(fdb $MH_MAC)\" ]"
if stop_vxswd; then ok "vxswd stops cleanly (status 0)"; else nok "vxswd stops cleanly"; fi
frr_down hv
frr_down tor
finish
