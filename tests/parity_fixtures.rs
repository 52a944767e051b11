//! Byte-for-byte parity with protoc 35.1 on our own fixtures, without
//! protoc: every `fixtures/parity/NAME.proto` is compiled with
//! `--include_imports` in the three output modes and compared with the
//! goldens `fixtures/parity/regen.sh` wrote with protoc 35.1 (`NAME.pb`,
//! `NAME.retain.pb`, `NAME.source.pb`).

use std::path::{Path, PathBuf};

use protoforge::compile::{compile, compile_then_exit, CompileOptions};
use protoforge::descriptor::{decode, encode_to_vec, FileDescriptorProto, FileDescriptorSet};

#[derive(Clone, Copy, Debug)]
enum Mode {
    Default,
    Retain,
    SourceInfo,
}

impl Mode {
    const ALL: [Mode; 3] = [Mode::Default, Mode::Retain, Mode::SourceInfo];

    fn suffix(self) -> &'static str {
        match self {
            Mode::Default => "pb",
            Mode::Retain => "retain.pb",
            Mode::SourceInfo => "source.pb",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Mode::Default => "default mode",
            Mode::Retain => "--retain_options",
            Mode::SourceInfo => "--include_source_info",
        }
    }
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/parity")
}

/// The fixtures (top-level `.proto` files; `dep/` only holds imports).
fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .expect("fixtures/parity exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.ends_with(".proto").then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// Our descriptor set for `name` in `mode`, or the diagnostics.
fn ours(name: &str, mode: Mode) -> Result<Vec<u8>, String> {
    let dir = fixture_dir();
    let opts = CompileOptions {
        roots: vec![dir.clone()],
        builtin_wkt: true,
        include_imports: true,
        include_source_info: matches!(mode, Mode::SourceInfo),
        retain_options: matches!(mode, Mode::Retain),
    };
    let input = dir.join(name).to_string_lossy().into_owned();
    let c = compile(std::slice::from_ref(&input), &opts);
    if c.has_errors() {
        let msgs: Vec<String> = c
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect();
        return Err(msgs.join("\n"));
    }
    let whole = c.descriptor_set();
    // What `protoforge compile -o` writes: the same bytes, a batch of files
    // at a time.
    let mut streamed = Vec::new();
    c.write_descriptor_set(&mut streamed)
        .expect("writing to a Vec cannot fail");
    assert_eq!(streamed, whole, "streamed set differs for {name}");
    // What the command line's compilation gives (source locations kept in
    // wire form from lowering on): the same bytes again.
    let (exiting, _) = compile_then_exit(&[input], &opts);
    let mut written = Vec::new();
    exiting
        .write_descriptor_set(&mut written)
        .expect("writing to a Vec cannot fail");
    assert_eq!(written, whole, "the exiting compilation differs for {name}");
    Ok(whole)
}

/// The `FileDescriptorProto` records of a descriptor set, as raw bytes.
fn split_set(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    fn varint(b: &[u8], at: &mut usize) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *b.get(*at)?;
            *at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if varint(bytes, &mut at)? != 0x0a {
            return None;
        }
        let len = usize::try_from(varint(bytes, &mut at)?).ok()?;
        out.push(bytes.get(at..at.checked_add(len)?)?);
        at += len;
    }
    Some(out)
}

/// Whether `name` is served by our built-in well-known types in the test.
fn is_builtin(name: &str) -> bool {
    name.starts_with("google/protobuf/")
}

