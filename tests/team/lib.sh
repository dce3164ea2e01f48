# shellcheck shell=bash
# shellcheck disable=SC2034 # TEAM_PEER, HOST_MAC, OVS_PID, BONDPEER_PID: for the scripts that source this
# Shared set-up of the uplink-teaming tests (tests/team/run.sh) and benchmark (bench/team.sh).
# Source after tests/lib/netns.sh and netns_init. Root only.
#
#   vm1 ─veth─┐                                                   ┌─ tor: eth0 192.0.2.2,
#   vm2 ─veth─┤ hv: vxswd  up0 ─ m0a [mid] m0b ─ p0 ┐             │  vxlan100 (VNI 100) +
#             │  (team     up1 ─ m1a [mid] m1b ─ p1 ┤ sw: PEER ─ t0┤  rem0 in br100
#             │  "underlay")                        ┘              └─ remote 10.100.0.3
#             └ host tap vxsw0 192.0.2.1 (the VTEP address)
#
# mid is a wire: nftables netdev ingress `fwd` between mNa and mNb (a Linux bridge would eat
# LACPDUs). It can drop only LACPDUs (ether type 0x8809) of member N, and `ip link set mNa down`
# there turns carrier off at upN (vxswd's end), mNb down at pN (the peer's end).
# PEER (in namespace sw) is one of:
#   ovs     Open vSwitch 3.1 userspace (datapath_type=netdev) bridge br0: LACP bond0 (p0 p1,
#           balance-tcp, lacp=active, lacp-time=fast) + port t0
#   dpdk    tests/team/bondpeer.c: DPDK's bonding PMD in mode 4 over net_af_packet p0 p1,
#           forwarding to/from net_af_packet t0
#   bridge  a Linux bridge br0 holding p0 p1 t0 (for the switch-independent modes)
#
# Functions: team_topo PEER, team_conf FILE MODE [EXTRA_TEAM_JSON], team_up_vxswd,
# mid_block_lacp N, mid_unblock N, mid_sink N, wire_cut N [both|hv|peer], wire_restore N, member_field PORT FIELD,
# member_tx PORT, lacp_distributing PORT, ovs_ctl ..., ovs_member_distributing IF,
# bondpeer_state IF, udp_flows NS DST NFLOWS PKTS [SPORT0], ping_ok FROM ADDR.

