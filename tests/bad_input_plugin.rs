//! Plugin I/O with bad data, both ways:
//!
//! * protoforge running a plugin that answers with unsafe file names
//!   (`..`, absolute paths, directories), garbage, a truncated or lying
//!   response: same outcome as protoc 35.1 with the same plugin (exit
//!   status, and the files written when it succeeds), nothing written
//!   outside the output directory, nothing at all on failure, no panic;
//! * protoc-gen-forge reading garbage, truncated or hostile requests:
//!   an error, never a panic.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use protoforge::descriptor::compiler::{code_generator_response, CodeGeneratorResponse};
use protoforge::descriptor::encode_to_vec;

const PROTOFORGE: &str = env!("CARGO_BIN_EXE_protoforge");
const PLUGIN: &str = env!("CARGO_BIN_EXE_protoc-gen-forge");

fn protoc_available() -> bool {
    Command::new("python3")
        .args(["-m", "grpc_tools.protoc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A plugin that ignores its request and answers with the bytes in
/// `answer` (next to the script).
fn fake_plugin(dir: &Path, answer: &[u8]) -> PathBuf {
    let script = dir.join("protoc-gen-fake");
    fs::write(dir.join("answer.bin"), answer).unwrap();
    fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat > /dev/null\ncat '{}'\n",
            dir.join("answer.bin").display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

struct Run {
    output: Output,
    /// Files in the scratch directory afterwards, outside the input.
    written: Vec<String>,
}

/// Runs `compiler` (protoforge's compile command or protoc) with the fake
/// plugin answering `answer`, in a fresh directory laid out as
/// `work/{in/a.proto, out/}`.
fn run_with(protoc: bool, answer: &[u8]) -> Run {
    let d = tempfile::tempdir().unwrap();
    let work = d.path().join("work");
    fs::create_dir_all(work.join("in")).unwrap();
    fs::create_dir_all(work.join("out/sub")).unwrap();
    fs::write(
        work.join("in/a.proto"),
        "syntax = \"proto3\";\nmessage A { int32 x = 1; }\n",
    )
    .unwrap();
    let plugin = fake_plugin(d.path(), answer);
    let plugin_arg = format!("--plugin=protoc-gen-fake={}", plugin.display());
    let args = ["-Iin", &plugin_arg, "--fake_out=out/sub", "a.proto"];
    let output = if protoc {
        Command::new("python3")
            .current_dir(&work)
            .args(["-m", "grpc_tools.protoc"])
            .args(args)
            .output()
            .unwrap()
    } else {
        Command::new(PROTOFORGE)
            .current_dir(&work)
            .arg("compile")
            .args(args)
            .output()
            .unwrap()
    };
    let written = tree(&work)
        .into_iter()
        .filter(|p| p != "in/a.proto")
        .collect();
    Run { output, written }
}

fn response(files: &[(&str, &str)]) -> Vec<u8> {
    encode_to_vec(&CodeGeneratorResponse {
        file: files
            .iter()
            .map(|(n, c)| code_generator_response::File {
                name: Some(n.to_string()),
                content: Some(c.to_string()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    })
}

/// protoforge and protoc agree on `answer`: exit status and files written.
fn same_as_protoc(what: &str, answer: &[u8]) {
    let ours = run_with(false, answer);
    let err = String::from_utf8_lossy(&ours.output.stderr).into_owned();
    assert!(!err.contains("panicked"), "{what}: {err}");
    for w in &ours.written {
        assert!(
            w.starts_with("out/sub/"),
            "{what}: wrote {w} outside the output directory"
        );
    }
    if !protoc_available() {
        eprintln!("protoc not installed: {what} checked for safety only");
        return;
    }
    let theirs = run_with(true, answer);
    assert_eq!(
        ours.output.status.success(),
        theirs.output.status.success(),
        "{what}: exit status; ours:\n{err}\nprotoc's:\n{}",
        String::from_utf8_lossy(&theirs.output.stderr)
    );
    if theirs.output.status.success() {
        assert_eq!(ours.written, theirs.written, "{what}: files written");
    } else {
        // protoc may have written some files before it found the problem;
        // we check everything first and write nothing.
        assert!(
            ours.written.is_empty(),
            "{what}: wrote {:?} and failed",
            ours.written
        );
    }
}

#[test]
fn unsafe_file_names_from_a_plugin() {
    for name in [
        "../escape.txt",
        "sub/../../escape.txt",
        "..",
        "/tmp/absolute-protoforge-test.txt",
        "./dot.txt",
        "a//b.txt",
        "dir/",
        "",
        "a..b.txt",
    ] {
        same_as_protoc(name, &response(&[("ok.txt", "fine\n"), (name, "x\n")]));
    }
    assert!(!Path::new("/tmp/absolute-protoforge-test.txt").exists());
}

#[test]
fn malformed_responses_from_a_plugin() {
    let good = response(&[("a.txt", "a\n"), ("b/c.txt", "c\n")]);
    same_as_protoc("good", &good);
    same_as_protoc("empty", b"");
    same_as_protoc("garbage", b"\xff\xff\xff\xff\x0f");
    same_as_protoc("truncated", &good[..good.len() / 2]);
    // Field 15 claiming an exabyte.
    same_as_protoc("huge length", b"\x7a\xff\xff\xff\xff\xff\xff\xff\x7f");
    // The same file twice.
    same_as_protoc("twice", &response(&[("a.txt", "1"), ("a.txt", "2")]));
}

#[test]
fn protoc_gen_forge_refuses_bad_requests() {
    let run = |input: &[u8]| -> Output {
        let mut child = Command::new(PLUGIN)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        out
    };
    for (what, input) in [
        ("garbage", &b"\xff\xff\xff\xff\x0f"[..]),
        ("truncated", b"\x0a\x10a.proto"),
        ("huge length", b"\x7a\xff\xff\xff\xff\xff\xff\xff\x7f"),
        ("end group", b"\x0c"),
    ] {
        let o = run(input);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert_eq!(o.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("not a CodeGeneratorRequest"), "{what}: {err}");
    }
    // Well-formed but inconsistent: a file to generate that is not in the
    // request, types that do not exist. An error in the response, exit 0.
    let req = protoforge::descriptor::compiler::CodeGeneratorRequest {
        file_to_generate: vec!["missing.proto".into()],
        proto_file: vec![protoforge::descriptor::FileDescriptorProto {
            name: Some("x.proto".into()),
            message_type: vec![protoforge::descriptor::DescriptorProto {
                name: Some("M".into()),
                field: vec![protoforge::descriptor::FieldDescriptorProto {
                    name: Some("f".into()),
                    number: Some(1),
                    type_name: Some(".nowhere.T".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let o = run(&encode_to_vec(&req));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.status.success(), "{err}");
    let resp: CodeGeneratorResponse = protoforge::descriptor::decode(&o.stdout).unwrap();
    assert!(
        resp.error.is_some(),
        "no error for a file that is not there"
    );
}
