# shellcheck shell=bash
# The vxswd + FRR EVPN rig, shared by tests/evpn/e2e.sh and bench/evpn.sh (source it after
# tests/lib/netns.sh and netns_init).
#
#   vm1 (eth0 VM1_MAC 10.100.0.1 fd00:100::1) ─veth vm1p─┐
#   hv : vxswd (vm1 af_packet, up0 af_packet uplink, host tap vxsw0 = 10.0.0.1/24, the VTEP)
#        + FRR zebra/bgpd (-N), which sees vxswd's shadow br100/vxlan100/ev100p*
#        └─ up0 ══ underlay veth ══ eth0 (10.0.0.2/24) ─ tor
#   tor: FRR + kernel VTEP vxlan100 (local 10.0.0.2, nolearning; port learning off,
#        neigh_suppress on) in br100, with rh0 ─veth─ eth0 of rhost (RH_MAC 10.100.0.3 fd00:100::3)
#   eBGP 65001 (hv, over vxsw0 -> vxswd -> up0) <-> 65002 (tor), l2vpn evpn advertise-all-vni.
#
# The VTEPs are the underlay addresses themselves (connected /24): the path between them
# needs no route from FRR, so stopping FRR on hv does not take the tunnel's next hop away.
#
# e2e_topo                  namespaces, veths, the ToR's VTEP and rhost
# e2e_conf FILE [AGING]     vxswd's config (evpn on, VNI 100, empty flood list);
#                           $E2E_AFP_ARGS is appended to the af_packet devargs
# e2e_kernel_hv             instead of vxswd: a kernel VTEP in hv (benchmark baseline)
# e2e_vxswd [AGING]         start vxswd in hv and put 10.0.0.1/24 on vxsw0
# e2e_frr_conf              FRR config files for hv and tor
# frr_start NS DAEMON / frr_stop NS DAEMON / frr_up NS / frr_down NS (tests/lib/frr.sh)
# vty NS ARGS...            vtysh -N <ns> ARGS
# e2e_bgp_up [TIMEOUT]      wait for the session (seen from hv)
# fdb_kind MAC              vxswd's FDB entry for MAC in VNI 100: "kind dest" or nothing

. "$(dirname "${BASH_SOURCE[0]}")/../lib/frr.sh"
PY=${PY:-/usr/bin/python3}
HV_IP=10.0.0.1
TOR_IP=10.0.0.2
VM1_MAC=02:00:00:00:01:01
RH_MAC=02:00:00:00:01:03
VM1_IP=10.100.0.1
RH_IP=10.100.0.3
VM1_IP6=fd00:100::1
RH_IP6=fd00:100::3

e2e_topo() {
	local ns
	for ns in hv vm1 tor rhost; do ns_add "$ns" || return 1; done
	HV=$(ns_name hv) TOR=$(ns_name tor)
	veth_pair vm1p hv eth0 vm1 b || return 1
	veth_pair up0 hv eth0 tor || return 1
	veth_pair rh0 tor eth0 rhost b || return 1
	nsx vm1 ip link set eth0 address $VM1_MAC
	nsx rhost ip link set eth0 address $RH_MAC
	nsx vm1 ip addr add $VM1_IP/24 dev eth0
	nsx vm1 ip -6 addr add $VM1_IP6/64 dev eth0 nodad
	nsx rhost ip addr add $RH_IP/24 dev eth0
	nsx rhost ip -6 addr add $RH_IP6/64 dev eth0 nodad
	nsx tor ip addr add $TOR_IP/24 dev eth0
	# veths hand locally sent TCP/UDP to af_packet with the L4 checksum not filled in
	# (CHECKSUM_PARTIAL; DPDK's af_packet PMD ignores TP_STATUS_CSUMNOTREADY): the ends
	# facing vxswd's af_packet ports compute their checksums in software
	for ns in ${E2E_TX_OFF_NS-vm1 tor}; do nsx "$ns" ethtool -K eth0 tx off >/dev/null || return 1; done
	nsx tor ip link add br100 type bridge
	nsx tor ip link set br100 addrgenmode none
	nsx tor ip link add vxlan100 type vxlan id 100 local $TOR_IP dstport 4789 nolearning || return 1
	nsx tor ip link set vxlan100 master br100
	nsx tor bridge link set dev vxlan100 learning off neigh_suppress on
	nsx tor ip link set rh0 master br100
	nsx tor ip link set vxlan100 up
	nsx tor ip link set br100 up
}