PY=/usr/bin/python3
TEAM_DIR=${TEAM_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
VM1_MAC=${VM1_MAC:-02:00:00:00:01:01}
VM2_MAC=${VM2_MAC:-02:00:00:00:01:02}
REM_MAC=02:00:00:00:01:03
HV_IP=192.0.2.1
TOR_IP=192.0.2.2
TEAM_PEER=

# ---------------------------------------------------------------- topology
team_topo() {
	local peer=$1 ns n
	TEAM_PEER=$peer
	for ns in hv vm1 vm2 mid sw tor remote; do ns_add "$ns" || return 1; done
	for ns in hv mid sw tor; do nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1; done
	veth_pair vm1p hv eth0 vm1 || return 1
	veth_pair vm2p hv eth0 vm2 || return 1
	for n in 0 1; do
		veth_pair "up$n" hv "m${n}a" mid || return 1
		veth_pair "m${n}b" mid "p$n" sw || return 1
	done
	veth_pair t0 sw eth0 tor || return 1
	veth_pair rem0 tor eth0 remote || return 1
	nsx vm1 ip link set eth0 address "$VM1_MAC"
	nsx vm2 ip link set eth0 address "$VM2_MAC"
	nsx remote ip link set eth0 address "$REM_MAC"
	for ns in vm1:1 vm2:2 remote:3; do
		# Full checksums: a veth leaves UDP checksums to be finished (CHECKSUM_PARTIAL), and
		# net_af_packet hands vxswd such frames as they are, so the far end would drop them.
		nsx "${ns%:*}" ethtool -K eth0 tx off >/dev/null || return 1
		nsx "${ns%:*}" ip link set eth0 mtu 1450
		nsx "${ns%:*}" ip addr add "10.100.0.${ns#*:}/24" dev eth0
	done
	# The wire in mid.
	nsx mid nft -f - <<'EOF' || return 1
table netdev wire {
	chain m0a { type filter hook ingress device "m0a" priority 0; policy accept; fwd to "m0b"; }
	chain m0b { type filter hook ingress device "m0b" priority 0; policy accept; fwd to "m0a"; }
	chain m1a { type filter hook ingress device "m1a" priority 0; policy accept; fwd to "m1b"; }
	chain m1b { type filter hook ingress device "m1b" priority 0; policy accept; fwd to "m1a"; }
}
EOF
	# The ToR: kernel VTEP for VNI 100, static entries toward the hypervisor's VTEP.
	nsx tor ip addr add "$TOR_IP/24" dev eth0
	nsx tor ip link add br100 type bridge
	nsx tor ip link add vxlan100 type vxlan id 100 local "$TOR_IP" dstport 4789 nolearning || return 1
	nsx tor bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst "$HV_IP"
	nsx tor bridge fdb add "$VM1_MAC" dev vxlan100 dst "$HV_IP" static
	nsx tor bridge fdb add "$VM2_MAC" dev vxlan100 dst "$HV_IP" static
	nsx tor ip link set vxlan100 master br100
	nsx tor ip link set rem0 master br100
	nsx tor ip link set vxlan100 up
	nsx tor ip link set br100 up
	case $peer in
	ovs) ovs_start || return 1 ;;
	dpdk) bondpeer_start || return 1 ;;
	bridge)
		nsx sw ip link add br0 type bridge
		for n in p0 p1 t0; do nsx sw ip link set "$n" master br0; done
		nsx sw ip link set br0 up
		;;
	*) echo "team_topo: unknown peer $peer" >&2; return 1 ;;
	esac
}

# team_conf FILE MODE [TEAM_EXTRA_JSON]: vxswd's config, team "underlay" = up0, up1.
team_conf() {
	local f=$1 mode=$2 extra=${3:-} lacp=
	[ "$mode" = lacp ] && lacp=', "lacp": { "mode": "active", "rate": "fast" }'
	cat >"$f" <<EOF
{
  "vxsw:vxsw": {
    "global": { "workers": 1, "fdb-max-entries": 65536 },
    "vtep": { "local-ipv4": "$HV_IP", "team": "underlay" },
    "port": [
      { "name": "vm1", "devargs": "net_af_packet0,iface=vm1p", "role": "vm", "access-vni": 100 },
      { "name": "vm2", "devargs": "net_af_packet1,iface=vm2p", "role": "vm", "access-vni": 100 },
      { "name": "up0", "devargs": "net_af_packet2,iface=up0", "role": "uplink" },
      { "name": "up1", "devargs": "net_af_packet3,iface=up1", "role": "uplink" },
      { "name": "host", "devargs": "net_tap0,iface=vxsw0", "role": "host" }
    ],
    "team": [
      { "name": "underlay", "mode": "$mode", "member": ["up0", "up1"]$lacp$extra }
    ],
    "vni": [ { "id": 100, "flood-vtep": ["$TOR_IP"] } ],
    "static-fdb": [ { "vni": 100, "mac": "$REM_MAC", "remote-vtep": "$TOR_IP" } ]
  }
}
EOF
}

team_up_vxswd() {
	start_vxswd hv "$NS_TMP/vxswd.json" "$NS_TMP/vxswd.log" || return 1
	nsx hv ip addr add "$HV_IP/24" dev vxsw0
	nsx hv ip link set vxsw0 up
	HOST_MAC=$(nsx hv cat /sys/class/net/vxsw0/address)
}

