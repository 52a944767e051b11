//! Determinism, quickly: our own fixtures compiled in separate processes
//! (so hash seeds differ) with 1 and 4 rayon threads give identical
//! descriptor sets and identical generated Rust. `scripts/determinism.sh`
//! does the same on the googleapis main set.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_protoforge");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every file under `dir`, relative path and content, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The `.proto` files of `fixtures/rust/rustfix` (which compile together),
/// relative to `root`, `fixtures/rust`.
fn inputs(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = tree(&root.join("rustfix"))
        .into_iter()
        .map(|(n, _)| format!("rustfix/{n}"))
        .filter(|n| n.ends_with(".proto"))
        .collect();
    v.sort();
    v
}

fn compile(threads: usize, root: &Path, files: &[String], extra: &[&str]) -> std::process::Output {
    Command::new(EXE)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .current_dir(root)
        .args(["compile", "-I."])
        .args(extra)
        .args(files)
        .output()
        .unwrap()
}

#[test]
fn descriptor_sets_do_not_depend_on_threads_or_runs() {
    let root = fixtures().join("rust");
    let files = inputs(&root);
    assert!(
        files.len() > 3,
        "fixtures/rust/rustfix has {} files",
        files.len()
    );
    let d = tempfile::tempdir().unwrap();
    for mode in [&[][..], &["--include_source_info"], &["--retain_options"]] {
        let mut sets = Vec::new();
        for (i, threads) in [1, 4, 1, 4].into_iter().enumerate() {
            let out = d.path().join(format!("set{i}.pb"));
            let o_arg = format!("-o{}", out.display());
            let mut args = vec!["--include_imports", o_arg.as_str()];
            args.extend(mode.iter().copied());
            let o = compile(threads, &root, &files, &args);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            sets.push(fs::read(&out).unwrap());
        }
        assert!(sets.len() == 4 && !sets[0].is_empty());
        for s in &sets[1..] {
            assert!(
                *s == sets[0],
                "descriptor set {mode:?} differs between runs"
            );
        }
    }
}

#[test]
fn generated_rust_does_not_depend_on_threads_or_runs() {
    let root = fixtures().join("rust");
    let files = inputs(&root);
    let d = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    for (i, threads) in [1, 4, 4].into_iter().enumerate() {
        let out = d.path().join(format!("rust{i}"));
        fs::create_dir(&out).unwrap();
        let arg = format!("--rust_out={}", out.display());
        let o = compile(threads, &root, &files, &[arg.as_str()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        trees.push(tree(&out));
    }
    assert!(!trees[0].is_empty(), "no Rust generated");
    for t in &trees[1..] {
        assert!(*t == trees[0], "generated Rust differs between runs");
    }
}
