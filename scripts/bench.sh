#!/usr/bin/env bash
# Benchmark: compiling the googleapis main set to a descriptor set
# (--include_imports), protoforge against protoc 35.1 and protox 0.10 run
# side by side on the same machine, alternating, RUNS times each (default
# 3); the table gives medians of wall and CPU time, the largest peak RSS,
# and each tool's wall time over protoforge's. Then the scaling curve of
# protoforge (and protoc) on the first quarter, half and all of the set.
#
# Not a test (timings never go into `cargo test`): run by hand; the README
# shows the latest table. Environment:
#   PROTOFORGE_CORPUS  corpus root (default ../shared/corpus)
#   PROTOFORGE         protoforge binary (default: cargo build --release)
#   PROTOC             protoc command (default: python3 -m grpc_tools.protoc)
#   PROTOX             protox binary (default: protox on PATH; skipped if there
#                      is none or PROTOX=none; install with
#                      `cargo install protox --features bin`)
#   RUNS               runs per tool and mode (default 3)
#   MODES              "default source_info" (default both)
#   SKIP_SCALING=1     no scaling curve
#
# protox 0.10 cannot parse protobuf 35.1's descriptor.proto (extension
# declarations), so it gets googleapis alone and uses its own built-in
# well-known types; protoforge and protoc also read protobuf/src.
set -euo pipefail
# shellcheck source=scripts/bench-common.sh
. "$(dirname "$0")/bench-common.sh"
modes=${MODES:-default source_info}
protox=${PROTOX:-$(command -v protox || true)}
[ "$protox" = none ] && protox=
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$corpus/googleapis"
mapfile -t all < ../googleapis-main.txt
n=${#all[@]}

# run LABEL OUT_PREFIX command...: appends "label wall cpu peak_kb" to $work/times
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
    echo "$label failed:" >&2; tail -5 "$work/err" >&2; exit 1; }
  read -r wall user sys peak < "$work/t"
  echo "$label $wall $(awk "BEGIN {print $user + $sys}") $peak" >> "$work/times"
}

# one_round MODE FILES...: one run of each tool
one_round() {
  local mode=$1; shift
  local si=()
  [ "$mode" = source_info ] && si=(--include_source_info)
  run "protoforge/$mode" "$pf" compile -I . -I ../protobuf/src --include_imports "${si[@]}" "$@" -o "$work/pf.pb"
  # shellcheck disable=SC2086
  run "protoc/$mode" $protoc -I . -I ../protobuf/src --include_imports "${si[@]}" "$@" -o "$work/pc.pb"
  if [ -n "$protox" ]; then
    run "protox/$mode" "$protox" -I . --include-imports "${si[@]}" "$@" -o "$work/px.pb"
  fi
}

: > "$work/times"
for mode in $modes; do
  for _ in $(seq "$runs"); do one_round "$mode" "${all[@]}"; done
  cmp -s "$work/pf.pb" "$work/pc.pb" || { echo "protoforge and protoc outputs differ ($mode)" >&2; exit 1; }
done

echo "googleapis main set: $n files, --include_imports; $runs runs each, medians"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo
python3 - "$work/times" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, cpu, peak = line.split()
    r = rows.setdefault(label, ([], [], []))
    r[0].append(float(wall)); r[1].append(float(cpu)); r[2].append(int(peak))
print("| tool | mode | wall (s) | CPU (s) | peak RSS (MiB) | wall / protoforge |")
print("|---|---|---:|---:|---:|---:|")
for label, (wall, cpu, peak) in rows.items():
    tool, mode = label.split("/")
    base = statistics.median(rows[f"protoforge/{mode}"][0])
    w = statistics.median(wall)
    print(f"| {tool} | {mode} | {w:.2f} | {statistics.median(cpu):.2f} | {max(peak)/1024:.0f} | {w/base:.1f}x |")
EOF

[ -n "${SKIP_SCALING:-}" ] && exit 0
echo
echo "scaling (default mode; every 4th file, every 2nd file, all of them, so that"
echo "each subset is a fair sample of the set; time relative to the previous size):"
: > "$work/times"
for part in 4 2 1; do
  subset=()
  for ((i = 0; i < n; i += part)); do subset+=("${all[$i]}"); done
  k=${#subset[@]}
  for _ in $(seq "$runs"); do
    run "protoforge/$k" "$pf" compile -I . -I ../protobuf/src --include_imports "${subset[@]}" -o "$work/pf.pb"
    # shellcheck disable=SC2086
    run "protoc/$k" $protoc -I . -I ../protobuf/src --include_imports "${subset[@]}" -o "$work/pc.pb"
  done
done
python3 - "$work/times" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, cpu, peak = line.split()
    rows.setdefault(label, []).append((float(wall), int(peak)))
print("| tool | files | wall (s) | peak RSS (MiB) | wall / previous |")
print("|---|---:|---:|---:|---:|")
prev = {}
for label, v in rows.items():
    tool, k = label.split("/")
    w = statistics.median(x[0] for x in v)
    ratio = f"{w/prev[tool]:.2f}x" if tool in prev else ""
    prev[tool] = w
    print(f"| {tool} | {k} | {w:.2f} | {max(x[1] for x in v)/1024:.0f} | {ratio} |")
EOF