/// Compares two descriptor sets file by file. With source info, the
/// built-in well-known types are compared without it: they are our own
/// text, not protoc's copies, so only their descriptors can match.
fn compare(expected: &[u8], actual: &[u8], mode: Mode) -> Result<(), String> {
    if expected == actual {
        return Ok(());
    }
    let (Some(e), Some(a)) = (split_set(expected), split_set(actual)) else {
        return Err("not a descriptor set".into());
    };
    let decode_file = |b: &[u8]| {
        let mut wrapped = vec![0x0a];
        let mut n = b.len();
        while n >= 0x80 {
            wrapped.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        wrapped.push(n as u8);
        wrapped.extend_from_slice(b);
        decode::<FileDescriptorSet>(&wrapped)
            .ok()
            .and_then(|s| s.file.into_iter().next())
    };
    let (Some(de), Some(da)) = (
        e.iter().map(|b| decode_file(b)).collect::<Option<Vec<_>>>(),
        a.iter().map(|b| decode_file(b)).collect::<Option<Vec<_>>>(),
    ) else {
        return Err("cannot decode the descriptor sets".into());
    };
    let names = |s: &[FileDescriptorProto]| -> Vec<String> {
        s.iter()
            .map(|f| f.name.clone().unwrap_or_default())
            .collect()
    };
    if names(&de) != names(&da) {
        return Err(format!(
            "different files: expected {:?}, actual {:?}",
            names(&de),
            names(&da)
        ));
    }
    for ((be, ba), (fe, fa)) in e.iter().zip(&a).zip(de.iter().zip(&da)) {
        let name = fe.name.as_deref().unwrap_or("");
        let (same, fe, fa) = if matches!(mode, Mode::SourceInfo) && is_builtin(name) {
            let (mut fe, mut fa) = (fe.clone(), fa.clone());
            fe.source_code_info = None;
            fa.source_code_info = None;
            (encode_to_vec(&fe) == encode_to_vec(&fa), fe, fa)
        } else {
            (be == ba, fe.clone(), fa.clone())
        };
        if !same {
            return Err(explain_file(be, ba, &fe, &fa));
        }
    }
    Ok(())
}

/// A readable account of how one file differs: a line diff of `{:#?}`
/// dumps, or the first differing byte when the dumps agree.
fn explain_file(
    be: &[u8],
    ba: &[u8],
    fe: &FileDescriptorProto,
    fa: &FileDescriptorProto,
) -> String {
    let name = fe.name.as_deref().unwrap_or("");
    let (de, da) = (dump(fe), dump(fa));
    if de != da {
        return format!("file {name:?} differs:\n{}", line_diff(&de, &da));
    }
    let at = be
        .iter()
        .zip(ba)
        .position(|(x, y)| x != y)
        .unwrap_or(be.len().min(ba.len()));
    format!(
        "file {name:?}: same content, bytes differ at offset {at} (lengths {} and {})",
        be.len(),
        ba.len()
    )
}

fn dump(f: &FileDescriptorProto) -> Vec<String> {
    format!("{f:#?}").lines().map(String::from).collect()
}

/// Lines of `a` and `b` around the first difference.
fn line_diff(a: &[String], b: &[String]) -> String {
    let first = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = first.saturating_sub(8);
    let mut out = String::new();
    for l in &a[from..first] {
        out.push_str(&format!("  {l}\n"));
    }
    for l in a.iter().skip(first).take(12) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in b.iter().skip(first).take(12) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}

#[test]
fn fixtures_have_goldens() {
    let names = fixtures();
    assert!(
        names.len() >= 9,
        "expected the parity fixtures, found {names:?}"
    );
    for name in &names {
        let stem = name.trim_end_matches(".proto");
        for mode in Mode::ALL {
            let golden = fixture_dir().join(format!("{stem}.{}", mode.suffix()));
            assert!(golden.exists(), "missing golden {}", golden.display());
        }
    }
}

#[test]
fn parity_fixtures_match_protoc_goldens() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for name in fixtures() {
        let stem = name.trim_end_matches(".proto");
        for mode in Mode::ALL {
            let golden = fixture_dir().join(format!("{stem}.{}", mode.suffix()));
            let Ok(expected) = std::fs::read(&golden) else {
                continue;
            };
            checked += 1;
            if let Err(msg) = ours(&name, mode).and_then(|a| compare(&expected, &a, mode)) {
                failures.push(format!(
                    "{name} ({}) against {}:\n{msg}",
                    mode.flag(),
                    golden.display()
                ));
            }
        }
    }
    assert!(checked > 0, "no goldens found");
    assert!(
        failures.is_empty(),
        "{} of {checked} comparisons failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The comparison itself must be able to fail: a golden compared with the
/// output of another mode differs wherever the modes differ.
#[test]
fn modes_are_distinguished() {
    let ours_default = ours("custom_options.proto", Mode::Default).expect("compiles");
    let retained = std::fs::read(fixture_dir().join("custom_options.retain.pb")).expect("golden");
    let why = compare(&retained, &ours_default, Mode::Retain).expect_err("modes differ");
    assert!(why.contains("differs"), "{why}");
    // A one-byte change in a fixture's own file is caught too.
    let mut tampered = ours("names.proto", Mode::Default).expect("compiles");
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let golden = std::fs::read(fixture_dir().join("names.pb")).expect("golden");
    assert!(compare(&golden, &tampered, Mode::Default).is_err());
}
