#!/usr/bin/env bash
# Byte-for-byte parity with protoc 35.1 on the corpus:
#  - googleapis main set with --include_imports: default mode, --retain_options,
#    --include_source_info;
#  - every protobuf src/ file alone with --include_imports: default mode,
#    --include_source_info, --retain_options.
# Env: PROTOFORGE_CORPUS, PROTOFORGE (binary), PROTOC; PARITY_ONLY=googleapis|protobuf.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
corpus=$(cd "$corpus" && pwd) || { echo "corpus not found"; exit 2; }
pf=${PROTOFORGE:-$top/target/release/protoforge}
case "$pf" in /*) ;; *) pf="$top/$pf" ;; esac
protoc=${PROTOC:-python3 -m grpc_tools.protoc}
fdscmp="$corpus/../tools/fdscmp.py"
# protoc from grpcio-tools searches its own include directory last; give ours
# the same root so files found only there (java_features.proto) are the same.
wkt_root=$(python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))' 2>/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

compare() { # label, protoc args..., --, our args...
  local label=$1; shift
  local pargs=() oargs=()
  while [ "$1" != "--" ]; do pargs+=("$1"); shift; done; shift
  oargs=("$@")
  [ -n "$wkt_root" ] && oargs+=(-I "$wkt_root")
  if ! $protoc "${pargs[@]}" -o "$work/expected.pb" 2>"$work/protoc.err"; then
    fail=$((fail + 1)); echo "FAIL (protoc rejected): $label"; head -3 "$work/protoc.err"; return
  fi
  if ! "$pf" compile --error-format gcc "${oargs[@]}" -o "$work/actual.pb" 2>"$work/pf.err"; then
    fail=$((fail + 1)); echo "FAIL (protoforge rejected): $label"; head -5 "$work/pf.err"; return
  fi
  if cmp -s "$work/expected.pb" "$work/actual.pb"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL (bytes differ): $label"
    python3 "$fdscmp" "$work/expected.pb" "$work/actual.pb" 2>&1 | head -30
  fi
}

if [ "${PARITY_ONLY:-googleapis}" != protobuf ]; then
  cd "$corpus/googleapis"
  files=$(cat ../googleapis-main.txt)
  for mode in "" --retain_options --include_source_info; do
    # shellcheck disable=SC2086
    compare "googleapis main set ${mode:-default}" -I . -I ../protobuf/src --include_imports $mode $files \
      -- -I . -I ../protobuf/src --include_imports $mode $files
  done
fi

if [ "${PARITY_ONLY:-protobuf}" != googleapis ]; then
  cd "$corpus/protobuf/src"
  while read -r f; do
    roots=(-I .)
    case "$f" in google/protobuf/compiler/ruby/*) roots+=(-I google/protobuf/compiler/ruby) ;; esac
    for mode in "" --include_source_info --retain_options; do
      # shellcheck disable=SC2086
      compare "$f ${mode:-default}" "${roots[@]}" --include_imports $mode "$f" -- "${roots[@]}" --include_imports $mode "$f"
    done
  done < "$corpus/protobuf-src.txt"
fi

echo "parity: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
