#!/usr/bin/env python3
"""Compares protoforge's lowering (src/link/lower.rs) with protoc 35.1.

For each input, protoc (`python3 -m grpc_tools.protoc --include_source_info
--retain_options -o`) gives the reference descriptor; the ignored test
`tests/lower_corpus.rs` writes ours. Everything protoc's parser decides is
compared; masked are only what the linker decides: `type`/`type_name` of
named types, the group type name's qualification, `extendee`, method
input/output types, the contents of options messages (their presence is
compared, and `map_entry`), and in source info the part of an option
location's path after the options field (`[.., 8, 999, i]` vs the
interpreted `[.., 8, 11]`).

Usage:
  scripts/check-lower.py googleapis   # the main set, one protoc run
  scripts/check-lower.py protobuf     # every protobuf/src file, one by one
  scripts/check-lower.py files ROOT FILE...   # any files under one root
Options: --corpus DIR (default $PROTOFORGE_CORPUS or ../shared/corpus),
         --show N (diffs to print, default 5), --keep DIR (keep the .pb files).
Exit status 1 when any file differs.
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from google.protobuf import descriptor_pb2, text_format

FDP = descriptor_pb2.FieldDescriptorProto
HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)


def protoc(roots, files, out, cwd=None):
    cmd = [sys.executable, "-m", "grpc_tools.protoc", "--include_source_info",
           "--retain_options", "-o", out]
    cmd += ["-I" + r for r in roots] + list(files)
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("protoc failed: %s\n%s" % (" ".join(files[:3]), r.stderr[-2000:]))


def ours(roots, files, out, side):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(files) + "\n")
        listing = f.name
    env = dict(os.environ, LOWER_ROOTS=":".join(roots), LOWER_LIST=listing,
               LOWER_OUT=out, LOWER_SIDE=side)
    target = env.get("CARGO_TARGET_DIR", os.path.join(CRATE, "target"))
    env["CARGO_TARGET_DIR"] = target
    r = subprocess.run(["cargo", "test", "--release", "-q", "--test", "lower_corpus", "--",
                        "--ignored", "--nocapture"], cwd=CRATE, env=env,
                       capture_output=True, text=True)
    os.unlink(listing)
    if r.returncode != 0:
        raise RuntimeError("lower_corpus failed:\n" + r.stdout[-3000:] + r.stderr[-3000:])


def read_set(path):
    s = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        s.ParseFromString(f.read())
    return s


def read_side(path):
    opts, diags = {}, {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "opt":
                opts.setdefault(parts[1], {})[int(parts[2])] = int(parts[3])
            elif parts[0] == "diag":
                diags.setdefault(parts[1], []).append(parts[2])
            elif parts[0] == "load":
                diags.setdefault("<load>", []).append(parts[1])
    return opts, diags


def empty_options(msg, keep_map_entry=False):
    if msg.HasField("options"):
        map_entry = msg.options.map_entry if keep_map_entry else None
        has_me = keep_map_entry and msg.options.HasField("map_entry")
        msg.ClearField("options")
        msg.options.SetInParent()
        if has_me:
            msg.options.map_entry = map_entry


def norm_field(f, reference):
    if reference:
        if f.type in (FDP.TYPE_MESSAGE, FDP.TYPE_ENUM):
            f.ClearField("type")
            f.ClearField("type_name")
    elif not f.HasField("type") and f.type_name:
        f.ClearField("type_name")
    if f.type == FDP.TYPE_GROUP:
        f.ClearField("type_name")
    f.ClearField("extendee")
    empty_options(f)


def norm_message(m, reference):
    empty_options(m, keep_map_entry=True)
    for f in list(m.field) + list(m.extension):
        norm_field(f, reference)
    for n in m.nested_type:
        norm_message(n, reference)
    for e in m.enum_type:
        norm_enum(e)
    for o in m.oneof_decl:
        empty_options(o)
    for r in m.extension_range:
        empty_options(r)


def norm_enum(e):
    empty_options(e)
    for v in e.value:
        empty_options(v)


def normalize(fd, reference, option_locs):
    fd = descriptor_pb2.FileDescriptorProto.FromString(fd.SerializeToString())
    empty_options(fd)
    for m in fd.message_type:
        norm_message(m, reference)
    for e in fd.enum_type:
        norm_enum(e)
    for f in fd.extension:
        norm_field(f, reference)
    for s in fd.service:
        empty_options(s)
        for m in s.method:
            m.ClearField("input_type")
            m.ClearField("output_type")
            empty_options(m)
    for i, loc in enumerate(fd.source_code_info.location):
        keep = option_locs.get(i)
        if keep is not None:
            del loc.path[keep:]
    return fd


def compare(expected, actual, opts, diags, show):
    want = {f.name: f for f in expected.file}
    same, differ, shown = 0, [], 0
    for f in actual.file:
        if f.name not in want:
            differ.append((f.name, "not in protoc's output"))
            continue
        locs = opts.get(f.name, {})
        a = normalize(f, False, locs)
        e = normalize(want[f.name], True, locs)
        if a == e and not diags.get(f.name):
            same += 1
            continue
        differ.append((f.name, "differs" if a != e else "diagnostics"))
        if shown < show:
            shown += 1
            print("=== %s" % f.name)
            for d in diags.get(f.name, [])[:5]:
                print("  diag: " + d)
            if a != e:
                ta = text_format.MessageToString(a).splitlines()
                te = text_format.MessageToString(e).splitlines()
                diff = list(difflib.unified_diff(te, ta, "protoc", "ours", n=3, lineterm=""))
                print("\n".join(diff[:60]))
    return same, differ


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["googleapis", "protobuf", "files"])
    ap.add_argument("rest", nargs="*")
    ap.add_argument("--corpus", default=os.environ.get(
        "PROTOFORGE_CORPUS", os.path.join(CRATE, "..", "shared", "corpus")))
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--keep")
    a = ap.parse_args()
    corpus = os.path.abspath(a.corpus)
    tmp = a.keep or tempfile.mkdtemp(prefix="check-lower-")
    os.makedirs(tmp, exist_ok=True)
    exp_pb, our_pb, side = (os.path.join(tmp, n) for n in ("protoc.pb", "ours.pb", "side.txt"))

    if a.what == "googleapis":
        files = open(os.path.join(corpus, "googleapis-main.txt")).read().split()
        roots = [os.path.join(corpus, "googleapis"), os.path.join(corpus, "protobuf", "src")]
        protoc(roots, files, exp_pb)
        expected = read_set(exp_pb)
    elif a.what == "protobuf":
        files = open(os.path.join(corpus, "protobuf-src.txt")).read().split()
        src = os.path.join(corpus, "protobuf", "src")
        roots = [src, os.path.join(src, "google", "protobuf", "compiler", "ruby")]
        expected = descriptor_pb2.FileDescriptorSet()

        def one(i_name):
            i, name = i_name
            out = os.path.join(tmp, "p%d.pb" % i)
            protoc(roots, [name], out)
            return read_set(out)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for s in pool.map(one, enumerate(files)):
                expected.file.extend(s.file)
    else:
        if not a.rest:
            ap.error("files ROOT FILE...")
        roots, files = [a.rest[0]], a.rest[1:]
        protoc(roots, files, exp_pb)
        expected = read_set(exp_pb)

    ours(roots, files, our_pb, side)
    actual = read_set(our_pb)
    opts, diags = read_side(side)
    if diags.get("<load>"):
        print("loader: " + "; ".join(diags["<load>"][:5]))
    same, differ = compare(expected, actual, opts, diags, a.show)
    print("%s: %d files compared, %d identical (masked), %d differ"
          % (a.what, len(actual.file), same, len(differ)))
    for name, why in differ[:50]:
        print("  %s: %s" % (name, why))
    return 1 if differ or len(actual.file) != len(files) else 0


if __name__ == "__main__":
    sys.exit(main())
