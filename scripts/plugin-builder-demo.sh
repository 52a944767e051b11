#!/usr/bin/env bash
# Builds and runs tests/builder-demo, whose build.rs generates its types with
# protoforge::Builder, with PROTOC unset and no protoc on PATH; then checks
# that the build script printed cargo:rerun-if-changed for its inputs.
# Env: PROTOFORGE_DEMO_TARGET (cargo target dir, default target/builder-demo).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${PROTOFORGE_DEMO_TARGET:-$PWD/target/builder-demo}

# PATH without any directory that holds a protoc.
path=""
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  if [[ -n "$d" && ! -e "$d/protoc" ]]; then path="${path:+$path:}$d"; fi
done
if env -u PROTOC PATH="$path" bash -c 'command -v protoc' >/dev/null; then
  echo "plugin-builder-demo: could not hide protoc" >&2
  exit 1
fi
env -u PROTOC PATH="$path" cargo run --quiet --manifest-path tests/builder-demo/Cargo.toml

out=$(ls -t "$CARGO_TARGET_DIR"/debug/build/protoforge-builder-demo-*/output | head -1)
for f in cart money stock; do
  grep -qx "cargo:rerun-if-changed=proto/shop/v1/$f.proto" "$out" || {
    echo "plugin-builder-demo: no rerun-if-changed for $f.proto in $out" >&2
    exit 1
  }
done
echo "plugin-builder-demo: built and ran without protoc; rerun-if-changed for every input"
