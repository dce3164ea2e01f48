#!/usr/bin/env bash
# The EVPN agent alone against real FRR (as root; FRR 8.4 from Debian, scripts/setup.sh).
# Run by tests/evpn/run.sh (with e2e.sh, vxswd end to end); runs on its own too.
#
#   hv  : FRR (zebra + bgpd, -N) + evpn_probe (the agent, which builds its kernel
#         shadow of VNI 100 here and prints every evpn_ops callback)
#   tor : FRR + a Linux VXLAN VTEP (vxlan100 nolearning, neigh_suppress on, br100)
#         with host veth h1 <-> eth0 in namespace h1 (192.168.100.21)
#   underlay: veth hv.up0 10.1.0.0/31 <-> tor.up0 10.1.0.1/31, eBGP 65001-65002,
#         VTEPs 10.0.0.1 (hv) / 10.0.0.2 (tor) on lo, l2vpn evpn advertise-all-vni.
#
# Checks: FRR absent status; type-3 -> flood_set; a local MAC and MAC/IPs (v4, v6) -> type-2
# at the ToR (BGP table and kernel fdb/neigh) and withdrawn on removal; the ToR
# host's MAC -> remote_mac_set; a ToR MAC/IP -> suppress_set; a forced resync
# changes nothing; MAC mobility (remote MAC learned locally); FRR restart on hv:
# remote entries held through the grace period, reconciled after it; the shadow
# removed at exit. Ends with "N passed, N failed". About 30 s.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. "$ROOT/tests/lib/netns.sh"

GRACE_MS=${GRACE_MS:-15000}
HOLD_MS=${HOLD_MS:-2000}
FRR=${FRR:-/usr/lib/frr}
. "$ROOT/tests/lib/checks.sh"
checks_init agent

if [ "$(id -u)" -ne 0 ] || [ ! -x $FRR/zebra ] || [ ! -x $FRR/bgpd ] || ! command -v vtysh >/dev/null; then
	echo "tests/evpn: needs root and FRR (scripts/setup.sh installs frr)" >&2
	nok "prerequisites"
	finish
fi

# ---- the program under test ----
netns_init evpn
PROBE=$ROOT/build/tests/evpn/evpn_probe
# EVPN_PROBE_CFLAGS="-fsanitize=address,undefined" runs the agent under the sanitizers
if [ -n "${EVPN_PROBE_CFLAGS:-}" ] ||
   ! { [ -f build/build.ninja ] && ninja -C build tests/evpn/evpn_probe >/dev/null 2>&1 &&
       [ -x "$PROBE" ]; }; then
	# not a meson target (yet), or the tree is mid-change elsewhere: build it
	# from the sources it needs, and nothing else
	PROBE=$NS_TMP/evpn_probe
	# shellcheck disable=SC2086
	if ! cc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror ${EVPN_PROBE_CFLAGS:-} \
		-I bgp-evpn -I dataplane -I common \
		tests/evpn/evpn_probe.c bgp-evpn/evpn_*.c dataplane/nl_sock.c dataplane/nl_decode.c \
		common/vx_addr.c common/vx_log.c -lmnl -o "$PROBE"; then
		nok "build evpn_probe"
		finish
	fi
fi

# ---- namespaces and the underlay ----
ns_add hv && ns_add tor && ns_add h1 || { nok "namespaces"; finish; }
HV=$(ns_name hv) TOR=$(ns_name tor)
veth_pair up0 hv up0 tor
nsx hv ip addr add 10.1.0.0/31 dev up0
nsx tor ip addr add 10.1.0.1/31 dev up0
nsx hv ip addr add 10.0.0.1/32 dev lo
nsx tor ip addr add 10.0.0.2/32 dev lo

# the ToR: a kernel VTEP and a host
H1MAC=02:00:00:00:02:01
nsx tor ip link add br100 type bridge
nsx tor ip link set br100 addrgenmode none
nsx tor ip link add vxlan100 type vxlan id 100 local 10.0.0.2 dstport 4789 nolearning
nsx tor ip link set vxlan100 master br100
nsx tor bridge link set dev vxlan100 learning off neigh_suppress on
nsx tor ip link set vxlan100 up
nsx tor ip link set br100 up
veth_pair h1 tor eth0 h1
nsx h1 ip link set eth0 address $H1MAC
nsx tor ip link set h1 master br100
nsx h1 ip addr add 192.168.100.21/24 dev eth0