# For comparison (bench/evpn.sh): hv as a Linux kernel VTEP instead of vxswd, the same
# addresses; vm1p bridged with vxlan100 in br100, the VTEP address on up0.
e2e_kernel_hv() {
	nsx hv ip addr add $HV_IP/24 dev up0 || return 1
	nsx hv ethtool -K up0 tx off >/dev/null
	nsx hv ip link add br100 type bridge
	nsx hv ip link set br100 addrgenmode none
	nsx hv ip link add vxlan100 type vxlan id 100 local $HV_IP dstport 4789 nolearning || return 1
	nsx hv ip link set vxlan100 master br100
	nsx hv bridge link set dev vxlan100 learning off neigh_suppress on
	nsx hv ip link set vm1p master br100
	nsx hv ip link set vxlan100 up
	nsx hv ip link set br100 up
}

e2e_conf() { # FILE [AGING]
	cat >"$1" <<EOF
{
  "vxsw:vxsw": {
    "global": { "workers": 1, "fdb-max-entries": 65536, "fdb-aging-time": ${2:-300} },
    "vtep": { "local-ipv4": "$HV_IP" },
    "port": [
      { "name": "vm1", "devargs": "net_af_packet0,iface=vm1p${E2E_AFP_ARGS:-}", "role": "vm", "access-vni": 100 },
      { "name": "up0", "devargs": "net_af_packet1,iface=up0${E2E_AFP_ARGS:-}", "role": "uplink" },
      { "name": "host", "devargs": "net_tap0,iface=vxsw0", "role": "host" }
    ],
    "vni": [ { "id": 100 } ],
    "evpn": { "enabled": true, "frr-rundir": "/run/frr/$HV", "grace-period": ${E2E_GRACE:-60} }
  }
}
EOF
}

e2e_vxswd() { # [AGING]
	e2e_conf "$NS_TMP/vxswd.json" "${1:-300}"
	start_vxswd hv "$NS_TMP/vxswd.json" "$NS_TMP/vxswd.log" ${E2E_VXSWD_ARGS:-} || return 1
	nsx hv ip addr add $HV_IP/24 dev vxsw0 && nsx hv ip link set vxsw0 up
}

# extra lines in hv's bgpd.conf: under "router bgp" / under "address-family l2vpn evpn"
E2E_HV_BGP_EXTRA=${E2E_HV_BGP_EXTRA:-}
E2E_HV_EVPN_EXTRA=${E2E_HV_EVPN_EXTRA:-}
e2e_frr_conf() {
	CONF=$NS_TMP/frr
	mkdir -p "$CONF"
	chmod 711 "$NS_TMP"
	_frr_conf hv 65001 $TOR_IP $HV_IP
	_frr_conf tor 65002 $HV_IP $TOR_IP
	chown -R frr:frr "$CONF"
	local n
	for n in "$HV" "$TOR"; do
		mkdir -p "/run/frr/$n" && chown frr:frr "/run/frr/$n"
		cleanup_add_cmd "rm -rf /run/frr/$n"
	done
}

_frr_conf() { # name as neighbour router-id
	local bx='' ex=''
	[ "$1" = hv ] && bx=$E2E_HV_BGP_EXTRA ex=$E2E_HV_EVPN_EXTRA
	cat >"$CONF/$1.bgpd.conf" <<EOF
frr defaults datacenter
hostname $1
router bgp $2
 bgp router-id $4
 no bgp ebgp-requires-policy
 timers bgp 3 9
 neighbor $3 remote-as external
 neighbor $3 timers connect 1
 neighbor $3 advertisement-interval 0
$bx
 address-family l2vpn evpn
  neighbor $3 activate
$ex
  advertise-all-vni
 exit-address-family
EOF
	printf 'hostname %s\nzebra work-queue 1\n' "$1" >"$CONF/$1.zebra.conf"
}


e2e_bgp_up() {
	wait_for "vty hv -c 'show bgp summary json' | grep -q '\"state\":\"Established\"'" "${1:-30}"
}

# vxswd's FDB entry of MAC in VNI 100 as "kind dest", nothing if absent.
fdb_kind() {
	vxctl show fdb --json 2>/dev/null | $PY -c '
import json, sys
mac = sys.argv[1].lower()
d = json.load(sys.stdin)
def walk(o):
    if isinstance(o, dict):
        if str(o.get("mac", "")).lower() == mac and str(o.get("vni", "100")) == "100":
            print(o.get("kind", "?"), o.get("dest", o.get("remote-vtep", o.get("port", "?"))))
            sys.exit(0)
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(d)' "$1"
}
