#!/usr/bin/env bash
# Compile and parity tests of the Rust backend's gRPC service code
# (issue 6): protoc 35.1 makes a descriptor set of the googleapis slice
# (pubsub, spanner, firestore, bigtable, storage, longrunning and what they
# import); tests/grpc-compile (its own cargo project) generates Rust with
# services from it and from fixtures/grpc/grpcfix.pb under several
# parameter sets, compiles it against tonic 0.14 + tonic-prost 0.14 with
# warnings denied, and compares every service module with
# tonic-prost-build 0.14's output for the same descriptors.
# Env: PROTOFORGE_CORPUS (default ../shared/corpus), PROTOFORGE_GRPC_TARGET
# (cargo target dir, shared with grpc-interop.sh; default target/grpc).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
work=$top/target/grpc-compile-work
export CARGO_TARGET_DIR=${PROTOFORGE_GRPC_TARGET:-$top/target/grpc}

if ! python3 -m grpc_tools.protoc --version 2>/dev/null | grep -q 'libprotoc 35.1'; then
  python3 -m pip install --quiet --disable-pip-version-check grpcio-tools==1.85.1
fi
rm -rf "$work"
mkdir -p "$work/fds"
wkt=$(python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
ga=$corpus/googleapis
slice=$(cd "$ga" && ls google/pubsub/v1/*.proto google/spanner/v1/*.proto google/firestore/v1/*.proto \
  google/bigtable/v2/*.proto google/storage/v2/*.proto google/longrunning/*.proto google/rpc/*.proto \
  google/rpc/context/*.proto google/type/*.proto)
# shellcheck disable=SC2086
(cd "$ga" && python3 -m grpc_tools.protoc -I. -I"$wkt" --include_imports --include_source_info \
  -o "$work/fds/gapis.pb" $slice)
services=$(python3 - "$work/fds/gapis.pb" <<'PY'
import sys
from google.protobuf import descriptor_pb2
s = descriptor_pb2.FileDescriptorSet()
s.ParseFromString(open(sys.argv[1], "rb").read())
print(sum(len(f.service) for f in s.file), sum(len(m.method) for f in s.file for m in f.service))
PY
)
echo "googleapis slice: $(echo "$services" | cut -d' ' -f1) services, $(echo "$services" | cut -d' ' -f2) methods"

export PROTOFORGE_GRPC_FDS_DIR=$work/fds
cargo test --manifest-path tests/grpc-compile/Cargo.toml -- --nocapture
# rustdoc over the generated service docs; the crate denies warnings.
cargo doc --manifest-path tests/grpc-compile/Cargo.toml --no-deps --lib
