#!/usr/bin/env python3
"""A wider comparison with buf 1.75 than the hand-written fixtures: real
files from the corpus (protobuf/src and googleapis), each changed by one
random edit (a field's type, label, name or number, a deleted field, enum
value or reserved range, a renamed enum value, a package or file option
change, an RPC's streaming or types), checked by `buf breaking` and by
`protoforge breaking` with every category enabled. Findings must be the
same (rule ids, locations, messages).

  breaking-mutate.py [--count N] [--seed S] [--keep DIR]

Mutants that protoc or buf refuse to compile are skipped. protoforge reads
protoc 35.1 descriptor sets of the two sides (with --source-root), or the
directories with --dirs. Environment: BUF, PROTOFORGE, PROTOFORGE_CORPUS.
"""

import argparse
import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
spec = importlib.util.spec_from_file_location("bc", os.path.join(HERE, "breaking-compare.py"))
bc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bc)

CORPUS = os.environ.get("PROTOFORGE_CORPUS", os.path.join(ROOT, "..", "shared", "corpus"))
WKT = {f"google/protobuf/{n}.proto" for n in (
    "any api descriptor duration empty field_mask source_context struct timestamp type "
    "wrappers cpp_features java_features go_features").split()}
SCALARS = ["int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64",
           "sfixed32", "sfixed64", "bool", "string", "bytes", "double", "float"]
FIELD = re.compile(r"^(\s*)((?:optional|repeated|required)\s+)?([A-Za-z_][\w.]*)\s+([a-z_]\w*)\s*=\s*(\d+)(.*);\s*(//.*)?$")
ENUM_VALUE = re.compile(r"^(\s*)([A-Z][A-Z0-9_]*)\s*=\s*(-?\d+)(.*);\s*(//.*)?$")
RESERVED = re.compile(r"^\s*reserved\s+[^;]*;\s*$")
RPC = re.compile(r"^(\s*rpc\s+\w+\s*\(\s*)(stream\s+)?([\w.]+)(\s*\)\s*returns\s*\(\s*)(stream\s+)?([\w.]+)(.*)$")
PACKAGE = re.compile(r"^package\s+([\w.]+)\s*;")
OPTION = re.compile(r'^option\s+(go_package|java_package|java_outer_classname|csharp_namespace|objc_class_prefix|php_namespace|ruby_package|swift_prefix)\s*=\s*"([^"]*)"\s*;')


def imports_of(path):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r'\s*import\s+(?:public\s+|weak\s+|option\s+)?"([^"]+)"', line)
        if m:
            out.append(m.group(1))
    return out


def closure(name, roots):
    seen, todo = {}, [name]
    while todo:
        n = todo.pop()
        if n in seen or n in WKT:
            continue
        for r in roots:
            p = os.path.join(r, n)
            if os.path.exists(p):
                seen[n] = p
                todo.extend(imports_of(p))
                break
        else:
            return None
    return seen


