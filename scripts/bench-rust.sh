#!/usr/bin/env bash
# Benchmark: Rust code for the whole googleapis main set, end to end.
#   protoforge:  protoforge compile --rust_out (parse -> Rust files, with
#                doc comments; messages only, services off, as prost-build
#                writes without tonic)
#   protoc + prost-build 0.14: protoc 35.1 writes a descriptor set with
#                source info (so prost-build can write doc comments too),
#                then prost-build's generator runs on it (benches/
#                prost-build-gen, the compile_fds path of a build script).
# RUNS runs each (default 3, alternating); medians of wall time, largest
# peak RSS. Not a test: run by hand; the README shows the latest table.
# Environment: PROTOFORGE_CORPUS, PROTOFORGE, PROTOC, RUNS.
set -euo pipefail
# shellcheck source=scripts/bench-common.sh
. "$(dirname "$0")/bench-common.sh"
(cd benches/prost-build-gen && cargo build --release --quiet)
gen=$top/benches/prost-build-gen/target/release/prost-build-gen
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$corpus/googleapis"
mapfile -t all < ../googleapis-main.txt

timed() { # label command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
    echo "$label failed:" >&2; tail -5 "$work/err" >&2; exit 1; }
  read -r wall peak < "$work/t"
  echo "$label $wall $peak" >> "$work/times"
}

: > "$work/times"
for _ in $(seq "$runs"); do
  rm -rf "$work/pf" "$work/pb"; mkdir -p "$work/pf" "$work/pb"
  timed protoforge "$pf" compile -I . -I ../protobuf/src --rust_out="$work/pf" \
    --rust_opt=build_server=false,build_client=false "${all[@]}"
  # shellcheck disable=SC2086
  timed protoc $protoc -I . -I ../protobuf/src --include_imports --include_source_info "${all[@]}" -o "$work/set.pb"
  timed prost-build "$gen" "$work/set.pb" "$work/pb"
done
echo "googleapis main set (${#all[@]} files) to Rust; $runs runs each, medians"
echo "protoforge: $(ls "$work/pf" | wc -l) files, $(du -sh "$work/pf" | cut -f1); prost-build: $(ls "$work/pb" | wc -l) files, $(du -sh "$work/pb" | cut -f1)"
echo
python3 - "$work/times" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, peak = line.split()
    rows.setdefault(label, []).append((float(wall), int(peak)))
med = {k: statistics.median(w for w, _ in v) for k, v in rows.items()}
peak = {k: max(p for _, p in v) / 1024 for k, v in rows.items()}
both = med["protoc"] + med["prost-build"]
print("| step | wall (s) | peak RSS (MiB) |")
print("|---|---:|---:|")
print(f"| protoforge --rust_out (services off) | {med['protoforge']:.2f} | {peak['protoforge']:.0f} |")
print(f"| protoc (set with source info) | {med['protoc']:.2f} | {peak['protoc']:.0f} |")
print(f"| prost-build 0.14 (compile_fds) | {med['prost-build']:.2f} | {peak['prost-build']:.0f} |")
print(f"| protoc + prost-build | {both:.2f} | |")
print(f"\nprotoc + prost-build over protoforge: {both / med['protoforge']:.1f}x")
PY
