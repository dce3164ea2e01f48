#!/usr/bin/env bash
# vxsw in five minutes: `sudo scripts/demo.sh` on a fresh Debian 12 machine.
#
# Installs what is missing, builds, then plays a small data centre in network namespaces:
#
#   vm1 (10.100.0.1) ─veth─┐                                      ┌─ remote (10.100.0.3)
#   vm2 (10.100.0.2) ─veth─┤ hv: vxswd ── up0 ══ underlay ══ tor: kernel VTEP 192.0.2.2
#   vm3 (10.100.0.4) vhost─┘  VTEP 192.0.2.1 (host tap vxsw0)     vxlan100 + br100
#     (vm3 only when the virtio-user helper builds: a 2nd DPDK process)
#
# The VMs and the host behind the ToR share VNI 100. Pings cross the switch locally and
# through the VXLAN tunnel (IPv4 and IPv6 in the overlay); then the switch's state is shown.
# Everything is removed at the end. Exits non-zero if any ping fails.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
T0=$SECONDS

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root: sudo scripts/demo.sh"

step "1. Installing the packages vxsw needs (scripts/setup.sh)"
scripts/setup.sh || die "setup failed"

step "2. Building vxswd and vxswctl (scripts/build.sh)"
scripts/build.sh || die "build failed (see the messages above)"

# shellcheck source=../tests/lib/netns.sh
. "$ROOT/tests/lib/netns.sh"
netns_init vxdemo

step "3. Creating the namespaces: hv (vxswd), vm1, vm2, tor (kernel VTEP), remote"
for ns in hv vm1 vm2 tor remote; do ns_add "$ns" || die "cannot create namespace $ns"; done
# hv and tor carry IPv4 only on their own interfaces: keep IPv6 chatter off what vxswd and
# the ToR create later (vxsw0, vxlan100, br100).
for ns in hv tor; do nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1; done
echo "   $(ip netns list | grep -c "^$NS_RUN-") namespaces named $NS_RUN-*"

# VMs: veth vmNp (hv, used by vxswd through net_af_packet) <-> eth0 (in vmN).
for n in 1 2; do
	veth_pair "vm${n}p" hv eth0 "vm$n" b || die "veth for vm$n"
	nsx "vm$n" ip link set eth0 address "02:00:00:00:01:0$n"
	nsx "vm$n" ip addr add "10.100.0.$n/24" dev eth0
	nsx "vm$n" ip -6 addr add "fd00:100::$n/64" dev eth0 nodad
	echo "   vm$n: eth0 02:00:00:00:01:0$n 10.100.0.$n/24 fd00:100::$n/64"
done

# Underlay: up0 (hv, vxswd's uplink, no IP) <-> eth0 (tor, 192.0.2.2).
veth_pair up0 hv eth0 tor || die "underlay veth"
nsx tor ip addr add 192.0.2.2/24 dev eth0

# The ToR: a Linux kernel VTEP for VNI 100 bridged with the port toward remote.
veth_pair rem0 tor eth0 remote b || die "veth for remote"
nsx remote ip link set eth0 address 02:00:00:00:01:03
nsx remote ip addr add 10.100.0.3/24 dev eth0
nsx remote ip -6 addr add fd00:100::3/64 dev eth0 nodad
nsx tor ip link add br100 type bridge
nsx tor ip link add vxlan100 type vxlan id 100 local 192.0.2.2 dstport 4789
nsx tor bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 192.0.2.1
nsx tor ip link set vxlan100 master br100
nsx tor ip link set rem0 master br100
nsx tor ip link set vxlan100 up
nsx tor ip link set br100 up
echo "   tor: vxlan100 (VNI 100, local 192.0.2.2, BUM -> 192.0.2.1, learning) + rem0 in br100"
echo "   remote: eth0 02:00:00:00:01:03 10.100.0.3/24 fd00:100::3/64"

# Optional third VM on vhost-user: a tiny DPDK program (virtio-user <-> tap) plays the VM.
VM3=
VM3_BIN="$NS_TMP/vxsw-virtio-vm"
# shellcheck disable=SC2046 # pkg-config output is a word list
if cc -O2 -o "$VM3_BIN" "$ROOT/tests/interop/virtio_vm.c" \
	$(pkg-config --cflags --libs libdpdk) 2>"$NS_TMP/cc.log"; then
	VM3=1
	ns_add vm3 || die "cannot create namespace vm3"
else
	echo "   (no vm3: the virtio-user helper did not build; see $NS_TMP/cc.log)"
fi

step "4. Writing the vxswd configuration"
CONF="$NS_TMP/vxswd.json"
VM3_PORT=
[ -n "$VM3" ] && VM3_PORT='
      { "name": "vm3", "devargs": "net_vhost0,iface='"$NS_TMP"'/vm3.sock,queues=1", "role": "vm",
        "access-vni": 100 },'
