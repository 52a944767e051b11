#!/usr/bin/env bash
# Determinism: the googleapis main set compiled with 1, 2 and 8 rayon
# threads (in separate processes, so hash seeds differ too) gives identical
# descriptor sets, in every output mode; generated Rust for it is identical
# across runs and thread counts.
# Env: PROTOFORGE_CORPUS (default ../shared/corpus), PROTOFORGE (binary,
# default target/release/protoforge); DETERMINISM_RUST=0 skips the Rust part.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
corpus=$(cd "$corpus" && pwd)
pf=${PROTOFORGE:-$top/target/release/protoforge}
case "$pf" in /*) ;; *) pf="$top/$pf" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$corpus/googleapis"
mapfile -t files < ../googleapis-main.txt
fail=0

for mode in "" --include_source_info --retain_options; do
  for t in 1 2 8; do
    RAYON_NUM_THREADS=$t "$pf" compile -I . -I ../protobuf/src --include_imports $mode \
      -o "$work/set-$t.pb" "${files[@]}" 2>"$work/stderr.txt" ||
      { echo "FAIL: compile ${mode:-default} with $t threads"; tail -5 "$work/stderr.txt"; exit 1; }
  done
  for t in 2 8; do
    if ! cmp -s "$work/set-1.pb" "$work/set-$t.pb"; then
      echo "FAIL: descriptor set ${mode:-default} differs between 1 and $t threads"
      cmp "$work/set-1.pb" "$work/set-$t.pb" | head -1 || true
      fail=1
    fi
  done
  echo "descriptor set ${mode:-default}: $(wc -c < "$work/set-1.pb") bytes, same with 1, 2 and 8 threads"
done

if [ "${DETERMINISM_RUST:-1}" != 0 ]; then
  for t in 1 8; do
    mkdir -p "$work/rust-$t"
    RAYON_NUM_THREADS=$t "$pf" compile -I . -I ../protobuf/src --rust_out="$work/rust-$t" \
      -o /dev/null "${files[@]}" 2>"$work/stderr.txt" ||
      { echo "FAIL: --rust_out with $t threads"; tail -5 "$work/stderr.txt"; exit 1; }
  done
  if diff -r -q "$work/rust-1" "$work/rust-8" >/dev/null; then
    echo "generated Rust: $(find "$work/rust-1" -type f | wc -l) files, same with 1 and 8 threads"
  else
    echo "FAIL: generated Rust differs between runs"
    diff -r -q "$work/rust-1" "$work/rust-8" | head -5 || true
    fail=1
  fi
fi
[ "$fail" = 0 ] && echo "determinism: ok"
exit "$fail"
