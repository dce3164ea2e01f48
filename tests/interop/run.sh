#!/usr/bin/env bash
# Interop tests: the real vxswd against a Linux kernel VXLAN VTEP (the "ToR") in network
# namespaces (root). Usage: tests/interop/run.sh [TEST...]   (default: all; names below)
#
#   kernel-vtep-static-ipv4   ToR vxlan `nolearning` + static fdb entries; vxswd static-fdb for
#                             the remote host; pings both ways (IPv4 and IPv6 in the overlay);
#                             FDB kinds and VTEP resolution through the host tap's ARP.
#   kernel-vtep-ipv6-underlay the same over an IPv6 underlay (ND through the host tap).
#   flood-and-learn           no static entries: both sides learn from flooded traffic.
#   malformed-vxlan-drops     crafted VXLAN from the ToR: each kind counted under its drop
#                             reason exactly; forwarding still works.
#   vxswctl-bad-input         bad commands fail with a message, the daemon lives on.
#   clean-stop                SIGTERM: exit status 0, control socket and host tap gone.
#   vhost-user-reconnect      a virtio-user DPDK process (tests/interop/virtio_vm.c) as a VM on
#                             a vhost-user port; pings; the VM process restarts and reconnects.
#
# Each test runs in its own process with its own namespaces (vxit<PID>-*), so a failing or
# hung test leaves nothing behind. Prints "PASS name (N s)" / "FAIL name" per test and ends
# with "N passed, N failed". Set VXIT_VERBOSE=1 to see each test's log even when it passes.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ALL_TESTS=(kernel-vtep-static-ipv4 kernel-vtep-ipv6-underlay flood-and-learn af-xdp-uplink
	malformed-vxlan-drops vxswctl-bad-input clean-stop vhost-user-reconnect)
TEST_TIMEOUT=${TEST_TIMEOUT:-90}
PY=/usr/bin/python3

