#!/usr/bin/env python3
"""Compares `protoforge breaking` with `buf breaking` (buf 1.75) on the
old/new pairs under fixtures/breaking/.

For every case directory <case>/{old,new}/ (directories starting with "_"
are ours only and skipped):

  * buf runs on the two directories: `buf breaking <case>/new --against
    <case>/old --error-format json`;
  * protoforge runs either on descriptor sets that protoc 35.1 made from the
    same directories (default; `<case>/{old,new}.pb`, with source info and
    imports), or on the directories themselves (`--dirs`, once our linker
    writes full descriptors).

Findings are compared as (path relative to the input directory, start and
end line/column, rule id, message). Exit status 1 on any difference.

  --record   also write <case>/buf.json (buf's findings, paths relative to
             the input directory) and regenerate <case>/{old,new}.pb;
             tests/breaking.rs checks protoforge against these files.
  --offline  use the recorded buf.json instead of running buf.

Environment: BUF (buf binary; default: installed by
scripts/breaking-compare.sh), PROTOFORGE (binary; default target/release or
target/debug), PYTHON (for protoc).
"""

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures", "breaking")


def wkt_dir():
    out = subprocess.run(
        [os.environ.get("PYTHON", "python3"), "-c",
         "import grpc_tools,os;print(os.path.join(os.path.dirname(grpc_tools.__file__),'_proto'))"],
        check=True, capture_output=True, text=True)
    return out.stdout.strip()


def module_roots(side_dir):
    """Module roots of a side, read from its buf.yaml (v1beta1 build.roots,
    v2 modules[].path) with a small line parser: enough for our fixtures."""
    path = os.path.join(side_dir, "buf.yaml")
    if not os.path.exists(path):
        return ["."]
    roots, section, in_list = [], None, None
    for raw in open(path):
        line = raw.rstrip("\n")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            section = stripped.rstrip(":")
            in_list = None
            continue
        if section == "build" and stripped == "roots:":
            in_list = "roots"
            continue
        if section == "build" and in_list == "roots" and stripped.startswith("- "):
            roots.append(stripped[2:].strip())
            continue
        if section == "modules" and stripped.startswith("- path:"):
            roots.append(stripped.split(":", 1)[1].strip())
    return [r.strip("./") or "." for r in roots] or ["."]


def proto_files(side_dir, root):
    base = os.path.join(side_dir, root)
    out = []
    for dirpath, _, names in os.walk(base):
        for n in names:
            if n.endswith(".proto"):
                out.append(os.path.relpath(os.path.join(dirpath, n), base))
    return sorted(out)


def make_set(side_dir, out_path, wkt):
    roots = module_roots(side_dir)
    args = [os.environ.get("PYTHON", "python3"), "-m", "grpc_tools.protoc"]
    for r in roots:
        args.append("-I" + os.path.join(side_dir, r))
    args += ["-I" + wkt, "--include_imports", "--include_source_info",
             "--descriptor_set_out=" + out_path]
    for r in roots:
        args += proto_files(side_dir, r)
    subprocess.run(args, check=True, capture_output=True, text=True)


def norm(findings, prefix, roots_dir=None):
    """Set of comparable tuples; paths made relative to the input dir.
    `roots_dir` maps bare file names (descriptor-set output) back under
    their module root."""
    out = set()
    for f in findings:
        path = f.get("path")
        if path is not None:
            if prefix and path.startswith(prefix):
                path = path[len(prefix):]
            elif roots_dir is not None:
                for r in module_roots(roots_dir):
                    if r != "." and os.path.exists(os.path.join(roots_dir, r, path)):
                        path = r + "/" + path
                        break
        out.add((path, f["start_line"], f["start_column"], f["end_line"],
                 f["end_column"], f["type"], f["message"]))
    return out


def parse_json_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.strip().startswith("{")]


