# shellcheck shell=bash
# Counted checks for a test script: source, then `checks_init NAME`. Every
# check prints "PASS - ..." or "FAIL - ...", and finish ends the script with
# "N passed, N failed" as its last line (what tests/evpn/run.sh sums) and a
# status that says whether all passed. Needs wait_for (tests/lib/netns.sh).

checks_init() { CHECKS_NAME=$1 pass=0 fail=0 T_START=$SECONDS; }
ok() { pass=$((pass + 1)); echo "PASS - $*"; }
nok() { fail=$((fail + 1)); echo "FAIL - $*"; }
info() { echo "       $*"; }
check() { # check "description" TIMEOUT CMD: CMD succeeds within TIMEOUT seconds
	local what=$1 t=$2
	shift 2
	if wait_for "$*" "$t"; then ok "$what"; else nok "$what"; fi
}
expect() { # expect "description" CMD: CMD succeeds now (once)
	local what=$1
	shift
	if (eval "$*") >/dev/null 2>&1; then ok "$what"; else nok "$what"; fi
}
finish() {
	echo "$CHECKS_NAME: $((SECONDS - T_START)) s"
	echo
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}