# ---- FRR ----
CONF=$NS_TMP/frr
mkdir -p "$CONF"
chmod 711 "$NS_TMP"
frr_conf() { # name as neighbour loopback
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
 address-family ipv4 unicast
  network $4/32
 exit-address-family
 address-family l2vpn evpn
  neighbor $3 activate
  advertise-all-vni
 exit-address-family
EOF
	printf 'hostname %s\nzebra work-queue 1\n' "$1" >"$CONF/$1.zebra.conf"
}
frr_conf hv 65001 10.1.0.1 10.0.0.1
frr_conf tor 65002 10.1.0.0 10.0.0.2
chown -R frr:frr "$CONF"
for n in "$HV" "$TOR"; do
	mkdir -p "/run/frr/$n" && chown frr:frr "/run/frr/$n"
	cleanup_add_cmd "rm -rf /run/frr/$n"
done

. "$ROOT/tests/lib/frr.sh"

# ---- the agent ----
LOG=$NS_TMP/probe.log
mkfifo "$NS_TMP/probe.in"
exec 3<>"$NS_TMP/probe.in" # read-write: opening does not wait for the reader
ip netns exec "$HV" "$PROBE" --vtep 10.0.0.1 --frr-rundir "/run/frr/$HV" --vni 100 \
	--hold-ms "$HOLD_MS" --grace-ms "$GRACE_MS" <"$NS_TMP/probe.in" >"$LOG" 2>&1 &
PROBE_PID=$!
cleanup_add_pid "$PROBE_PID"
probe() { echo "$*" >&3; }
lines() { wc -l <"$LOG"; }
since() { tail -n +"$(($1 + 1))" "$LOG"; }   # log lines after line $1
# the last value of a status field
status_field() {
	local n
	n=$(lines); probe status
	wait_for "since $n | grep -q ' status '" 3 || return 1
	since "$n" | grep ' status ' | tail -1 | sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p"
}

check "agent starts and builds its shadow" 10 "grep -q ready '$LOG'"
check "shadow: vxlan100 nolearning, port learning off neigh_suppress on" 3 \
	"ip -n $HV -d link show vxlan100 | grep -q 'id 100 local 10.0.0.1' &&
	 ip -n $HV -d link show vxlan100 | grep -q 'nolearning' &&
	 bridge -n $HV -d link show dev vxlan100 | grep -q 'learning off' &&
	 bridge -n $HV -d link show dev vxlan100 | grep -q 'neigh_suppress on'"
n=$(lines); probe status
check "status says FRR absent before FRR starts" 3 "since $n | grep -q 'FRR absent: zebra not running'"

for n in tor hv; do frr_up "$n"; done
check "BGP session up" 30 "vty hv -c 'show bgp summary json' | grep -q '\"state\":\"Established\"'"
check "type-3 from the ToR -> flood_set [10.0.0.2]" 20 "grep -q 'flood 100 \\[10.0.0.2\\]' '$LOG'"
n=$(lines); probe status
check "status says FRR up" 3 "since $n | grep -q 'frr=up'"

# ---- local MAC and MAC/IP -> type-2 at the ToR ----
t=$(date +%s%N)
probe mac 100 vm1-eth0 02:00:00:00:01:01 1
check "local MAC -> ToR kernel fdb (dst 10.0.0.1)" 10 \
	"bridge -n $TOR fdb show dev vxlan100 | grep -q '02:00:00:00:01:01 dst 10.0.0.1'"
echo "     (agent -> ToR kernel fdb: $((($(date +%s%N) - t) / 1000000)) ms, polled every 100 ms)"
check "local MAC -> type-2 in the ToR's BGP table" 10 \
	"vty tor -c 'show bgp l2vpn evpn route json' | grep -q '02:00:00:00:01:01'"