def run_buf(buf, case_dir):
    new, old = os.path.join(case_dir, "new"), os.path.join(case_dir, "old")
    p = subprocess.run([buf, "breaking", new, "--against", old, "--error-format", "json"],
                       capture_output=True, text=True)
    if p.returncode not in (0, 100):
        raise RuntimeError(f"buf failed on {case_dir}: {p.stderr or p.stdout}")
    return norm(parse_json_lines(p.stdout), new + "/")


def run_ours(exe, case_dir, dirs):
    new, old = os.path.join(case_dir, "new"), os.path.join(case_dir, "old")
    if dirs:
        args = [exe, "breaking", new, "--against", old]
    else:
        args = [exe, "breaking", os.path.join(case_dir, "new.pb"),
                "--against", os.path.join(case_dir, "old.pb")]
        cfg = os.path.join(new, "buf.yaml")
        if os.path.exists(cfg):
            args += ["--config", cfg]
        roots = module_roots(new)
        if len(roots) == 1:
            args += ["--source-root", os.path.join(new, roots[0]),
                     "--against-source-root", os.path.join(old, module_roots(old)[0])]
    p = subprocess.run(args + ["--error-format", "json"], capture_output=True, text=True)
    if p.returncode not in (0, 100):
        raise RuntimeError(f"protoforge failed on {case_dir}: {p.stderr or p.stdout}")
    return norm(parse_json_lines(p.stdout), new + "/", None if dirs else new)


def to_json_lines(findings):
    rows = sorted(findings, key=lambda t: (t[0] or "", t[1:]))
    out = []
    for path, sl, sc, el, ec, typ, msg in rows:
        d = {}
        if path is not None:
            d["path"] = path
        d.update(start_line=sl, start_column=sc, end_line=el, end_column=ec, type=typ, message=msg)
        out.append(json.dumps(d, ensure_ascii=False))
    return "".join(l + "\n" for l in out)


def find_exe():
    if os.environ.get("PROTOFORGE"):
        return os.environ["PROTOFORGE"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    for kind in ("release", "debug"):
        p = os.path.join(target, kind, "protoforge")
        if os.path.exists(p):
            return p
    sys.exit("protoforge binary not found; build it or set PROTOFORGE")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--offline", action="store_true")
    ap.add_argument("--dirs", action="store_true")
    ap.add_argument("--fixtures", default=FIXTURES)
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    buf = os.environ.get("BUF", "buf")
    exe = find_exe()
    wkt = wkt_dir()
    names = a.cases or sorted(n for n in os.listdir(a.fixtures)
                              if not n.startswith("_")
                              and os.path.isdir(os.path.join(a.fixtures, n, "new")))
    if a.record and not a.cases:
        # Our own cases (no buf counterpart) still need descriptor sets.
        for n in sorted(os.listdir(a.fixtures)):
            d = os.path.join(a.fixtures, n)
            if n.startswith("_") and os.path.isdir(os.path.join(d, "new")):
                for side in ("old", "new"):
                    make_set(os.path.join(d, side), os.path.join(d, side + ".pb"), wkt)
    passed = failed = 0
    rules_seen = set()
    for name in names:
        case_dir = os.path.join(a.fixtures, name)
        if a.record or not os.path.exists(os.path.join(case_dir, "new.pb")):
            for side in ("old", "new"):
                make_set(os.path.join(case_dir, side), os.path.join(case_dir, side + ".pb"), wkt)
        golden = os.path.join(case_dir, "buf.json")
        if a.offline:
            expected = norm(parse_json_lines(open(golden).read()), None)
        else:
            expected = run_buf(buf, case_dir)
            if a.record:
                open(golden, "w").write(to_json_lines(expected))
        got = run_ours(exe, case_dir, a.dirs)
        rules_seen |= {t[5] for t in expected}
        if got == expected:
            passed += 1
            print(f"ok   {name} ({len(expected)} findings)")
        else:
            failed += 1
            print(f"DIFF {name}")
            for t in sorted(expected - got, key=str):
                print("  buf only:        ", t)
            for t in sorted(got - expected, key=str):
                print("  protoforge only: ", t)
    print(f"rules fired by buf across the cases: {len(rules_seen)}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
