#!/usr/bin/env bash
# The bad-input suite: the fast cases of tests/bad_input*.rs (also part of
# `cargo test`), then each heavy case (100 MB files, a million fields, a
# 10,000-file import chain) on a release build, one at a time, each under a
# wall-clock limit and a memory limit checked here.
# Env: BAD_INPUT_TIME (seconds per heavy case, default 120),
#      BAD_INPUT_RSS_MB (peak resident memory per heavy case, default 4096; protoc 35.1 itself needs 2 GB for a million fields).
set -euo pipefail
cd "$(dirname "$0")/.."
limit_s=${BAD_INPUT_TIME:-120}
limit_mb=${BAD_INPUT_RSS_MB:-4096}

cargo test --release --quiet --test bad_input --test bad_input_plugin --test bad_input_regressions

# The test binary, built above.
bin=$(cargo test --release --test bad_input --no-run --message-format=json 2>/dev/null |
  python3 -c 'import sys, json
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "bad_input":
        print(m["executable"])')
[ -x "$bin" ] || { echo "bad_input test binary not found"; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for case in $("$bin" --ignored --list --format=terse 2>/dev/null | sed -n 's/^\(heavy_[a-z_]*\): test$/\1/p'); do
  # GNU time reports the peak RSS of the largest process it waited for
  # (the test or the compiler it runs).
  if timeout "$limit_s" /usr/bin/time -f '%e %M' -o "$work/time.txt" \
      "$bin" --ignored --exact "$case" --test-threads=1 >"$work/$case.log" 2>&1; then
    read -r secs kb < "$work/time.txt"
    mb=$((kb / 1024))
    if [ "$mb" -gt "$limit_mb" ]; then
      echo "FAIL $case: peak RSS ${mb} MB > ${limit_mb} MB"; fail=1
    else
      echo "ok   $case: ${secs}s, peak RSS ${mb} MB"
    fi
  else
    rc=$?
    if [ "$rc" = 124 ]; then echo "FAIL $case: over ${limit_s}s"; else echo "FAIL $case (exit $rc)"; fi
    tail -20 "$work/$case.log" | cut -c1-300
    fail=1
  fi
done
[ "$fail" = 0 ] && echo "bad input: ok"
exit "$fail"
