//! protoforge as a protoc plugin driver and as a protoc plugin.
//!
//! * Every case of `fixtures/plugin/cases.txt` is replayed with
//!   `protoforge compile` and compared with what protoc 35.1 did
//!   (`fixtures/plugin/golden/`, recorded by `scripts/plugin-regen.sh`):
//!   exit status, stderr and written files, and for capture cases the
//!   exact bytes of the `CodeGeneratorRequest`. Where protoc fails after
//!   writing some directories, protoforge writes nothing at all; so for
//!   failing cases only "nothing written" is checked.
//! * `protoc-gen-forge`, driven by protoforge, writes the same files as
//!   `--rust_out`, and reports bad parameters and bad input as protoc
//!   expects.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("fixtures/plugin")
}

/// The scratch layout of scripts/plugin-regen.sh: bin/NAME.sh links to
/// the responder, out/ is empty.
fn setup(dir: &Path) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let responder = fixtures().join("responder.sh");
    let mut names: Vec<String> = std::fs::read_dir(fixtures().join("responses"))
        .unwrap()
        .filter_map(|e| {
            let n = e.ok()?.file_name().into_string().ok()?;
            n.strip_suffix(".bin").map(str::to_string)
        })
        .collect();
    names.extend(["crash".into(), "signal".into(), "protoc-gen-files".into()]);
    for n in names {
        std::os::unix::fs::symlink(&responder, bin.join(format!("{n}.sh"))).unwrap();
    }
}

/// Files under `dir/out`, as the regen script lists them.
fn files_manifest(dir: &Path) -> String {
    fn walk(base: &Path, rel: &str, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(base.join(rel)) else {
            return;
        };
        for e in rd.flatten() {
            let name = format!("{rel}/{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(base, &name, out);
            } else {
                out.push(name);
            }
        }
    }
    let mut names = Vec::new();
    walk(dir, "out", &mut names);
    names.sort();
    let mut s = String::new();
    for n in names {
        s.push_str(&format!("== {n}\n"));
        s.push_str(&String::from_utf8_lossy(
            &std::fs::read(dir.join(&n)).unwrap(),
        ));
        s.push('\n');
    }
    s
}

struct Golden {
    status: i32,
    stderr: String,
    files: String,
}

fn parse_golden(text: &str) -> Golden {
    let (head, rest) = text.split_once("\n--- stderr\n").expect("stderr section");
    let (stderr, files) = rest.split_once("--- files\n").expect("files section");
    Golden {
        status: head
            .strip_prefix("status ")
            .unwrap()
            .trim()
            .parse()
            .unwrap(),
        stderr: stderr.to_string(),
        files: files.to_string(),
    }
}

fn cases() -> Vec<(String, bool, Vec<String>)> {
    std::fs::read_to_string(fixtures().join("cases.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut w = l.split_whitespace();
            let name = w.next().unwrap().to_string();
            let capture = w.next().unwrap() == "yes";
            (name, capture, w.map(str::to_string).collect())
        })
        .collect()
}

