#!/usr/bin/env bash
# Check that protoforge's hand-written well-known-type schemas (src/load/wkt)
# compile, under protoc, to exactly the same descriptors as the reference
# files.
#
# For each built-in file we run protoc twice without source info: once with
# our text root first on the include path, once with the reference root
# (the protobuf corpus, or grpc_tools' bundled include dir for files the
# corpus lacks). The two descriptor sets must be byte-identical, and protoc's
# diagnostics (with line:column positions removed) must match too.
#
# Env:
#   PROTOFORGE_CORPUS  corpus root (default: ../shared/corpus from the repo root)
#   PROTOC             protoc command (default: python3 -m grpc_tools.protoc)
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [[ -n "${PROTOFORGE_CORPUS:-}" ]]; then
  corpus="$PROTOFORGE_CORPUS"
else
  corpus="$root/../shared/corpus"
fi
if [[ ! -d "$corpus/protobuf/src" ]]; then
  echo "check-wkt: corpus not found: $corpus/protobuf/src" >&2
  exit 2
fi
corpus="$(cd "$corpus" && pwd)"

read -r -a protoc <<<"${PROTOC:-python3 -m grpc_tools.protoc}"
if ! "${protoc[@]}" --version >/dev/null 2>&1; then
  echo "check-wkt: cannot run protoc: ${protoc[*]}" >&2
  exit 2
fi
grpc_include="$(python3 -c 'import grpc_tools,os;print(os.path.join(os.path.dirname(grpc_tools.__file__),"_proto"))' 2>/dev/null || true)"

ours="$root/src/load/wkt"
files=(
  google/protobuf/any.proto
  google/protobuf/api.proto
  google/protobuf/descriptor.proto
  google/protobuf/duration.proto
  google/protobuf/empty.proto
  google/protobuf/field_mask.proto
  google/protobuf/source_context.proto
  google/protobuf/struct.proto
  google/protobuf/timestamp.proto
  google/protobuf/type.proto
  google/protobuf/wrappers.proto
  google/protobuf/compiler/plugin.proto
  google/protobuf/cpp_features.proto
  google/protobuf/java_features.proto
  google/protobuf/go_features.proto
)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# protoc prefixes diagnostics with "ROOT/google/protobuf/x.proto:LINE:COL:".
# Drop the include root and the position so warnings compare by content.
norm() { sed -E 's#^[^:]*(google/protobuf/[^:]*)(:[0-9]+:[0-9]+)?:#\1:#' "$1"; }

passed=0
failed=0
for f in "${files[@]}"; do
  if [[ -f "$corpus/protobuf/src/$f" ]]; then
    ref_root="$corpus/protobuf/src"
  elif [[ -n "$grpc_include" && -f "$grpc_include/$f" ]]; then
    ref_root="$grpc_include"
  else
    echo "FAIL $f: no reference copy in corpus or grpc_tools include dir"
    failed=$((failed + 1))
    continue
  fi
  if [[ ! -f "$ours/$f" ]]; then
    echo "FAIL $f: missing from $ours"
    failed=$((failed + 1))
    continue
  fi

  key="${f//\//_}"
  exp="$tmp/$key.expected.pb"
  act="$tmp/$key.actual.pb"
  ok=1
  (cd "$root" && "${protoc[@]}" -I "$ref_root" --descriptor_set_out="$exp" "$f") \
    2>"$tmp/$key.expected.err" || ok=0
  (cd "$root" && "${protoc[@]}" -I src/load/wkt --descriptor_set_out="$act" "$f") \
    2>"$tmp/$key.actual.err" || ok=0

  if [[ $ok -eq 0 ]]; then
    echo "FAIL $f: protoc failed"
    sed 's/^/    ref:  /' "$tmp/$key.expected.err"
    sed 's/^/    ours: /' "$tmp/$key.actual.err"
    failed=$((failed + 1))
  elif ! cmp -s "$exp" "$act"; then
    echo "FAIL $f: descriptor sets differ (ref root: $ref_root)"
    if [[ -f "$corpus/../tools/fdscmp.py" ]]; then
      python3 "$corpus/../tools/fdscmp.py" "$exp" "$act" 2>&1 | sed 's/^/    /'
    fi
    failed=$((failed + 1))
  elif ! diff -q <(norm "$tmp/$key.expected.err") <(norm "$tmp/$key.actual.err") >/dev/null; then
    echo "FAIL $f: protoc diagnostics differ"
    diff <(norm "$tmp/$key.expected.err") <(norm "$tmp/$key.actual.err") | sed 's/^/    /'
    failed=$((failed + 1))
  else
    echo "ok   $f"
    passed=$((passed + 1))
  fi
done

echo "check-wkt: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
