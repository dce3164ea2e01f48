#!/usr/bin/env bash
# Uplink-teaming interop tests: the real vxswd with a two-member team as its underlay against
# real peers, in network namespaces (root). Usage: tests/team/run.sh [TEST...] (default: all)
#
#   lacp-ovs                LACP against Open vSwitch 3.1 (userspace bond, balance-tcp,
#                           lacp=active, fast): both members distribute on both sides; pings;
#                           64 UDP flows use both members; a cut member takes all traffic to the
#                           other and comes back; LACPDUs blocked on one member take it out in
#                           ~3 s (fast rate) on both sides, and it returns once unblocked.
#   lacp-dpdk-bond          LACP against DPDK's bonding PMD in mode 4 (tests/team/bondpeer.c):
#                           the aggregate forms on both sides, pings, flows spread, a cut member
#                           moves the traffic, the aggregate re-forms after the repair.
#   active-backup-bridge    active-backup (failback) against a Linux bridge: first member only;
#                           cut it (at vxswd's end) -> second member, and the gratuitous ARP moves
#                           the bridge's FDB entry of the VTEP MAC at once; failback on repair.
#   balance-vm-port-bridge  balance-vm-port, two VMs pinned to different members, re-pinned when
#                           a member fails and back after the repair; the way back to the VM
#                           works at once (the peer switch must be told).
#   balance-src-mac-bridge  balance-src-mac: likewise, by source MAC.
#   config-errors           a team member that is not an uplink, a port in two teams, an unknown
#                           vtep team: vxswd refuses to start and names the path.
#
# Topology and helpers: tests/team/lib.sh. Each test runs in its own process with its own
# namespaces (vxtm<PID>-*). Prints "PASS name (N s)" / "FAIL name (N s)" per test, the failing
# test's log, and ends with "N passed, N failed". TEAM_VERBOSE=1 shows every test's log.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ALL_TESTS=(lacp-ovs lacp-dpdk-bond active-backup-bridge balance-vm-port-bridge
	balance-src-mac-bridge config-errors)
TEST_TIMEOUT=${TEST_TIMEOUT:-150}