# ---------------------------------------------------------------- runner
if [ "${1:-}" != --one ]; then
	[ "$(id -u)" -eq 0 ] || { echo "interop: needs root (network namespaces)"; echo "0 passed, 1 failed"; exit 1; }
	tests=("$@")
	[ ${#tests[@]} -eq 0 ] && tests=("${ALL_TESTS[@]}")
	"$ROOT/scripts/build.sh" || { echo "interop: build failed"; echo "0 passed, 1 failed"; exit 1; }
	logdir=$(mktemp -d /tmp/vxit-logs.XXXXXX)
	# shellcheck source=../lib/runner.sh
	. "$ROOT/tests/lib/runner.sh"
	run_isolated interop "${VXIT_VERBOSE:-}" "$HERE/run.sh" "$logdir" "${tests[@]}"
	exit
fi

# ---------------------------------------------------------------- one test (this process)
TEST=$2
# shellcheck source=../lib/netns.sh
. "$ROOT/tests/lib/netns.sh"
netns_init vxit

FAILS=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; FAILS=$((FAILS + 1)); }
check() { # check DESC CMD...: CMD must succeed
	local d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "--- vxswd log"; [ -n "${VXSWD_LOG:-}" ] && tail -n 30 "$VXSWD_LOG"
		exit 1
	fi
	exit 0
}

VM1_MAC=02:00:00:00:01:01 VM2_MAC=02:00:00:00:01:02 REM_MAC=02:00:00:00:01:03
VM3_MAC=02:00:00:00:01:04

# topo UNDERLAY(4|6) TOR_LEARNING(learn|static): the namespaces of every test.
#   vm1, vm2 --veth-- hv (vxswd: vm1p vm2p up0, tap vxsw0) --veth-- tor (eth0, vxlan100+rem0
#   in br100) --veth-- remote
topo() {
	local af=$1 mode=$2 ns
	if [ "$af" = 6 ]; then HV_IP=2001:db8::1 TOR_IP=2001:db8::2; else HV_IP=192.0.2.1 TOR_IP=192.0.2.2; fi
	for ns in hv vm1 vm2 tor remote; do ns_add "$ns" || return 1; done
	for ns in hv tor; do nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1; done
	veth_pair vm1p hv eth0 vm1 b && veth_pair vm2p hv eth0 vm2 b || return 1
	local v6=none
	[ "$af" = 6 ] && v6=b
	veth_pair up0 hv eth0 tor "$v6" || return 1
	veth_pair rem0 tor eth0 remote b || return 1
	nsx vm1 ip link set eth0 address "$VM1_MAC"
	nsx vm2 ip link set eth0 address "$VM2_MAC"
	nsx remote ip link set eth0 address "$REM_MAC"
	for ns in vm1:1 vm2:2 remote:3; do
		nsx "${ns%:*}" ip addr add "10.100.0.${ns#*:}/24" dev eth0
		nsx "${ns%:*}" ip -6 addr add "fd00:100::${ns#*:}/64" dev eth0 nodad
	done
	if [ "$af" = 6 ]; then
		nsx tor ip -6 addr add 2001:db8::2/64 dev eth0 nodad
	else
		nsx tor ip addr add 192.0.2.2/24 dev eth0
	fi
	nsx tor ip link add br100 type bridge
	local learn=learning
	[ "$mode" = static ] && learn=nolearning
	nsx tor ip link add vxlan100 type vxlan id 100 local "$TOR_IP" dstport 4789 "$learn" || return 1
	nsx tor bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst "$HV_IP"
	if [ "$mode" = static ]; then
		nsx tor bridge fdb add "$VM1_MAC" dev vxlan100 dst "$HV_IP" static
		nsx tor bridge fdb add "$VM2_MAC" dev vxlan100 dst "$HV_IP" static
	fi
	nsx tor ip link set vxlan100 master br100
	nsx tor ip link set rem0 master br100
	nsx tor ip link set vxlan100 up
	nsx tor ip link set br100 up
}

# conf FILE [STATIC_REMOTE(yes|no)] [EXTRA_PORTS_JSON]: vxswd's config for topo's addresses.
conf() {
	local f=$1 static=${2:-no} extra=${3:-} vtep fdb=
	if [ "$HV_IP" = 2001:db8::1 ]; then vtep='"local-ipv6": "2001:db8::1"'; else vtep='"local-ipv4": "192.0.2.1"'; fi
	[ "$static" = yes ] && fdb=',
    "static-fdb": [ { "vni": 100, "mac": "'$REM_MAC'", "remote-vtep": "'$TOR_IP'" } ]'
	cat >"$f" <<EOF
{
  "vxsw:vxsw": {
    "global": { "workers": 1, "fdb-max-entries": 65536 },
    "vtep": { $vtep },
    "port": [
      { "name": "vm1", "devargs": "net_af_packet0,iface=vm1p", "role": "vm", "access-vni": 100 },
      { "name": "vm2", "devargs": "net_af_packet1,iface=vm2p", "role": "vm", "access-vni": 100 },$extra
      { "name": "up0", "devargs": "${UPLINK_DEVARGS:-net_af_packet2,iface=up0}", "role": "uplink" },
      { "name": "host", "devargs": "net_tap0,iface=vxsw0", "role": "host" }
    ],
    "vni": [ { "id": 100, "flood-vtep": ["$TOR_IP"] } ]$fdb
  }
}
EOF
}

# Start vxswd on topo's hv and give the host tap the VTEP address.
up_vxswd() {
	start_vxswd hv "$NS_TMP/vxswd.json" "$NS_TMP/vxswd.log" || return 1
	if [ "$HV_IP" = 2001:db8::1 ]; then
		nsx hv sysctl -qw net.ipv6.conf.vxsw0.disable_ipv6=0
		nsx hv ip -6 addr add 2001:db8::1/64 dev vxsw0 nodad
	else
		nsx hv ip addr add 192.0.2.1/24 dev vxsw0
	fi
	nsx hv ip link set vxsw0 up
}

# ping_ok FROM ADDR: reachable within 10 s, then 3 of 3 answers.
ping_ok() {
	wait_for "nsx $1 ping -c 1 -W 1 $2" 10 && nsx "$1" ping -q -c 3 -i 0.2 -w 3 "$2" >/dev/null
}

pings_both_ways() {
	check "vm1 -> remote IPv4 (VXLAN)" ping_ok vm1 10.100.0.3
	check "vm1 -> remote IPv6 (VXLAN)" ping_ok vm1 fd00:100::3
	check "remote -> vm2 IPv4 (VXLAN)" ping_ok remote 10.100.0.2
	check "remote -> vm2 IPv6 (VXLAN)" ping_ok remote fd00:100::2
	check "vm1 -> vm2 IPv4 (local)" ping_ok vm1 10.100.0.2
}

# jtest SHOW PYEXPR: `vxswctl show SHOW --json` parsed as j; true if PYEXPR is. Helpers for
# PYEXPR: fdb(mac) and vtep(addr) and port(name) -> dict or {}, drop(name) -> int, and B: the
# drop counts {name: int} of the `show drops --json` text in $VX_BEFORE (if set).
jtest() {
	local what=$1 expr=$2 out
	out=$(vxctl show "$what" --json) || { echo "    vxswctl show $what failed"; return 1; }
	echo "$out" | $PY -c '
import json, os, sys
j = json.load(sys.stdin)["vxsw:state"]
def fdb(mac):
    return next((e for e in j.get("fdb", {}).get("entry", []) if e["mac"] == mac), {})
def vtep(a):
    return next((r for r in j.get("vtep", {}).get("remote", []) if r["address"] == a), {})
def drop(n):
    return next((int(d["count"]) for d in j.get("drop", []) if d["name"] == n), -1)
def port(n):
    return next((p for p in j.get("port", []) if p["name"] == n), {})
B = {}
if os.environ.get("VX_BEFORE"):
    B = {d["name"]: int(d["count"]) for d in json.loads(os.environ["VX_BEFORE"])["vxsw:state"]["drop"]}
ok = eval(sys.argv[1])
if not ok and not os.environ.get("VX_QUIET"):
    print("    expression:", sys.argv[1]); print("    state:", json.dumps(j)[:1500])
sys.exit(0 if ok else 1)' "$expr"
}

# jcheck DESC SHOW PYEXPR: jtest as a named check.
jcheck() {
	if jtest "$2" "$3"; then ok "$1"; else bad "$1"; fi
}

tor_mac() { nsx tor cat /sys/class/net/eth0/address; }

fdb_local_ok() {
	jcheck "fdb: vm1's MAC is local on vm1" fdb \
		"fdb('$VM1_MAC').get('kind') == 'local' and fdb('$VM1_MAC').get('port') == 'vm1'"
	jcheck "fdb: vm2's MAC is local on vm2" fdb \
		"fdb('$VM2_MAC').get('kind') == 'local' and fdb('$VM2_MAC').get('port') == 'vm2'"
}

vtep_resolved_ok() {
	jcheck "vtep: $TOR_IP resolved to the ToR's MAC $(tor_mac) via up0" vtep \
		"vtep('$TOR_IP').get('resolved') is True and vtep('$TOR_IP').get('nexthop-mac') == '$(tor_mac)' and vtep('$TOR_IP').get('uplink') == 'up0'"
}

# ---------------------------------------------------------------- the tests
t_kernel_vtep_static_ipv4() {
	topo 4 static || return 1
	conf "$NS_TMP/vxswd.json" yes
	up_vxswd || return 1
	pings_both_ways
	jcheck "fdb: remote MAC is static-remote via 192.0.2.2" fdb \
		"fdb('$REM_MAC').get('kind') == 'static-remote' and fdb('$REM_MAC').get('remote-vtep') == '192.0.2.2'"
	fdb_local_ok
	vtep_resolved_ok
	check "ToR learned nothing dynamically (nolearning): no dst entry besides the static ones" \
		bash -c "[ \"\$(ip netns exec $(ns_name tor) bridge fdb show dev vxlan100 | grep -c 'dst 192.0.2.1')\" -eq 3 ]"
}

t_kernel_vtep_ipv6_underlay() {
	topo 6 static || return 1
	conf "$NS_TMP/vxswd.json" yes
	up_vxswd || return 1
	pings_both_ways
	jcheck "fdb: remote MAC is static-remote via 2001:db8::2" fdb \
		"fdb('$REM_MAC').get('kind') == 'static-remote' and fdb('$REM_MAC').get('remote-vtep') == '2001:db8::2'"
	fdb_local_ok
	vtep_resolved_ok
	check "hv kernel has the ToR as an IPv6 neighbour on vxsw0 (ND via the host tap)" \
		bash -c "ip -n $(ns_name hv) -6 neigh show dev vxsw0 | grep -q '2001:db8::2 lladdr $(tor_mac)'"
}

t_flood_and_learn() {
	topo 4 learn || return 1
	conf "$NS_TMP/vxswd.json" no
	up_vxswd || return 1
	pings_both_ways
	jcheck "fdb: remote MAC learned as remote via 192.0.2.2" fdb \
		"fdb('$REM_MAC').get('kind') == 'remote' and fdb('$REM_MAC').get('remote-vtep') == '192.0.2.2'"
	fdb_local_ok
	vtep_resolved_ok
	for m in $VM1_MAC $VM2_MAC; do
		check "ToR's kernel VTEP learned $m at 192.0.2.1" \
			bash -c "ip netns exec $(ns_name tor) bridge fdb show dev vxlan100 | grep -q '^$m dst 192.0.2.1'"
	done
}

# The uplink through AF_XDP (libbpf, generic XDP on a veth) instead of
# AF_PACKET: the way a NIC is shared with the host kernel.
t_af_xdp_uplink() {
	topo 4 learn || return 1
	UPLINK_DEVARGS="net_af_xdp0,iface=up0,start_queue=0,queue_count=1" \
		conf "$NS_TMP/vxswd.json" no
	up_vxswd || return 1
	pings_both_ways
	jcheck "fdb: remote MAC learned over the AF_XDP uplink" fdb \
		"fdb('$REM_MAC').get('kind') == 'remote' and fdb('$REM_MAC').get('remote-vtep') == '192.0.2.2'"
	vtep_resolved_ok
}

t_malformed_vxlan_drops() {
	local before hv_mac up0_drops
	topo 4 learn || return 1
	conf "$NS_TMP/vxswd.json" no
	up_vxswd || return 1
	check "forwarding works before" ping_ok vm1 10.100.0.3
	hv_mac=$(nsx hv cat /sys/class/net/vxsw0/address)
	before=$(vxctl show drops --json) || return 1
	up0_drops=$(vxctl show ports --json | $PY -c 'import json, sys
print(next(p["drops"] for p in json.load(sys.stdin)["vxsw:state"]["port"] if p["name"] == "up0"))')
	# 3 with the I flag clear, 4 with an unknown VNI, 2 whose UDP length is below the VXLAN
	# header, 5 whose IPv4 payload holds only the UDP ports (truncated).
	nsx tor "$PY" - "$hv_mac" <<'EOF' || bad "scapy could not send"
import sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, UDP, Raw, sendp, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
eth = Ether(dst=sys.argv[1], src=open("/sys/class/net/eth0/address").read().strip())
ip = IP(src="192.0.2.2", dst="192.0.2.1")
inner = Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:09:09", type=0x88b5) / Raw(b"x" * 46)
frames = (
    [eth / ip / UDP(sport=40000, dport=4789) / VXLAN(flags=0, vni=100) / inner] * 3 +
    [eth / ip / UDP(sport=40001, dport=4789) / VXLAN(vni=4242) / inner] * 4 +
    [eth / ip / UDP(sport=40002, dport=4789, len=12, chksum=0) / Raw(b"\x08\x00\x00\x00")] * 2 +
    [eth / IP(src="192.0.2.2", dst="192.0.2.1", proto=17) / Raw(b"\x9c\x42\x12\xb5")] * 5
)
sendp(frames, iface="eth0")
EOF
	export VX_BEFORE=$before
	VX_QUIET=1 wait_for "jtest drops \"drop('truncated') >= B['truncated'] + 5\"" 5
	jcheck "drops: +3 vxlan-i-flag-clear, +4 unknown-vni, +2 udp-bad-length, +5 truncated" drops \
		"drop('vxlan-i-flag-clear') == B['vxlan-i-flag-clear'] + 3 and drop('unknown-vni') == B['unknown-vni'] + 4 and drop('udp-bad-length') == B['udp-bad-length'] + 2 and drop('truncated') == B['truncated'] + 5"
	jcheck "port up0: +14 drops" ports "int(port('up0')['drops']) == $up0_drops + 14"
	unset VX_BEFORE
	echo "    $(vxctl show drops | awk 'NR == 1 || $NF != "0"' | tr -s ' ' | paste -sd ';')"
	check "vm1 -> remote IPv4 still works" ping_ok vm1 10.100.0.3
	check "remote -> vm2 IPv6 still works" ping_ok remote fd00:100::2
	check "vxswd still running" _ns_alive "$VXSWD_PID"
}

# expect_fail DESC REGEX ARGS...: vxswctl ARGS exits non-zero with a message matching REGEX.
expect_fail() {
	local d=$1 re=$2 out rc
	shift 2
	out=$(vxctl "$@" 2>&1)
	rc=$?
	echo "    vxswctl $* -> exit $rc: $out"
	if [ "$rc" -ne 0 ] && echo "$out" | grep -Eqi -- "$re"; then ok "$d"; else bad "$d"; fi
}

t_vxswctl_bad_input() {
	topo 4 learn || return 1
	conf "$NS_TMP/vxswd.json" no
	up_vxswd || return 1
	expect_fail "unknown command" "unknown command" frobnicate
	expect_fail "show of an unknown table" "show what|ports" show bogus
	expect_fail "add vni abc: usage" "usage|invalid|abc" add vni abc
	expect_fail "add vni 16777216: names the path or the reason" \
		"range|16777215|/vxsw:vxsw/vni|too (large|big)|out of" add vni 16777216
	expect_fail "del vni 4242 (not configured)" "4242" del vni 4242
	expect_fail "add fdb with a bad MAC" "usage|mac" add fdb 100 zz:00:00:00:00:01 port vm1
	check "vxswd still running" _ns_alive "$VXSWD_PID"
	check "vxswd still answers" vxctl show ports >/dev/null
	check "add vni 200 succeeds" vxctl add vni 200
	jcheck "vni 200 is shown" vni "any(v['id'] == 200 for v in j.get('vni', []))"
	check "del vni 200 succeeds" vxctl del vni 200
	jcheck "vni 200 is gone, 100 stays" vni \
		"not any(v['id'] == 200 for v in j.get('vni', [])) and any(v['id'] == 100 for v in j.get('vni', []))"
	check "forwarding still works" ping_ok vm1 10.100.0.3
}

t_clean_stop() {
	local t0
	topo 4 learn || return 1
	conf "$NS_TMP/vxswd.json" no
	up_vxswd || return 1
	check "forwarding works" ping_ok vm1 10.100.0.3
	check "control socket exists while running" test -S "$VXSW_SOCKET"
	t0=$SECONDS
	check "SIGTERM: vxswd exits with status 0 within 10 s" stop_vxswd 10
	echo "    stopped in $((SECONDS - t0)) s"
	check "control socket removed" test ! -e "$VXSW_SOCKET"
	check "host tap vxsw0 gone" bash -c "! ip -n $(ns_name hv) link show vxsw0 >/dev/null 2>&1"
	local out rc
	out=$(vxctl show ports 2>&1); rc=$?
	echo "    vxswctl after stop -> exit $rc: $out"
	check "vxswctl reports the daemon unreachable" test "$rc" -ne 0
}

start_vm3() {
	ns_bg vm3 "$NS_TMP/vm3.$1.log" "$VM_BIN" -l 0 --no-huge -m 256 --no-pci \
		--file-prefix "$(dpdk_prefix "vm3_$1")" --log-level=lib.eal:error \
		--vdev "net_virtio_user0,path=$NS_TMP/vm3.sock,queues=1" \
		--vdev "net_tap0,iface=eth0,mac=$VM3_MAC"
	VM3_PID=$NS_BG_PID
	wait_for "ip -n $(ns_name vm3) link show eth0" 10 || { cat "$NS_TMP/vm3.$1.log"; return 1; }
	nsx vm3 ip addr add 10.100.0.4/24 dev eth0
	nsx vm3 ip -6 addr add fd00:100::4/64 dev eth0 nodad
	nsx vm3 ip link set eth0 up
}

port_link() { # port_link NAME up|down
	vxctl show ports --json | $PY -c "import json,sys; sys.exit(0 if any(p['name'] == '$1' and p['link'] == '$2' for p in json.load(sys.stdin)['vxsw:state']['port']) else 1)"
}

t_vhost_user_reconnect() {
	VM_BIN="$NS_TMP/virtio_vm"
	# shellcheck disable=SC2046 # pkg-config output is a word list
	cc -O2 -o "$VM_BIN" "$HERE/virtio_vm.c" $(pkg-config --cflags --libs libdpdk) ||
		{ bad "cannot build tests/interop/virtio_vm.c"; return 1; }
	topo 4 learn || return 1
	ns_add vm3 || return 1
	conf "$NS_TMP/vxswd.json" no '
      { "name": "vm3", "devargs": "net_vhost0,iface='"$NS_TMP"'/vm3.sock,queues=1", "role": "vm",
        "access-vni": 100 },'
	up_vxswd || return 1
	check "vm3 link down before the VM connects" port_link vm3 down
	start_vm3 1 || { bad "virtio-user VM did not start"; return 1; }
	check "vm3 link up once connected" wait_for "port_link vm3 up" 10
	check "vm3 -> vm1 IPv4 (vhost-user <-> af_packet)" ping_ok vm3 10.100.0.1
	check "vm3 -> remote IPv4 (VXLAN)" ping_ok vm3 10.100.0.3
	check "remote -> vm3 IPv6 (VXLAN)" ping_ok remote fd00:100::4
	jcheck "fdb: vm3's MAC is local on vm3" fdb "fdb('$VM3_MAC').get('port') == 'vm3'"
	kill -TERM "$VM3_PID"
	check "virtio-user VM exits on SIGTERM" wait_for "! _ns_alive $VM3_PID" 10
	check "vm3 link down after the VM left" wait_for "port_link vm3 down" 10
	check "forwarding among the others unaffected" ping_ok vm1 10.100.0.3
	start_vm3 2 || { bad "virtio-user VM did not restart"; return 1; }
	check "vm3 link up after reconnect" wait_for "port_link vm3 up" 10
	check "vm3 -> vm2 IPv4 after reconnect" ping_ok vm3 10.100.0.2
	check "remote -> vm3 IPv4 after reconnect (VXLAN)" ping_ok remote 10.100.0.4
	check "vxswd still running" _ns_alive "$VXSWD_PID"
}

fn="t_${TEST//-/_}"
declare -F "$fn" >/dev/null || { echo "unknown test '$TEST' (${ALL_TESTS[*]})"; exit 2; }
echo "[$TEST] namespaces $NS_RUN-*"
"$fn" || bad "$TEST: set-up step failed"
# Every test ends with a clean stop of vxswd (clean-stop checks it in detail).
if [ -n "$VXSWD_PID" ]; then check "vxswd stops cleanly" stop_vxswd 10; fi
finish
