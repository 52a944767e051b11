#!/usr/bin/env bash
# Records protoc 35.1's behaviour as a plugin driver for every case of
# fixtures/plugin/cases.txt into fixtures/plugin/golden/: NAME.txt (exit
# status, stderr, files written) and, for capture cases, NAME.request.pb
# (the CodeGeneratorRequest bytes the plugin received). tests/plugin.rs
# replays the cases with protoforge and compares.
#
# Also rewrites fixtures/plugin/responses/ (python3 + google.protobuf).
# Env: PROTOC (default: python3 -m grpc_tools.protoc).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
fx=$top/fixtures/plugin
if [[ -n "${PROTOC:-}" ]]; then protoc() { "$PROTOC" "$@"; }; else protoc() { python3 -m grpc_tools.protoc "$@"; }; fi
protoc --version | grep -q 'libprotoc 35.1' || { echo "plugin-regen: needs protoc 35.1" >&2; exit 2; }

python3 "$fx/make_responses.py"
rm -rf "$fx/golden"
mkdir -p "$fx/golden"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The layout every case runs in (tests/plugin.rs builds the same one).
setup() {
  rm -rf "$scratch/run"
  mkdir -p "$scratch/run/bin" "$scratch/run/out"
  for r in "$fx"/responses/*.bin crash signal; do
    ln -s "$fx/responder.sh" "$scratch/run/bin/$(basename "$r" .bin).sh"
  done
  ln -s "$fx/responder.sh" "$scratch/run/bin/protoc-gen-files.sh"
}

# manifest STATUS STDERR_FILE: what a case did, as text.
manifest() {
  printf 'status %s\n--- stderr\n' "$1"
  cat "$2"
  [[ -s "$2" && -n "$(tail -c1 "$2")" ]] && printf '\n'
  printf -- '--- files\n'
  (cd "$scratch/run" && find out -type f | LC_ALL=C sort | while read -r f; do
    printf '== %s\n' "$f"
    cat "$f"
    printf '\n'
  done)
}

n=0
while read -r name capture args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  setup
  # shellcheck disable=SC2086
  set -- $args
  status=0
  (cd "$scratch/run" && PLUGIN_CAPTURE=$([[ $capture == yes ]] && echo "$scratch/request.pb") \
    protoc -I"$fx/proto" -I"$top/src/load/wkt" "$@" 2>"$scratch/stderr") || status=$?
  manifest "$status" "$scratch/stderr" > "$fx/golden/$name.txt"
  if [[ $capture == yes ]]; then
    cp "$scratch/request.pb" "$fx/golden/$name.request.pb"
    rm -f "$scratch/request.pb"
  fi
  n=$((n + 1))
done < "$fx/cases.txt"
echo "plugin-regen: $n cases recorded in fixtures/plugin/golden"
