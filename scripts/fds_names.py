#!/usr/bin/env python3
"""Compares the file names (and their order) of two FileDescriptorSets.

usage: fds_names.py EXPECTED.pb ACTUAL.pb   exit 0 when equal
"""
import sys

from google.protobuf import descriptor_pb2


def names(path):
    s = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        s.ParseFromString(f.read())
    return [f.name for f in s.file]


expected, actual = names(sys.argv[1]), names(sys.argv[2])
if expected == actual:
    print(f"{len(actual)} files, same names in the same order")
    sys.exit(0)
print(f"expected {len(expected)} files, got {len(actual)}")
for i, (e, a) in enumerate(zip(expected, actual)):
    if e != a:
        print(f"first difference at #{i}: expected {e}, got {a}")
        break
missing = set(expected) - set(actual)
extra = set(actual) - set(expected)
if missing:
    print("missing:", sorted(missing)[:10])
if extra:
    print("extra:", sorted(extra)[:10])
sys.exit(1)
