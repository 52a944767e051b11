#!/usr/bin/env python3
"""Wire round trip between Python protobuf and protoforge's generated Rust.

For each target message a fully populated instance is built with the code
protoc 35.1 generates for Python: every field set (one member per oneof,
rotating through the members over several instances), nested messages
populated down to depth 2, repeated fields and maps with two entries.
Python encodes it; the `roundtrip` binary of tests/rust-compile decodes it
with the generated Rust types and encodes it again; Python decodes that and
must get an equal message. The two encodings must also have the same shape
on the wire (same records, same packed/expanded and group/length-prefixed
choices), compared field by field without regard to order.

Usage: rust-roundtrip.py --corpus DIR --work DIR --bin PATH
(`--work` must hold fds/<set>.pb made by scripts/rust-compile-test.sh).
Prints one line per instance and a closing "N passed, N failed" line.
"""

import argparse
import importlib
import os
import subprocess
import sys

# set name, include root (relative to the corpus), proto file with the
# message, message full name.
TARGETS = [
    ("tm3", "protobuf/src", "google/protobuf/test_messages_proto3.proto",
     "protobuf_test_messages.proto3.TestAllTypesProto3"),
    ("tm2", "protobuf/src", "google/protobuf/test_messages_proto2.proto",
     "protobuf_test_messages.proto2.TestAllTypesProto2"),
    ("unittest", "protobuf/src", "google/protobuf/unittest.proto",
     "proto2_unittest.TestAllTypes"),
    ("unittest", "protobuf/src", "google/protobuf/unittest.proto",
     "proto2_unittest.TestPackedTypes"),
    ("unittest", "protobuf/src", "google/protobuf/unittest.proto",
     "proto2_unittest.TestUnpackedTypes"),
    ("gapis", "googleapis", "google/pubsub/v1/pubsub.proto",
     "google.pubsub.v1.PubsubMessage"),
]

# Files the Python runtime ships itself.
RUNTIME_FILES = {
    "google/protobuf/" + n for n in (
        "any.proto", "api.proto", "duration.proto", "empty.proto",
        "field_mask.proto", "source_context.proto", "struct.proto",
        "timestamp.proto", "type.proto", "wrappers.proto", "descriptor.proto",
        "compiler/plugin.proto", "cpp_features.proto", "java_features.proto",
        "go_features.proto")
}

MAX_DEPTH = 2


def wkt_dir():
    import grpc_tools
    return os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")


def files_in_set(path):
    from google.protobuf import descriptor_pb2
    s = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        s.ParseFromString(f.read())
    return [f.name for f in s.file]


def gen_python(corpus, work, set_name, root):
    """protoc --python_out for every file of the set Python lacks."""
    files = [f for f in files_in_set(os.path.join(work, "fds", set_name + ".pb"))
             if f not in RUNTIME_FILES]
    out = os.path.join(work, "py")
    os.makedirs(out, exist_ok=True)
    cmd = [sys.executable, "-m", "grpc_tools.protoc", "-I" + os.path.join(corpus, root),
           "-I" + wkt_dir(), "--python_out=" + out] + files
    subprocess.run(cmd, check=True)
    return out


def synthetic_oneofs(desc):
    """Names of proto3 `optional` oneofs of a message descriptor."""
    from google.protobuf import descriptor_pb2
    p = descriptor_pb2.DescriptorProto()
    desc.CopyToProto(p)
    names = set()
    for f in p.field:
        if f.proto3_optional and f.HasField("oneof_index"):
            names.add(p.oneof_decl[f.oneof_index].name)
    return names


def values(f, salt):
    """Two distinct non-default values for a scalar or enum field."""
    from google.protobuf.descriptor import FieldDescriptor as F
    n = f.number + salt
    t = f.type
    if t in (F.TYPE_INT32, F.TYPE_SFIXED32):
        return [-(n + 100), 2**31 - 1]
    if t == F.TYPE_SINT32:
        return [-n - 1, -2**31]
    if t in (F.TYPE_INT64, F.TYPE_SFIXED64):
        return [-(n + 2**40), 2**63 - 1]
    if t == F.TYPE_SINT64:
        return [-n - 1, -2**63]
    if t in (F.TYPE_UINT32, F.TYPE_FIXED32):
        return [n + 1, 2**32 - 1]
    if t in (F.TYPE_UINT64, F.TYPE_FIXED64):
        return [n + 1, 2**64 - 1]
    if t == F.TYPE_FLOAT:
        return [n + 0.5, -0.25]
    if t == F.TYPE_DOUBLE:
        return [n + 0.125, -1e300]
    if t == F.TYPE_BOOL:
        return [True, False]
    if t == F.TYPE_STRING:
        return ["s%d-\u00e9" % n, "\u00fc"]
    if t == F.TYPE_BYTES:
        return [bytes([0, 255, n % 256]), b"\x01"]
    if t == F.TYPE_ENUM:
        nums = [v.number for v in f.enum_type.values]
        nonzero = [v for v in nums if v != 0] or nums
        return [nonzero[-1], nonzero[0]]
    raise ValueError("unexpected type %r for %s" % (t, f.full_name))


def is_message(f):
    from google.protobuf.descriptor import FieldDescriptor as F
    return f.type in (F.TYPE_MESSAGE, F.TYPE_GROUP)


