//! Our service modules equal tonic-prost-build 0.14's for the same
//! descriptors and settings: every `<snake>_client` / `<snake>_server`
//! module of every generated file, both pretty-printed by the same
//! formatter, doc comments aside (ours are made safe for rustdoc), and
//! `#[allow(non_camel_case_types)]` lines aside (see service.rs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn out_dir() -> PathBuf {
    PathBuf::from(env!("OUT_DIR"))
}

/// Service modules of a generated file, in order: (name, text without
/// doc lines).
fn service_modules(text: &str) -> Vec<(String, String)> {
    let file: syn::File = syn::parse_str(text).expect("generated file parses");
    let mut out = Vec::new();
    for item in file.items {
        if let syn::Item::Mod(m) = &item {
            let name = m.ident.to_string();
            if name.ends_with("_client") || name.ends_with("_server") {
                let one = syn::File {
                    shebang: None,
                    attrs: Vec::new(),
                    items: vec![item.clone()],
                };
                let pretty = prettyplease::unparse(&one);
                let kept: Vec<&str> = pretty
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("///"))
                    // We also allow the lint on `<method>Stream` types of
                    // snake_case RPCs; tonic-build leaves it to warn.
                    .filter(|l| l.trim() != "#[allow(non_camel_case_types)]")
                    .collect();
                out.push((name, kept.join("\n")));
            }
        }
    }
    out
}

fn rs_files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs") && !p.ends_with("mod.rs"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn service_modules_match_tonic_prost_build() {
    let variants = std::fs::read_to_string(out_dir().join("variants.txt")).unwrap();
    let mut compared = 0;
    for v in variants.lines() {
        let ours = rs_files(&out_dir().join("ours").join(v));
        let theirs = rs_files(&out_dir().join("tonic").join(v));
        for (name, text) in &theirs {
            let want = service_modules(text);
            let got = match ours.get(name) {
                Some(t) => service_modules(t),
                None => {
                    assert!(
                        want.is_empty(),
                        "{v}/{name}: tonic has services, we have no file"
                    );
                    continue;
                }
            };
            let names = |m: &[(String, String)]| m.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
            assert_eq!(names(&got), names(&want), "{v}/{name}: module list");
            for ((m, g), (_, w)) in got.iter().zip(&want) {
                if g != w {
                    let line = g
                        .lines()
                        .zip(w.lines())
                        .position(|(a, b)| a != b)
                        .unwrap_or(0);
                    panic!(
                        "{v}/{name}: {m} differs from tonic-prost-build at line {}:\n ours: {:?}\n tonic: {:?}",
                        line + 1,
                        g.lines().nth(line),
                        w.lines().nth(line)
                    );
                }
                compared += 1;
            }
        }
    }
    println!("{compared} service modules equal tonic-prost-build's");
    assert!(compared >= 20, "only {compared} modules compared");
}