# ---------------------------------------------------------------- faults (namespace mid)
mid_block_lacp() { # both directions of member N
	local n=$1 c
	for c in "m${n}a" "m${n}b"; do
		nsx mid nft insert rule netdev wire "$c" ether type 0x8809 drop || return 1
	done
}
mid_unblock() {
	local n=$1 c o
	for c in "m${n}a" "m${n}b"; do
		case $c in *a) o="m${n}b" ;; *) o="m${n}a" ;; esac
		nsx mid nft flush chain netdev wire "$c" || return 1
		nsx mid nft add rule netdev wire "$c" fwd to "$o" || return 1
	done
}
# mid_sink N: drop everything vxswd sends on member N (forwarding-rate benchmark).
mid_sink() { nsx mid nft insert rule netdev wire "m${1}a" drop; }
# wire_cut N [both|hv|peer]: take the wire of member N down (carrier off at upN, pN or both).
wire_cut() {
	local n=$1 where=${2:-both}
	case $where in
	both) nsx mid ip link set "m${n}a" down && nsx mid ip link set "m${n}b" down ;;
	hv) nsx mid ip link set "m${n}a" down ;;
	peer) nsx mid ip link set "m${n}b" down ;;
	esac
}
wire_restore() { # the peer's end first: vxswd may use the member as soon as its end is up
	local n=$1
	nsx mid ip link set "m${n}b" up && nsx mid ip link set "m${n}a" up
}

# ---------------------------------------------------------------- vxswd state
# member_field PORT FIELD: one field of `vxswctl show team-members --json` for PORT.
member_field() {
	vxctl show team-members --json | $PY -c '
import json, sys
for m in json.load(sys.stdin)["vxsw:state"].get("team-member", []):
    if m["port"] == sys.argv[1]:
        print(m.get(sys.argv[2], "")); break' "$1" "$2"
}
member_tx() { member_field "$1" tx-packets; }
members_tx() { # "TX0 TX1"
	vxctl show team-members --json | $PY -c '
import json, sys
m = {x["port"]: int(x.get("tx-packets", 0)) for x in json.load(sys.stdin)["vxsw:state"].get("team-member", [])}
print(m.get("up0", 0), m.get("up1", 0))'
}
lacp_distributing() { [ "$(member_field "$1" distributing)" = yes ]; }
team_active() { # the active member list of team underlay, e.g. "up0,up1"
	vxctl show team --json | $PY -c '
import json, sys
for t in json.load(sys.stdin)["vxsw:state"].get("team", []):
    if t["name"] == "underlay": print(t.get("active", ""))'
}

# ---------------------------------------------------------------- Open vSwitch in sw
OVS_DIR=
ovs_ctl() { nsx sw ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=10 "$@"; }
ovs_app() { nsx sw ovs-appctl -t "$OVS_DIR/ovs-vswitchd.ctl" --timeout=10 "$@"; }
ovs_start() {
	OVS_DIR="$NS_TMP/ovs"
	mkdir -p "$OVS_DIR"
	export OVS_RUNDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR
	ovsdb-tool create "$OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema || return 1
	ns_bg sw "$OVS_DIR/ovsdb-server.out" ovsdb-server "$OVS_DIR/conf.db" \
		--remote="punix:$OVS_DIR/db.sock" --pidfile="$OVS_DIR/ovsdb-server.pid" \
		--unixctl="$OVS_DIR/ovsdb-server.ctl" --log-file="$OVS_DIR/ovsdb-server.log"
	wait_for "test -S $OVS_DIR/db.sock" 10 || { echo "ovsdb-server did not start" >&2; return 1; }
	ovs_ctl --no-wait init || return 1
	ns_bg sw "$OVS_DIR/ovs-vswitchd.out" ovs-vswitchd "unix:$OVS_DIR/db.sock" \
		--pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
		--log-file="$OVS_DIR/ovs-vswitchd.log"
	OVS_PID=$NS_BG_PID
	wait_for "test -S $OVS_DIR/ovs-vswitchd.ctl" 10 || { echo "ovs-vswitchd did not start" >&2; return 1; }
	ovs_ctl add-br br0 -- set bridge br0 datapath_type=netdev || return 1
	ovs_ctl add-bond br0 bond0 p0 p1 bond_mode=balance-tcp lacp=active \
		other_config:lacp-time=fast || return 1
	ovs_ctl add-port br0 t0 || return 1
}
# ovs_member_distributing IF: OVS's own actor state for IF says collecting and distributing.
ovs_member_distributing() {
	ovs_app lacp/show bond0 | $PY -c '
import re, sys
txt, cur, ok = sys.stdin.read(), None, False
for line in txt.splitlines():
    m = re.match(r"\s*(?:slave|member):\s*(\S+):", line)
    if m: cur = m.group(1)
    if cur == sys.argv[1] and re.match(r"\s*actor state:", line):
        ok = "collecting" in line and "distributing" in line
        break
sys.exit(0 if ok else 1)' "$1"
}

