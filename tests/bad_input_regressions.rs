//! Every input the fuzzers ever crashed on, replayed through the same
//! harness (`fuzz/src/harness.rs`): `fuzz/regressions/<target>/*`. Plus
//! hand-made malformed protobuf messages for the decoders: truncated,
//! lying about lengths, nested past the recursion limit.

#[path = "../fuzz/src/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::path::Path;

use protoforge::descriptor::compiler::{CodeGeneratorRequest, CodeGeneratorResponse};
use protoforge::descriptor::{decode, encode_to_vec, DescriptorProto, FileDescriptorSet};

type Harness = fn(&[u8]);

const TARGETS: &[(&str, Harness)] = &[
    ("lexer", harness::lexer),
    ("parser", harness::parser),
    ("compile", harness::compile),
    ("plugin_request", harness::plugin_request),
    ("breaking", harness::breaking),
];

fn replay(target: &str, run: Harness) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in &paths {
        let data = std::fs::read(p).unwrap();
        eprintln!("{target}: {}", p.display());
        run(&data);
    }
    paths.len()
}

#[test]
fn fuzz_regressions() {
    // Deep recursion in debug builds needs more than the test threads'
    // default stack; the command line's main thread has 8 MiB.
    let child = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| {
            let mut n = 0;
            for (target, run) in TARGETS {
                n += replay(target, *run);
            }
            n
        })
        .unwrap();
    let n = child.join().expect("a regression input panicked");
    eprintln!("{n} regression inputs replayed");
}

#[test]
fn the_harnesses_accept_trivial_inputs() {
    for (_, run) in TARGETS {
        run(b"");
        run(b"syntax = \"proto3\"; message A { int32 x = 1; }");
        run(b"\xff\xfe\x00");
    }
}

/// Every single-file fixture through the compile harness, once with each
/// length parity: the odd one takes the command line's early lowering,
/// where locations kept in wire form must encode as the structs do.
#[test]
fn the_compile_harness_takes_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut stack = vec![root];
    let mut n = 0;
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "proto") {
                let mut data = std::fs::read(&p).unwrap();
                harness::compile(&data);
                data.push(b'\n');
                harness::compile(&data);
                n += 1;
            }
        }
    }
    assert!(n > 100, "only {n} fixtures found");
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A request as protoc would send it, for truncating and corrupting.
fn sample_request() -> Vec<u8> {
    let c = harness::compile_files(
        &[(
            "a.proto",
            "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\n\
             message A { google.protobuf.Timestamp t = 1; map<string, A> m = 2; }\n",
        )],
        &["a.proto"],
    );
    let req = CodeGeneratorRequest {
        file_to_generate: vec!["a.proto".into()],
        parameter: Some("x=1".into()),
        proto_file: c.full.expect("sample compiles"),
        ..Default::default()
    };
    encode_to_vec(&req)
}

#[test]
fn truncated_requests_are_errors() {
    let bytes = sample_request();
    let full: CodeGeneratorRequest = decode(&bytes).unwrap();
    assert_eq!(full.proto_file.len(), 2);
    let mut errors = 0;
    for cut in 0..bytes.len() {
        // Every prefix decodes to something or fails; none panics. A cut
        // inside a length-delimited field must fail.
        if decode::<CodeGeneratorRequest>(&bytes[..cut]).is_err() {
            errors += 1;
        }
        harness::plugin_request(&bytes[..cut]);
    }
    assert!(
        errors > bytes.len() / 2,
        "only {errors} of {} prefixes rejected",
        bytes.len()
    );
}

#[test]
fn lengths_past_the_end_are_errors_not_allocations() {
    for len in [1u64, 1 << 20, 1 << 31, u32::MAX as u64, 1 << 62, u64::MAX] {
        // field 15 (proto_file), length-delimited, claiming `len` bytes.
        let mut b = vec![0x7a];
        varint(len, &mut b);
        b.extend_from_slice(b"\x0a\x01a");
        assert!(decode::<CodeGeneratorRequest>(&b).is_err(), "len {len}");
        assert!(decode::<CodeGeneratorResponse>(&b).is_err(), "len {len}");
        assert!(decode::<FileDescriptorSet>(&b).is_err(), "len {len}");
    }
    // A varint that never ends, and one eleven bytes long.
    assert!(decode::<CodeGeneratorRequest>(&[0x08, 0xff, 0xff, 0xff]).is_err());
    assert!(decode::<CodeGeneratorRequest>(&[
        0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
    ])
    .is_err());
    // Field number zero, and the end-group wire types out of place.
    assert!(decode::<CodeGeneratorRequest>(&[0x00, 0x00]).is_err());
    assert!(decode::<CodeGeneratorRequest>(&[0x0c]).is_err());
}

#[test]
fn nesting_past_the_recursion_limit_is_an_error() {
    // DescriptorProto.nested_type (field 3), 10,000 deep.
    let mut msg = Vec::new();
    for _ in 0..10_000 {
        let mut outer = vec![0x1a];
        varint(msg.len() as u64, &mut outer);
        outer.extend_from_slice(&msg);
        msg = outer;
    }
    let r = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || decode::<DescriptorProto>(&msg).is_err())
        .unwrap()
        .join()
        .expect("decoding overflowed the stack");
    assert!(r, "10,000 nested messages decoded");
    // Unknown groups nested 10,000 deep (start-group tags of field 1000).
    let mut b = Vec::new();
    for _ in 0..10_000 {
        varint((1000 << 3) | 3, &mut b);
    }
    let r = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || decode::<CodeGeneratorRequest>(&b).is_err())
        .unwrap()
        .join()
        .expect("skipping groups overflowed the stack");
    assert!(r);
}

#[test]
fn a_huge_request_decodes_in_bounded_memory() {
    // 200,000 files in one request: decodes, and the re-encoding is the
    // same size (nothing is duplicated or lost).
    let mut b = Vec::new();
    for i in 0..200_000u32 {
        let name = format!("f{i}.proto");
        let mut fd = vec![0x0a];
        varint(name.len() as u64, &mut fd);
        fd.extend_from_slice(name.as_bytes());
        b.push(0x7a);
        varint(fd.len() as u64, &mut b);
        b.extend_from_slice(&fd);
    }
    let req: CodeGeneratorRequest = decode(&b).unwrap();
    assert_eq!(req.proto_file.len(), 200_000);
    assert_eq!(encode_to_vec(&req).len(), b.len());
}