# ---------------------------------------------------------------- runner
if [ "${1:-}" != --one ]; then
	[ "$(id -u)" -eq 0 ] || { echo "team: needs root (network namespaces)"; echo "0 passed, 1 failed"; exit 1; }
	tests=("$@")
	[ ${#tests[@]} -eq 0 ] && tests=("${ALL_TESTS[@]}")
	"$ROOT/scripts/build.sh" || { echo "team: build failed"; echo "0 passed, 1 failed"; exit 1; }
	logdir=$(mktemp -d /tmp/vxtm-logs.XXXXXX)
	# Others may rebuild build/ meanwhile: the tests run a copy of the binaries just built
	# (unless VXSWD / VXSWCTL name others).
	if [ -z "${VXSWD:-}" ]; then
		cp "$ROOT/build/vxswd/vxswd" "$logdir/" || exit 1
		export VXSWD="$logdir/vxswd"
	fi
	if [ -z "${VXSWCTL:-}" ]; then
		cp "$ROOT/build/vxswctl/vxswctl" "$logdir/" || exit 1
		export VXSWCTL="$logdir/vxswctl"
	fi
	# shellcheck source=../lib/runner.sh
	. "$ROOT/tests/lib/runner.sh"
	run_isolated team "${TEAM_VERBOSE:-}" "$HERE/run.sh" "$logdir" "${tests[@]}"
	exit
fi

# ---------------------------------------------------------------- one test (this process)
TEST=$2
# shellcheck source=../lib/netns.sh
. "$ROOT/tests/lib/netns.sh"
netns_init vxtm
# shellcheck source=lib.sh
. "$HERE/lib.sh"

FAILS=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; FAILS=$((FAILS + 1)); }
check() { # check DESC CMD...: CMD must succeed
	local d=$1; shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
finish() {
	if [ "$FAILS" -ne 0 ]; then
		if [ -n "${VXSW_SOCKET:-}" ] && [ -n "${VXSWD_PID:-}" ]; then
			echo "--- vxswctl show team / team-members"
			vxctl show team 2>&1; vxctl show team-members 2>&1
		fi
		echo "--- vxswd log"; [ -n "${VXSWD_LOG:-}" ] && tail -n 30 "$VXSWD_LOG"
		case $TEAM_PEER in
		ovs) echo "--- ovs-appctl lacp/show bond0"; ovs_app lacp/show bond0 2>&1 | head -60
		     echo "--- ovs-vswitchd log"; tail -n 20 "$OVS_DIR/ovs-vswitchd.log" ;;
		dpdk) echo "--- bondpeer log"; tail -n 12 "$NS_TMP/bondpeer.log" ;;
		esac
		exit 1
	fi
	exit 0
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_ms CMD TIMEOUT_S: like wait_for, polling every 50 ms; prints the milliseconds it took.
wait_ms() {
	local cmd=$1 t0 end now
	t0=$(now_ms); end=$(( t0 + $(awk -v t="$2" 'BEGIN { printf "%d", t * 1000 }') ))
	while :; do
		now=$(now_ms)
		if (eval "$cmd") >/dev/null 2>&1; then echo $(( now - t0 )); return 0; fi
		[ "$now" -ge "$end" ] && { echo $(( now - t0 )); return 1; }
		sleep 0.05
	done
}

# flows NS NFLOWS PKTS [SPORT0]: send the flows; sets D0 D1 (tx packets on up0, up1 meanwhile).
flows() {
	local a b
	a=$(members_tx) || return 1
	udp_flows "$@"
	sleep 0.5 # let a worker that shares its CPU catch up before counting
	b=$(members_tx) || return 1
	read -r D0 D1 < <(echo "$a $b" | awk '{ print $3 - $1, $4 - $2 }')
	echo "    $1 -> $2: $3 flows x $4 packets -> up0 +$D0, up1 +$D1"
}
# spread MIN_TOTAL: both members carried at least 10 % of at least MIN_TOTAL packets
# (callers ask for ~80 % of what was sent: on a loaded 2-core machine the sender's
# AF_PACKET socket can lose some; the check is about where the flows go).
spread() {
	local tot=$((D0 + D1))
	[ "$tot" -ge "$1" ] && [ $((D0 * 10)) -ge "$tot" ] && [ $((D1 * 10)) -ge "$tot" ]
}
# only_on N MIN: member N carried at least MIN, the other at most 3 (a stray LACPDU).
only_on() {
	local on off
	if [ "$1" = 0 ]; then on=$D0 off=$D1; else on=$D1 off=$D0; fi
	[ "$on" -ge "$2" ] && [ "$off" -le 3 ]
}
pings_both_ways() {
	check "vm1 -> remote (VXLAN through the team)" ping_ok vm1 10.100.0.3
	check "remote -> vm2 (VXLAN through the team)" ping_ok remote 10.100.0.2
}
# At least one of 3 pings (0.2 s apart) answered within 2 s: the way is open now, not after a
# long wait.
ping_now() { nsx "$1" ping -c 3 -i 0.2 -W 1 -w 2 "$2" | grep -q ' [1-3] received'; }
no_malformed() {
	[ "$(member_field up0 malformed)" = 0 ] && [ "$(member_field up1 malformed)" = 0 ]
}
team_partner() {
	vxctl show team --json | $PY -c 'import json, sys
print(next(t.get("partner", "") for t in json.load(sys.stdin)["vxsw:state"]["team"] if t["name"] == "underlay"))'
}
# The system MAC of a "prio,MAC key K port P,N STATE" string.
party_mac() { echo "$1" | sed -E 's/^[0-9]+,([0-9a-fA-F:]{17}).*/\1/' | tr 'A-F' 'a-f'; }

# ---------------------------------------------------------------- a. LACP vs Open vSwitch
ovs_member_enabled() { ovs_app bond/show bond0 | grep -q "^member $1: enabled"; }
ovs_sys_id() { ovs_app lacp/show bond0 | awk '$1 == "sys_id:" { print $2; exit }'; }
ovs_partner_sys() { # partner sys_id of member IF
	ovs_app lacp/show bond0 | awk -v m="$1" '$1 == "member:" { cur = $2 } cur == m":" && $1 == "partner" && $2 == "sys_id:" { print $3; exit }'
}

t_lacp_ovs() {
	local ms out
	team_topo ovs || return 1
	team_conf "$NS_TMP/vxswd.json" lacp
	team_up_vxswd || return 1
	check "vxswd: up0 and up1 distributing (within 30 s)" \
		wait_for "lacp_distributing up0 && lacp_distributing up1" 30
	check "OVS: p0 and p1 collecting and distributing (ovs-appctl lacp/show)" \
		wait_for "ovs_member_distributing p0 && ovs_member_distributing p1" 10
	check "OVS: bond0 lacp_status negotiated" eval "ovs_app bond/show bond0 | grep -q 'lacp_status: negotiated'"
	out=$(team_partner); echo "    vxswd's partner: $out; OVS sys_id $(ovs_sys_id)"
	check "vxswd's partner is OVS's system" eval "[[ '$out' == *'$(ovs_sys_id)'* ]]"
	out=$(party_mac "$(member_field up0 actor)")
	check "OVS's partner on p0 and p1 is vxswd's system ($out)" \
		bash -c "[ '$(ovs_partner_sys p0)' = '$out' ] && [ '$(ovs_partner_sys p1)' = '$out' ]"
	check "vxswd: team active up0,up1" test "$(team_active)" = "up0,up1"
	pings_both_ways
	flows vm1 10.100.0.3 64 20
	check "64 flows spread over both members (each >= 10 %)" spread 1000

	echo "  -- cut member 0 (both ends of the wire down)"
	wire_cut 0 both
	ms=$(wait_ms "! lacp_distributing up0" 2); echo "    vxswd took up0 out after $ms ms"
	check "vxswd: up0 not distributing within 2 s" test "$ms" -lt 2000
	check "vxswd: up0 link is down" test "$(member_field up0 link)" = down
	check "vxswd: team active up1" test "$(team_active)" = up1
	check "OVS: p0 disabled" wait_for "! ovs_member_enabled p0" 5
	flows vm1 10.100.0.3 64 20
	check "all flows on up1" only_on 1 1000
	pings_both_ways

	echo "  -- repair member 0"
	wire_restore 0
	ms=$(wait_ms "lacp_distributing up0 && ovs_member_distributing p0" 20)
	check "up0 distributing again on both sides within 20 s ($ms ms)" lacp_distributing up0
	flows vm1 10.100.0.3 64 20
	check "flows spread over both members again" spread 1000

	echo "  -- block LACPDUs on member 1 (both directions, nftables in mid)"
	mid_block_lacp 1 || return 1
	ms=$(wait_ms "! lacp_distributing up1" 10)
	echo "    vxswd took up1 out after $ms ms; receive $(member_field up1 receive), why: $(member_field up1 why)"
	check "vxswd: up1 out within 3 s + 1.5 s margin, not before 1.5 s (fast rate timeout)" \
		test "$ms" -ge 1500 -a "$ms" -le 4500
	check "vxswd: up1 receive machine EXPIRED or DEFAULTED" \
		bash -c "case '$(member_field up1 receive)' in EXPIRED|DEFAULTED) exit 0 ;; *) exit 1 ;; esac"
	check "vxswd: link of up1 still up" test "$(member_field up1 link)" = up
	check "OVS: p1 out too (within 5 s)" wait_for "! ovs_member_enabled p1" 5
	flows vm1 10.100.0.3 64 20
	check "all flows on up0 while up1's LACPDUs are blocked" only_on 0 1000
	pings_both_ways

	echo "  -- unblock"
	mid_unblock 1 || return 1
	ms=$(wait_ms "lacp_distributing up1 && ovs_member_distributing p1" 20)
	check "up1 distributing again on both sides within 20 s ($ms ms)" lacp_distributing up1
	flows vm1 10.100.0.3 64 20
	check "flows spread over both members again" spread 1000
	check "no malformed LACPDUs counted" no_malformed
}

# ---------------------------------------------------------------- b. LACP vs DPDK bonding PMD
bond_dist() { # bondpeer's member IF is in the bond, collecting and distributing
	[ "$(bondpeer_state "$1" in-bond)" = yes ] &&
		[ $(( $(bondpeer_state "$1" actor-state) & 0x30 )) -eq $((0x30)) ]
}

t_lacp_dpdk_bond() {
	local ms mac key
	bondpeer_build || { bad "cannot build tests/team/bondpeer.c"; return 1; }
	team_topo dpdk || return 1
	team_conf "$NS_TMP/vxswd.json" lacp
	team_up_vxswd || return 1
	ms=$(wait_ms "lacp_distributing up0 && lacp_distributing up1 && bond_dist p0 && bond_dist p1" 45)
	echo "    aggregate formed after $ms ms"
	check "vxswd: up0 and up1 distributing" eval "lacp_distributing up0 && lacp_distributing up1"
	check "bondpeer: p0 and p1 collecting and distributing (actor state)" eval "bond_dist p0 && bond_dist p1"
	sed -n '/^member/p' "$BONDPEER_STATE" | sed 's/^/    bondpeer: /'
	mac=$(party_mac "$(member_field up0 actor)")
	check "bondpeer's partner is vxswd's system ($mac)" \
		test "$(bondpeer_state p0 partner-system | tr 'A-F' 'a-f')" = "$mac" -a \
		"$(bondpeer_state p1 partner-system | tr 'A-F' 'a-f')" = "$mac"
	check "vxswd sends at the slow rate the bond asks for (long timeout): SLOW_PERIODIC" \
		eval '[ "$(member_field up0 periodic)" = SLOW_PERIODIC ]'
	key=$(bondpeer_state p0 actor-key)
	check "vxswd's partner key is the bond's key ($key)" eval "[[ '$(team_partner)' == *'key $key' ]]"
	pings_both_ways
	flows vm1 10.100.0.3 64 20
	check "64 flows spread over both members (each >= 10 %)" spread 1000

	echo "  -- cut member 0 (both ends of the wire down)"
	wire_cut 0 both
	ms=$(wait_ms "! lacp_distributing up0" 2); echo "    vxswd took up0 out after $ms ms"
	check "vxswd: up0 out within 2 s, link down" test "$ms" -lt 2000 -a "$(member_field up0 link)" = down
	check "bondpeer: p0 out of the bond" wait_for "[ \"\$(bondpeer_state p0 in-bond)\" = no ]" 5
	flows vm1 10.100.0.3 64 20
	check "all flows on up1" only_on 1 1000
	pings_both_ways

	echo "  -- repair member 0"
	wire_restore 0
	ms=$(wait_ms "lacp_distributing up0 && bond_dist p0" 45)
	check "aggregate re-formed on both sides within 45 s ($ms ms)" \
		eval "lacp_distributing up0 && bond_dist p0"
	flows vm1 10.100.0.3 64 20
	check "flows spread over both members again" spread 1000
	pings_both_ways
	check "no malformed LACPDUs counted" no_malformed
}

# ---------------------------------------------------------------- c. switch-independent modes
fdb_port() { # the bridge port br0 forwards the VTEP (host tap) MAC to
	nsx sw bridge fdb show br br0 | awk -v m="$HOST_MAC" 'tolower($1) == tolower(m) && $2 == "dev" { print $3; exit }'
}

t_active_backup_bridge() {
	local ms
	team_topo bridge || return 1
	team_conf "$NS_TMP/vxswd.json" active-backup ', "failback": true'
	team_up_vxswd || return 1
	check "team active: up0 (the first member)" test "$(team_active)" = up0
	pings_both_ways
	flows vm1 10.100.0.3 64 10
	check "all traffic on up0" only_on 0 500
	check "bridge FDB: VTEP MAC $HOST_MAC on p0" test "$(fdb_port)" = p0

	echo "  -- cut member 0 at vxswd's end (the bridge keeps p0 up)"
	wire_cut 0 hv
	ms=$(wait_ms '[ "$(team_active)" = up1 ]' 2); echo "    active member up1 after $ms ms"
	check "team active: up1 within 2 s" test "$(team_active)" = up1
	ms=$(wait_ms '[ "$(fdb_port)" = p1 ]' 1); echo "    bridge FDB on p1 after $ms ms (no traffic sent meanwhile)"
	check "bridge FDB: VTEP MAC on p1 right after the cut (gratuitous ARP)" test "$(fdb_port)" = p1
	check "remote -> vm1 answers at once" ping_now remote 10.100.0.1
	flows vm1 10.100.0.3 64 10
	check "all traffic on up1" only_on 1 500
	pings_both_ways

	echo "  -- repair member 0 (failback)"
	wire_restore 0
	ms=$(wait_ms '[ "$(team_active)" = up0 ]' 3); echo "    back on up0 after $ms ms"
	check "team active: up0 again (failback)" test "$(team_active)" = up0
	check "bridge FDB: VTEP MAC back on p0" wait_for '[ "$(fdb_port)" = p0 ]' 1
	check "remote -> vm2 answers at once" ping_now remote 10.100.0.2
	flows vm1 10.100.0.3 64 10
	check "all traffic on up0 again" only_on 0 500
	pings_both_ways
}

# pinned_test MODE: vm1 and vm2 on different members, re-pinned on failure, back on repair.
pinned_test() {
	local mode=$1 m1 m2 o1 i
	team_topo bridge || return 1
	team_conf "$NS_TMP/vxswd.json" "$mode"
	team_up_vxswd || return 1
	pings_both_ways
	check "vm2 -> remote" ping_ok vm2 10.100.0.3
	if [ "$mode" = balance-src-mac ]; then
		# The member is a hash of the source MAC: find a MAC for vm2 that lands on the other
		# member than vm1's (a fixed MAC stays on its member).
		flows vm1 10.100.0.3 16 10
		m1=$([ "$D0" -gt "$D1" ] && echo 0 || echo 1)
		for i in 02 04 05 06 07 08 09 0a 0b 0c; do
			nsx vm2 ip link set eth0 address "02:00:00:00:01:$i"
			flows vm2 10.100.0.3 16 10
			m2=$([ "$D0" -gt "$D1" ] && echo 0 || echo 1)
			[ "$m2" != "$m1" ] && break
		done
		echo "    vm2 uses MAC 02:00:00:00:01:$i"
		nsx remote ip neigh flush dev eth0
		check "vm2 (new MAC) -> remote" ping_ok vm2 10.100.0.3
	fi
	flows vm1 10.100.0.3 16 10
	m1=$([ "$D0" -gt "$D1" ] && echo 0 || echo 1)
	check "vm1's 16 flows all on one member (up$m1)" only_on "$m1" 150
	flows vm2 10.100.0.3 16 10
	m2=$([ "$D0" -gt "$D1" ] && echo 0 || echo 1)
	check "vm2's 16 flows all on one member (up$m2)" only_on "$m2" 150
	check "vm1 and vm2 pinned to different members" test "$m1" != "$m2"
	o1=$((1 - m1))

	echo "  -- the last frame toward the peer leaves by vm1's member; cut it at vxswd's end"
	flows vm1 10.100.0.3 1 3
	wire_cut "$m1" hv
	check "team active: up$o1 within 2 s" wait_for "[ \"\$(team_active)\" = up$o1 ]" 2
	check "bridge FDB: VTEP MAC on p$o1 within 1 s (peer told after the failover)" \
		wait_for "[ \"\$(fdb_port)\" = p$o1 ]" 1
	check "remote -> vm1 answers at once after the failover" ping_now remote 10.100.0.1
	flows vm1 10.100.0.3 16 10
	check "vm1 re-pinned to up$o1" only_on "$o1" 150
	flows vm2 10.100.0.3 16 10
	check "vm2 on up$o1" only_on "$o1" 150
	pings_both_ways

	echo "  -- repair"
	wire_restore "$m1"
	check "team active: up0,up1" wait_for '[ "$(team_active)" = up0,up1 ]' 3
	flows vm1 10.100.0.3 16 10
	check "vm1 back on up$m1" only_on "$m1" 150
	flows vm2 10.100.0.3 16 10
	check "vm2 still on up$m2" only_on "$m2" 150
	check "vm1 -> remote" ping_ok vm1 10.100.0.3
	check "remote -> vm2" ping_ok remote 10.100.0.2
}
t_balance_vm_port_bridge() { pinned_test balance-vm-port; }
t_balance_src_mac_bridge() { pinned_test balance-src-mac; }

# ---------------------------------------------------------------- d. config errors
# refused DESC CONFIG REGEX: vxswd exits non-zero, before any device, printing REGEX.
refused() {
	local d=$1 f=$2 re=$3 out rc
	out=$(timeout 30 ip netns exec "$(ns_name hv)" "$VXSWD" --config "$f" \
		--ctl-socket "$NS_TMP/bad.sock" -- --no-huge -m 256 --no-shconf \
		--file-prefix "$(dpdk_prefix bad)" 2>&1)
	rc=$?
	echo "    exit $rc: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && echo "$out" | grep -Eq -- "$re"; then ok "$d"; else bad "$d"; fi
}

t_config_errors() {
	local f="$NS_TMP/c.json"
	ns_add hv || return 1
	team_conf "$f" lacp
	sed -i 's/"member": \["up0", "up1"\]/"member": ["up0", "vm1"]/' "$f"
	refused "member that is not an uplink: refused, path named" "$f" \
		"/vxsw:vxsw/team\[name='underlay'\]/member.*vm1.*(not an uplink|uplink)"
	team_conf "$f" active-backup '},
      { "name": "other", "mode": "active-backup", "member": ["up1"]'
	refused "port in two teams: refused, path named" "$f" \
		"/vxsw:vxsw/team\[name='(other|underlay)'\]/member.*up1"
	team_conf "$f" lacp
	sed -i 's/"team": "underlay"/"team": "nosuch"/' "$f"
	refused "vtep team that does not exist: refused, path named" "$f" "/vxsw:vxsw/vtep/team.*nosuch"
}

fn="t_${TEST//-/_}"
declare -F "$fn" >/dev/null || { echo "unknown test '$TEST' (${ALL_TESTS[*]})"; exit 2; }
echo "[$TEST] namespaces $NS_RUN-*"
"$fn" || bad "$TEST: set-up step failed"
if [ -n "$VXSWD_PID" ]; then check "vxswd stops cleanly" stop_vxswd 10; fi
finish
