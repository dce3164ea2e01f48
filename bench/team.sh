#!/usr/bin/env bash
# Uplink-teaming benchmark of vxswd (a benchmark, not a test: no thresholds, nothing fails on a
# slow figure). Topology, peers and helpers: tests/team/lib.sh (vxswd with team up0+up1 in
# namespace hv, a wire namespace mid with nftables, the peer in sw, a kernel VTEP ToR).
#
#   bench/team.sh [--trials N] [--no-doc] [PART...]     PART: outage-lacp outage-ab droptime
#                                                       distribution rate (default: all)
#
#   outage-lacp   LACP vs Open vSwitch (balance-tcp, fast): 1 kHz UDP flows VM -> remote and
#                 remote -> VM; the member carrying the VM's flow is cut (both ends of the wire
#                 down); outage = longest gap in the received sequence numbers (ms between the
#                 last datagram through and the next). Also the gap when the member comes back.
#   outage-ab     active-backup vs a Linux bridge, the same flows; cut of the active member at
#                 both ends, and at vxswd's end only (the bridge keeps the port up: the way back
#                 depends on vxswd's gratuitous ARP); the gap at failback.
#   droptime      LACPDUs of one member blocked both ways (nftables) at the fast rate: time from
#                 the block, and from the last LACPDU vxswd counted, until vxswd takes the member
#                 out; and until OVS does (802.1AX short timeout: 3 s).
#   distribution  1000 UDP flows (5 datagrams each) from one VM: per-member tx packets (l3-l4).
#   rate          forwarding rate VM -> uplinks with dpdk-testpmd (txonly, multi-flow) as the VM,
#                 a team of 2 members (static-ip-hash) vs 1 member; mid drops what vxswd sends.
#
# Prints a table; unless --no-doc, rewrites the region between <!-- team-bench:begin --> and
# <!-- team-bench:end --> of docs/PERFORMANCE.md (appends the markers if absent). Root only.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
FLOW="$HERE/team/flow.py"
ALL_PARTS=(outage-lacp outage-ab droptime distribution rate)
TRIALS=3
DOC=1

