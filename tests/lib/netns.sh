# shellcheck shell=bash
# Network namespace helpers for vxsw's demo, interop and replay scripts (bash, root).
#
# Source it, then call netns_init once:
#
#   . "$ROOT/tests/lib/netns.sh"
#   netns_init vxit                 # PREFIX: letters/digits, one per kind of script
#   ns_add hv; ns_add vm1           # namespaces "<PREFIX><PID>-hv", "<PREFIX><PID>-vm1"
#   veth_pair vm1p hv eth0 vm1 b    # veth vm1p in hv <-> eth0 in vm1; IPv6 kept on in vm1
#   nsx vm1 ip addr add 10.100.0.1/24 dev eth0
#   start_vxswd hv "$NS_TMP/vxswd.json" "$NS_TMP/vxswd.log"
#   vxctl show fdb --json
#   stop_vxswd || echo "unclean stop"
#
# API (every NS argument is the short name given to ns_add):
#   netns_init PREFIX         NS_RUN=PREFIX$$, NS_TMP=fresh temp dir; removes namespaces left by
#                             earlier runs of PREFIX whose script is gone (and kills what runs in
#                             them); installs the EXIT/INT/TERM trap that runs netns_cleanup.
#   ns_add NAME               create namespace "$NS_RUN-NAME" with lo up; removed at exit.
#   ns_name NAME              print the full namespace name.
#   nsx NAME CMD...           run CMD inside the namespace (in the foreground: `nsx ... &`
#                             would give the PID of a subshell; use ns_bg).
#   ns_bg NAME LOGFILE CMD... run CMD in the namespace in the background, output to LOGFILE;
#                             sets NS_BG_PID (the command's own PID) and kills it at exit.
#   veth_pair A NS_A B NS_B [V6]
#                             veth A (in NS_A) <-> B (in NS_B), both up. V6 says which ends keep
#                             IPv6: none (default), a, b or both; the others get disable_ipv6=1
#                             before going up, so they emit no RS/DAD/MLD noise; the kept ends get
#                             disable_ipv6=0 even where the namespace's default is 1.
#   cleanup_add_pid PID       kill PID at exit (TERM, then KILL after 3 s).
#   cleanup_add_cmd STRING    eval STRING at exit (runs before namespaces are removed).
#   wait_for CMD TIMEOUT      eval CMD (in a subshell, output discarded) every 0.1 s until it
#                             succeeds (0) or about TIMEOUT seconds (fractions allowed) pass (1).
#                             CMD must bound its own run time (ping -W 1, timeout 2 ...).
#   dpdk_prefix NAME          print a DPDK --file-prefix unique to this run; every
#                             /var/run/dpdk/$NS_RUN_* directory is removed at exit.
#   start_vxswd NS CONFIG LOGFILE [VXSWD-ARGS...]
#                             run build/vxswd in NS in the background with a unique --file-prefix
#                             and its control socket at $NS_TMP/vxswd.sock; waits (20 s) until
#                             `vxswctl show ports` answers. Sets VXSWD_PID and VXSW_SOCKET. On
#                             failure prints the log and returns 1. One vxswd at a time.
#   vxctl ARGS...             build/vxswctl --socket $VXSW_SOCKET ARGS...
#   stop_vxswd [TIMEOUT]      SIGTERM, wait (default 10 s); returns 0 only if vxswd exited with
#                             status 0. On timeout: SIGKILL, print the log tail, return 1.
#   netns_cleanup             what the trap runs; safe to call twice.
# Works under `set -e` and `set -u`.
#
# Variables: VXSW_ROOT (repo root, from this file's place), VXSWD and VXSWCTL (binaries, default
# $VXSW_ROOT/build/...), VXSWD_PID, VXSW_SOCKET, VXSWD_LOG, NS_RUN, NS_TMP, and
# VXSWD_EAL_MEM: EAL memory arguments for start_vxswd, default "--no-huge -m 1024 --no-shconf":
# the same memory whatever hugepages other programs hold or leave free (vxswd's own choice,
# --in-memory plus --no-huge when none are free, is refused by DPDK 22.11's EAL).

