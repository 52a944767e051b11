//! The check stage against protoc 35.1, over `fixtures/errors/<family>/`.
//!
//! Every top-level `X.proto` of a family directory is compiled with that
//! directory as the include root (files in subdirectories are only imported).
//! protoc's output for it, recorded by `fixtures/errors/protoc-expected.sh`,
//! is in `X.expected-protoc`; our `--error-format gcc` output must equal it
//! line for line, with one allowance: where protoc prints a diagnostic with
//! no position (`file: message`), ours may carry one (`file:line:col:
//! message`). `X.ok.proto` files are the quiet twins (no output at all);
//! `X.warn.proto` ones are accepted with warnings.
//!
//! Each family also has an insta snapshot of our gcc and human output for
//! all its fixtures (`tests/snapshots/check_fixtures__<family>.snap`).
//! Regenerate with `INSTA_UPDATE=always cargo test --test check_fixtures`
//! and review before keeping.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use protoforge::compile::{compile, CompileOptions};
use protoforge::diagnostics::{render, ErrorFormat};

/// Fixtures whose protoc output we do not reproduce exactly, and why. They
/// must still be rejected, with our first error on protoc's first line.
const KNOWN: &[(&str, &str)] = &[
    (
        "imports/import_of_file_with_errors.proto",
        "a file whose import failed is not checked further; protoc goes on and reports its unresolved types",
    ),
    (
        "maps/map_entry_conflicts_field.proto",
        "same lines as protoc; protoc reports the unresolved field type before the map-entry conflict",
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/errors")
}

fn families() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root())
        .expect("fixtures/errors")
        .filter_map(|e| {
            let e = e.ok()?;
            e.file_type()
                .ok()?
                .is_dir()
                .then(|| e.file_name().into_string().ok())?
        })
        .collect();
    out.sort();
    out
}

fn fixtures(family: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join(family))
        .expect("family dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".proto"))
        .collect();
    out.sort();
    out
}

/// Our gcc and human output for one fixture.
fn run(family: &str, name: &str) -> (String, String, bool) {
    let opts = CompileOptions {
        roots: vec![root().join(family)],
        builtin_wkt: true,
        ..Default::default()
    };
    let c = compile(&[name.to_string()], &opts);
    let sources = c.sources();
    let mut gcc = Vec::new();
    render(&c.diagnostics, &sources, ErrorFormat::Gcc, false, &mut gcc).unwrap();
    let mut human = Vec::new();
    render(
        &c.diagnostics,
        &sources,
        ErrorFormat::Human,
        false,
        &mut human,
    )
    .unwrap();
    (
        String::from_utf8(gcc).unwrap(),
        String::from_utf8(human).unwrap(),
        c.has_errors(),
    )
}

/// `file:line:col: message` → (file, Some("line:col"), message).
fn split(line: &str) -> (String, Option<String>, String) {
    let Some((file, rest)) = line
        .split_once(": ")
        .map(|(a, b)| (a.to_string(), b.to_string()))
    else {
        return (String::new(), None, line.to_string());
    };
    let mut parts = file.rsplitn(3, ':');
    let (c, l, f) = (parts.next(), parts.next(), parts.next());
    match (f, l, c) {
        (Some(f), Some(l), Some(c))
            if l.bytes().all(|b| b.is_ascii_digit()) && c.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (f.to_string(), Some(format!("{l}:{c}")), rest)
        }
        _ => (file, None, rest),
    }
}

/// Whether our line says what protoc's says (protoc may omit the position).
fn same(protoc: &str, ours: &str) -> bool {
    if protoc == ours {
        return true;
    }
    let (pf, ppos, pmsg) = split(protoc);
    let (of, _, omsg) = split(ours);
    ppos.is_none() && pf == of && pmsg == omsg
}

fn first_line(s: &str) -> Option<String> {
    s.lines()
        .next()
        .and_then(|l| split(l).1)
        .map(|p| p.split(':').next().unwrap().to_string())
}

#[test]
fn fixtures_match_protoc() {
    let mut failures = Vec::new();
    let mut total = 0;
    let mut exact = 0;
    for family in families() {
        for name in fixtures(&family) {
            total += 1;
            let key = format!("{family}/{name}");
            let expected_path = root()
                .join(&family)
                .join(name.replace(".proto", ".expected-protoc"));
            let expected = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
            let (gcc, _, rejected) = run(&family, &name);
            if gcc == expected {
                exact += 1;
            }
            let should_reject = !name.ends_with(".ok.proto") && !name.ends_with(".warn.proto");
            if rejected != should_reject {
                failures.push(format!(
                    "{key}: rejected = {rejected}, protoc rejects = {should_reject}\n{gcc}"
                ));
                continue;
            }
            if let Some((_, why)) = KNOWN.iter().find(|(k, _)| *k == key) {
                let (p, o) = (first_line(&expected), first_line(&gcc));
                if p.is_some() && p != o {
                    failures.push(format!(
                        "{key} ({why}): first error on line {o:?}, protoc {p:?}"
                    ));
                }
                continue;
            }
            let mut e: Vec<&str> = expected.lines().collect();
            let mut g: Vec<&str> = gcc.lines().collect();
            // protoc keeps a file's unused imports in a hash set: their
            // order varies from run to run.
            if e.iter().any(|l| l.ends_with(" is unused.")) {
                e.sort_unstable();
                g.sort_unstable();
            }
            if e.len() != g.len() || e.iter().zip(&g).any(|(a, b)| !same(a, b)) {
                failures.push(format!("{key}:\n--- protoc\n{expected}--- ours\n{gcc}"));
            }
        }
    }
    assert!(total >= 150, "only {total} fixtures");
    eprintln!("{exact}/{total} fixtures byte-identical to protoc");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn snapshots() {
    for family in families() {
        let mut out = String::new();
        for name in fixtures(&family) {
            let (gcc, human, _) = run(&family, &name);
            let _ = writeln!(out, "=== {name}\n--- gcc\n{gcc}--- human\n{human}");
        }
        insta::assert_snapshot!(family.clone(), out);
    }
}