# ---------------------------------------------------------------- runner
if [ "${1:-}" != --one ]; then
	parts=()
	while [ $# -gt 0 ]; do
		case $1 in
		--trials) TRIALS=$2; shift ;;
		--no-doc) DOC=0 ;;
		*) parts+=("$1") ;;
		esac
		shift
	done
	[ ${#parts[@]} -eq 0 ] && parts=("${ALL_PARTS[@]}")
	[ "$(id -u)" -eq 0 ] || { echo "bench/team.sh: needs root (network namespaces)" >&2; exit 1; }
	"$ROOT/scripts/build.sh" || { echo "bench/team.sh: build failed" >&2; exit 1; }
	res=$(mktemp /tmp/vxtb-results.XXXXXX)
	# Others may rebuild build/ meanwhile: run a copy of the binaries just built.
	bindir=$(mktemp -d /tmp/vxtb-bin.XXXXXX)
	cp "$ROOT/build/vxswd/vxswd" "$ROOT/build/vxswctl/vxswctl" "$bindir/" || exit 1
	export VXSWD="$bindir/vxswd" VXSWCTL="$bindir/vxswctl"
	t_all=$SECONDS
	for p in "${parts[@]}"; do
		echo "== $p"
		TRIALS=$TRIALS timeout -k 10 600 bash "$0" --one "$p" 2>&1 | tee -a "$res" | grep -v '^RESULT' | sed 's/^/   /'
		[ "${PIPESTATUS[0]}" -eq 0 ] || echo "RESULT failed $p" >>"$res"
	done
	elapsed=$((SECONDS - t_all))
	table=$($PY "$HERE/team/report.py" "$res" "$elapsed" "bench/team.sh $*" "${parts[*]}" "$TRIALS") || {
		echo "bench/team.sh: no report" >&2; rm -rf "$res" "$bindir"; exit 1; }
	echo
	echo "$table"
	if [ "$DOC" = 1 ]; then
		$PY "$HERE/team/report.py" --doc "$ROOT/docs/PERFORMANCE.md" <<<"$table" &&
			echo "(docs/PERFORMANCE.md: team-bench region rewritten)"
	fi
	rm -rf "$res" "$bindir"
	exit 0
fi

# ---------------------------------------------------------------- one part (this process)
PART=$2
TRIALS=${TRIALS:-3}
# shellcheck source=../tests/lib/netns.sh
. "$ROOT/tests/lib/netns.sh"
netns_init vxtb
# shellcheck source=../tests/team/lib.sh
. "$ROOT/tests/team/lib.sh"

now() { $PY "$FLOW" now; }
result() { echo "RESULT $*"; }

# Which member carried the last ~0.5 s of a 1 kHz flow: tx (or rx) counters; "-" if none.
busy_member() { # busy_member tx-packets|rx-packets
	local f=$1 a0 a1 b0 b1
	a0=$(member_field up0 "$f"); a1=$(member_field up1 "$f")
	sleep 0.5
	b0=$(member_field up0 "$f"); b1=$(member_field up1 "$f")
	if [ $((b0 - a0)) -ge 300 ] && [ $((b0 - a0)) -gt $((b1 - a1)) ]; then echo 0
	elif [ $((b1 - a1)) -ge 300 ]; then echo 1
	else echo -; fi
}

# outage_trial LABEL WHERE WHICH WAIT_BACK_CMD: one cut (WHERE: both|hv) and repair of the
# member carrying the VM->remote flow (WHICH=fwd) or the remote->VM flow (rev), under the two
# 1 kHz flows; prints a RESULT line.
outage_trial() {
	local label=$1 where=$2 which=$3 back=$4 fwd=$NS_TMP/fwd.$RANDOM rev=$NS_TMP/rev.$RANDOM
	local r1 r2 s1 s2 mf mr mc t_cut t_res g1 g2
	ns_bg remote "$NS_TMP/recv1.log" "$PY" "$FLOW" recv 9999 "$fwd"; r1=$NS_BG_PID
	ns_bg vm1 "$NS_TMP/recv2.log" "$PY" "$FLOW" recv 9998 "$rev"; r2=$NS_BG_PID
	sleep 0.3
	ns_bg vm1 "$NS_TMP/send1.log" "$PY" "$FLOW" send 10.100.0.3 9999 1000 11 31000; s1=$NS_BG_PID
	ns_bg remote "$NS_TMP/send2.log" "$PY" "$FLOW" send 10.100.0.1 9998 1000 11 31001; s2=$NS_BG_PID
	sleep 1.5
	mf=$(busy_member tx-packets)
	mr=$(busy_member rx-packets)
	if [ "$which" = rev ]; then mc=$mr; else mc=$mf; fi
	[ "$mc" = - ] && mc=0
	t_cut=$(now)
	wire_cut "$mc" "$where"
	sleep 3
	t_res=$(now)
	wire_restore "$mc"
	wait_for "$back" 10
	wait "$s1" "$s2" 2>/dev/null
	kill -TERM "$r1" "$r2" 2>/dev/null
	wait "$r1" "$r2" 2>/dev/null
	g1=$($PY "$FLOW" gaps "$fwd" "$t_cut" "$t_res")
	g2=$($PY "$FLOW" gaps "$rev" "$t_cut" "$t_res")
	# LABEL cut fwd-member rev-member, VM->remote: cut_ms lost repair_ms lost received,
	# remote->VM: the same
	result outage "$label" "up$mc" "up$mf" "up$mr" $g1 $g2
	read -r a1 _ a3 _ <<<"$g1"; read -r b1 _ b3 _ <<<"$g2"
	echo "$label: cut up$mc ($where); VM->remote on up$mf: outage $a1 ms, at repair $a3 ms;" \
		"remote->VM on up$mr: outage $b1 ms, at repair $b3 ms"
	sleep 1
}

p_outage_lacp() {
	local i
	team_topo ovs || return 1
	team_conf "$NS_TMP/vxswd.json" lacp
	team_up_vxswd || return 1
	wait_for "lacp_distributing up0 && lacp_distributing up1 && ovs_member_distributing p0 && ovs_member_distributing p1" 30 || return 1
	ping_ok vm1 10.100.0.3 && ping_ok remote 10.100.0.1 || return 1
	local back="lacp_distributing up0 && lacp_distributing up1 && ovs_member_distributing p0 && ovs_member_distributing p1"
	for ((i = 0; i < TRIALS; i++)); do
		outage_trial lacp-ovs both fwd "$back"
		outage_trial lacp-ovs both rev "$back"
	done
}

p_outage_ab() {
	local i
	team_topo bridge || return 1
	team_conf "$NS_TMP/vxswd.json" active-backup ', "failback": true'
	team_up_vxswd || return 1
	ping_ok vm1 10.100.0.3 && ping_ok remote 10.100.0.1 || return 1
	for ((i = 0; i < TRIALS; i++)); do
		outage_trial ab-bridge-both both fwd '[ "$(team_active)" = up0 ]'
	done
	for ((i = 0; i < TRIALS; i++)); do
		outage_trial ab-bridge-hv hv fwd '[ "$(team_active)" = up0 ]'
	done
}

p_droptime() {
	local i r
	team_topo ovs || return 1
	team_conf "$NS_TMP/vxswd.json" lacp
	team_up_vxswd || return 1
	for ((i = 0; i < TRIALS; i++)); do
		wait_for "lacp_distributing up1 && ovs_member_enabled p1" 30 || return 1
		# Start at a random phase of the 1 s LACPDU period.
		sleep "0.$((RANDOM % 10))"
		r=$($PY "$FLOW" droptime "$VXSWCTL" "$VXSW_SOCKET" up1 10 "$OVS_DIR/ovs-vswitchd.ctl" p1 -- \
			ip netns exec "$(ns_name mid)" sh -c \
			'nft insert rule netdev wire m1a ether type 0x8809 drop && nft insert rule netdev wire m1b ether type 0x8809 drop')
		result droptime $r
		read -r a b c <<<"$r"
		echo "LACPDUs blocked: vxswd took up1 out $a ms after the block, $b ms after the last LACPDU it counted; OVS after $c ms"
		mid_unblock 1
		sleep 1
	done
}
ovs_member_enabled() { ovs_app bond/show bond0 | grep -q "^member $1: enabled"; }

p_distribution() {
	local a b
	team_topo ovs || return 1
	team_conf "$NS_TMP/vxswd.json" lacp
	team_up_vxswd || return 1
	wait_for "lacp_distributing up0 && lacp_distributing up1" 30 || return 1
	ping_ok vm1 10.100.0.3 || return 1
	a=$(members_tx)
	udp_flows vm1 10.100.0.3 1000 5 20000
	sleep 0.3
	b=$(members_tx)
	read -r d0 d1 < <(echo "$a $b" | awk '{ print $3 - $1, $4 - $2 }')
	result distribution 1000 5 "$d0" "$d1"
	echo "1000 flows x 5 datagrams: up0 +$d0, up1 +$d1"
}

# rate_run LABEL N_MEMBERS: testpmd txonly in vm1 for 7 s, vxswd's counters over 4 s of it.
rate_run() {
	local label=$1 n=$2 pid a b t0 t1
	if [ "$n" = 2 ]; then
		team_conf "$NS_TMP/vxswd.json" static-ip-hash
	else
		team_conf "$NS_TMP/vxswd.json" static-ip-hash
		sed -i 's/"member": \["up0", "up1"\]/"member": ["up0"]/' "$NS_TMP/vxswd.json"
	fi
	team_up_vxswd || return 1
	ping_ok vm1 10.100.0.3 || return 1
	mid_sink 0; mid_sink 1
	# The VM: testpmd's forwarding lcore on CPU 0 (vxswd's worker has CPU 1), its main lcore
	# (asleep in the stats loop) on CPU 1.
	ns_bg vm1 "$NS_TMP/testpmd.$label.log" dpdk-testpmd --lcores '0@1,1@0' --no-huge -m 512 \
		--no-shconf --no-pci --file-prefix "$(dpdk_prefix "tpmd$label")" --log-level=lib.eal:error \
		--vdev net_af_packet0,iface=eth0 -- --forward-mode=txonly --eth-peer="0,$REM_MAC" \
		--tx-ip=10.100.0.1,10.100.0.3 --txonly-multi-flow --nb-cores=1 --stats-period 1 \
		--txpkts=64 --total-num-mbufs=16384
	pid=$NS_BG_PID
	sleep 3
	a=$(vxctl show ports --json); t0=$(now)
	sleep 4
	b=$(vxctl show ports --json); t1=$(now)
	load=$(cut -d' ' -f1 /proc/loadavg)
	kill -INT "$pid"; wait "$pid" 2>/dev/null
	stop_vxswd || true
	mid_unblock 0; mid_unblock 1
	$PY - "$a" "$b" "$t0" "$t1" "$label" "$load" <<'EOF'
import json, sys
a, b = (dict((p["name"], p) for p in json.loads(x)["vxsw:state"]["port"]) for x in sys.argv[1:3])
dt = float(sys.argv[4]) - float(sys.argv[3])
d = lambda port, f: (int(b[port].get(f, 0)) - int(a[port].get(f, 0))) / dt
rx = d("vm1", "rx-packets")
tx0, tx1 = d("up0", "tx-packets"), d("up1", "tx-packets")
print("RESULT rate %s %.0f %.0f %.0f %s" % (sys.argv[5], rx, tx0, tx1, sys.argv[6]))
print("%s: vm1 rx %.0f pps, up0 tx %.0f pps, up1 tx %.0f pps (load average %s)"
      % (sys.argv[5], rx, tx0, tx1, sys.argv[6]))
EOF
}

p_rate() {
	local i
	team_topo bridge || return 1
	for ((i = 0; i < TRIALS; i++)); do
		rate_run single 1 || return 1
		rate_run team 2 || return 1
	done
}

fn="p_${PART//-/_}"
declare -F "$fn" >/dev/null || { echo "unknown part '$PART' (${ALL_PARTS[*]})"; exit 2; }
"$fn" || { echo "part $PART: set-up failed"; [ -n "${VXSWD_LOG:-}" ] && tail -n 20 "$VXSWD_LOG"; exit 1; }
[ -n "$VXSWD_PID" ] && stop_vxswd >/dev/null
exit 0
