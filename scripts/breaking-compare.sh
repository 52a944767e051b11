#!/usr/bin/env bash
# Compares `protoforge breaking` with buf 1.75 on fixtures/breaking/ (every
# case) and on random one-edit mutants of corpus files, as CI runs it.
#
#   scripts/breaking-compare.sh            # fixtures + 40 mutants
#   MUTANTS=0 scripts/breaking-compare.sh  # fixtures only
#   DIRS=1 ...                             # protoforge reads the directories
#                                          # (needs the full linker)
#
# buf is installed from npm (@bufbuild/buf@1.75.0) into target/buf-1.75 unless
# BUF names a binary. Needs python3 with grpcio-tools (protoc 35.1).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
if [ -z "${BUF:-}" ]; then
  prefix=${BUF_PREFIX:-$top/target/buf-1.75}
  if [ ! -x "$prefix/node_modules/.bin/buf" ]; then
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --prefix "$prefix" @bufbuild/buf@1.75.0 >/dev/null
  fi
  export BUF=$prefix/node_modules/.bin/buf
fi
"$BUF" --version | grep -q '^1\.75\.' || { echo "need buf 1.75, got $("$BUF" --version)"; exit 1; }
if [ -z "${PROTOFORGE:-}" ]; then
  cargo build --release --quiet
  export PROTOFORGE=${CARGO_TARGET_DIR:-$top/target}/release/protoforge
fi
export PROTOFORGE_CORPUS=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
dirs=()
[ -n "${DIRS:-}" ] && dirs=(--dirs)
python3 scripts/breaking-compare.py "${dirs[@]}"
if [ "${MUTANTS:-40}" != 0 ]; then
  python3 scripts/breaking-mutate.py "${dirs[@]}" --count "${MUTANTS:-40}" --seed "${SEED:-7}"
fi