check "stand-in port created with the vxsw port name as alias" 3 \
	"ip -n $HV link show ev100p0 | grep -q 'alias vm1-eth0'"
probe neigh 100 192.168.100.11 02:00:00:00:01:01 1
check "local MAC/IP -> type-2 with IP at the ToR" 10 \
	"vty tor -c 'show bgp l2vpn evpn route json' | grep -q '192.168.100.11'"
check "local MAC/IP -> ToR suppression neighbour" 10 \
	"ip -n $TOR neigh show dev br100 | grep -q '192.168.100.11 lladdr 02:00:00:00:01:01'"
probe neigh 100 2001:db8:100::11 02:00:00:00:01:01 1
check "local IPv6 MAC/IP -> ToR suppression neighbour" 10 \
	"ip -n $TOR -6 neigh show dev br100 | grep -q '2001:db8:100::11 lladdr 02:00:00:00:01:01'"

# ---- the ToR host -> remote MAC, MAC/IP ----
t=$(date +%s%N)
nsx h1 ping -c 2 -i 0.2 -W 1 192.168.100.11 >/dev/null 2>&1 & # its ARP teaches the ToR bridge
check "ToR host MAC -> remote_mac_set with the ToR VTEP" 10 \
	"grep -q 'mac_set 100 $H1MAC 10.0.0.2' '$LOG'"
echo "     (ToR host's first frame -> remote_mac_set: $((($(date +%s%N) - t) / 1000000)) ms)"
wait $!
nsx tor ip neigh replace 192.168.100.21 lladdr $H1MAC dev br100 nud permanent
check "ToR MAC/IP -> suppress_set" 10 "grep -q 'sup_set 100 192.168.100.21 $H1MAC' '$LOG'"
nsx tor ip -6 neigh replace 2001:db8:100::21 lladdr $H1MAC dev br100 nud permanent
check "ToR IPv6 MAC/IP -> suppress_set" 10 "grep -q 'sup_set 100 2001:db8:100::21 $H1MAC' '$LOG'"

# ---- withdraw ----
probe neigh 100 192.168.100.11 - 0
probe neigh 100 2001:db8:100::11 - 0
probe mac 100 vm1-eth0 02:00:00:00:01:01 0
check "local MAC and MAC/IPs removed -> withdrawn at the ToR (BGP, fdb, neighbours)" 10 \
	"! vty tor -c 'show bgp l2vpn evpn route json' | grep -q '02:00:00:00:01:01' &&
	 ! bridge -n $TOR fdb show dev vxlan100 | grep -q '02:00:00:00:01:01' &&
	 ! ip -n $TOR neigh show dev br100 | grep -q '192.168.100.11' &&
	 ! ip -n $TOR -6 neigh show dev br100 | grep -q '2001:db8:100::11'"

# ---- a forced resync (what ENOBUFS triggers) changes nothing ----
n=$(lines); probe resync
sleep $(((HOLD_MS + 1500) / 1000))
if since "$n" | grep -Eq 'mac_del|sup_del|mac_set|flood|sup_set'; then
	nok "resync (mark and sweep) reports nothing when nothing changed"
	since "$n"
else ok "resync (mark and sweep) reports nothing when nothing changed"; fi
check "resync completed" 3 "[ \"\$(status_field synced)\" = 1 ]"

# ---- MAC mobility: a MAC the ToR advertises is learned here ----
MOB=02:00:00:00:02:99
nsx tor bridge fdb replace $MOB dev h1 master dynamic
check "mobility: ToR MAC arrives remote" 10 "grep -q 'mac_set 100 $MOB 10.0.0.2' '$LOG'"
n=$(lines)
probe mac 100 vm2-eth0 $MOB 1
check "mobility: the ToR now sends it to 10.0.0.1 (higher sequence)" 10 \
	"bridge -n $TOR fdb show dev vxlan100 | grep -q '$MOB dst 10.0.0.1'"
check "mobility: ToR's zebra has it remote at 10.0.0.1 with sequence 1 (MAC mobility)" 10 \
	"vty tor -c 'show evpn mac vni 100 mac $MOB json' | grep -q '\"remoteVtep\":\"10.0.0.1\"' &&
	 vty tor -c 'show evpn mac vni 100 mac $MOB json' | grep -q '\"remoteSequence\":1'"