def populate(msg, depth, variant):
    desc = msg.DESCRIPTOR
    synthetic = synthetic_oneofs(desc)
    if depth > 0:
        msg.SetInParent()
    for f in desc.fields:
        oneof = f.containing_oneof
        if oneof is not None and oneof.name not in synthetic:
            members = list(oneof.fields)
            if members[variant % len(members)] is not f:
                continue
        if f.is_repeated and is_message(f) and f.message_type.GetOptions().map_entry:
            kf = f.message_type.fields_by_name["key"]
            vf = f.message_type.fields_by_name["value"]
            m = getattr(msg, f.name)
            for i, k in enumerate(values(kf, variant)):
                if is_message(vf):
                    if depth < MAX_DEPTH:
                        populate(m[k], depth + 1, variant + i)
                    else:
                        m[k].SetInParent()
                else:
                    m[k] = values(vf, variant)[i]
        elif f.is_repeated:
            r = getattr(msg, f.name)
            if is_message(f):
                for i in range(2):
                    sub = r.add()
                    if depth < MAX_DEPTH:
                        populate(sub, depth + 1, variant + i)
                    else:
                        fill_required(sub, depth + 1)
            else:
                r.extend(values(f, variant))
        elif is_message(f):
            if depth < MAX_DEPTH:
                populate(getattr(msg, f.name), depth + 1, variant)
            elif f.is_required:
                fill_required(getattr(msg, f.name), depth + 1)
        else:
            setattr(msg, f.name, values(f, variant)[0])


def fill_required(msg, depth):
    """Sets only required fields (for messages past the depth limit)."""
    msg.SetInParent()
    if depth > 8:
        return
    for f in msg.DESCRIPTOR.fields:
        if not f.is_required:
            continue
        if is_message(f):
            fill_required(getattr(msg, f.name), depth + 1)
        else:
            setattr(msg, f.name, values(f, 0)[0])


def varint(b, i):
    v = 0
    shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def records(b, i=0, end=None, end_group=None):
    """Wire records (number, wire type, payload) up to `end` or an end-group."""
    end = len(b) if end is None else end
    out = []
    while i < end:
        key, i = varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            start = i
            _, i = varint(b, i)
            out.append((num, wt, b[start:i]))
        elif wt == 1:
            out.append((num, wt, b[i:i + 8]))
            i += 8
        elif wt == 5:
            out.append((num, wt, b[i:i + 4]))
            i += 4
        elif wt == 2:
            n, i = varint(b, i)
            out.append((num, wt, b[i:i + n]))
            i += n
        elif wt == 3:
            inner, i = records(b, i, end, end_group=num)
            out.append((num, wt, inner))
        elif wt == 4:
            if num != end_group:
                raise ValueError("unbalanced end group %d" % num)
            return out, i
        else:
            raise ValueError("bad wire type %d" % wt)
    if end_group is not None:
        raise ValueError("unterminated group %d" % end_group)
    return out, i


def canon(b, desc):
    """Order-independent shape of an encoding, guided by the schema."""
    return canon_records(records(b)[0], desc)


ZERO = {0: b"\x00", 1: b"\x00" * 8, 2: b"", 5: b"\x00" * 4}


def canon_records(recs, desc):
    out = []
    # In map entries a key or value equal to its default may be left out
    # (prost does, Python does not).
    map_entry = desc is not None and desc.GetOptions().map_entry
    for num, wt, payload in recs:
        if map_entry and ZERO.get(wt) == bytes(payload if wt != 3 else b"?"):
            continue
        f = desc.fields_by_number.get(num) if desc is not None else None
        sub = f.message_type if f is not None and is_message(f) else None
        if wt == 3:
            out.append((num, wt, canon_records(payload, sub)))
        elif wt == 2 and sub is not None:
            out.append((num, wt, canon(payload, sub)))
        else:
            out.append((num, wt, bytes(payload)))
    return tuple(sorted(out, key=repr))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--bin", required=True)
    args = ap.parse_args()

    py = None
    for set_name, root in sorted({(t[0], t[1]) for t in TARGETS}):
        py = gen_python(args.corpus, args.work, set_name, root)
    sys.path.insert(0, py)
    import google.protobuf
    google.protobuf.__path__.append(os.path.join(py, "google", "protobuf"))

    passed = failed = 0
    tmp = os.path.join(args.work, "roundtrip")
    os.makedirs(tmp, exist_ok=True)
    for set_name, _, proto, full_name in TARGETS:
        module = importlib.import_module(proto[:-len(".proto")].replace("/", ".") + "_pb2")
        cls = getattr(module, full_name.rsplit(".", 1)[1])
        oneof_sizes = [len(o.fields) for o in cls.DESCRIPTOR.oneofs
                       if o.name not in synthetic_oneofs(cls.DESCRIPTOR)]
        for variant in range(max(oneof_sizes + [1])):
            msg = cls()
            populate(msg, 0, variant)
            data = msg.SerializeToString()
            src = os.path.join(tmp, "%s.%d.in" % (set_name, variant))
            dst = os.path.join(tmp, "%s.%d.out" % (set_name, variant))
            with open(src, "wb") as f:
                f.write(data)
            label = "%s #%d (%d bytes)" % (full_name, variant, len(data))
            r = subprocess.run([args.bin, full_name, src, dst], capture_output=True, text=True)
            problem = None
            if r.returncode != 0:
                problem = "rust: " + r.stderr.strip()
            else:
                with open(dst, "rb") as f:
                    again = f.read()
                back = cls()
                back.ParseFromString(again)
                if back != msg:
                    problem = "decoded message differs"
                    for fd in cls.DESCRIPTOR.fields:
                        a = getattr(msg, fd.name)
                        b = getattr(back, fd.name)
                        if a != b:
                            problem += "; field %s: %r != %r" % (fd.name, a, b)
                            break
                elif canon(data, cls.DESCRIPTOR) != canon(again, cls.DESCRIPTOR):
                    problem = "same message but a different wire shape"
            if problem:
                failed += 1
                print("FAIL %s: %s" % (label, problem))
            else:
                passed += 1
                print("ok   %s" % label)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
