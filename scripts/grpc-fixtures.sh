#!/usr/bin/env bash
# Regenerates fixtures/grpc/grpcfix.pb with protoc 35.1 (see
# fixtures/grpc/README.md): the service fixtures, our grpc.health.v1
# schema and the seed's UserService, with imports and source info. The
# output is deterministic.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m grpc_tools.protoc --version | grep -q 'libprotoc 35.1' || {
  echo "needs protoc 35.1: pip install grpcio-tools==1.85.1" >&2
  exit 1
}
wkt=$(python3 -c 'import grpc_tools, os; print(os.path.join(os.path.dirname(grpc_tools.__file__), "_proto"))')
python3 -m grpc_tools.protoc -Ifixtures/grpc -Ifixtures -I"$wkt" --include_imports --include_source_info \
  -o fixtures/grpc/grpcfix.pb \
  grpcfix/kinds.proto grpcfix/nopkg.proto grpc/health/v1/health.proto user_service.proto