if since "$n" | grep -q "mac_del 100 $MOB"; then nok "mobility: no remote_mac_del for a MAC moved here"
else ok "mobility: no remote_mac_del for a MAC moved here"; fi
probe mac 100 vm2-eth0 $MOB 0

# ---- FRR restart on hv: hold, then reconcile ----
probe mac 100 vm1-eth0 02:00:00:00:01:02 1
check "before restart: a second local MAC reaches the ToR" 10 \
	"vty tor -c 'show bgp l2vpn evpn route json' | grep -q '02:00:00:00:01:02'"
n=$(lines); probe status
wait_for "since $n | grep -q ' status '" 3
T0=$(since "$n" | grep ' status ' | tail -1 | cut -d' ' -f1)
n=$(lines)
frr_down hv
check "zebra deleted the remote entries from the shadow" 5 \
	"! bridge -n $HV fdb show dev vxlan100 | grep -q '$H1MAC'"
check "status says grace while FRR is down" 5 "[ \"\$(status_field frr)\" = grace ]"
# while hv's FRR is down the ToR withdraws its MAC/IP: it must go after the grace
nsx tor ip neigh del 192.168.100.21 dev br100
sleep 1
frr_up hv
check "after restart: BGP up again" 30 \
	"vty hv -c 'show bgp summary json' | grep -q '\"state\":\"Established\"'"
check "after restart: zebra re-installs the ToR MAC in the shadow" 20 \
	"bridge -n $HV fdb show dev vxlan100 | grep -q '$H1MAC dst 10.0.0.2'"
check "after restart: the local MAC is advertised again" 20 \
	"vty tor -c 'show bgp l2vpn evpn route json' | grep -q '02:00:00:00:01:02'"
check "grace over: the MAC/IP that did not come back is deleted" $(((GRACE_MS + 15000) / 1000)) \
	"since $n | grep -q 'sup_del 100 192.168.100.21'"
t_del=$(since "$n" | grep 'sup_del 100 192.168.100.21' | head -1 | cut -d' ' -f1)
if [ -n "$t_del" ] && [ "$((t_del - T0))" -ge "$GRACE_MS" ]; then
	ok "the deletion came only after the grace period ($((t_del - T0)) ms >= $GRACE_MS ms)"
else nok "the deletion came only after the grace period (${t_del:-none} - $T0 ms)"; fi
if since "$n" | grep -Eq "mac_del|flood 100 \\[\\]|mac_set 100 $H1MAC"; then
	nok "no remote MAC or flood change through the restart"
	since "$n"
else ok "no remote MAC or flood change through the restart"; fi
n2=$(lines); probe show
wait_for "since $n2 | grep -q 'show end'" 3
if since "$n2" | grep -q "show mac 100 $H1MAC remote 10.0.0.2 nhg=0 held=0" &&
   since "$n2" | grep -q "show mac 100 02:00:00:00:01:02 local port=vm1-eth0 in_kernel=1" &&
   since "$n2" | grep -q "show neigh 100 2001:db8:100::21 $H1MAC remote" &&
   ! since "$n2" | grep -q "192.168.100.21"; then
	ok "show: remote MAC (not held), local MAC on its port, the MAC/IP that came back"
else nok "show: remote MAC (not held), local MAC on its port, the MAC/IP that came back"
	since "$n2"; fi
check "status: grace over, FRR up" 3 "[ \"\$(status_field frr)\" = up ]"

# ---- exit removes the shadow ----
probe quit
exec 3>&-
check "agent exits cleanly" 10 "! kill -0 $PROBE_PID"
wait "$PROBE_PID"; rc=$?
[ "$rc" -eq 0 ] && ok "agent exit status 0" || nok "agent exit status $rc"
check "shadow removed" 3 "! ip -n $HV link show vxlan100 && ! ip -n $HV link show br100 &&
	 ! ip -n $HV link show ev100p0"
grep ' status ' "$LOG" | tail -1 | sed 's/^/  last /'
finish
