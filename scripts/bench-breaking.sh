#!/usr/bin/env bash
# Benchmark: `protoforge breaking` against `buf breaking` (1.75) on googleapis.
#
#   1. googleapis against itself: must report nothing;
#   2. googleapis against a copy with a field type changed (google.type.Money
#      units int64 -> int32), a field deleted (google.type.LatLng longitude)
#      and a file deleted (google/watcher/v1/watch.proto): must report exactly
#      FIELD_SAME_TYPE, FIELD_NO_DELETE and FILE_NO_DELETE.
#
# Each run's wall time and peak memory (GNU time) are printed, with buf's on
# the same inputs and the speed-up. Inputs for protoforge: protoc 35.1
# descriptor sets with source info (today), or the directories themselves
# with DIRS=1 (once our linker writes full descriptors). buf runs on the
# directories (its usual use) and, for a like-for-like number, on the same
# descriptor sets.
#
# Not a test: run by hand or from CI as a report. Environment:
#   PROTOFORGE_CORPUS  corpus root (default ../shared/corpus)
#   BENCH_DIR          scratch directory (default target/bench-breaking)
#   BUF                buf binary (default: npm-installed @bufbuild/buf@1.75.0)
#   SKIP_BUF=1         only time protoforge
#   DIRS=1             give protoforge the directories instead of sets
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
work=${BENCH_DIR:-$top/target/bench-breaking}
mkdir -p "$work"

if [ -z "${BUF:-}" ] && [ -z "${SKIP_BUF:-}" ]; then
  if [ ! -x "$work/buf/node_modules/.bin/buf" ]; then
    npm install --silent --prefix "$work/buf" @bufbuild/buf@1.75.0 >/dev/null
  fi
  BUF=$work/buf/node_modules/.bin/buf
fi

if [ -z "${PROTOFORGE:-}" ]; then
  cargo build --release --quiet
fi
exe=${PROTOFORGE:-${CARGO_TARGET_DIR:-$top/target}/release/protoforge}

# Two copies of the main set (buf needs a buf.yaml that leaves out preview/).
prepare() { # dir
  rm -rf "$1" && mkdir -p "$1"
  (cd "$corpus/googleapis" && tar cf - --exclude=./preview .) | (cd "$1" && tar xf -)
  printf 'version: v1\nbuild:\n  excludes:\n    - preview\n' > "$1/buf.yaml"
}
if [ ! -f "$work/base/.ready" ]; then
  prepare "$work/base"
  touch "$work/base/.ready"
fi
prepare "$work/changed"
sed -i 's/^  int64 units = 2;/  int32 units = 2;/' "$work/changed/google/type/money.proto"
sed -i '/^  double longitude = 2;/d' "$work/changed/google/type/latlng.proto"
rm "$work/changed/google/watcher/v1/watch.proto"
grep -q 'int32 units = 2;' "$work/changed/google/type/money.proto"

wkt=$(python3 -c 'import grpc_tools,os;print(os.path.join(os.path.dirname(grpc_tools.__file__),"_proto"))')
make_set() { # dir out
  (cd "$1" && python3 -m grpc_tools.protoc -I . -I "$wkt" --include_imports --include_source_info \
     --descriptor_set_out="$2" $(while read -r f; do [ -f "$f" ] && echo "$f"; done \
       < "$corpus/googleapis-main.txt") 2>/dev/null)
}
[ -f "$work/base.pb" ] || make_set "$work/base" "$work/base.pb"
make_set "$work/changed" "$work/changed.pb"

measure() { # label expected-count cmd...
  local label=$1 expect=$2; shift 2
  local out="$work/out.txt" tm="$work/time.txt"
  set +e
  /usr/bin/time -f '%e %M' -o "$tm" "$@" > "$out" 2> "$work/err.txt"
  local rc=$?
  set -e
  read -r secs kb < <(tail -1 "$tm")
  local n; n=$(grep -c . "$out" || true)
  printf '%-44s %8.2f s %8.0f MiB  rc=%-3s findings=%s\n' "$label" "$secs" "$((kb / 1024))" "$rc" "$n"
  if [ "$expect" != "-" ] && [ "$n" != "$expect" ]; then
    echo "  expected $expect findings:"; sed 's/^/    /' "$out" | head -20
    status=1
  fi
  eval "${label//[^a-zA-Z0-9]/_}=$secs"
  cp "$out" "$work/$(echo "$label" | tr -c 'a-zA-Z0-9\n' _).out"
}

status=0
if [ -n "${DIRS:-}" ]; then
  ours_base=("$work/base") ours_changed=("$work/changed")
else
  ours_base=("$work/base.pb") ours_changed=("$work/changed.pb")
fi
measure "protoforge self" 0 "$exe" breaking "${ours_base[@]}" --against "${ours_base[@]}"
measure "protoforge changed" 3 "$exe" breaking "${ours_changed[@]}" --against "${ours_base[@]}"
"$exe" breaking "${ours_changed[@]}" --against "${ours_base[@]}" --error-format json \
  > "$work/changed.json" || true
for rule in FIELD_SAME_TYPE FIELD_NO_DELETE FILE_NO_DELETE; do
  grep -q "\"type\":\"$rule\"" "$work/changed.json" || { echo "  missing $rule"; status=1; }
done
if [ -z "${SKIP_BUF:-}" ]; then
  measure "buf self (directories)" 0 "$BUF" breaking "$work/base" --against "$work/base"
  measure "buf changed (directories)" 3 "$BUF" breaking "$work/changed" --against "$work/base"
  measure "buf self (descriptor sets)" - "$BUF" breaking "$work/base.pb#format=binpb" \
    --against "$work/base.pb#format=binpb"
  measure "buf changed (descriptor sets)" - "$BUF" breaking "$work/changed.pb#format=binpb" \
    --against "$work/base.pb#format=binpb"
  python3 - "$protoforge_self" "$protoforge_changed" "$buf_self__directories_" "$buf_changed__directories_" <<'PY'
import sys
ps, pc, bs, bc = map(float, sys.argv[1:])
print(f"speed-up vs buf on directories: self {bs/ps:.1f}x, changed {bc/pc:.1f}x")
PY
fi
exit $status
