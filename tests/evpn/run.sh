#!/usr/bin/env bash
# EVPN against real FRR (as root; FRR 8.4 from Debian, scripts/setup.sh; tcpdump and
# python3-scapy for the end-to-end part, gobgpd for mh). Usage: tests/evpn/run.sh [agent|e2e|mh]...
#
#   agent   tests/evpn/agent.sh: the EVPN agent alone (evpn_probe) with FRR and a kernel
#           VTEP as the ToR: shadow, type-2/type-3 both ways, mobility, FRR restart grace,
#           resync (about 30 s)
#   e2e     tests/evpn/e2e.sh: vxswd with EVPN on between a VM namespace and FRR + a kernel
#           VTEP: BGP over the switch's own host port, routes both ways, pings, ARP/ND
#           suppression, MAC mobility, FRR restart under traffic, withdraw on aging,
#           FRR absent at start (about 45 s)
#   mh      tests/evpn/mh.sh: remote multihoming through vxswd, GoBGP playing two VTEPs of one
#           Ethernet Segment: fdb nexthop group, mass withdraw, group deletion (about 15 s;
#           skipped, counting nothing, without gobgpd)
#
# Each part runs in its own process (own namespaces, own FRR); their check lines are shown
# as they come. The last line sums them: "N passed, N failed"; exit status 0 only if all pass.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PART_TIMEOUT=${PART_TIMEOUT:-300}
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(agent e2e mh)

pass=0 fail=0
for p in "${parts[@]}"; do
	if [ ! -f "$HERE/$p.sh" ]; then
		echo "tests/evpn: no part '$p' (agent, e2e, mh)"
		fail=$((fail + 1))
		continue
	fi
	echo "=== tests/evpn/$p.sh"
	out=$(mktemp /tmp/vxsw-evpn-$p.XXXXXX)
	timeout -k 10 "$PART_TIMEOUT" bash "$HERE/$p.sh" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	sum=$(tail -n 1 "$out")
	rm -f "$out"
	if [[ $sum =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		pass=$((pass + BASH_REMATCH[1]))
		fail=$((fail + BASH_REMATCH[2]))
		# a part that says all passed but exits non-zero still failed
		[ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ] && fail=$((fail + 1))
	else
		[ "$rc" -eq 124 ] && echo "tests/evpn/$p.sh: timed out after $PART_TIMEOUT s"
		echo "FAIL - tests/evpn/$p.sh ended without its summary (status $rc)"
		fail=$((fail + 1))
	fi
	echo
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
