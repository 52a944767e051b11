#!/usr/bin/env bash
# Regenerates fixtures/rust/rustfix.pb with protoc 35.1 (see
# fixtures/rust/README.md). The output is deterministic.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/rust"
python3 -m grpc_tools.protoc --version | grep -q 'libprotoc 35.1' || {
  echo "needs protoc 35.1: pip install grpcio-tools==1.85.1" >&2
  exit 1
}
python3 -m grpc_tools.protoc -I. --include_imports --include_source_info -o rustfix.pb \
  rustfix/scalars.proto rustfix/legacy.proto rustfix/editions.proto \
  rustfix/type/keywords.proto rustfix/nopkg.proto
