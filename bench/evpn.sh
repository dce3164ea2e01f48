#!/usr/bin/env bash
# EVPN convergence benchmark of vxswd with FRR (a benchmark, not a test: no thresholds).
# The rig is the end-to-end test's (tests/evpn/e2e_lib.sh): vm1 -> vxswd (hv, with FRR's
# zebra + bgpd) ==eBGP/VXLAN== ToR (FRR + kernel VTEP) -> rhost.
#
#   bench/evpn.sh [--samples N] [--batch N] [--no-doc] [--wq "1 default kernel"]
#
#   local    vm1 sends the first frame of a new MAC: time until the agent's entry is in
#            the hv shadow (vxswd learn + agent) and until zebra on the ToR has installed
#            "MAC dst <hv VTEP>" in the ToR's kernel fdb. Median over N samples (20).
#   remote   rhost sends the first frame of a new MAC: time until the ToR's bridge learns
#            it, until hv's zebra installs "dst <ToR VTEP>" in the shadow, and until the MAC
#            is in vxswd's FDB (kind evpn; its control socket polled every 2 ms).
#   batch    N MACs (1000) in one burst each way: time until the last is installed; MACs/s.
#   --wq     the setups to run the whole set with, default "1 default kernel": "1" is vxswd
#            with `zebra work-queue 1` (FRR on both sides), "default" vxswd with FRR's 10 ms
#            batching, "kernel" a Linux kernel VTEP in hv instead of vxswd (work-queue 1):
#            the baseline, where "hv shadow" is the kernel bridge itself.
#
# bench/evpn/conv.py does the timing (one process, sockets opened inside the namespaces,
# one monotonic clock). Prints the table; unless --no-doc, rewrites the region between
# <!-- evpn-bench:begin --> and <!-- evpn-bench:end --> of docs/PERFORMANCE.md (appends the
# markers if absent). Root only; about 1-2 minutes per work-queue setting.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
SAMPLES=20 BATCH=1000 DOC=1 WQS="1 default kernel"
while [ $# -gt 0 ]; do
	case $1 in
	--samples) SAMPLES=$2; shift ;;
	--batch) BATCH=$2; shift ;;
	--no-doc) DOC=0 ;;
	--wq) WQS=$2; shift ;;
	--one) ONE=$2; shift ;;
	*) echo "usage: bench/evpn.sh [--samples N] [--batch N] [--no-doc] [--wq \"1 default kernel\"]" >&2; exit 2 ;;
	esac
	shift
done

# ---------------------------------------------------------------- one work-queue setting
if [ -n "${ONE:-}" ]; then
	. "$ROOT/tests/lib/netns.sh"
	netns_init evpnb
	. "$ROOT/tests/evpn/e2e_lib.sh"
	e2e_topo || exit 1
	e2e_frr_conf
	case $ONE in
	default) sed -i "/zebra work-queue/d" "$CONF"/*.zebra.conf ;;
	kernel) ;;
	*) sed -i "s/zebra work-queue 1/zebra work-queue $ONE/" "$CONF"/*.zebra.conf ;;
	esac
	sock=()
	if [ "$ONE" = kernel ]; then
		e2e_kernel_hv || exit 1
	else
		# room for a burst of 1000 frames in the af_packet rings (default 512 frames): the
		# batch must not lose first frames to a descheduled worker
		E2E_AFP_ARGS=,framecnt=4096 e2e_vxswd 600 || exit 1
		sock=(--sock "$VXSW_SOCKET")
	fi
	frr_up tor
	frr_up hv
	e2e_bgp_up 30 || { echo "BGP did not come up" >&2; exit 1; }
	# both sides know each other (type-3, vm1's and rhost's MACs) before timing anything
	wait_for "nsx vm1 ping -c 1 -W 1 $RH_IP" 20 || { echo "no ping vm1 -> rhost" >&2; exit 1; }
	wait_for "bridge -n $TOR fdb show dev vxlan100 | grep -q '$VM1_MAC dst $HV_IP'" 10
	sleep 1
	nice -n -5 $PY "$HERE/evpn/conv.py" --hv "$HV" --tor "$TOR" --vm1 "$(ns_name vm1)" \
		--rhost "$(ns_name rhost)" "${sock[@]}" --hv-ip $HV_IP --tor-ip $TOR_IP \
		--vm1-mac $VM1_MAC --rh-mac $RH_MAC --samples "$SAMPLES" --batch "$BATCH" \
		--json "$OUT_JSON" || exit 1
	if [ "$ONE" != kernel ]; then
		echo "vxswd FDB entries at the end: $(vxctl show fdb | tail -n 1)"
		echo "show evpn: $(vxctl show evpn | head -n 1)"
	fi
	exit 0
fi

# ---------------------------------------------------------------- runner
[ "$(id -u)" -eq 0 ] || { echo "bench/evpn.sh: needs root (network namespaces)" >&2; exit 1; }
"$ROOT/scripts/build.sh" || { echo "bench/evpn.sh: build failed" >&2; exit 1; }
# Others may rebuild build/ meanwhile: run a copy of the binaries just built.
bindir=$(mktemp -d /tmp/vxeb-bin.XXXXXX)
resdir=$(mktemp -d /tmp/vxeb-res.XXXXXX)
trap 'rm -rf "$bindir" "$resdir"' EXIT
cp "$ROOT/build/vxswd/vxswd" "$ROOT/build/vxswctl/vxswctl" "$bindir/" || exit 1
export VXSWD="$bindir/vxswd" VXSWCTL="$bindir/vxswctl"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t_all=$SECONDS
for wq in $WQS; do
	echo "== $wq"
	OUT_JSON="$resdir/wq-$wq.json" timeout -k 10 900 bash "$0" --one "$wq" --samples "$SAMPLES" \
		--batch "$BATCH" 2>&1 | sed -u 's/^/   /'
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
table=$($PY "$HERE/evpn/report.py" "$resdir" "$((SECONDS - t_all))" "$load0" "$load1" \
	"bench/evpn.sh --samples $SAMPLES --batch $BATCH --wq \"$WQS\"" $WQS) || {
	echo "bench/evpn.sh: no results" >&2
	exit 1
}
echo
echo "$table"
[ "$DOC" -eq 1 ] || exit 0
TABLE=$table $PY - "$ROOT/docs/PERFORMANCE.md" <<'EOF'
import os, sys
path = sys.argv[1]
region = os.environ["TABLE"].rstrip("\n")
b, e = "<!-- evpn-bench:begin -->", "<!-- evpn-bench:end -->"
text = open(path).read()
if b in text and e in text and text.index(b) < text.index(e):
    text = text[:text.index(b) + len(b)] + "\n" + region + "\n" + text[text.index(e):]
else:
    text = text.rstrip("\n") + "\n\n" + b + "\n" + region + "\n" + e + "\n"
open(path, "w").write(text)
EOF
echo "docs/PERFORMANCE.md: evpn-bench region rewritten"
