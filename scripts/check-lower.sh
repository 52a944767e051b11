#!/bin/sh
# Compares our lowering with protoc 35.1 over the corpus; see check-lower.py.
#   scripts/check-lower.sh            # googleapis main set and protobuf/src
#   scripts/check-lower.sh protobuf   # one of them
set -e
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  status=0
  python3 scripts/check-lower.py googleapis || status=1
  python3 scripts/check-lower.py protobuf || status=1
  exit $status
fi
exec python3 scripts/check-lower.py "$@"
