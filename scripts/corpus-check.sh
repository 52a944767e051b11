#!/usr/bin/env bash
# Corpus acceptance run: every googleapis main-set file and every protobuf
# src/ file compiles, and the googleapis descriptor set holds the same files
# in the same order as protoc 35.1's.
#
# Env: PROTOFORGE_CORPUS (default ../shared/corpus from the repo root),
#      PROTOFORGE (the binary; default target/release/protoforge),
#      PROTOC (default "python3 -m grpc_tools.protoc").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
corpus=$(cd "$corpus" && pwd) || { echo "corpus not found"; exit 2; }
pf=${PROTOFORGE:-$top/target/release/protoforge}
case "$pf" in /*) ;; *) pf="$top/$pf" ;; esac
protoc=${PROTOC:-python3 -m grpc_tools.protoc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# 1. googleapis main set, with imports, against protoc's file list.
cd "$corpus/googleapis"
if "$pf" compile --error-format gcc -I . -I ../protobuf/src --include_imports \
    --descriptor_set_out="$work/pf.pb" $(cat ../googleapis-main.txt) 2>"$work/pf.err"; then
  ok
else
  bad "googleapis main set"; head -20 "$work/pf.err"
fi
if $protoc -I . -I ../protobuf/src --include_imports --descriptor_set_out="$work/protoc.pb" \
    $(cat ../googleapis-main.txt) 2>/dev/null; then
  if python3 "$top/scripts/fds_names.py" "$work/protoc.pb" "$work/pf.pb"; then ok; else bad "googleapis file list"; fi
else
  bad "protoc could not compile the googleapis main set (is grpcio-tools installed?)"
fi

# 2. googleapis preview/, its own root (it redefines google.api and friends).
cd "$corpus/googleapis/preview"
if "$pf" compile --error-format gcc -I . -I .. -I ../../protobuf/src -o /dev/null \
    $(find . -name '*.proto' | sed 's|^\./||' | sort) 2>"$work/prev.err"; then
  ok
else
  bad "googleapis preview/"; head -20 "$work/prev.err"
fi

# 3. Each protobuf src/ file alone.
cd "$corpus/protobuf/src"
while read -r f; do
  extra=()
  case "$f" in
    google/protobuf/compiler/ruby/*) extra=(-I google/protobuf/compiler/ruby) ;;
  esac
  if "$pf" compile --error-format gcc -I . "${extra[@]}" -o /dev/null "$f" 2>"$work/one.err"; then
    ok
  else
    bad "$f"; head -5 "$work/one.err"
  fi
done < <(sed 's|^src/||; s|^protobuf/src/||' "$corpus/protobuf-src.txt")

echo "corpus-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
