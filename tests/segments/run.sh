#!/usr/bin/env bash
# Port groups in network namespaces (root): the real vxswd with a VXLAN underlay team, a second
# team carrying a VLAN-backed management segment, and host interfaces (net_tap) bound to
# segments. One topology, checks in order; prints "PASS name" / "FAIL name" per check and ends
# with "N passed, N failed".
#
#   vm1 --veth-- hv: vxswd [vm1p, up0 (team underlay), up1+up2 (team mgmt-team, active-backup),
#                           host tap vxsw0 (underlay IP), host-interface taps mgmt0 and hif0]
#   up0 --veth-- tor: kernel VTEP (vxlan100 in br100) -- remote (10.100.0.3)
#   up1, up2 --veth-- sw: a Linux bridge over m1, m2; br0 = the mgmt host 10.10.0.2
#
# Checks: the host's mgmt0 (segment mgmt, the native VLAN of mgmt-team) pings 10.10.0.2 through the
# team while vm1 pings the remote across the overlay; vm1 and the host interface hif0 (VNI 100)
# reach each other; show segments / segment-macs / drops tell what happened; failover of the
# mgmt team keeps the mgmt ping going.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
[ "$(id -u)" -eq 0 ] || { echo "segments: needs root (network namespaces)"; echo "0 passed, 1 failed"; exit 1; }
"$ROOT/scripts/build.sh" || { echo "segments: build failed"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck source=../lib/netns.sh
. "$ROOT/tests/lib/netns.sh"
netns_init vxsg

PASS=0 FAIL=0
check() { # check NAME CMD...
	local n=$1; shift
	if "$@"; then echo "PASS $n"; PASS=$((PASS + 1)); else echo "FAIL $n"; FAIL=$((FAIL + 1)); fi
}
done_() {
	[ "$FAIL" -ne 0 ] && [ -n "${VXSWD_LOG:-}" ] && { echo "--- vxswd log"; tail -n 30 "$VXSWD_LOG"; }
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit
}
ping_ok() { # ping_ok NS ADDR: reachable within 10 s, then 3 of 3 answers
	wait_for "nsx $1 ping -c 1 -W 1 $2" 10 && nsx "$1" ping -q -c 3 -i 0.2 -w 3 "$2" >/dev/null
}
# jtest SHOW PYEXPR: `vxswctl show SHOW --json` as j; seg(name), smac(seg) (list), drop(name).
jtest() {
	local out
	out=$(vxctl show "$1" --json) || return 1
	echo "$out" | $PY -c '
import json, sys
j = json.load(sys.stdin)["vxsw:state"]
def seg(n):
    return next((g for g in j.get("segment", []) if g["name"] == n), {})
def smac(s):
    return [e for e in j.get("segment-mac", []) if e["segment"] == s]
def drop(n):
    return next((int(d["count"]) for d in j.get("drop", []) if d["name"] == n), -1)
ok = eval(sys.argv[1])
if not ok:
    print("    expression:", sys.argv[1]); print("    state:", json.dumps(j)[:1200])
sys.exit(0 if ok else 1)' "$2"
}

VM1_MAC=02:00:00:00:01:01 REM_MAC=02:00:00:00:01:03
for ns in hv vm1 tor remote sw; do ns_add "$ns" || done_; done
for ns in hv tor sw; do nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1; done
veth_pair vm1p hv eth0 vm1 && veth_pair up0 hv eth0 tor && veth_pair rem0 tor eth0 remote &&
	veth_pair up1 hv m1 sw && veth_pair up2 hv m2 sw || done_
nsx vm1 ip link set eth0 address "$VM1_MAC"
nsx remote ip link set eth0 address "$REM_MAC"
nsx vm1 ip addr add 10.100.0.1/24 dev eth0
nsx remote ip addr add 10.100.0.3/24 dev eth0
# the ToR: a kernel VTEP for VNI 100
nsx tor ip addr add 192.0.2.2/24 dev eth0
nsx tor ip link add br100 type bridge
nsx tor ip link add vxlan100 type vxlan id 100 local 192.0.2.2 dstport 4789 learning
nsx tor bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 192.0.2.1
nsx tor ip link set vxlan100 master br100
nsx tor ip link set rem0 master br100
nsx tor ip link set vxlan100 up
nsx tor ip link set br100 up
# the management switch: a bridge over m1, m2 (it learns which link the team uses) and the
# mgmt host on it. The segment is the team's native VLAN: this kernel has no 802.1Q devices
# (nor bridge VLAN filtering) to play a tagged host; tagged segments are covered by the
# replay tests (vlan-segment-*).
nsx sw ip link add br0 type bridge || done_
nsx sw ip link set m1 master br0
nsx sw ip link set m2 master br0
nsx sw ip link set br0 up
nsx sw ip addr add 10.10.0.2/24 dev br0

cat >"$NS_TMP/vxswd.json" <<EOF
{
  "vxsw:vxsw": {
    "global": { "workers": 1, "fdb-max-entries": 65536 },
    "vtep": { "local-ipv4": "192.0.2.1", "team": "underlay" },
    "port": [
      { "name": "vm1", "devargs": "net_af_packet0,iface=vm1p", "role": "vm", "access-vni": 100 },
      { "name": "up0", "devargs": "net_af_packet1,iface=up0", "role": "uplink" },
      { "name": "up1", "devargs": "net_af_packet2,iface=up1", "role": "uplink" },
      { "name": "up2", "devargs": "net_af_packet3,iface=up2", "role": "uplink" },
      { "name": "host", "devargs": "net_tap0,iface=vxsw0", "role": "host" },
      { "name": "mgmt", "devargs": "net_tap1,iface=mgmt0", "role": "host-interface",
        "access-segment": "mgmt" },
      { "name": "hif", "devargs": "net_tap2,iface=hif0", "role": "host-interface",
        "access-vni": 100 }
    ],
    "vni": [ { "id": 100, "flood-vtep": ["192.0.2.2"] } ],
    "team": [
      { "name": "underlay", "mode": "active-backup", "member": ["up0"] },
      { "name": "mgmt-team", "mode": "active-backup", "member": ["up1", "up2"] }
    ],
    "vlan-segment": [ { "name": "mgmt", "team": "mgmt-team" },
                      { "name": "storage", "vlan": 20, "team": "mgmt-team" } ]
  }
}
EOF
start_vxswd hv "$NS_TMP/vxswd.json" "$NS_TMP/vxswd.log" || done_
nsx hv ip addr add 192.0.2.1/24 dev vxsw0
nsx hv ip link set vxsw0 up
nsx hv ip addr add 10.10.0.1/24 dev mgmt0
nsx hv ip link set mgmt0 up
nsx hv ip addr add 10.100.0.9/24 dev hif0
nsx hv ip link set hif0 up

# Both at once: the mgmt ping through the team and the VM's ping across the overlay.
nsx hv ping -q -c 20 -i 0.1 -w 15 10.10.0.2 >"$NS_TMP/mgmt.ping" 2>&1 &
mgmt_ping=$!
check vm1-pings-remote-across-overlay ping_ok vm1 10.100.0.3
wait "$mgmt_ping"
mgmt_rc=$?
check mgmt-host-interface-pings-vlan-host-through-team test "$mgmt_rc" -eq 0
if [ "$mgmt_rc" -ne 0 ]; then
	cat "$NS_TMP/mgmt.ping"
	vxctl show drops | awk '$2 != 0'
	vxctl show ports
fi
check vm1-pings-host-interface-same-overlay ping_ok vm1 10.100.0.9
check host-interface-pings-vm1 ping_ok hv 10.100.0.1
sw_mac=$(nsx sw cat /sys/class/net/br0/address)
check show-segments-mgmt jtest segments \
	"seg('mgmt').get('kind') == 'vlan' and seg('mgmt').get('vlan') == 'untagged' and seg('storage').get('vlan') == '20' and seg('mgmt').get('team') == 'mgmt-team' and seg('mgmt').get('ports') == 'mgmt' and seg('mgmt').get('mac-count', 0) >= 2"
check show-segments-overlay jtest segments \
	"seg('vni:100').get('kind') == 'overlay' and seg('vni:100').get('ports') == 'vm1,hif' and seg('vni:100').get('team') == 'underlay'"
check segment-mac-behind-team jtest segment-macs \
	"any(e['mac'] == '$sw_mac' and e['kind'] == 'uplink' and e['port'] == 'mgmt-team' for e in smac('mgmt'))"
# The mgmt VLAN's frames never reached the overlay and vice versa: the ToR bridge knows
# no mgmt MAC.
mgmt_mac=$(nsx hv cat /sys/class/net/mgmt0/address)
check mgmt-mac-not-in-overlay bash -c "! ip netns exec $(ns_name tor) bridge fdb show br br100 | grep -qi '$mgmt_mac'"
# Failover: up1 goes down, the mgmt team moves to up2 (the bridge learns m2), the ping still works.
nsx hv ip link set up1 down
check mgmt-ping-after-team-failover ping_ok hv 10.10.0.2
stop_vxswd || { echo "vxswd did not stop cleanly"; FAIL=$((FAIL + 1)); }
done_
