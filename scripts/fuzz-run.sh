#!/usr/bin/env bash
# Runs one fuzz target for a fixed number of executions and prints a summary
# line with the count, the speed and the outcome; the full libFuzzer log
# goes to fuzz/logs/. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a
# stable toolchain the sanitizer flags are enabled with RUSTC_BOOTSTRAP=1.
#
#   scripts/fuzz-run.sh TARGET [RUNS] [libFuzzer flags...]
#
# TARGET is one of: lexer parser compile plugin_request breaking.
# RUNS defaults to 10,000,000; FUZZ_TIME=SECONDS stops earlier (as does
# SIGINT to the fuzzer process: the statistics are printed either way).
# FUZZ_MAX_LEN overrides the input size limit (1024, 4096 for plugin_request). The seed corpus is made by
# scripts/fuzz-seed.sh if fuzz/corpus/TARGET is missing. Builds without a
# sanitizer (the only unsafe code in protoforge is the binaries' allocator,
# which the fuzz targets do not use) and with debug assertions, so
# integer overflow panics as it does in `cargo test`. Exit status 0 when the
# run finished without a crash, 1 otherwise; a crashing input is left in
# fuzz/artifacts/TARGET/ (add it to fuzz/regressions/TARGET/).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz-run.sh TARGET [RUNS] [libFuzzer flags...]}
runs=${2:-10000000}
shift $(($# < 2 ? $# : 2))
case $target in plugin_request) default_len=4096 ;; *) default_len=1024 ;; esac
max_len=${FUZZ_MAX_LEN:-$default_len}
[ -d "fuzz/corpus/$target" ] || scripts/fuzz-seed.sh
mkdir -p fuzz/logs "fuzz/artifacts/$target"
log=fuzz/logs/$target-$(date +%Y%m%d-%H%M%S).log
start=$SECONDS
set +e
(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O -s none -a "$target" -- \
  -runs="$runs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
  ${FUZZ_TIME:+-max_total_time="$FUZZ_TIME"} \
  -dict=protobuf.dict -print_final_stats=1 "$@") >"$log" 2>&1
rc=$?
set -e
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
if [ "$rc" = 0 ]; then
  outcome=ok
elif grep -q "libFuzzer: run interrupted" "$log"; then
  outcome="stopped early (interrupted), no crash"; rc=0
else
  outcome="FAILED (exit $rc)"
fi
printf '%s: %s executions, %s exec/s, peak RSS %s MB, %ss: %s (log %s)\n' \
  "$target" "${execs:-?}" "${speed:-?}" "${peak:-?}" "$((SECONDS - start))" "$outcome" "$log"
if [ "$rc" != 0 ]; then
  grep -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written|deadly signal|timeout" "$log" | head -20 >&2 || true
  exit 1
fi
