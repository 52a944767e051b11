#!/usr/bin/env bash
# Live comparison of protoforge's three front doors with protoc 35.1:
#  1. protoc driving protoc-gen-forge writes the same files as
#     `protoforge compile --rust_out` (proto3 optional, proto2, editions
#     2023 and 2024, a googleapis slice; with and without parameters);
#  2. protoforge sends plugins byte-identical CodeGeneratorRequests
#     (corpus files and a googleapis slice, with and without parameters);
#  3. protoforge driving the third-party plugin protoc-gen-es (npm
#     @bufbuild/protoc-gen-es, pinned in fixtures/plugin/es) writes the same
#     files, stderr and exit status as protoc driving it, for googleapis
#     pubsub and protobuf's test_messages files.
# Env: PROTOFORGE_CORPUS (default ../shared/corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
corpus=$(cd "$corpus" && pwd)
pb=$corpus/protobuf/src
ga=$corpus/googleapis
work=$top/target/plugin-compare
rm -rf "$work"
mkdir -p "$work"

protoc() { python3 -m grpc_tools.protoc "$@"; }
protoc --version | grep -q 'libprotoc 35.1' || { echo "plugin-compare: needs protoc 35.1" >&2; exit 2; }
wkt=$(python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')

cargo build --release --quiet --bin protoforge --bin protoc-gen-forge
pf=$top/target/release/protoforge
forge=$top/target/release/protoc-gen-forge

same=0
diffs=0
ok() { same=$((same + 1)); echo "  same: $*"; }
bad() { diffs=$((diffs + 1)); echo "  DIFFERENT: $*"; }

gapis_slice=$(cd "$ga" && ls google/pubsub/v1/*.proto google/spanner/v1/*.proto google/firestore/v1/*.proto \
  google/bigtable/v2/*.proto google/storage/v2/*.proto google/longrunning/*.proto google/rpc/*.proto \
  google/type/*.proto google/api/*.proto)

# ---------------------------------------------------------------------------
echo "== protoc --forge_out vs protoforge --rust_out"
# forge_case LABEL DIR OPTS ARGS...: OPTS is a comma-separated parameter list.
forge_case() {
  local label=$1 dir=$2 opts=$3; shift 3
  local a=$work/forge/$label/protoc b=$work/forge/$label/protoforge
  mkdir -p "$a" "$b"
  local out_a=$a out_b=$b
  if [[ -n "$opts" ]]; then out_a=$opts:$a; out_b=$opts:$b; fi
  (cd "$dir" && protoc --plugin=protoc-gen-forge="$forge" --forge_out="$out_a" "$@" 2>"$work/forge/$label.protoc.err") \
    || { bad "$label: protoc failed: $(cat "$work/forge/$label.protoc.err")"; return; }
  (cd "$dir" && "$pf" compile --rust_out="$out_b" "$@" 2>"$work/forge/$label.pf.err") \
    || { bad "$label: protoforge failed: $(cat "$work/forge/$label.pf.err")"; return; }
  if diff -r "$a" "$b" >/dev/null; then ok "$label ($(ls "$a" | wc -l) files)"; else bad "$label"; diff -r "$a" "$b" | head -20; fi
}
forge_case test_messages_proto3 "$pb" "" -I. google/protobuf/test_messages_proto3.proto
forge_case test_messages_proto2 "$pb" "" -I. google/protobuf/test_messages_proto2.proto
forge_case unittest_2023 "$pb" "" -I. google/protobuf/unittest.proto
forge_case edition_unittest "$pb" "" -I. google/protobuf/edition_unittest.proto
forge_case lite_edition_2024 "$pb" "" -I. google/protobuf/unittest_lite_edition_2024.proto
forge_case options "$pb" "btree_map=.,bytes=.,enable_type_names,retain_enum_prefix" -I. \
  google/protobuf/test_messages_proto3.proto google/protobuf/test_messages_proto2.proto
forge_case fixtures "$top/fixtures/plugin/proto" "" -I. -I"$wkt" p3.proto p2.proto e2023.proto e2024.proto
# shellcheck disable=SC2086
forge_case googleapis "$ga" "" -I. -I"$wkt" $gapis_slice

# ---------------------------------------------------------------------------
echo "== CodeGeneratorRequest bytes (capture plugin)"
cap=$work/capture-bin
mkdir -p "$cap"
ln -sf "$top/fixtures/plugin/responder.sh" "$cap/empty.sh"
# request_case LABEL DIR ARGS...
request_case() {
  local label=$1 dir=$2; shift 2
  local d=$work/request/$label
  mkdir -p "$d/a" "$d/b"
  (cd "$dir" && PLUGIN_CAPTURE=$d/protoc.pb protoc --plugin=protoc-gen-cap="$cap/empty.sh" --cap_out="$d/a" "$@") \
    || { bad "$label: protoc failed"; return; }
  (cd "$dir" && PLUGIN_CAPTURE=$d/protoforge.pb "$pf" compile --plugin=protoc-gen-cap="$cap/empty.sh" --cap_out="$d/b" "$@") \
    || { bad "$label: protoforge failed"; return; }
  if cmp -s "$d/protoc.pb" "$d/protoforge.pb"; then ok "$label ($(stat -c %s "$d/protoc.pb") bytes)"; else bad "$label"; fi
}
request_case test_messages "$pb" -I. google/protobuf/test_messages_proto3.proto google/protobuf/test_messages_proto2.proto
request_case unittest_params "$pb" -I. --cap_opt=a=1 --cap_opt=b google/protobuf/unittest.proto
request_case lite_edition_2024 "$pb" -I. google/protobuf/unittest_lite_edition_2024.proto google/protobuf/edition_unittest.proto
request_case fixtures "$top/fixtures/plugin/proto" -I. -I"$wkt" --cap_opt=x=y p3.proto p2.proto e2023.proto e2024.proto
# shellcheck disable=SC2086
request_case googleapis "$ga" -I. -I"$wkt" $gapis_slice
# shellcheck disable=SC2086
request_case googleapis_params "$ga" -I. -I"$wkt" --cap_opt=paths=source_relative,x $(cd "$ga" && ls google/pubsub/v1/*.proto)

# ---------------------------------------------------------------------------
echo "== protoc-gen-es (npm @bufbuild/protoc-gen-es)"
es_dir=$top/target/plugin-es
if [[ ! -x "$es_dir/node_modules/.bin/protoc-gen-es" ]] \
  || ! cmp -s "$top/fixtures/plugin/es/package-lock.json" "$es_dir/package-lock.json"; then
  rm -rf "$es_dir"
  mkdir -p "$es_dir"
  cp "$top/fixtures/plugin/es/package.json" "$top/fixtures/plugin/es/package-lock.json" "$es_dir/"
  (cd "$es_dir" && npm ci --silent --no-audit --no-fund)
fi
es=$es_dir/node_modules/.bin/protoc-gen-es
# es_case LABEL DIR ARGS...
es_case() {
  local label=$1 dir=$2; shift 2
  local d=$work/es/$label
  mkdir -p "$d/protoc" "$d/protoforge"
  local sa=0 sb=0
  (cd "$dir" && protoc --plugin=protoc-gen-es="$es" --es_out="$d/protoc" "$@" 2>"$d/protoc.err") || sa=$?
  (cd "$dir" && "$pf" compile --plugin=protoc-gen-es="$es" --es_out="$d/protoforge" "$@" 2>"$d/protoforge.err") || sb=$?
  if [[ $sa != "$sb" ]]; then bad "$label: exit status $sb, protoc $sa"; return; fi
  if ! cmp -s "$d/protoc.err" "$d/protoforge.err"; then bad "$label: stderr"; diff "$d/protoc.err" "$d/protoforge.err" | head; return; fi
  if diff -r "$d/protoc" "$d/protoforge" >/dev/null; then
    ok "$label ($(find "$d/protoc" -type f | wc -l) files, exit status $sa)"
  else
    bad "$label"; diff -r "$d/protoc" "$d/protoforge" | head -20
  fi
}
# shellcheck disable=SC2086
es_case pubsub "$ga" -I. -I"$wkt" $(cd "$ga" && ls google/pubsub/v1/*.proto)
# shellcheck disable=SC2086
es_case pubsub_ts "$ga" -I. -I"$wkt" --es_opt=target=ts,json_types=true $(cd "$ga" && ls google/pubsub/v1/*.proto)
es_case test_messages "$pb" -I. google/protobuf/test_messages_proto3.proto google/protobuf/test_messages_proto2.proto
es_case test_messages_js "$pb" -I. --es_opt=target=js+dts --es_opt=import_extension=js \
  google/protobuf/test_messages_proto3.proto google/protobuf/test_messages_proto2.proto
es_case editions "$pb" -I. google/protobuf/unittest_lite_edition_2024.proto google/protobuf/unittest.proto
es_case bad_option "$pb" -I. --es_opt=no_such_option google/protobuf/test_messages_proto3.proto

echo "plugin-compare: $same passed, $diffs failed"
[[ $diffs == 0 ]]
