#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets under fuzz/corpus/<target>/
# from our own fixtures (never from the read-only corpus): .proto files for
# the lexer, the parser and the compiler; old/new pairs joined by a 0xff
# byte for `breaking`; CodeGeneratorRequests captured from protoc 35.1 (and
# our descriptor sets) for plugin decoding. Idempotent; existing corpus
# entries found by earlier runs are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
corpus=$top/fuzz/corpus
mkdir -p "$corpus"/{lexer,parser,compile,plugin_request,breaking}

# Text targets: every fixture .proto up to 64 KiB.
n=0
while IFS= read -r -d '' f; do
  h=$(sha1sum "$f" | cut -c1-16)
  for t in lexer parser compile; do cp "$f" "$corpus/$t/seed-$h"; done
  n=$((n + 1))
done < <(find fixtures -name '*.proto' -size -64k -print0)
echo "text seeds: $n"

# breaking: files present on both sides of a fixture pair, old then new.
n=0
for case in fixtures/breaking/*/; do
  [ -d "$case/old" ] && [ -d "$case/new" ] || continue
  while IFS= read -r -d '' o; do
    rel=${o#"$case"old/}
    nf="$case/new/$rel"
    [ -f "$nf" ] || continue
    out="$corpus/breaking/seed-$(printf '%s' "$case$rel" | sha1sum | cut -c1-16)"
    { cat "$nf"; printf '\377'; cat "$o"; } > "$out"
    n=$((n + 1))
  done < <(find "${case}old" -name '*.proto' -print0)
done
echo "breaking seeds: $n"

# plugin_request: real requests from protoc, via a plugin that saves its
# input; plus our descriptor sets (field 15 of a request has the same
# shape as field 1 of a set, and decoders see both).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/protoc-gen-dump" <<'SH'
#!/bin/sh
cat > "$DUMP_TO"
# An empty CodeGeneratorResponse.
SH
chmod +x "$tmp/protoc-gen-dump"
n=0
for f in fixtures/user_service.proto $(find fixtures/parse fixtures/rust fixtures/lower -name '*.proto' -size -16k 2>/dev/null | sort | head -40); do
  dir=$(dirname "$f")
  out="$corpus/plugin_request/req-$(printf '%s' "$f" | sha1sum | cut -c1-16)"
  DUMP_TO=$out python3 -m grpc_tools.protoc -I "$dir" --plugin=protoc-gen-dump="$tmp/protoc-gen-dump" \
    --dump_out=param1,x=y:"$tmp" "$f" 2>/dev/null || rm -f "$out"
  [ -s "$out" ] && n=$((n + 1))
done
for f in fixtures/breaking/*/new.pb; do
  cp "$f" "$corpus/plugin_request/set-$(printf '%s' "$f" | sha1sum | cut -c1-16)"
  n=$((n + 1))
done
# A few plugin responses: the shapes protoforge reads back.
python3 - "$corpus/plugin_request" <<'PY'
import sys, os
from google.protobuf.compiler import plugin_pb2
d = sys.argv[1]
r = plugin_pb2.CodeGeneratorResponse()
r.supported_features = 3
r.minimum_edition = 998
r.maximum_edition = 1001
f = r.file.add(); f.name = "a/b.rs"; f.content = "pub struct A;\n"
f = r.file.add(); f.name = "a/b.rs"; f.insertion_point = "scope"; f.content = "// x\n"
open(os.path.join(d, "resp-files"), "wb").write(r.SerializeToString())
e = plugin_pb2.CodeGeneratorResponse(); e.error = "bad parameter"
open(os.path.join(d, "resp-error"), "wb").write(e.SerializeToString())
PY
echo "plugin seeds: $((n + 2))"
