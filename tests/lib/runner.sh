# runner.sh: run each test of a suite in its own process, with a time limit.
#
# run_isolated LABEL VERBOSE SCRIPT LOGDIR TEST...
#   runs `bash SCRIPT --one TEST` for each TEST under `timeout $TEST_TIMEOUT`,
#   prints "PASS/FAIL TEST (N s)" (and the test's log on failure, or always
#   when VERBOSE is non-empty), then "LABEL: N s" and "N passed, N failed".
#   Returns 0 only if every test passed. Removes LOGDIR.
run_isolated() {
	local label=$1 verbose=$2 script=$3 logdir=$4 t t0 rc pass=0 fail=0 t_all=$SECONDS
	shift 4
	for t in "$@"; do
		t0=$SECONDS
		timeout -k 10 "$TEST_TIMEOUT" bash "$script" --one "$t" >"$logdir/$t.log" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ]; then
			pass=$((pass + 1))
			echo "PASS $t ($((SECONDS - t0)) s)"
			[ -n "$verbose" ] && sed 's/^/    /' "$logdir/$t.log"
		else
			fail=$((fail + 1))
			echo "FAIL $t ($((SECONDS - t0)) s)"
			[ "$rc" -eq 124 ] && echo "    (timed out after $TEST_TIMEOUT s)"
			sed 's/^/    /' "$logdir/$t.log"
		fi
	done
	rm -rf "$logdir"
	echo "$label: $((SECONDS - t_all)) s"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