#[test]
fn plugin_driver_matches_protoc() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 30, "cases.txt has {} cases", all.len());
    for (name, capture, args) in &all {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        setup(dir);
        let request = dir.join("request.pb");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_protoforge"));
        cmd.current_dir(dir)
            .arg("compile")
            .arg(format!("-I{}", fixtures().join("proto").display()))
            .arg(format!("-I{}", root().join("src/load/wkt").display()))
            .args(args)
            .env_remove("PLUGIN_RESPONSES");
        if *capture {
            cmd.env("PLUGIN_CAPTURE", &request);
        } else {
            cmd.env_remove("PLUGIN_CAPTURE");
        }
        let out = cmd.output().unwrap();
        let golden = parse_golden(
            &std::fs::read_to_string(fixtures().join(format!("golden/{name}.txt"))).unwrap(),
        );
        let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if !stderr.is_empty() && !stderr.ends_with('\n') {
            stderr.push('\n');
        }
        let status = out.status.code().unwrap_or(-1);
        if status != golden.status {
            failures.push(format!("{name}: status {status}, protoc {}", golden.status));
        }
        if stderr != golden.stderr {
            failures.push(format!(
                "{name}: stderr differs\n--- protoforge\n{stderr}--- protoc\n{}",
                golden.stderr
            ));
        }
        let files = files_manifest(dir);
        if golden.status == 0 {
            if files != golden.files {
                failures.push(format!(
                    "{name}: files differ\n--- protoforge\n{files}--- protoc\n{}",
                    golden.files
                ));
            }
        } else if !files.is_empty() {
            failures.push(format!("{name}: failed but wrote\n{files}"));
        }
        if *capture {
            let want = std::fs::read(fixtures().join(format!("golden/{name}.request.pb"))).unwrap();
            match std::fs::read(&request) {
                Ok(got) if got == want => {}
                Ok(got) => failures.push(format!(
                    "{name}: request differs ({} bytes, protoc {} bytes)",
                    got.len(),
                    want.len()
                )),
                Err(e) => failures.push(format!("{name}: no request captured: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn forge() -> &'static str {
    env!("CARGO_BIN_EXE_protoc-gen-forge")
}

fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The plugin (run through protoforge's driver, which sends what protoc
/// sends) and the built-in backend write identical files.
#[test]
fn protoc_gen_forge_matches_rust_out() {
    let sets: [(&str, &[&str], &[&str]); 3] = [
        (
            "fixtures/plugin/proto",
            &["p3.proto", "p2.proto", "e2023.proto", "e2024.proto"],
            &[],
        ),
        (
            "fixtures/plugin/proto",
            &["p3.proto", "e2024.proto"],
            &["btree_map=.", "bytes=.", "enable_type_names"],
        ),
        (
            "fixtures/rust",
            &[
                "rustfix/scalars.proto",
                "rustfix/type/keywords.proto",
                "rustfix/nopkg.proto",
            ],
            &["enable_type_names"],
        ),
    ];
    for (include, inputs, opts) in sets {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("plugin");
        let b = tmp.path().join("builtin");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_protoforge"));
        cmd.current_dir(root().join(include))
            .args(["compile", "-I", "."])
            .arg(format!("--plugin=protoc-gen-forge={}", forge()))
            .arg(format!("--forge_out={}", a.display()))
            .arg(format!("--rust_out={}", b.display()));
        for o in opts {
            cmd.arg(format!("--forge_opt={o}"));
            cmd.arg(format!("--rust_opt={o}"));
        }
        let out = cmd.args(inputs).output().unwrap();
        assert!(
            out.status.success(),
            "{include}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (ta, tb) = (read_tree(&a), read_tree(&b));
        assert!(ta.len() >= 2, "{include}: {ta:?}");
        assert_eq!(
            ta.iter().map(|f| &f.0).collect::<Vec<_>>(),
            tb.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        for (fa, fb) in ta.iter().zip(&tb) {
            assert!(fa.1 == fb.1, "{include}: {} differs", fa.0);
        }
    }
}

#[test]
fn protoc_gen_forge_reports_errors_in_the_response() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_protoforge"))
        .current_dir(fixtures().join("proto"))
        .args(["compile", "-I", "."])
        .arg(format!("--plugin=protoc-gen-forge={}", forge()))
        .arg(format!(
            "--forge_out=no_such_option,btree_map:{}",
            tmp.path().display()
        ))
        .arg("p3.proto")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("--forge_out: ") && stderr.contains("no_such_option"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn protoc_gen_forge_rejects_unreadable_input() {
    use std::io::Write;
    for input in [&b"\xff\xff\xff"[..], b"\x0a\x05ab"] {
        let mut child = Command::new(forge())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a CodeGeneratorRequest"), "{err}");
    }
}

#[test]
fn protoc_gen_forge_answers_an_empty_request() {
    use protoforge::descriptor::compiler::CodeGeneratorResponse;
    let out = Command::new(forge())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let resp: CodeGeneratorResponse = protoforge::descriptor::decode(&out.stdout).unwrap();
    assert_eq!(resp.error, None);
    assert_eq!(resp.supported_features, Some(3));
    assert_eq!(resp.minimum_edition, Some(998));
    assert_eq!(resp.maximum_edition, Some(1001));
}