VXSW_ROOT=${VXSW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VXSWD=${VXSWD:-$VXSW_ROOT/build/vxswd/vxswd}
VXSWCTL=${VXSWCTL:-$VXSW_ROOT/build/vxswctl/vxswctl}
VXSWD_EAL_MEM=${VXSWD_EAL_MEM:---no-huge -m 1024 --no-shconf}

_NS_LIST=()
_NS_PIDS=()
_NS_CMDS=()
_NS_VXSWD_SEQ=0
VXSWD_PID=
VXSW_SOCKET=
VXSWD_LOG=

netns_init() {
	local prefix=$1 ns pid p
	[[ $prefix =~ ^[a-z][a-z0-9]*$ ]] || { echo "netns_init: bad prefix '$prefix'" >&2; return 1; }
	NS_RUN="$prefix$$"
	# Leftovers of earlier runs of this prefix whose script is gone: end what runs inside
	# (processes an earlier run of ours started there), then remove the namespace.
	while read -r ns _; do
		[[ $ns =~ ^$prefix([0-9]+)- ]] || continue
		pid=${BASH_REMATCH[1]}
		[ "$pid" != "$$" ] && kill -0 "$pid" 2>/dev/null && continue
		echo "netns: removing leftover namespace $ns" >&2
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done < <(ip netns list 2>/dev/null)
	NS_TMP=$(mktemp -d "/tmp/$NS_RUN.XXXXXX")
	trap netns_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

ns_name() { echo "$NS_RUN-$1"; }

nsx() {
	local ns=$1; shift
	ip netns exec "$NS_RUN-$ns" "$@"
}

ns_add() {
	local ns="$NS_RUN-$1"
	ip netns add "$ns" || return 1
	_NS_LIST+=("$ns")
	ip -n "$ns" link set lo up
}

veth_pair() {
	local a=$1 nsa=$2 b=$3 nsb=$4 v6=${5:-none} d
	ip link add "$a" netns "$NS_RUN-$nsa" type veth peer name "$b" netns "$NS_RUN-$nsb" || return 1
	# Set both ways: a namespace's net.ipv6.conf.default may say either.
	case $v6 in a|both) d=0 ;; *) d=1 ;; esac
	nsx "$nsa" sysctl -qw "net.ipv6.conf.$a.disable_ipv6=$d" || return 1
	case $v6 in b|both) d=0 ;; *) d=1 ;; esac
	nsx "$nsb" sysctl -qw "net.ipv6.conf.$b.disable_ipv6=$d" || return 1
	ip -n "$NS_RUN-$nsa" link set "$a" up && ip -n "$NS_RUN-$nsb" link set "$b" up
}

cleanup_add_pid() { _NS_PIDS+=("$1"); }
cleanup_add_cmd() { _NS_CMDS+=("$1"); }

wait_for() {
	local cmd=$1 end
	end=$(( $(date +%s%N) / 1000000 + $(awk -v t="$2" 'BEGIN { printf "%d", t * 1000 }') ))
	while :; do
		(eval "$cmd") >/dev/null 2>&1 && return 0
		[ $(( $(date +%s%N) / 1000000 )) -ge "$end" ] && return 1
		sleep 0.1
	done
}

# Kill one process we started: TERM, up to 3 s, then KILL; reap it if it is our child.
_ns_kill() {
	local pid=$1 i
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
		for i in $(seq 30); do
			_ns_alive "$pid" || break
			sleep 0.1
		done
		if _ns_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
	fi
	wait "$pid" 2>/dev/null || true
	return 0
}

# Alive and not a zombie.
_ns_alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

