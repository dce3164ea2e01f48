#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan+UBSan) and run each briefly.
# Usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-20}
CC=clang scripts/build.sh build-fuzz -Dfuzz=true -Dtests=true \
  -Db_sanitize=address,undefined -Db_lundef=false
rc=0
for f in $(find build-fuzz/tests/fuzz -maxdepth 1 -type f -name "fuzz_*" -executable | sort); do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  corpus=build-fuzz/corpus-$name
  mkdir -p "$corpus"
  seeds=tests/fuzz/seeds/$name
  echo "--- $name for ${secs}s"
  if ! "$f" -max_total_time="$secs" -print_final_stats=0 "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) \
       >"build-fuzz/$name.log" 2>&1; then
    echo "$name found a crash:"; tail -40 "build-fuzz/$name.log"; rc=1
  else
    grep -E '^#[0-9]+.*DONE' "build-fuzz/$name.log" | tail -1 || true
  fi
done
exit $rc
