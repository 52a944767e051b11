#!/usr/bin/env bash
# Compile and wire tests of the Rust backend (issue 5):
#  1. protoc 35.1 makes descriptor sets for protobuf's test_messages_proto3,
#     test_messages_proto2, unittest (edition 2023) and a googleapis slice;
#  2. tests/rust-compile (its own cargo project) generates Rust from them
#     and from fixtures/rust/rustfix.pb in its build script, compiles it
#     against prost 0.14 with warnings denied, runs its doctests, compares
#     proto2/proto3 output with prost-build's, checks the fixtures and
#     runs rustdoc over the generated docs;
#  3. scripts/rust-roundtrip.py encodes fully populated messages with
#     Python protobuf, decodes and re-encodes them with the generated Rust,
#     and checks that Python reads back an equal message.
# Env: PROTOFORGE_CORPUS (default ../shared/corpus), PROTOFORGE_RUST_TARGET
# (cargo target dir, default target/rust-compile).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
work=$top/target/rust-compile-work
export CARGO_TARGET_DIR=${PROTOFORGE_RUST_TARGET:-$top/target/rust-compile}

if ! python3 -m grpc_tools.protoc --version 2>/dev/null | grep -q 'libprotoc 35.1'; then
  python3 -m pip install --quiet --disable-pip-version-check grpcio-tools==1.85.1
fi
# Code from protoc 35.1 needs a 7.35+ Python runtime.
if ! python3 -c 'import sys, google.protobuf as p; v = tuple(int(x) for x in p.__version__.split(".")[:2]); sys.exit(v < (7, 35))' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'protobuf>=7.35.1,<8'
fi

rm -rf "$work"
mkdir -p "$work/fds"
protoc() { python3 -m grpc_tools.protoc "$@"; }
wkt=$(python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
pb=$corpus/protobuf/src
ga=$corpus/googleapis
protoc -I"$pb" --include_imports --include_source_info -o "$work/fds/tm3.pb" google/protobuf/test_messages_proto3.proto
protoc -I"$pb" --include_imports --include_source_info -o "$work/fds/tm2.pb" google/protobuf/test_messages_proto2.proto
protoc -I"$pb" --include_imports --include_source_info -o "$work/fds/unittest.pb" google/protobuf/unittest.proto
slice=$(cd "$ga" && ls google/pubsub/v1/*.proto google/spanner/v1/*.proto google/firestore/v1/*.proto \
  google/bigtable/v2/*.proto google/storage/v2/*.proto google/longrunning/*.proto google/rpc/*.proto \
  google/rpc/context/*.proto google/type/*.proto)
# shellcheck disable=SC2086
(cd "$ga" && protoc -I. -I"$wkt" --include_imports --include_source_info -o "$work/fds/gapis.pb" $slice)
echo "descriptor sets: $(ls "$work/fds" | tr '\n' ' ')"

export PROTOFORGE_RUST_FDS_DIR=$work/fds
manifest=tests/rust-compile/Cargo.toml
cargo test --manifest-path "$manifest"
# rustdoc over all generated docs; the crate denies warnings, so broken
# links, bare URLs and stray HTML tags fail here.
cargo doc --manifest-path "$manifest" --no-deps --lib
cargo build --manifest-path "$manifest" --bin roundtrip
python3 scripts/rust-roundtrip.py --corpus "$corpus" --work "$work" --bin "$CARGO_TARGET_DIR/debug/roundtrip"
