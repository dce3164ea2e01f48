#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine (as root):
# install, build, unit tests (plain and under ASan+UBSan), fuzzers, replay
# tests through the real daemon, interop tests in network namespaces, and a
# benchmark smoke run. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

pass=0 fail=0 failed=()
stage() { # stage NAME COMMAND...
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then
    pass=$((pass + 1)); echo "=== $name: ok ($((SECONDS - t0)) s)"
  else
    fail=$((fail + 1)); failed+=("$name"); echo "=== $name: FAILED ($((SECONDS - t0)) s)"
  fi
}

scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

stage build scripts/build.sh build
stage unit meson test -C build --print-errorlogs
stage unit-asan-ubsan bash -c '
  scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs'
stage fuzz tests/fuzz/run.sh "$FUZZ_SECONDS"
# The real daemon under ASan+UBSan: any leak or undefined behaviour makes it
# exit non-zero at SIGTERM, which fails the case.
stage replay-asan-ubsan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 VXSW_BUILD="$ROOT/build-asan" tests/replay/run.sh
for t in tests/replay/run.sh tests/interop/run.sh tests/team/run.sh tests/segments/run.sh tests/evpn/run.sh; do
  [ -x "$t" ] && stage "$(basename "$(dirname "$t")")" "$t"
done
[ -x bench/run.sh ] && stage bench-smoke bench/run.sh --smoke

echo
[ ${#failed[@]} -gt 0 ] && echo "failed stages: ${failed[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