def mutate(lines, rng):
    """One random edit; returns (description, new lines) or None."""
    kinds = ["type", "delete_field", "rename_field", "renumber", "label", "delete_value",
             "rename_value", "delete_reserved", "package", "option", "rpc", "json_name"]
    rng.shuffle(kinds)
    for kind in kinds:
        idx = list(range(len(lines)))
        rng.shuffle(idx)
        for i in idx:
            line = lines[i]
            new = None
            m = FIELD.match(line)
            if m and m.group(3) not in ("option", "reserved", "extensions", "package", "import", "syntax", "edition", "rpc"):
                ind, label, typ, name, num, rest, _ = m.groups()
                label = label or ""
                if kind == "type" and typ in SCALARS:
                    new = f"{ind}{label}{rng.choice([t for t in SCALARS if t != typ])} {name} = {num}{rest};"
                elif kind == "delete_field":
                    new = ""
                elif kind == "rename_field":
                    new = f"{ind}{label}{typ} {name}_renamed = {num}{rest};"
                elif kind == "renumber":
                    new = f"{ind}{label}{typ} {name} = {int(num) + 5000}{rest};"
                elif kind == "label" and label.strip() in ("optional", "repeated", "required") and "[default" not in rest:
                    other = {"optional": "repeated", "repeated": "optional", "required": "optional"}[label.strip()]
                    new = f"{ind}{other} {typ} {name} = {num}{rest};"
                elif kind == "label" and not label and typ in SCALARS and "[" not in rest:
                    new = f"{ind}repeated {typ} {name} = {num}{rest};"
                elif kind == "json_name" and "json_name" not in rest and "[" not in rest:
                    new = f'{ind}{label}{typ} {name} = {num} [json_name = "mutated"];'
            e = ENUM_VALUE.match(line)
            if new is None and e:
                ind, name, num, rest, _ = e.groups()
                if kind == "delete_value" and num != "0":
                    new = ""
                elif kind == "rename_value":
                    new = f"{ind}{name}_RENAMED = {num}{rest};"
            if new is None and kind == "delete_reserved" and RESERVED.match(line):
                new = ""
            p = PACKAGE.match(line)
            if new is None and kind == "package" and p:
                new = f"package {p.group(1)}.mutated;"
            o = OPTION.match(line)
            if new is None and kind == "option" and o:
                new = f'option {o.group(1)} = "{o.group(2)}Mutated";'
            r = RPC.match(line)
            if new is None and kind == "rpc" and r:
                a, s1, req, mid, s2, res, tail = r.groups()
                choice = rng.randrange(3)
                if choice == 0:
                    new = f"{a}{'' if s1 else 'stream '}{req}{mid}{s2 or ''}{res}{tail}"
                elif choice == 1:
                    new = f"{a}{s1 or ''}{req}{mid}{'' if s2 else 'stream '}{res}{tail}"
                else:
                    new = f"{a}{s1 or ''}{res}{mid}{s2 or ''}{req}{tail}"
            if new is not None:
                out = list(lines)
                out[i] = new
                return f"{kind} at line {i + 1}: {line.strip()!r} -> {new.strip()!r}", out
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dirs", action="store_true")
    ap.add_argument("--keep")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    buf = os.environ.get("BUF", "buf")
    exe = bc.find_exe()
    wkt = bc.wkt_dir()
    src = os.path.join(CORPUS, "protobuf", "src")
    gapi = os.path.join(CORPUS, "googleapis")
    pool = [("protobuf", n.strip(), [src]) for n in open(os.path.join(CORPUS, "protobuf-src.txt"))
            if n.strip() and n.strip() not in WKT and "compiler/ruby" not in n]
    gl = [n.strip() for n in open(os.path.join(CORPUS, "googleapis-main.txt")) if n.strip()]
    pool += [("googleapis", n, [gapi, src]) for n in rng.sample(gl, min(len(gl), 400))]
    work = a.keep or tempfile.mkdtemp(prefix="breaking-mutate-")
    passed = failed = skipped = 0
    attempts = 0
    cfg = "version: v2\nbreaking:\n  use:\n    - FILE\n    - PACKAGE\n    - WIRE_JSON\n    - WIRE\n"
    while passed + failed < a.count and attempts < a.count * 10:
        attempts += 1
        _, name, roots = rng.choice(pool)
        files = closure(name, roots)
        if not files:
            skipped += 1
            continue
        text = open(files[name], encoding="utf-8").read().split("\n")
        m = mutate(text, rng)
        if not m:
            skipped += 1
            continue
        desc, new_lines = m
        case = os.path.join(work, f"m{attempts:04d}")
        shutil.rmtree(case, ignore_errors=True)
        for side in ("old", "new"):
            for n, p in files.items():
                dst = os.path.join(case, side, n)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy(p, dst)
            open(os.path.join(case, side, "buf.yaml"), "w").write(cfg)
        open(os.path.join(case, "new", name), "w").write("\n".join(new_lines))
        open(os.path.join(case, "mutation.txt"), "w").write(f"{name}: {desc}\n")
        try:
            for side in ("old", "new"):
                bc.make_set(os.path.join(case, side), os.path.join(case, side + ".pb"), wkt)
            expected = bc.run_buf(buf, case)
            if any(t[5] == "COMPILE" for t in expected):
                raise RuntimeError("buf did not compile it")
        except (subprocess.CalledProcessError, RuntimeError):
            skipped += 1
            shutil.rmtree(case, ignore_errors=True)
            continue
        try:
            got = bc.run_ours(exe, case, a.dirs)
        except RuntimeError as e:
            got = {("error", 0, 0, 0, 0, "ERROR", str(e)[:200])}
        if got == expected:
            passed += 1
            if not a.keep:
                shutil.rmtree(case, ignore_errors=True)
        else:
            failed += 1
            print(f"DIFF {case} {name}: {desc}")
            for t in sorted(expected - got, key=str):
                print("  buf only:        ", t)
            for t in sorted(got - expected, key=str):
                print("  protoforge only: ", t)
    print(f"{skipped} mutants skipped (did not compile or no edit applied)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
