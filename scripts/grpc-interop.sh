#!/usr/bin/env bash
# gRPC interop of protoforge's generated Rust with Python grpcio (issue 6),
# on loopback only, every process bounded in time and killed at the end:
#  1. our grpc.health.v1 schema has grpcio-health-checking's wire contract;
#  2. examples/user-service (server and client built from code protoforge
#     generates in build.rs) passes its own tests;
#  3. the example's Rust server answers a grpcio client whose stubs protoc
#     35.1 made from the same fixtures/user_service.proto: all four call
#     patterns, metadata, status codes, expired deadlines, an unknown
#     method, and health checks through grpcio-health-checking; then it
#     shuts down gracefully on SIGTERM;
#  4. the example's Rust client passes all its checks against a grpcio
#     server implementing the same service.
# Env: PROTOFORGE_GRPC_TARGET (cargo target dir, shared with
# grpc-compile-test.sh; default target/grpc).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
work=$top/target/grpc-interop-work
export CARGO_TARGET_DIR=${PROTOFORGE_GRPC_TARGET:-$top/target/grpc}
token=interop-$$-$RANDOM

want() { python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('$1') != '$2')" 2>/dev/null; }
if ! want grpcio 1.85.1 || ! want grpcio-tools 1.85.1 || ! want grpcio-health-checking 1.85.1; then
  python3 -m pip install --quiet --disable-pip-version-check \
    grpcio==1.85.1 grpcio-tools==1.85.1 grpcio-health-checking==1.85.1
fi
# Code from protoc 35.1 needs a 7.35+ Python protobuf runtime.
if ! python3 -c 'import sys, google.protobuf as p; v = tuple(int(x) for x in p.__version__.split(".")[:2]); sys.exit(v < (7, 35))' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'protobuf>=7.35.1,<8'
fi
python3 -m grpc_tools.protoc --version | grep -q 'libprotoc 35.1'

rm -rf "$work"
mkdir -p "$work/py"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "--- health schema"
python3 -m grpc_tools.protoc -Ifixtures/grpc -o "$work/health.pb" grpc/health/v1/health.proto
python3 scripts/grpc-interop.py schema --fds "$work/health.pb"

echo "--- Python stubs (protoc 35.1)"
python3 -m grpc_tools.protoc -Ifixtures --python_out="$work/py" --grpc_python_out="$work/py" user_service.proto
ls "$work/py"

echo "--- example: build and own tests"
manifest=examples/user-service/Cargo.toml
cargo build --manifest-path "$manifest" --bins
cargo test --manifest-path "$manifest"
bin=$CARGO_TARGET_DIR/debug

# Waits (at most 30 s) for "listening on ADDR" in $1; prints ADDR.
listening() {
  for _ in $(seq 300); do
    if addr=$(grep -m1 -o 'listening on .*' "$1" 2>/dev/null); then
      echo "${addr#listening on }"
      return 0
    fi
    sleep 0.1
  done
  echo "no 'listening on' in $1" >&2
  cat "$1" >&2
  return 1
}

# Sends SIGTERM to $1 and waits at most 15 s for it to exit 0.
stop() {
  kill -TERM "$1"
  for _ in $(seq 150); do
    if ! kill -0 "$1" 2>/dev/null; then
      wait "$1"
      return $?
    fi
    sleep 0.1
  done
  echo "process $1 did not stop within 15 s of SIGTERM" >&2
  return 1
}

echo "--- grpcio client -> Rust server"
"$bin/server" --addr 127.0.0.1:0 --token "$token" >"$work/rust-server.out" 2>"$work/rust-server.err" &
server=$!
pids+=("$server")
addr=$(listening "$work/rust-server.out")
echo "Rust server on $addr"
timeout 120 python3 scripts/grpc-interop.py client --stubs "$work/py" --target "$addr" --token "$token"
stop "$server"
grep -q 'shut down cleanly' "$work/rust-server.out" || { cat "$work/rust-server.err" >&2; exit 1; }
echo "Rust server: shut down cleanly on SIGTERM"

echo "--- Rust client -> grpcio server"
timeout 300 python3 scripts/grpc-interop.py server --stubs "$work/py" --port 0 --token "$token" --max-seconds 240 \
  >"$work/py-server.out" 2>"$work/py-server.err" &
pyserver=$!
pids+=("$pyserver")
addr=$(listening "$work/py-server.out")
echo "grpcio server on $addr"
if ! timeout 120 "$bin/client" --target "http://$addr" --token "$token"; then
  cat "$work/py-server.err" >&2
  exit 1
fi
stop "$pyserver"
echo "interop: both directions passed"