# ---------------------------------------------------------------- DPDK bonding PMD in sw
BONDPEER_BIN=
bondpeer_build() {
	BONDPEER_BIN="$NS_TMP/bondpeer"
	# shellcheck disable=SC2046 # pkg-config output is a word list
	cc -O2 -Wall -o "$BONDPEER_BIN" "$TEAM_DIR/bondpeer.c" $(pkg-config --cflags --libs libdpdk) \
		-lrte_net_bond >"$NS_TMP/bondpeer.cc.log" 2>&1 || { cat "$NS_TMP/bondpeer.cc.log"; return 1; }
}
bondpeer_start() {
	[ -n "$BONDPEER_BIN" ] || bondpeer_build || return 1
	BONDPEER_STATE="$NS_TMP/bondpeer.state"
	ns_bg sw "$NS_TMP/bondpeer.log" "$BONDPEER_BIN" -l 0 --no-huge -m 512 --no-shconf --no-pci \
		--file-prefix "$(dpdk_prefix bondpeer)" --log-level=lib.eal:error \
		--vdev net_af_packet0,iface=p0 --vdev net_af_packet1,iface=p1 \
		--vdev net_af_packet2,iface=t0 -- --state "$BONDPEER_STATE"
	BONDPEER_PID=$NS_BG_PID
	wait_for "test -s $BONDPEER_STATE" 15 || { echo "bondpeer did not start:" >&2; cat "$NS_TMP/bondpeer.log" >&2; return 1; }
}
# bondpeer_state IF FIELD: a field of the peer's state line for member IF (see bondpeer.c).
bondpeer_state() {
	awk -v m="$1" -v f="$2" '$1 == "member" && $2 == m {
		for (i = 3; i < NF; i++) if ($i == f) { print $(i + 1); exit } }' "$BONDPEER_STATE"
}

# ---------------------------------------------------------------- traffic
ping_ok() { # ping_ok FROM ADDR: reachable within 10 s, then 3 of 3 answers
	wait_for "nsx $1 ping -c 1 -W 1 $2" 10 && nsx "$1" ping -q -c 3 -i 0.2 -w 3 "$2" >/dev/null
}
# udp_flows NS DST NFLOWS PKTS_PER_FLOW [SPORT0]: NFLOWS UDP flows (source ports SPORT0...).
udp_flows() {
	nsx "$1" "$PY" - "$2" "$3" "$4" "${5:-20000}" <<'EOF'
import resource, socket, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
dst, nflows, pkts, sport0 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
socks = []
for i in range(nflows):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", sport0 + i))
    socks.append(s)
n = 0
for k in range(pkts):
    for s in socks:
        try:
            s.sendto(b"x" * 64, (dst, 9))
        except OSError:
            pass
        n += 1
        if n % 32 == 0:  # at most 32 in a row: no overrun of vxswd's af_packet ring
            time.sleep(0.001)
EOF
}