cat >"$CONF" <<EOF
{
  "vxsw:vxsw": {
    "global": { "workers": 1, "fdb-max-entries": 65536 },
    "vtep": { "local-ipv4": "192.0.2.1" },
    "port": [
      { "name": "vm1", "devargs": "net_af_packet0,iface=vm1p", "role": "vm", "access-vni": 100 },
      { "name": "vm2", "devargs": "net_af_packet1,iface=vm2p", "role": "vm", "access-vni": 100 },$VM3_PORT
      { "name": "up0", "devargs": "net_af_packet2,iface=up0", "role": "uplink" },
      { "name": "host", "devargs": "net_tap0,iface=vxsw0", "role": "host" }
    ],
    "vni": [ { "id": 100, "flood-vtep": ["192.0.2.2"] } ]
  }
}
EOF
sed 's/^/   /' "$CONF"

step "5. Starting vxswd in hv"
start_vxswd hv "$CONF" "$NS_TMP/vxswd.log" || die "vxswd did not start"
echo "   vxswd pid $VXSWD_PID, control socket $VXSW_SOCKET"
# The host tap holds the VTEP address: the kernel resolves the ToR by ARP through the
# dataplane's host exception path, and vxswd takes the ToR's MAC from the neighbour table.
nsx hv ip addr add 192.0.2.1/24 dev vxsw0
nsx hv ip link set vxsw0 up
echo "   vxsw0 (host tap) up with 192.0.2.1/24"

if [ -n "$VM3" ]; then
	step "5b. Starting vm3: a virtio-user DPDK process on vxswd's vhost-user socket"
	ns_bg vm3 "$NS_TMP/vm3.log" "$VM3_BIN" -l 0 --no-huge -m 256 --no-pci \
		--file-prefix "$(dpdk_prefix vm3)" --log-level=lib.eal:error \
		--vdev "net_virtio_user0,path=$NS_TMP/vm3.sock,queues=1" \
		--vdev net_tap0,iface=eth0,mac=02:00:00:00:01:04
	if wait_for "ip -n $(ns_name vm3) link show eth0" 10; then
		nsx vm3 ip addr add 10.100.0.4/24 dev eth0
		nsx vm3 ip -6 addr add fd00:100::4/64 dev eth0 nodad
		nsx vm3 ip link set eth0 up
		echo "   vm3: eth0 02:00:00:00:01:04 10.100.0.4/24 fd00:100::4/64 (tap of the virtio-user process)"
	else
		echo "   vm3 did not come up; going on without it:"; sed 's/^/   | /' "$NS_TMP/vm3.log"
		VM3=
	fi
fi

failed=0
ping_check() { # ping_check FROM ADDR WHAT
	local from=$1 addr=$2 what=$3
	# The first packets may wait for ARP/ND of the VTEP next hop and of the peer.
	wait_for "nsx $from ping -c 1 -W 1 $addr" 10
	if nsx "$from" ping -c 3 -i 0.2 -W 1 -q "$addr" | grep -E 'packets|rtt' | sed 's/^/   /' &&
	   nsx "$from" ping -c 1 -W 1 -q "$addr" >/dev/null; then
		echo "   ok: $what"
	else
		echo "   FAILED: $what"
		failed=$((failed + 1))
	fi
}

step "6. Pinging through the overlay"
ping_check vm1 10.100.0.3 "vm1 -> remote, IPv4 over VXLAN"
ping_check vm1 fd00:100::3 "vm1 -> remote, IPv6 over VXLAN"
ping_check remote 10.100.0.2 "remote -> vm2, IPv4 over VXLAN"
ping_check remote fd00:100::2 "remote -> vm2, IPv6 over VXLAN"
ping_check vm1 10.100.0.2 "vm1 -> vm2, IPv4, switched locally"
ping_check vm1 fd00:100::2 "vm1 -> vm2, IPv6, switched locally"
if [ -n "$VM3" ]; then
	ping_check vm3 10.100.0.1 "vm3 (vhost-user) -> vm1, IPv4"
	ping_check vm3 10.100.0.3 "vm3 (vhost-user) -> remote, IPv4 over VXLAN"
	ping_check remote fd00:100::4 "remote -> vm3 (vhost-user), IPv6 over VXLAN"
fi

step "7. What vxswd learned and counted"
for what in fdb vtep ports vni counters; do
	echo "--- vxswctl show $what"
	vxctl show "$what" | sed 's/^/   /'
done
echo "--- vxswctl show drops (reasons that counted something)"
vxctl show drops | awk 'NR == 1 || $NF != "0"' | sed 's/^/   /'
echo "--- the ToR's view: bridge fdb show dev vxlan100"
nsx tor bridge fdb show dev vxlan100 | sed 's/^/   /'

step "8. Stopping vxswd and removing the namespaces"
stop_vxswd || failed=$((failed + 1))
netns_cleanup
echo "   done"

echo
if [ "$failed" -eq 0 ]; then
	echo "demo: all pings answered ($((SECONDS - T0)) s)"
	exit 0
fi
echo "demo: $failed check(s) failed"
exit 1
