# shellcheck shell=bash
# FRR daemons per namespace for the EVPN tests (source after tests/lib/netns.sh).
# A daemon runs as `$FRR/<daemon> -N <namespace>` with its config at
# $CONF/<ns>.<daemon>.conf and its pid file under /run/frr/<namespace>/; the
# caller writes the configs and owns $CONF.
#   frr_start NS DAEMON / frr_stop NS DAEMON   one daemon (stop: TERM, wait, KILL after 5 s)
#   frr_up NS / frr_down NS                    zebra and bgpd
#   vty NS ARGS...                             vtysh -N <namespace> ARGS

FRR=${FRR:-/usr/lib/frr}
declare -A FRR_PID
FRR_RUNS=0
frr_start() { # short-ns daemon
	local n=$1 d=$2 full
	full=$(ns_name "$1")
	ns_bg "$n" "$CONF/$n.$d.log.$((++FRR_RUNS))" $FRR/$d -N "$full" -f "$CONF/$n.$d.conf" \
		-i "/run/frr/$full/$d.pid" -P 0
	FRR_PID[$n.$d]=$NS_BG_PID
}
frr_stop() { # short-ns daemon: TERM and wait (ours, by PID)
	local pid=${FRR_PID[$1.$2]:-}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	FRR_PID[$1.$2]=
}
frr_up() { frr_start "$1" zebra; frr_start "$1" bgpd; }
frr_down() { frr_stop "$1" bgpd; frr_stop "$1" zebra; }
vty() { local n=$1; shift; vtysh -N "$(ns_name "$n")" "$@" 2>/dev/null; }