netns_cleanup() {
	local i pid ns p
	trap - EXIT INT TERM
	for ((i = ${#_NS_CMDS[@]} - 1; i >= 0; i--)); do eval "${_NS_CMDS[i]}" >/dev/null 2>&1 || true; done
	_NS_CMDS=()
	for pid in "${_NS_PIDS[@]}"; do _ns_kill "$pid"; done
	_NS_PIDS=()
	for ns in "${_NS_LIST[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	_NS_LIST=()
	for p in /var/run/dpdk/"${NS_RUN}"_*; do if [ -d "$p" ]; then rm -rf "$p"; fi; done
	if [ -n "${NS_TMP:-}" ] && [ -d "$NS_TMP" ] && [ -z "${NS_KEEP_TMP:-}" ]; then rm -rf "$NS_TMP"; fi
	return 0
}

# A DPDK --file-prefix unique to this run; /var/run/dpdk/${NS_RUN}_* is removed at exit.
dpdk_prefix() { echo "${NS_RUN}_$1"; }

ns_bg() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$NS_RUN-$ns" "$@" >"$log" 2>&1 &
	NS_BG_PID=$!
	cleanup_add_pid "$NS_BG_PID"
}

vxctl() { "$VXSWCTL" --socket "$VXSW_SOCKET" "$@"; }

start_vxswd() {
	local ns=$1 config=$2 log=$3 prefix
	shift 3
	if [ -n "$VXSWD_PID" ] && _ns_alive "$VXSWD_PID"; then
		echo "start_vxswd: vxswd $VXSWD_PID is still running" >&2
		return 1
	fi
	_NS_VXSWD_SEQ=$((_NS_VXSWD_SEQ + 1))
	prefix="${NS_RUN}_vxswd$_NS_VXSWD_SEQ"
	VXSW_SOCKET="$NS_TMP/vxswd.sock"
	VXSWD_LOG=$log
	# Memory: see VXSWD_EAL_MEM above.
	# shellcheck disable=SC2086 # VXSWD_EAL_MEM is a word list
	ip netns exec "$NS_RUN-$ns" "$VXSWD" --config "$config" --ctl-socket "$VXSW_SOCKET" "$@" \
		-- ${VXSWD_EAL_MEM} --file-prefix "$prefix" >"$log" 2>&1 &
	VXSWD_PID=$!
	cleanup_add_pid "$VXSWD_PID"
	if ! wait_for "_ns_alive $VXSWD_PID || exit 0; \"$VXSWCTL\" --socket \"$VXSW_SOCKET\" show ports" 20 ||
	   ! _ns_alive "$VXSWD_PID"; then
		echo "start_vxswd: vxswd did not come up; its log ($log):" >&2
		sed 's/^/  | /' "$log" >&2
		return 1
	fi
}

stop_vxswd() {
	local t=${1:-10} i rc
	[ -n "$VXSWD_PID" ] || { echo "stop_vxswd: no vxswd" >&2; return 1; }
	kill -TERM "$VXSWD_PID" 2>/dev/null || true
	for ((i = 0; i < t * 10; i++)); do
		_ns_alive "$VXSWD_PID" || break
		sleep 0.1
	done
	if _ns_alive "$VXSWD_PID"; then
		echo "stop_vxswd: vxswd $VXSWD_PID ignored SIGTERM for $t s; killing it" >&2
		kill -KILL "$VXSWD_PID" 2>/dev/null || true
		wait "$VXSWD_PID" 2>/dev/null || true
		tail -n 20 "$VXSWD_LOG" | sed 's/^/  | /' >&2
		VXSWD_PID=
		return 1
	fi
	rc=0
	wait "$VXSWD_PID" || rc=$?
	VXSWD_PID=
	if [ "$rc" -ne 0 ]; then
		echo "stop_vxswd: vxswd exited with status $rc; log tail:" >&2
		tail -n 20 "$VXSWD_LOG" | sed 's/^/  | /' >&2
		return 1
	fi
}
